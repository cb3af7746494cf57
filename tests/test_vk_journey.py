"""Journeys 1–3 and 10 through VK: the real adapter with vk_api's long poll against the fake
VK server, the real dispatcher and handlers on a real database, and the outbox delivered
through the same VK transport.

`VkWorld` (also used by tests/test_vk_comment_orders.py) drives it like people in the VK app:
type a message, press a button by its label or its number (as in the console: "#1" is the
first button of the last message that has any), read what each person got.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.vk.adapter import VkAdapter
from bot.adapters.vk.transport import VkTransport
from bot.app import App
from bot.delivery.outbox import Sender
from bot.texts import Texts
from domain.lifecycle import PurchaseStatus
from storage.models import (
    Community,
    Order,
    PaymentReport,
    PaymentReportStatus,
    Purchase,
    PurchasePost,
)
from tests.fakes.vk_server import FakeVkServer, SentMessage
from tests.outbox_harness import fast_sender

GROUP_ID = 1001
TOKEN = "vk-token-1"
CHAT_PEER = 2_000_000_001
ANNA, BORIS, VERA = 501, 502, 503  # the organizer and two buyers
# VK's own 20 calls per second per community would make every step wait.
FAST = 10_000.0
TEXTS = Texts()
NBSP = "\u00a0"
ENGLISH = 3  # VK's lang_id


def RU(key: str, **args: Any) -> str:
    return TEXTS.get("ru", key, **args)


def EN(key: str, **args: Any) -> str:
    return TEXTS.get("en", key, **args)


@dataclass
class Shown:
    """A message as the person sees it now: edits applied."""

    cmid: int
    text: str
    buttons: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class VkWorld:
    server: FakeVkServer
    transport: VkTransport
    adapter: VkAdapter
    app: App
    sender: Sender

    async def push(self, count: int, push: Callable[[], Any]) -> list[SentMessage]:
        """Push updates and wait until `count` more went all the way through."""
        before = len(self.server.sent)
        target = self.adapter.handled + count
        push()
        deadline = time.monotonic() + 10
        while self.adapter.handled < target:
            if time.monotonic() > deadline:
                raise TimeoutError("VK updates were not handled in time")
            await asyncio.sleep(0.01)
        return self.server.sent[before:]

    async def say(self, user: int, text: str, **kw: Any) -> list[SentMessage]:
        return await self.push(1, lambda: self.server.message_new(user, text, **kw))

    async def open_link(self, user: int, ref: str, **kw: Any) -> list[SentMessage]:
        """Open vk.me/club<id>?ref=<ref> and press VK's "Start"."""

        def opened() -> None:
            event = self.server.message_new(user, "Начать", payload={"command": "start"}, **kw)
            event["object"]["message"]["ref"] = ref

        return await self.push(1, opened)

    async def comment(self, user: int, post_id: int, text: str) -> list[SentMessage]:
        return await self.push(1, lambda: self.server.wall_reply_new(user, post_id, text))

    async def press(self, user: int, label: str, *, peer: int | None = None) -> list[SentMessage]:
        """Press the newest button whose label starts with `label`."""
        for shown in reversed(self.shown(peer or user)):
            if any(b["label"].startswith(label[:39]) for b in shown.buttons):
                return await self.press_in(shown, user, label, peer=peer)
        raise AssertionError(f"no button {label!r} for {user}: {self.labels(peer or user)}")

    async def press_nth(self, user: int, number: int) -> list[SentMessage]:
        with_buttons = [shown for shown in self.shown(user) if shown.buttons]
        assert with_buttons, f"{user} has no buttons to press"
        last = with_buttons[-1]
        return await self.press_in(last, user, last.buttons[number - 1]["label"])

    async def press_in(
        self, shown: Shown, user: int, label: str, *, peer: int | None = None
    ) -> list[SentMessage]:
        """Press a button of this message, even one pressed before (a double tap)."""
        button = next(b for b in shown.buttons if b["label"].startswith(label[:39]))
        payload = json.loads(button["payload"])
        return await self.push(
            1,
            lambda: self.server.message_event(
                user, payload, conversation_message_id=shown.cmid, peer_id=peer
            ),
        )

    async def steps(self, user: int, *inputs: str) -> list[SentMessage]:
        """Type or press in turn ("#N" presses button N of the last message with buttons)."""
        sent: list[SentMessage] = []
        for step in inputs:
            if step.startswith("#"):
                sent += await self.press_nth(user, int(step[1:]))
            else:
                sent += await self.say(user, step)
        return sent

    async def deliver(self) -> list[SentMessage]:
        """What the outbox holds for now, delivered through VK."""
        before = len(self.server.sent)
        await self.sender.drain()
        return self.server.sent[before:]

    def shown(self, peer: int) -> list[Shown]:
        messages = {
            m.conversation_message_id: Shown(
                m.conversation_message_id, m.text, _buttons(m.keyboard)
            )
            for m in self.server.sent_to(peer)
        }
        for edit in self.server.edits:
            if edit.peer_id == peer and edit.conversation_message_id in messages:
                shown = messages[edit.conversation_message_id]
                shown.text = edit.text if edit.text is not None else shown.text
                shown.buttons = _buttons(edit.keyboard)
        return [messages[cmid] for cmid in sorted(messages)]

    def texts(self, peer: int) -> list[str]:
        return [shown.text for shown in self.shown(peer)]

    def labels(self, peer: int) -> list[str]:
        return [b["label"] for shown in self.shown(peer) for b in shown.buttons]

    async def rows(self, model: type) -> list[Any]:
        async with self.app.session_factory() as session:
            return list(await session.scalars(select(model).order_by(model.id)))


