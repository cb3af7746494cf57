"""Buyer–organizer chat (issue 19): a thread opened from /chat, messages relayed both ways
with Reply buttons and kept as history, photos relayed with their caption moderated, the
organizer's /chats (awaiting first, with how long), and moderation: a blocked message is not
delivered, the sender is told the rule, the attempt is recorded; strikes suspend the chats
until a service admin lifts them. Item comments pass the same moderation.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.services.chat import ChatReply
from domain.clock import FrozenClock
from handlers.admin.moderation import ModerationFalse, ModerationLift
from handlers.chat import ChatOrder
from storage.models import (
    ChatMessage,
    Comment,
    Conversation,
    ModerationVerdict,
    ModerationViolation,
    User,
)
from tests.support.drivers import ConsoleSession
from tests.support.shops import add_order, seed_shop

PHONE = "Позвоните мне: +7 912 345-67-89"
URL = "Смотрите тут https://example.com"


def delivered(out: str, to: str) -> list[str]:
    """Each message the console delivered to `to` in `out`, all its lines."""
    found, current = [], None
    for line in out.splitlines():
        if line.startswith(f"📨 to {to}: "):
            current = [line.removeprefix(f"📨 to {to}: ")]
            found.append(current)
        elif current is not None and line.startswith(" "):
            current.append(line.strip())
        else:
            current = None
    return ["\n".join(message) for message in found]


async def rows(app: App, model: type) -> list:
    async with app.session_factory() as session:
        return list(await session.scalars(select(model).order_by(model.id)))


async def test_thread_relayed_both_ways_with_history(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1)])
    out = await console.say("/chat")
    assert "О каком заказе написать организатору?" in out
    assert f"№ {order.number} · Детская одежда" in out
    out = await console.press_payload(ChatOrder(order_id=order.id))
    assert f"💬 Переписка по заказу № {order.number} («Детская одежда»)" in out
    assert "с организатором СП у Анны" in out and "Сообщений пока нет." in out
    out = await console.say("Когда будет раздача?")
    assert "✅ Отправлено организатору" in out and "в течение 10 дней" in out
    # The organizer reads it with a Reply button, and never the buyer's name or id.
    assert (
        f"📨 to organizer: 💬 Заказ № {order.number} («Детская одежда») — пишет покупатель:" in out
    )
    assert "Когда будет раздача?" in out and "✍ Ответить" in out
    relayed = out[out.index("📨 to organizer") :]
    assert "Buyer" not in relayed and "buyer" not in relayed.replace("📨 to organizer", "")

    [conversation] = await rows(app, Conversation)
    assert conversation.waiting_since == clock()
    clock.advance(days=2, hours=3)
    out = await console.say(":as organizer", "/chats")
    assert "ждёт ответа 1" in out
    assert f"1. 💬 № {order.number} «Детская одежда» — ждёт ответа 2 дня" in out

    out = await console.press_payload(ChatReply(conversation_id=conversation.id))
    assert "Покупатель: Когда будет раздача?" in out
    # One word from an organizer: blocked, not delivered, recorded; the dialog stays.
    out = await console.say("Скоро")
    assert "⛔ Сообщение не отправлено: организатор отвечает покупателю развёрнуто" in out
    assert "📨 to buyer" not in out
    # Their own published address passes (the seeded pickup point's).
    out = await console.say("Раздача в пятницу, ул. Ленина, 1, с 10 до 19.")
    assert "✅ Отправлено покупателю заказа" in out
    [answer] = delivered(out, "buyer")
    assert answer.startswith(f"💬 Заказ № {order.number} («Детская одежда») — отвечает СП у Анны:")
    assert "\nРаздача в пятницу, ул. Ленина, 1, с 10 до 19.\n" in answer
    assert "organizer" not in answer

    out = await console.say(":as organizer", "/chats")
    assert "все ответы даны" in out and "ответ дан" in out
    [conversation] = await rows(app, Conversation)
    assert conversation.waiting_since is None

    messages = await rows(app, ChatMessage)
    assert [(m.verdict, m.from_organizer, m.rule) for m in messages] == [
        (ModerationVerdict.DELIVERED, False, None),
        (ModerationVerdict.BLOCKED, True, "one_word"),
        (ModerationVerdict.DELIVERED, True, None),
    ]
    [violation] = await rows(app, ModerationViolation)
    assert violation.rule == "one_word" and violation.excerpt == "Скоро"

    # History in the thread, for the buyer: their message and the answer, not the blocked one.
    out = await console.say(":as buyer", "/chat")
    out = await console.press_payload(ChatReply(conversation_id=conversation.id))
    assert "Вы: Когда будет раздача?" in out
    assert "СП у Анны: Раздача в пятницу" in out and "Скоро" not in out


async def test_photos_relayed_and_captions_moderated(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1)])
    await console.press_payload(ChatOrder(order_id=order.id))
    out = await console.say(f":photo {URL}")
    assert "⛔ Сообщение не отправлено: ссылки на другие сайты" in out
    assert "📨 to organizer" not in out
    out = await console.say(":photo Вот пятно на рукаве")
    [relayed] = delivered(out, "organizer")
    assert "\nВот пятно на рукаве\n🖼 photo" in relayed
    [conversation] = await rows(app, Conversation)
    blocked, passed = await rows(app, ChatMessage)
    assert blocked.verdict is ModerationVerdict.BLOCKED and blocked.rule == "links"
    assert passed.media_ids and passed.verdict is ModerationVerdict.DELIVERED
    # A photo without words from the organizer is not a one-word answer.
    await console.say(":as organizer")
    await console.press_payload(ChatReply(conversation_id=conversation.id))
    out = await console.say(":photo")
    [answer] = delivered(out, "buyer")
    assert "(фото без подписи)\n🖼 photo" in answer


async def test_foreign_threads_are_refused(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1)])
    await console.press_payload(ChatOrder(order_id=order.id))
    await console.say("Вопрос по размеру футболки")
    [conversation] = await rows(app, Conversation)
    # Another buyer, another organizer: neither opens it nor opens the order's chat.
    await seed_shop(app, organizer="boris", organizer_name="Борис", title="Обувь")
    for who in ("buyer2", "boris"):
        out = await console.say(f":as {who}")
        out = await console.press_payload(ChatReply(conversation_id=conversation.id))
        assert "Этой переписки среди ваших нет." in out
        out = await console.say("Привет, это я, как дела?")
        assert "📨" not in out
    out = await console.press_payload(ChatOrder(order_id=order.id))
    assert "Такого заказа среди ваших нет." in out
    # Forged ids, even beyond the database's integers: refused politely.
    for forged in ("chrep:99999999999", "chrep:999999", "chord:0"):
        out = await console.press_payload(forged)
        assert "bot:" in out and "📨" not in out and "Traceback" not in out
    out = await console.say("/chat ZZZ9")
    assert "Заказа «ZZZ9» среди ваших активных заказов нет" in out
    assert len(await rows(app, ChatMessage)) == 1


async def test_strikes_suspend_and_the_admin_lifts(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1)])
    await console.say(":as admin", "/start")
    await console.say(":as buyer")
    await console.press_payload(ChatOrder(order_id=order.id))
    out = await console.say(PHONE)
    assert "обмен контактами и личными данными" in out and "Найдено: номер телефона" in out
    out = await console.say(URL)
    assert "ссылки на другие сайты" in out and "приостановлена" not in out
    out = await console.say(PHONE)
    # The third strike (CHAT_STRIKES_BUYER=3) suspends, and the admin is told.
    assert "переписка для вас приостановлена до" in out
    assert "📨 to admin: ⛔ Переписка приостановлена до" in out and "покупатель" in out
    out = await console.say("Теперь нормальный вопрос про размер")
    assert "⛔ Переписка для вас приостановлена до" in out and "📨 to organizer" not in out
    # Item comments are refused too while suspended, and moderated at all times.
    [buyer] = [u for u in await rows(app, User) if u.external_id == "buyer"]
    assert buyer.chat_suspended_until is not None

    out = await console.say(":as admin", "/moderation")
    assert "Последние нарушения:" in out and "contacts" in out and "links" in out
    assert "Приостановлена переписка (1):" in out and "buyer (console:buyer)" in out
    violations = await rows(app, ModerationViolation)
    assert len(violations) == 3
    out = await console.press_payload(ModerationFalse(violation_id=violations[1].id))
    assert "Отмечено как ложная блокировка" in out
    out = await console.press_payload(ModerationFalse(violation_id=violations[1].id))
    assert "уже отмечено" in out
    out = await console.press_payload(ModerationLift(user_id=buyer.id))
    assert "Ограничение снято: buyer (console:buyer)" in out
    assert "📨 to buyer: ✅ Администратор сервиса снял ограничение" in out
    out = await console.press_payload(ModerationLift(user_id=buyer.id))
    assert "не приостановлена" in out

    out = await console.say(":as buyer")
    await console.press_payload(ChatOrder(order_id=order.id))
    out = await console.say("Теперь нормальный вопрос про размер")
    assert "📨 to organizer" in out
    assert [v.false_block for v in await rows(app, ModerationViolation)] == [False, True, False]


async def test_item_comments_and_replies_are_moderated(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    pid = shop.purchase_id
    out = await console.say(f"/start p_{pid}", "#2", "3", PHONE)
    assert "⛔ Сообщение не отправлено" in out and "сохранён" not in out
    out = await console.say("А на 44 есть замеры по груди?")
    assert "Комментарий к «Платье» сохранён." in out
    [comment] = await rows(app, Comment)
    [violation] = await rows(app, ModerationViolation)
    assert violation.source == "comment" and violation.conversation_id is None
    from handlers.organizer.comments import CommentReply

    await console.say(":as organizer")
    await console.press_payload(CommentReply(comment_id=comment.id))
    out = await console.say("Да")
    assert "⛔ Сообщение не отправлено" in out and "📨 to buyer" not in out
    out = await console.say("Да, грудь 88 см.")
    assert "📨 to buyer" in out


async def test_help_shows_the_new_commands_to_whom_they_apply(
    app: App, console: ConsoleSession
) -> None:
    await seed_shop(app)
    out = await console.say(":as buyer", "/help")
    assert "/chat — написать организатору о заказе" in out
    assert "/claim — претензия: брак, не тот товар, недовложение" in out
    assert "/chats" not in out and "/moderation" not in out
    out = await console.say(":as organizer", "/help")
    assert "/chats — переписка с покупателями и претензии" in out
    assert "/moderation" not in out
    out = await console.say(":as admin", "/help")
    assert "/moderation — нарушения в переписке, блокировки" in out
    # Only admins may open it.
    out = await console.say(":as buyer", "/moderation")
    assert "Нарушений" not in out and "Последние нарушения" not in out
