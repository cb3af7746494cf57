"""The shared journey suite's drivers (tests/support/journeys.py) for Telegram and VK, on the
helpers their own tests use (tests/support/telegram.py, tests/support/vk.py); OK's is in
tests/support/ok.py. Users are named by their platform id ("101")."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.app import App
from tests.support.journeys import fresh_app
from tests.support.outbox import fast_sender, transport_for
from tests.support.telegram import TelegramHarness, buttons, running_adapter
from tests.support.vk import VkWorld, vk_world

TAG = re.compile(r"<[^>]+>")


def _plain(text: str | None) -> str:
    return TAG.sub("", text or "")


class TelegramDriver:
    platform = "telegram"

    def __init__(self, harness: TelegramHarness) -> None:
        self.harness = harness
        self.server = harness.server
        self.app: App = harness.app
        self.sender = fast_sender(harness.app, transport_for(harness.adapter.bot))

    def admin_id(self, user: str) -> str:
        return f"telegram:{user}"

    async def _since(self, user: str, sent_before: int, edits_before: int) -> str:
        await self.sender.drain()
        chat = int(user)
        texts = [
            r.get("plain_text") or ""
            for r in self.server.sent[sent_before:]
            if r["chat_id"] == chat
        ]
        texts += [
            _plain(r.get("text") or r.get("caption"))
            for r in self.server.edits[edits_before:]
            if r.get("chat_id") == chat
        ]
        return "\n\n".join(t for t in texts if t)

    async def say(self, user: str, text: str) -> str:
        marks = len(self.server.sent), len(self.server.edits)
        await self.harness.say(int(user), text)
        return await self._since(user, *marks)

    def _keyboard(self, user: str) -> tuple[int, list[dict[str, Any]]]:
        chat = int(user)
        for record in reversed(self.server.messages_to(chat)):
            current = self.server.message(chat, record["message_id"]) or record
            found = buttons(current)
            if found:
                return record["message_id"], found
        return 0, []

    async def press(self, user: str, label: str) -> str:
        message_id, found = self._keyboard(user)
        button = next((b for b in found if label in b.get("text", "")), None)
        assert button is not None, f"no button {label!r}: {[b.get('text') for b in found]}"
        marks = len(self.server.sent), len(self.server.edits)
        update = self.server.callback_query(
            int(user), button["callback_data"], message_id=message_id
        )
        await self.harness.adapter.wait_handled(update["update_id"])
        query_id = update["callback_query"]["id"]
        answered = [p for p in self.server.calls("answerCallbackQuery")]
        assert any(str(p.get("callback_query_id")) == query_id for p in answered), "unanswered"
        return await self._since(user, *marks)

    async def send_photo(self, user: str, caption: str = "") -> str:
        marks = len(self.server.sent), len(self.server.edits)
        await self.harness.say(int(user), caption or None, photo=b"\x89PNG receipt")
        return await self._since(user, *marks)

    async def open_link(self, user: str, link: str) -> str:
        # t.me/<bot>?start=<payload>: the app sends "/start <payload>".
        [payload] = parse_qs(urlsplit(link).query)["start"]
        return await self.say(user, f"/start {payload}")

    def buttons(self, user: str) -> list[str]:
        return [b.get("text", "") for b in self._keyboard(user)[1]]

    def received(self, user: str) -> str:
        records = self.server.messages_to(int(user))
        return "\n\n".join(r.get("plain_text") or "" for r in records)


@contextlib.asynccontextmanager
async def telegram_driver(
    tmp_path: Path, *, admins: tuple[str, ...] = ()
) -> AsyncIterator[TelegramDriver]:
    app = await fresh_app(tmp_path, [f"telegram:{user}" for user in admins])
    try:
        async with running_adapter(app) as harness:
            yield TelegramDriver(harness)
    finally:
        await app.close()


class VkDriver:
    platform = "vk"

    def __init__(self, world: VkWorld) -> None:
        self.world = world
        self.app: App = world.app

    def admin_id(self, user: str) -> str:
        return f"vk:{user}"

    async def _answer(self, user: str, sent: list[Any], edits_before: int) -> str:
        sent = sent + await self.world.deliver()
        peer = int(user)
        texts = [m.text for m in sent if m.peer_id == peer]
        texts += [e.text or "" for e in self.world.server.edits[edits_before:] if e.peer_id == peer]
        return "\n\n".join(t for t in texts if t)

    async def say(self, user: str, text: str) -> str:
        edits = len(self.world.server.edits)
        return await self._answer(user, await self.world.say(int(user), text), edits)

    async def press(self, user: str, label: str) -> str:
        peer = int(user)
        shown = [s for s in self.world.shown(peer) if s.buttons]
        assert shown, f"{user} has no buttons"
        latest = shown[-1]
        button = next((b for b in latest.buttons if label in b["label"]), None)
        assert button is not None, f"no button {label!r}: {[b['label'] for b in latest.buttons]}"
        edits = len(self.world.server.edits)
        answers = len(self.world.server.event_answers)
        sent = await self.world.press_in(latest, peer, button["label"])
        assert len(self.world.server.event_answers) > answers, "the press was left unanswered"
        return await self._answer(user, sent, edits)

    async def send_photo(self, user: str, caption: str = "") -> str:
        photo = {"type": "photo", "photo": {"id": 77, "owner_id": int(user), "access_key": "k"}}
        edits = len(self.world.server.edits)
        sent = await self.world.say(int(user), caption, attachments=[photo])
        return await self._answer(user, sent, edits)

    async def open_link(self, user: str, link: str) -> str:
        # vk.me/club<id>?ref=<payload>: the chat opens with "Start" and the ref.
        [ref] = parse_qs(urlsplit(link).query)["ref"]
        edits = len(self.world.server.edits)
        return await self._answer(user, await self.world.open_link(int(user), ref), edits)

    def buttons(self, user: str) -> list[str]:
        shown = [s for s in self.world.shown(int(user)) if s.buttons]
        return [b["label"] for b in shown[-1].buttons] if shown else []

    def received(self, user: str) -> str:
        return "\n\n".join(self.world.texts(int(user)))


@contextlib.asynccontextmanager
async def vk_driver(tmp_path: Path, *, admins: tuple[str, ...] = ()) -> AsyncIterator[VkDriver]:
    app = await fresh_app(tmp_path, [f"vk:{user}" for user in admins])
    try:
        async with vk_world(app) as world:
            yield VkDriver(world)
    finally:
        await app.close()