def _buttons(keyboard: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not keyboard:
        return []
    return [button["action"] for row in keyboard.get("buttons", []) for button in row]


@contextlib.asynccontextmanager
async def vk_world(app: App, **server_options: Any) -> AsyncIterator[VkWorld]:
    async with FakeVkServer(group_id=GROUP_ID, token=TOKEN, **server_options) as server:
        server.set_user(ANNA, "Анна", "Орг")
        server.set_user(BORIS, "Борис", "Б")
        server.set_user(VERA, "Vera", "V")
        transport = await VkTransport.connect([TOKEN], server.base_url, rate_per_token=FAST)
        adapter = VkAdapter(
            app.dispatcher, transport, wait=1, backoff=(0.02, 0.1), max_retry_sleep=0.02
        )
        await adapter.start()
        try:
            yield VkWorld(server, transport, adapter, app, fast_sender(app, transport))
        finally:
            # Closing the server first answers the pending long poll at once.
            adapter.request_stop()
            await server.close()
            await adapter.stop(timeout=5)
            await transport.close()


@pytest.fixture
async def vk(app: App) -> AsyncIterator[VkWorld]:
    async with vk_world(app) as world:
        yield world


async def make_organizer_with_purchase(vk: VkWorld) -> None:
    """Anna's profile (payment details, one pickup point) and the purchase "Осень", opened:
    a dress in three sizes and a scarf, 15 % organizer fee."""
    await vk.say(ANNA, "/organizer Анна СП")
    await vk.say(ANNA, "/organizer")
    await vk.press(ANNA, RU("organizer-button-pay"))
    await vk.say(ANNA, "Карта 2200 0000 0000 0000, Анна А.")
    await vk.press(ANNA, RU("organizer-button-points"))
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
    assert greeting.peer_id == CHAT_PEER and greeting.text == RU("communities-welcome-group")
    vk.server.set_conversation_members(CHAT_PEER, {ANNA: "owner", BORIS: "member"})
    await vk.press(ANNA, RU("communities-button-link"), peer=CHAT_PEER)
    # The community the bot runs as is recorded at start; the conversation comes next.
    [own, community] = await vk.rows(Community)
    assert own.external_id == str(GROUP_ID) and own.organizer_id is None
    assert community.external_id == str(CHAT_PEER) and community.organizer_id is not None
    await vk.say(ANNA, "/post 1")
    await vk.press(ANNA, community.title or str(CHAT_PEER))
    [post] = [m for m in vk.server.sent_to(CHAT_PEER) if "Осень" in m.text]
    [order_link] = [b for b in _buttons(post.keyboard) if b["type"] == "open_link"]
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
    assert [b["label"] for b in _buttons(notice.keyboard)] == ["✅ Подтвердить", "❌ Отклонить"]
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
