"""Comments on items through the console, /comments with its six-month window and pages,
and `add_comment` as the platform adapters will call it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from domain.clock import FrozenClock
from domain.comments import IN_BOT, clean_comment
from domain.lifecycle import PurchaseStatus
from handlers.buyer.catalog import StartComment
from handlers.buyer.comments import CommentItem
from storage.models import Comment, User
from storage.uow import UnitOfWork
from tests.support.drivers import ConsoleSession, press
from tests.support.shops import seed_shop


async def comments_in_db(app: App) -> list[Comment]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(Comment).order_by(Comment.id)))


def test_comment_text_rules() -> None:
    assert clean_comment("  Есть 44?  ") == "Есть 44?"
    assert clean_comment("строка 1\r\nстрока 2") == "строка 1\nстрока 2"
    assert clean_comment("") is None and clean_comment("   ") is None
    assert clean_comment("a" * 1000) is not None and clean_comment("a" * 1001) is None
    assert clean_comment("bell\x07") is None


async def test_comment_on_an_item(app: App, console: ConsoleSession, clock: FrozenClock) -> None:
    shop = await seed_shop(app)
    out = await console.say(f"/start p_{shop.purchase_id}", "#2")
    assert "К какому товару «Детская одежда» комментарий?" in out
    assert "[#3 3. Платье" in out
    out = await console.say("9")
    assert "Товара с таким номером или названием нет. Напишите номер от 1 до 3" in out
    out = await console.say("3")
    assert "Напишите комментарий к «Платье» («Детская одежда»)" in out

    out = await console.say(":photo")
    assert "Комментарий пустой — напишите его текстом." in out
    out = await console.say("я" * 1001)
    assert "от 1 до 1\u00a0000 символов (сейчас 1\u00a0001)" in out
    out = await console.say("Есть ли 44 в синем?")
    assert "Комментарий к «Платье» сохранён." in out and "[#1 💬 Мои комментарии]" in out

    [comment] = await comments_in_db(app)
    assert comment.text == "Есть ли 44 в синем?" and comment.source == IN_BOT
    assert comment.item_id == shop.item_ids[2] and comment.purchase_id == shop.purchase_id
    assert comment.external_id is None and comment.created_at == clock.now()

    out = await console.say("#1")
    assert "Ваши комментарии за последние полгода (1):" in out
    assert "💬 23.11.2026 · «Детская одежда» — Платье" in out and "Есть ли 44 в синем?" in out

    # Comments are possible after the stop too (questions about delivery, quality ...).
    await console.say("/cancel")
    stopped = await seed_shop(app, title="Стоп", status=PurchaseStatus.STOPPED)
    out = await console.say(f"/start p_{stopped.purchase_id}")
    assert "[#1 💬 Комментировать]" in out
    out = await console.say("#1", "#2", "Когда выдача?")
    assert "Комментарий к «Носки» сохранён." in out


async def test_six_month_window_and_pages(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    out = await console.say("/comments")
    assert "За последние полгода у вас нет комментариев." in out

    # No stop date: 200 days on, the card still has its Order button, Comment stays #2.
    shop = await seed_shop(app, stop_at=None)
    await console.say(f"/start p_{shop.purchase_id}", "#2", "1", "Старый вопрос")
    clock.advance(days=200)
    for number in range(1, 7):
        await console.say(f"/start p_{shop.purchase_id}", "#2", "2", f"Вопрос {number}")
        clock.advance(minutes=1)

    out = await console.say("/comments")
    assert "Ваши комментарии за последние полгода (6), страница 1 из 2:" in out
    assert "Старый вопрос" not in out
    assert out.index("Вопрос 6") < out.index("Вопрос 2")  # newest first
    assert "Вопрос 1" not in out and "[#1 Дальше ▶]" in out
    out = await console.say("#1")
    assert "страница 2 из 2" in out and "Вопрос 1" in out and "[#1 ◀ Назад]" in out

    # Someone else's comments are never shown.
    out = await console.say(":as buyer2", "/comments")
    assert "нет комментариев" in out


async def test_forged_comment_buttons(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    other = await seed_shop(app, title="Другая")
    draft = await seed_shop(app, title="Черновик", status=PurchaseStatus.DRAFT)
    out = await press(app, "buyer", StartComment(purchase_id=draft.purchase_id))
    assert "Такой покупки нет" in out
    # An item of another purchase named together with this purchase.
    out = await press(
        app, "buyer", CommentItem(purchase_id=shop.purchase_id, item_id=other.item_ids[0])
    )
    assert "Этого товара больше нет в покупке." in out
    out = await press(
        app, "buyer", CommentItem(purchase_id=draft.purchase_id, item_id=draft.item_ids[0])
    )
    assert "Такой покупки нет" in out
    assert await comments_in_db(app) == []


async def test_add_comment_is_idempotent_for_platform_comments(
    app: App, clock: FrozenClock
) -> None:
    shop = await seed_shop(app)
    async with app.session_factory() as session, session.begin():
        user = User(platform="vk", external_id="555", name="Ира")
        session.add(user)
        await session.flush()
        repo = UnitOfWork(session).comments
        first = await repo.add_comment(
            user.id,
            shop.purchase_id,
            shop.item_ids[0],
            "2 шт, размер M",
            "vk",
            external_id="-1_77_901",
            created_at=clock.now() - timedelta(days=1),
        )
        again = await repo.add_comment(
            user.id,
            shop.purchase_id,
            shop.item_ids[0],
            "2 шт, размер M",
            "vk",
            external_id="-1_77_901",
        )
        other_source = await repo.add_comment(
            user.id,
            shop.purchase_id,
            None,
            "Когда стоп?",
            "telegram",
            external_id="-1_77_901",
            created_at=clock.now(),
        )
        assert again.id == first.id and other_source.id != first.id
        views = await repo.user_comments(
            user.id, since=clock.now() - timedelta(days=30), offset=0, limit=5
        )
        assert [(v.item_name, v.purchase_title) for v in views] == [
            (None, "Детская одежда"),
            ("Футболка", "Детская одежда"),
        ]
    async with app.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Comment)) == 2
