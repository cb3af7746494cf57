"""Journeys 1–3 and 10 through VK: the real adapter with vk_api's long poll against the fake
VK server, the real dispatcher and handlers on a real database, and the outbox delivered
through the same VK transport.

`VkWorld` (tests/support/vk.py) drives it like people in the VK app: type a message, press a
button by its label or its number (as in the console: "#1" is the first button of the last
message that has any), read what each person got.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from domain.lifecycle import PurchaseStatus
from storage.models import (
    Community,
    Order,
    PaymentReport,
    PaymentReportStatus,
    Purchase,
    PurchasePost,
)
from tests.support.texts import NBSP, ru
from tests.support.vk import (
    ANNA,
    BORIS,
    CHAT_PEER,
    GROUP_ID,
    VERA,
    VkWorld,
    keyboard_buttons,
    vk_world,
)

ENGLISH = 3  # VK's lang_id


@pytest.fixture
async def vk(app: App) -> AsyncIterator[VkWorld]:
    """The VK world as real VK has it: the community may not post on its own wall."""
    async with vk_world(app) as world:
        yield world


async def make_organizer_with_purchase(vk: VkWorld) -> None:
    """Anna's profile (payment details, one pickup point) and the purchase "Осень", opened:
    a dress in three sizes and a scarf, 15 % organizer fee."""
    await vk.say(ANNA, "/organizer Анна СП")
    await vk.say(ANNA, "/organizer")
    await vk.press(ANNA, ru("organizer-button-pay"))
    await vk.say(ANNA, "Карта 2200 0000 0000 0000, Анна А.")
    await vk.press(ANNA, ru("organizer-button-points"))
    await vk.press_nth(ANNA, 1)
    for answer in ("Центр", "ул. Ленина, 1", "пн–пт 10–19"):
        await vk.say(ANNA, answer)
    sent = await vk.say(
        ANNA, "/newpurchase Осень; Orby; Одежда; сбор 15%; стоп 01.12.2026; оплата 05.12.2026"
    )
    assert "Осень" in sent[0].text
    sent = await vk.say(ANNA, "Платье синее; 1290; 42,44,46; PL-1\nШарф; 590")
    assert any("Добавлено товаров: 2." in m.text for m in sent)
    for _ in range(3):
        await vk.press_nth(ANNA, 1)
    assert any("статус «сбор заказов»" in text for text in vk.texts(ANNA))


async def test_journey_purchase_posted_ordered_paid_through_vk(vk: VkWorld, app: App) -> None:
    """The organizer sets up and opens a purchase, posts it to a VK conversation her
    community's bot is in, two buyers order through the post's link with buttons (one in
    English), the purchase moves to payment, a buyer reports his payment with /pay, the
    organizer confirms it and the buyer is told."""
    await make_organizer_with_purchase(vk)

    # The community's bot is added to Anna's conversation; she links it there and posts.
    def invited() -> None:
        event = vk.server.message_new(ANNA, "", peer_id=CHAT_PEER)
        event["object"]["message"]["action"] = {"type": "chat_invite_user", "member_id": -GROUP_ID}

    [greeting] = await vk.push(1, invited)
    assert greeting.peer_id == CHAT_PEER and greeting.text == ru("communities-welcome-group")
    vk.server.set_conversation_members(CHAT_PEER, {ANNA: "owner", BORIS: "member"})
    await vk.press(ANNA, ru("communities-button-link"), peer=CHAT_PEER)
    # The community the bot runs as is recorded at start; the conversation comes next.
    [own, community] = await vk.rows(Community)
    assert own.external_id == str(GROUP_ID) and own.organizer_id is None
    assert community.external_id == str(CHAT_PEER) and community.organizer_id is not None
    await vk.say(ANNA, "/post 1")
    await vk.press(ANNA, community.title or str(CHAT_PEER))
    [post] = [m for m in vk.server.sent_to(CHAT_PEER) if "Осень" in m.text]
    [order_link] = [b for b in keyboard_buttons(post.keyboard) if b["type"] == "open_link"]
    assert order_link["link"] == f"https://vk.me/club{GROUP_ID}?ref=p_1"
    [recorded] = await vk.rows(PurchasePost)
    assert (recorded.purchase_id, recorded.community_id) == (1, community.id)

    # Boris and Vera open the link and order with buttons and typed answers.
    sent = await vk.open_link(BORIS, "p_1")
    assert "Осень" in sent[0].text
    sent = await vk.steps(BORIS, "#1", "1", "42", "2", "#1", "#3")
    assert "✅ Заказ оформлен!" in sent[-1].text
    await vk.open_link(VERA, "p_1", client_info={"lang_id": ENGLISH})
    sent = await vk.steps(VERA, "#1", "2", "3", "#1", "#3")
    assert "✅ Order placed!" in sent[-1].text
    orders = await vk.rows(Order)
    assert [o.due_kop for o in orders] == [296_700, 203_550]
    # Anna hears about both orders through the outbox.
    news = [m.text for m in await vk.deliver() if m.peer_id == ANNA]
    assert sum("Новый заказ" in text for text in news) == 2

    # Stop, then payment: the buyers are told through the outbox, each in their language.
    for _ in range(2):
        await vk.say(ANNA, "/purchase 1")
        await vk.press_nth(ANNA, 1)
        await vk.press_nth(ANNA, 1)
    [purchase] = await vk.rows(Purchase)
    assert purchase.status is PurchaseStatus.PAYMENT
    await vk.deliver()
    assert any("пора оплатить" in text for text in vk.texts(BORIS))
    assert any("Stop in" in text for text in vk.texts(VERA))

    # Boris reports his payment.
    sent = await vk.say(BORIS, "/pay")
    assert "Карта 2200" in "\n".join(m.text for m in sent)
    await vk.steps(BORIS, "2967", "#1", "#1")  # the sum, paid just now, by card
    receipt = {"type": "photo", "photo": {"id": 77, "owner_id": BORIS, "access_key": "k"}}
    await vk.say(BORIS, "", attachments=[receipt])
    await vk.press_nth(BORIS, 1)  # no comment
    sent = await vk.press(BORIS, "Отправить")
    assert "отправлено организатору Анна СП" in sent[-1].text
    [report] = await vk.rows(PaymentReport)
    assert report.amount_kop == 296_700 and report.receipt_id is not None

    # Anna gets the report with the receipt and Confirm / Reject, and confirms.
    [notice] = [m for m in await vk.deliver() if m.peer_id == ANNA]
    assert "Оплата №1 от Борис Б" in notice.text and f"2{NBSP}967{NBSP}₽" in notice.text
    assert notice.attachment == "photo502_77_k"
    assert [b["label"] for b in keyboard_buttons(notice.keyboard)] == [
        "✅ Подтвердить",
        "❌ Отклонить",
    ]
    await vk.press(ANNA, "✅ Подтвердить")
    [report] = await vk.rows(PaymentReport)
    assert report.status is PaymentReportStatus.CONFIRMED
    paid = next(o for o in await vk.rows(Order) if o.id == orders[0].id)
    assert paid.confirmed_paid_kop == 296_700

    # Boris is told.
    [told] = [m for m in await vk.deliver() if m.peer_id == BORIS]
    assert "подтвердил вашу оплату" in told.text
    [mine] = await vk.say(BORIS, "заказы")
    assert orders[0].number in mine.text and "оплачено полностью" in mine.text
