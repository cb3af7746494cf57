"""The real VK adapter with vk_api's long poll against the fake VK server, the real dispatcher
and handlers on a real database, and the outbox delivered through the same VK transport.

`VkWorld` drives it like people in the VK app: type a message, press a button by its label
or its number (as in the console: "#1" is the first button of the last message that has
any), read what each person got. The `vk` and `post_id` fixtures (tests/conftest.py) give a
world whose community may post on its own wall, and Anna's purchase posted there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from bot.adapters.vk.adapter import VkAdapter
from bot.adapters.vk.transport import VkTransport
from bot.app import App
from bot.delivery.outbox import Sender
from domain.lifecycle import PurchaseStatus
from storage.models import Organizer, PickupPoint, Purchase, PurchaseItem
from tests.fakes.vk_server import FakeVkServer, SentMessage
from tests.support.outbox import fast_sender
from tests.support.queries import rows
from tests.support.texts import ru

GROUP_ID = 1001
TOKEN = "vk-token-1"
CHAT_PEER = 2_000_000_001
ANNA, BORIS, VERA = 501, 502, 503  # the organizer and two buyers
# VK's own 20 calls per second per community would make every step wait.
FAST = 10_000.0


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
                m.conversation_message_id, m.text, keyboard_buttons(m.keyboard)
            )
            for m in self.server.sent_to(peer)
        }
        for edit in self.server.edits:
            if edit.peer_id == peer and edit.conversation_message_id in messages:
                shown = messages[edit.conversation_message_id]
                shown.text = edit.text if edit.text is not None else shown.text
                shown.buttons = keyboard_buttons(edit.keyboard)
        return [messages[cmid] for cmid in sorted(messages)]

    def texts(self, peer: int) -> list[str]:
        return [shown.text for shown in self.shown(peer)]

    def labels(self, peer: int) -> list[str]:
        return [b["label"] for shown in self.shown(peer) for b in shown.buttons]

    async def rows(self, model: type) -> list[Any]:
        return await rows(self.app, model)


def keyboard_buttons(keyboard: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The buttons' actions of a VK keyboard, rows read left to right."""
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


# --- Anna's purchase posted on the community's wall, and the drafts comments under it become --


async def add_autumn_purchase(app: App) -> None:
    """The organizer's open purchase "Осень" (a dress in 42–46, a scarf; 15 % fee) and a
    pickup point "Центр"."""
    async with app.session_factory() as session, session.begin():
        organizer = await session.scalar(select(Organizer))
        assert organizer is not None
        session.add(PickupPoint(organizer_id=organizer.id, name="Центр", address="ул. Ленина, 1"))
        purchase = Purchase(
            organizer_id=organizer.id,
            title="Осень",
            supplier="Orby",
            fee_bp=1500,
            status=PurchaseStatus.OPEN,
        )
        session.add(purchase)
        await session.flush()
        session.add_all(
            [
                PurchaseItem(
                    purchase_id=purchase.id,
                    position=1,
                    name="Платье синее",
                    price_kop=129_000,
                    sizes=["42", "44", "46"],
                    article="PL-1",
                ),
                PurchaseItem(purchase_id=purchase.id, position=2, name="Шарф", price_kop=59_000),
            ]
        )


async def post_autumn_purchase(vk: VkWorld) -> int:
    """Anna's open purchase "Осень" posted on the wall of the community the bot runs on,
    through /link and /post in VK (the community must be allowed to post on its wall).
    Returns the post's id."""
    await vk.say(ANNA, "/organizer Анна СП")
    await add_autumn_purchase(vk.app)
    # The community the bot runs as is recorded when the adapter starts: /link offers it.
    vk.server.set_members([ANNA, BORIS], managers={ANNA: "administrator"})
    await vk.say(ANNA, "/link")
    await vk.press(ANNA, ru("communities-button-link-to", title="СП Анны"))
    await vk.say(ANNA, "/post 1")
    await vk.press(ANNA, "СП Анны")
    assert vk.texts(ANNA)[-1] == ru("communities-posted", title="Осень", community="СП Анны")
    [wall_post] = vk.server.posts
    assert wall_post.owner_id == -GROUP_ID and "Осень" in wall_post.text
    assert f"https://vk.me/club{GROUP_ID}?ref=p_1" in wall_post.text
    return wall_post.post_id


DRAFT_BUTTONS = [ru("comment-orders-button-confirm"), ru("comment-orders-button-cancel")]


def draft_of(vk: VkWorld, user: int) -> Shown:
    """The newest private draft the person got (through the outbox)."""
    drafts = [s for s in vk.shown(user) if [b["label"] for b in s.buttons] == DRAFT_BUTTONS]
    assert drafts, vk.texts(user)
    return drafts[-1]
