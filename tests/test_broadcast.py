"""/broadcast through the console: choosing a purchase, the text, the preview, confirming once,
delivery to those who allow it, the organizer's report; forged buttons and double presses.

Organizers, purchases and orders are made directly with the models: their own dialogs
belong to other areas.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import select

from bot.app import App
from domain.lifecycle import OrderStatus, PurchaseStatus
from handlers.organizer.broadcast import MAX_TEXT_LENGTH, BroadcastPick, BroadcastSend
from storage.models import (
    Broadcast,
    DialogState,
    Media,
    Order,
    Organizer,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Purchase,
    User,
)
from tests.support.drivers import ConsoleSession, press_replies
from tests.support.queries import count
from tests.support.texts import ru


def shown(text: str, out: str) -> bool:
    """Whether a (multi-line) text was printed; the console indents continuation lines."""
    return all(line.strip() in out for line in text.splitlines())


@dataclass
class World:
    organizer: Organizer
    coffee: Purchase
    tea: Purchase
    foreign: Purchase
    buyers: list[User]


async def make_world(app: App) -> World:
    """organizer runs "Кофе" (4 buyers: b1, b2 muted, b3 English, b4 with two orders; b5's
    order cancelled) and "Чай" (only a cancelled order); rival runs "Сыр" with b1's order."""
    async with app.session_factory() as session, session.begin():

        def user(name: str, **flags: object) -> User:
            row = User(platform="console", external_id=name, name=name, **flags)
            session.add(row)
            return row

        owner = user("organizer")
        rival_user = user("rival")
        b1, b2, b3, b4, b5 = (
            user("b1"),
            user("b2", notifications_allowed=False),
            user("b3", language="en"),
            user("b4"),
            user("b5"),
        )
        await session.flush()
        organizer = Organizer(user_id=owner.id, name="СП Анны")
        rival = Organizer(user_id=rival_user.id, name="СП Бориса")
        session.add_all([organizer, rival])
        await session.flush()
        coffee = Purchase(organizer_id=organizer.id, title="Кофе", status=PurchaseStatus.PAYMENT)
        tea = Purchase(organizer_id=organizer.id, title="Чай", status=PurchaseStatus.OPEN)
        foreign = Purchase(organizer_id=rival.id, title="Сыр", status=PurchaseStatus.OPEN)
        session.add_all([coffee, tea, foreign])
        await session.flush()
        orders = [(coffee, b) for b in (b1, b2, b3, b4, b4)] + [(foreign, b1)]
        session.add_all(Order(purchase_id=p.id, buyer_id=b.id) for p, b in orders)
        for purchase, buyer in ((coffee, b5), (tea, b1)):
            session.add(
                Order(purchase_id=purchase.id, buyer_id=buyer.id, status=OrderStatus.CANCELLED)
            )
    return World(organizer, coffee, tea, foreign, [b1, b2, b3, b4, b5])


async def test_only_organizers_and_only_purchases_with_buyers(
    console: ConsoleSession, app: App
) -> None:
    out = await console.say("/broadcast")
    assert ru("need-organizer") in out
    world = await make_world(app)
    out = await console.say(":as rival", "/broadcast")
    assert "[#1 Сыр (1)]" in out and "Кофе" not in out
    await console.say(":as organizer")
    out = await console.say("/broadcast")
    assert ru("broadcast-choose-purchase") in out
    assert "[#1 Кофе (4)]" in out  # b4 counted once, b5's cancelled order not at all
    assert "Чай" not in out and "Сыр" not in out  # cancelled orders only; someone else's

    # Someone else's purchase, by button or by number: the same polite refusal.
    forged = BroadcastPick(purchase_id=world.foreign.id).pack()
    replies = await press_replies(app, "organizer", forged)
    assert [r.text for r in replies] == [ru("broadcast-purchase-not-found")]
    out = await console.say(f"/broadcast {world.foreign.id}", f"/broadcast {world.tea.id}")
    assert out.count(ru("broadcast-purchase-not-found")) == 2
    out = await console.say("/broadcast кофе")
    assert ru("broadcast-purchase-not-found") in out
    assert await count(app, DialogState) == 0


