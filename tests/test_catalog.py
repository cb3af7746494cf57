"""The buyer's catalogue through the console: /purchases, paging, the card, deep links.

The organizer's side is set up directly in the database (`seed_shop`), so these tests do not
depend on the organizer's dialogs.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.core.events import Chat, ChatKind, EventKind
from bot.texts import Texts
from domain.lifecycle import PurchaseStatus
from handlers.buyer.catalog import PurchaseCard, StartOrder, purchase_card
from storage.models import DialogState
from storage.uow import UnitOfWork
from tests.support.drivers import ConsoleSession, console_event, press
from tests.support.shops import seed_shop
from tests.support.texts import NBSP

# --- tests ----------------------------------------------------------------------------------------


async def test_browse_open_purchases_and_open_a_card(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await seed_shop(app, title="Черновик", status=PurchaseStatus.DRAFT)
    await seed_shop(app, title="Остановленная", status=PurchaseStatus.STOPPED)

    out = await console.say("/purchases")
    assert "Открытые покупки (1), страница 1 из 1:" in out
    assert f"1. Детская одежда — СП у Анны, оргсбор 15{NBSP}%, стоп 01.12.2026" in out
    assert "Черновик" not in out and "Остановленная" not in out
    assert "[#1 1. Детская одежда]" in out

    out = await console.say("#1")
    assert "🛍 Детская одежда" in out
    assert "Организатор: СП у Анны" in out
    assert "Поставщик: Ивановский трикотаж" in out
    assert "Категория: Одежда" in out
    assert f"Оргсбор: 15{NBSP}%" in out
    assert "Стоп заказов: 01.12.2026" in out
    assert f"1. Футболка — 500{NBSP}₽ · размеры: S, M, XL" in out
    assert f"2. Носки — 120,50{NBSP}₽" in out
    assert f"3. Платье — 1{NBSP}999{NBSP}₽ · размеры: 42, 44, 46" in out
    assert "[#1 🛒 Заказать] [#2 💬 Комментировать]" in out and "[#3 ← К покупкам]" in out

    out = await console.say("#3")
    assert "Открытые покупки (1)" in out
    assert shop.purchase_id


async def test_catalog_pages_and_english(app: App, console: ConsoleSession) -> None:
    for number in range(1, 8):
        await seed_shop(app, title=f"Покупка {number}")
    out = await console.say("/lang en", "/purchases")
    assert "Open purchases (7), page 1 of 2:" in out
    # Newest first.
    assert "1. Покупка 7 by СП у Анны, fee 15%, orders until 1 Dec 2026" in out
    assert "Покупка 2" not in out and "[#6 Next ▶]" in out
    out = await console.say("#6")
    assert "page 2 of 2" in out and "6. Покупка 2" in out and "7. Покупка 1" in out
    assert "[#3 ◀ Back]" in out
    out = await console.say("#3")
    assert "page 1 of 2" in out
    # A stale or forged page number shows the last page, not an empty one.
    out = await press(app, "buyer", "bcat:99")
    assert "page 2 of 2" in out


async def test_no_open_purchases(console: ConsoleSession) -> None:
    out = await console.say("/purchases")
    assert "Сейчас нет открытых покупок." in out
    out = await console.say("покупки")
    assert "Я не понял сообщение." in out  # bare words are commands only on VK


async def test_deep_link_opens_the_card(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    draft = await seed_shop(app, title="Черновик", status=PurchaseStatus.DRAFT)
    closed = await seed_shop(app, title="Прошлая", status=PurchaseStatus.CLOSED)

    out = await console.say(f"/start p_{shop.purchase_id}")
    assert "🛍 Детская одежда" in out and "🛒 Заказать" in out

    for garbage in ("p_abc", "p_12x", "p_99999999999", "p_0", "p_-1"):
        out = await console.say(f"/start {garbage}")
        assert "Ссылка на покупку повреждена" in out or "не распознана" in out, garbage
        assert "Traceback" not in out

    out = await console.say("/start p_987654")
    assert "Такой покупки нет или она ещё не открыта." in out
    out = await console.say(f"/start p_{draft.purchase_id}")
    assert "Такой покупки нет или она ещё не открыта." in out
    assert "Черновик" not in out

    out = await console.say(f"/start p_{closed.purchase_id}")
    assert "🛍 Прошлая" in out and "Покупка завершена." in out
    assert "Заказать" not in out  # no ordering once orders are closed

    # The organizer previews their own draft.
    out = await console.say(":as organizer", f"/start p_{draft.purchase_id}")
    assert "🛍 Черновик" in out and "Черновик: покупателям пока не видна." in out


async def test_forged_card_and_order_buttons(app: App, console: ConsoleSession) -> None:
    draft = await seed_shop(app, title="Черновик", status=PurchaseStatus.DRAFT)
    stopped = await seed_shop(app, title="Стоп", status=PurchaseStatus.STOPPED)
    out = await press(app, "buyer", PurchaseCard(purchase_id=draft.purchase_id))
    assert "Такой покупки нет" in out
    out = await press(app, "buyer", StartOrder(purchase_id=draft.purchase_id))
    assert "Такой покупки нет" in out
    out = await press(app, "buyer", StartOrder(purchase_id=stopped.purchase_id))
    assert "Приём заказов в этой покупке закрыт" in out
    for raw in ("bpur:0", "bpur:-5", "bpur:abc", "bpur:99999999999", "bpur:1:2", "bbuy:"):
        out = await press(app, "buyer", raw)
        assert "Эта кнопка устарела или повреждена." in out, raw


async def test_purchase_card_is_reusable_without_buttons(app: App) -> None:
    shop = await seed_shop(app)
    async with app.session_factory() as session:
        purchase = await UnitOfWork(session).orders.visible_purchase(shop.purchase_id, viewer_id=0)
        assert purchase is not None
        reply = purchase_card(Texts().translator("en"), purchase, buttons=False)
    assert reply.buttons == []
    assert "Organizer: СП у Анны" in reply.text and f"2. Носки — 120.50{NBSP}₽" in reply.text


async def test_card_buttons_pressed_in_a_group_answer_privately_only(app: App) -> None:
    shop = await seed_shop(app)
    for payload in (
        StartOrder(purchase_id=shop.purchase_id),
        PurchaseCard(purchase_id=shop.purchase_id),
    ):
        event = console_event(
            "buyer",
            chat=Chat(external_id="-100", kind=ChatKind.GROUP),
            kind=EventKind.BUTTON,
            payload=payload.pack(),
        )
        [reply] = await app.dispatcher.feed(event)
        assert "Напишите мне в личные сообщения." in reply.text
    async with app.session_factory() as session:
        assert await session.scalar(select(DialogState)) is None
