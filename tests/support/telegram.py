"""The real Telegram adapter (aiogram polling loop) against the fake Bot API server.

`running_adapter(app)` gives the app's adapter running against a fresh FakeTelegramServer,
with helpers that push an update and wait until the adapter has handled it (replies sent,
callback answered). The `tg` fixture (tests/conftest.py) runs it for a test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiogram.types import Update
from sqlalchemy import select

from bot.adapters.telegram.adapter import TelegramAdapter, make_bot
from bot.app import App
from bot.settings import Settings
from storage.models import Organizer, User
from tests.fakes.telegram_server import FakeTelegramServer

TOKEN = "123456:TEST-token-for-adapter"
BOT_ID = 123456
BOT_USERNAME = "sp_test_bot"
JSON = dict[str, Any]


class RecordingAdapter(TelegramAdapter):
    """The adapter, telling tests when an update has been handled completely."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handled: set[int] = set()
        self._changed = asyncio.Event()

    async def handle(self, update: Update) -> None:
        try:
            await super().handle(update)
        finally:
            self.handled.add(update.update_id)
            self._changed.set()

    async def wait_handled(self, update_id: int, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while update_id not in self.handled:
                self._changed.clear()
                await self._changed.wait()


class TelegramHarness:
    def __init__(
        self, app: App, server: FakeTelegramServer, settings: Settings | None = None
    ) -> None:
        self.app = app
        self.server = server
        self.settings = settings
        self.adapter = RecordingAdapter(
            app,
            make_bot(TOKEN, server.base_url),
            settings=settings,
            polling_timeout=1,
            polling_backoff=(0.05, 0.5),
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self.adapter.run())
        ready = asyncio.create_task(self.adapter.ready.wait())
        await asyncio.wait({self._task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            self._task.result()  # start-up failed: show why
        assert self.adapter.ready.is_set(), "the adapter did not start"

    async def stop(self) -> None:
        await self.adapter.stop()
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=15)

    async def push(self, update: JSON) -> list[JSON]:
        """Wait until a pushed update is handled; returns the messages sent meanwhile."""
        before = len(self.server.sent)
        await self.adapter.wait_handled(update["update_id"])
        return self.server.sent[before:]

    async def say(self, user_id: int, text: str | None = None, **kwargs: Any) -> list[JSON]:
        before = len(self.server.sent)
        update = self.server.user_message(user_id, text, **kwargs)
        await self.adapter.wait_handled(update["update_id"])
        return self.server.sent[before:]

    async def press(self, user_id: int, label: str, *, chat_id: int | None = None) -> list[JSON]:
        before = len(self.server.sent)
        update = self.server.press_button(user_id, label, chat_id=chat_id)
        await self.adapter.wait_handled(update["update_id"])
        return self.server.sent[before:]

    async def press_nth(self, user_id: int, number: int) -> list[JSON]:
        """Press button `number` (from 1, rows read left to right) of the bot's newest message
        with buttons in the private chat, the way the console's `#N` does."""
        for record in reversed(self.server.messages_to(user_id)):
            found = buttons(record)
            if found:
                button = found[number - 1]
                return await self.callback(
                    user_id, button["callback_data"], message_id=record["message_id"]
                )
        raise LookupError(f"no buttons in chat {user_id}")

    async def callback(self, user_id: int, data: str, **kwargs: Any) -> list[JSON]:
        before = len(self.server.sent)
        update = self.server.callback_query(user_id, data, **kwargs)
        await self.adapter.wait_handled(update["update_id"])
        return self.server.sent[before:]

    async def user(self, external_id: int) -> User | None:
        async with self.app.session_factory() as session:
            return await session.scalar(
                select(User).where(
                    User.platform == "telegram", User.external_id == str(external_id)
                )
            )

    async def make_organizer(self, user_id: int, name: str = "Anna's buys") -> Organizer:
        """Register an organizer the way a person does: /organizer and a name."""
        await self.say(user_id, "/organizer")
        await self.say(user_id, name)
        async with self.app.session_factory() as session:
            organizer = await session.scalar(
                select(Organizer)
                .join(User, User.id == Organizer.user_id)
                .where(User.external_id == str(user_id))
            )
        assert organizer is not None
        return organizer


def texts(records: list[JSON]) -> list[str]:
    """What a person reads in the sent messages (text or caption, without HTML tags)."""
    return [r.get("plain_text") or r.get("text") or r.get("caption") or "" for r in records]


def buttons(record: JSON) -> list[JSON]:
    markup = record.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


@contextlib.asynccontextmanager
async def running_adapter(
    app: App, settings: Settings | None = None, **server_options: Any
) -> AsyncIterator[TelegramHarness]:
    async with FakeTelegramServer(token=TOKEN, **server_options) as server:
        harness = TelegramHarness(app, server, settings)
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()


def automatic_forward(
    server: FakeTelegramServer,
    channel_message_id: int,
    *,
    channel: int,
    discussion: int,
    title: str,
    text: str,
) -> JSON:
    """The copy Telegram puts into a channel's discussion group for every channel post."""
    chat = {"id": channel, "type": "channel", "title": title}
    return server.push_update(
        {
            "message": {
                "message_id": 900 + channel_message_id,
                "date": 1,
                "chat": {"id": discussion, "type": "supergroup", "title": "Обсуждение"},
                "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
                "sender_chat": chat,
                "is_automatic_forward": True,
                "forward_origin": {
                    "type": "channel",
                    "chat": chat,
                    "message_id": channel_message_id,
                    "date": 1,
                },
                "text": text,
            }
        }
    )