async def test_text_preview_send_once_and_report(console: ConsoleSession, app: App) -> None:
    world = await make_world(app)
    await console.say(":as organizer")
    out = await console.say(f"/broadcast {world.coffee.id}")
    assert shown(ru("broadcast-ask-text", title="Кофе", buyers=4, limit=MAX_TEXT_LENGTH), out)

    # Bad input keeps the dialog where it is.
    out = await console.say(":file price.pdf")
    assert ru("broadcast-attachment-unsupported") in out
    out = await console.say("я" * (MAX_TEXT_LENGTH + 1))
    assert ru("broadcast-text-too-long", length=MAX_TEXT_LENGTH + 1, limit=MAX_TEXT_LENGTH) in out
    await console.adapter.handle_line("   ")
    assert ru("broadcast-text-empty") in console.transcript
    async with app.session_factory() as session:
        state = await session.scalar(select(DialogState))
    assert state is not None and (state.dialog, state.step) == ("broadcast", "text")

    out = await console.say("Раздача в субботу с 10 до 14.")
    assert "📣 СП Анны · «Кофе»" in out and "Раздача в субботу с 10 до 14." in out
    # The button counts those it will reach: one of the four has notifications off.
    assert "Получат: 3." in out and "1 покупатель не получит: уведомления выключены." in out
    assert "[#1 ✅ Отправить (3)]" in out and "[#2 ✏️ Изменить] [#3 Отмена]" in out
    # A new text at the preview replaces the draft.
    out = await console.say("Раздача в субботу с 11 до 15.")
    assert "с 11 до 15" in out and "с 10 до 14" not in out
    assert await count(app, Broadcast) == 0 and await count(app, OutboxMessage) == 0

    out = await console.say("#1")
    assert "📣 Рассылка поставлена в очередь: 3 получателя." in out  # b2 has them off
    # Delivered at once by the console's sender: b1 and b4 in Russian, b3 in English, not b2.
    assert "📨 to b1: 📣 СП Анны · «Кофе»" in out
    assert '📨 to b3: 📣 СП Анны · "Кофе"' in out
    assert "📨 to b4: 📣 СП Анны · «Кофе»" in out
    assert "📨 to b2" not in out and "📨 to b5" not in out
    assert "[#1 🔕 Настройки уведомлений]" in out
    report = ru(
        "broadcast-report", title="Кофе", total=4, sent=3, not_allowed=1, blocked=0, failed=0
    )
    assert "📨 to organizer: " + report.splitlines()[0] in out

    async with app.session_factory() as session:
        (broadcast,) = await session.scalars(select(Broadcast))
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert broadcast.total == 4 and broadcast.reported is True
    assert broadcast.text == "Раздача в субботу с 11 до 15." and broadcast.photo_id is None
    sent = [m for m in rows if m.kind is OutboxKind.BROADCAST]
    assert len(sent) == 4 and all(m.broadcast_id == broadcast.id for m in sent)
    assert sorted(m.status for m in sent) == sorted(
        [OutboxStatus.SENT] * 3 + [OutboxStatus.SKIPPED]
    )

    # Pressing "Send" again (the old preview) queues nothing.
    out = await console.say("#1")
    assert ru("broadcast-outdated") in out
    assert await count(app, OutboxMessage, OutboxMessage.kind == OutboxKind.BROADCAST) == 4
    assert await count(app, Broadcast) == 1


async def test_photo_edit_and_cancel(console: ConsoleSession, app: App) -> None:
    world = await make_world(app)
    await console.say(":as organizer", "/broadcast", "#1")
    out = await console.say(":photo Новые фото образцов")
    assert "🖼 photo" in out and "Новые фото образцов" in out
    out = await console.say("#2")  # change
    assert shown(ru("broadcast-ask-text", title="Кофе", buyers=4, limit=MAX_TEXT_LENGTH), out)
    out = await console.say(":photo")  # a photo alone is a message too
    assert "🖼 photo" in out
    out = await console.say("#1")
    assert "📨 to b1: 📣 СП Анны · «Кофе»" in out
    async with app.session_factory() as session:
        broadcast = await session.scalar(select(Broadcast))
        media = await session.get(Media, broadcast.photo_id)
        body = await session.scalar(
            select(OutboxMessage.body).where(OutboxMessage.kind == OutboxKind.BROADCAST)
        )
    assert media is not None and media.platform == "console"
    assert body["photo"]["file_id"] == media.file_id

    await console.say(f"/broadcast {world.coffee.id}", "Потом")
    out = await console.say("#3")
    assert ru("cancel-done") in out
    assert await count(app, Broadcast) == 1 and await count(app, DialogState) == 0


async def test_double_press_at_the_same_time_queues_once(console: ConsoleSession, app: App) -> None:
    await make_world(app)
    await console.say(":as organizer", "/broadcast", "#1", "Завтра раздача")
    async with app.session_factory() as session:
        state = await session.scalar(select(DialogState))
    payload = BroadcastSend(draft=state.data["draft"]).pack()
    first, second = await asyncio.gather(
        press_replies(app, "organizer", payload), press_replies(app, "organizer", payload)
    )
    answers = sorted([first[0].text, second[0].text], key=lambda text: text.startswith("📣"))
    assert answers[0] == ru("broadcast-outdated")
    assert answers[1].startswith("📣 Рассылка поставлена в очередь: 3 получателя")
    assert await count(app, Broadcast) == 1
    assert await count(app, OutboxMessage, OutboxMessage.kind == OutboxKind.BROADCAST) == 4
    # A draft that is not the current one (forged or stale) changes nothing either.
    replies = await press_replies(app, "organizer", BroadcastSend(draft="0badc0de").pack())
    assert [r.text for r in replies] == [ru("broadcast-outdated")]
    replies = await press_replies(app, "organizer", "bss:not-hex!")
    assert [r.text for r in replies] == [ru("error-button-outdated")]
    assert await count(app, Broadcast) == 1


async def test_no_buyers_left(console: ConsoleSession, app: App) -> None:
    world = await make_world(app)
    out = await console.say(":as organizer", "/broadcast", "#1", "Привет")
    assert "[#1 ✅ Отправить (3)]" in out  # one of the four has notifications off
    async with app.session_factory() as session, session.begin():
        for order in await session.scalars(
            select(Order).where(Order.purchase_id == world.coffee.id)
        ):
            order.status = OrderStatus.CANCELLED
    out = await console.say("#1")
    assert ru("broadcast-nobody-to-send") in out
    assert await count(app, Broadcast) == 0 and await count(app, DialogState) == 0
    out = await console.say("/broadcast")
    assert ru("broadcast-no-purchases") in out
