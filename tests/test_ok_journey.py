"""Journeys 1–3, 6, 7 and 10 through OK: the real adapter behind the bot's web server,
subscribed with the fake OK Bot API, the real dispatcher and handlers on a real database,
and the outbox delivered through the same OK transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.core.replies import Reply
from bot.settings import Settings
from domain.lifecycle import PurchaseStatus
from storage.models import (
    Community,
    Order,
    OutboxKind,
    PaymentReport,
    PaymentReportStatus,
    Purchase,
    User,
)
from storage.uow import UnitOfWork
from tests.support.ok import ANNA, BORIS, GROUP_ID, VERA, OkWorld, ok_world
from tests.support.texts import NBSP, ru


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Anna is a service admin: only they may link an OK group (the Bot API cannot tell a
    # group's administrators).
    settings.admin_ids.append(f"ok:{ANNA}")
    return settings


@pytest.fixture
async def ok(app: App) -> AsyncIterator[OkWorld]:
    async with ok_world(app) as world:
        yield world


async def make_organizer_with_purchase(ok: OkWorld) -> None:
    await ok.say(ANNA, "/organizer Анна СП")
    await ok.say(ANNA, "/organizer")
    await ok.press(ANNA, ru("organizer-button-pay"))
    await ok.say(ANNA, "Карта 2200 0000 0000 0000, Анна А.")
    await ok.press(ANNA, ru("organizer-button-points"))
    await ok.press_nth(ANNA, 1)
    for answer in ("Центр", "ул. Ленина, 1", "пн–пт 10–19"):
        await ok.say(ANNA, answer)
    sent = await ok.say(
        ANNA, "/newpurchase Осень; Orby; Одежда; сбор 15%; стоп 01.12.2026; оплата 05.12.2026"
    )
    assert "Осень" in sent[0].text
    sent = await ok.say(ANNA, "Платье синее; 1290; 42,44,46; PL-1\nШарф; 590")
    assert any("Добавлено товаров: 2." in m.text for m in sent)
    for _ in range(3):
        await ok.press_nth(ANNA, 1)
    assert any("статус «сбор заказов»" in text for text in ok.texts(ANNA))


async def test_journey_purchase_linked_ordered_paid_through_ok(ok: OkWorld, app: App) -> None:
    """The organizer sets up and opens a purchase, links the OK group, /post gives her the
    ready text with the link (a group token cannot publish in the feed), two buyers send that
    link to the group and order with buttons, the purchase moves to payment, a buyer reports
    his payment with a receipt photo, the organizer confirms it and the buyer is told."""
    await make_organizer_with_purchase(ok)

    # The group the token runs as was recorded at start; Anna links it and posts.
    await ok.say(ANNA, "/link")
    await ok.press(ANNA, ru("communities-button-link-to", title=f"Group {GROUP_ID}"))
    [community] = await ok.rows(Community)
    assert community.external_id == GROUP_ID and community.organizer_id is not None
    await ok.say(ANNA, "/post 1")
    sent = await ok.press(ANNA, f"Group {GROUP_ID}")
    link = f"https://ok.ru/group/{GROUP_ID}#start=p_1"
    assert any(link in m.text for m in sent), [m.text for m in sent]

    # Boris and Vera send the link to the group and order.
    sent = await ok.say(BORIS, link)
    assert "Осень" in sent[0].text
    sent = await ok.steps(BORIS, "#1", "1", "42", "2", "#1", "#3")
    assert "✅ Заказ оформлен!" in sent[-1].text
    await ok.say(VERA, "start=p_1")
    sent = await ok.steps(VERA, "#1", "2", "3", "#1", "#3")
    assert "✅ Заказ оформлен!" in sent[-1].text
    orders = await ok.rows(Order)
    assert [o.due_kop for o in orders] == [296_700, 203_550]
    news = [m.text for m in await ok.deliver() if m.user_id == f"user:{ANNA}"]
    assert sum("Новый заказ" in text for text in news) == 2

    # Stop, then payment: the buyers are told through the outbox.
    for _ in range(2):
        await ok.say(ANNA, "/purchase 1")
        await ok.press_nth(ANNA, 1)
        await ok.press_nth(ANNA, 1)
    [purchase] = await ok.rows(Purchase)
    assert purchase.status is PurchaseStatus.PAYMENT
    await ok.deliver()
    assert any("пора оплатить" in text for text in ok.texts(BORIS))

    # Boris reports his payment with a receipt photo.
    sent = await ok.say(BORIS, "/pay")
    assert "Карта 2200" in "\n".join(m.text for m in sent)
    await ok.steps(BORIS, "2967", "#1", "#1")
    receipt = {"type": "IMAGE", "payload": {"id": "9", "token": "receipt-token"}}
    await ok.say(BORIS, "", attachments=[receipt])
    await ok.press_nth(BORIS, 1)  # no comment
    sent = await ok.press(BORIS, "Отправить")
    assert "отправлено организатору Анна СП" in sent[-1].text
    [report] = await ok.rows(PaymentReport)
    assert report.amount_kop == 296_700 and report.receipt_id is not None

    # Anna gets the report with the receipt (sent again by its token) and confirms.
    [notice] = [m for m in await ok.deliver() if m.user_id == f"user:{ANNA}"]
    assert "Оплата №1 от Борис Б" in notice.text and f"2{NBSP}967{NBSP}₽" in notice.text
    assert notice.images == [{"token": "receipt-token"}]
    assert [b["text"] for b in notice.buttons] == ["✅ Подтвердить", "❌ Отклонить"]
    await ok.press(ANNA, "✅ Подтвердить")
    [report] = await ok.rows(PaymentReport)
    assert report.status is PaymentReportStatus.CONFIRMED

    [told] = [m for m in await ok.deliver() if m.user_id == f"user:{BORIS}"]
    assert "подтвердил вашу оплату" in told.text
    [mine] = await ok.say(BORIS, "заказы")
    assert orders[0].number in mine.text and "оплачено полностью" in mine.text
    # Every press was answered through graph.chat.answer, none left hanging.
    assert ok.server.callbacks == {}


async def test_broadcast_through_the_outbox_marks_who_refuses(ok: OkWorld, app: App) -> None:
    """A broadcast to a purchase's buyers goes through the outbox in one `user_ids` call;
    a buyer who no longer takes the group's messages is reported, the others get it."""
    await make_organizer_with_purchase(ok)
    for buyer in (BORIS, VERA):
        await ok.say(buyer, "/start p_1")
        await ok.steps(buyer, "#1", "2", "1", "#1", "#3")
    await ok.deliver()
    ok.server.forbid(VERA)
    calls_before = len(ok.server.calls)
    await ok.say(ANNA, "/broadcast")
    if any("Осень" in label for label in ok.labels(ANNA)):
        await ok.press(ANNA, "Осень")
    await ok.say(ANNA, "Раздача в субботу")
    await ok.press(ANNA, "✅ Отправить")
    delivered = await ok.deliver()
    assert any(m.user_id == f"user:{BORIS}" and "Раздача в субботу" in m.text for m in delivered)
    assert not any(m.user_id == f"user:{VERA}" and "Раздача" in m.text for m in delivered)
    posts = [c for c in ok.server.calls[calls_before:] if c == ("POST", "me/messages")]
    assert posts, "the broadcast went through me/messages"
    # Vera is recorded as not taking messages (not blocked: she may allow them again).
    vera = next(u for u in await ok.rows(User) if u.external_id == str(VERA))
    assert vera.messages_allowed is False and vera.reachable is True
    assert ok.adapter.handled > 0 and ok.sender.stats["not_allowed"] == 1


async def test_outbox_marks_people_ok_refuses_and_delivers_to_the_rest(
    ok: OkWorld, app: App
) -> None:
    """Notifications through the outbox and the OK transport: a person OK refuses
    (PERMISSION_DENIED) is marked unreachable, the next person gets theirs."""
    for person in (BORIS, VERA):
        await ok.say(person, "/start")
    users = {u.external_id: u for u in await ok.rows(User) if u.platform == "ok"}
    async with app.session_factory() as session, session.begin():
        await UnitOfWork(session).outbox.enqueue(
            users[str(BORIS)], Reply("Новость"), OutboxKind.NOTIFICATION
        )
    ok.server.fail_next("error", 10)
    assert await ok.deliver() == []
    boris = next(u for u in await ok.rows(User) if u.external_id == str(BORIS))
    assert boris.reachable is False and "OK error 10" in (boris.unreachable_reason or "")
    async with app.session_factory() as session, session.begin():
        await UnitOfWork(session).outbox.enqueue(
            users[str(VERA)], Reply("Новость"), OutboxKind.NOTIFICATION
        )
    [delivered] = await ok.deliver()
    assert delivered.user_id == f"user:{VERA}" and delivered.text == "Новость"
