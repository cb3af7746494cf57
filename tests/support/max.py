"""The real MAX adapter (its own long-polling loop) against the fake MAX Bot API server,
the real dispatcher and handlers on a real database, and the outbox delivered through the
same MAX transport.

`running_max(app)` gives a `MaxHarness`: push an update and wait until the adapter handled
it. `max_driver(tmp_path, admins=...)` is the shared journey suite's driver
(tests/support/journeys.py): people by name, their private chats with the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.adapters.max.adapter import MaxAdapter
from bot.adapters.max.client import MaxClient
from bot.adapters.max.events import update_id_of
from bot.app import App, create_app
from bot.settings import Settings, load_settings
from tests.fakes.max_server import FakeMaxServer, Sent
from tests.support.outbox import fast_sender

TOKEN = "max-test-token-1"
JSON = dict[str, Any]


class RecordingMaxAdapter(MaxAdapter):
    """The adapter, telling tests when an update has been handled completely."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handled: set[str] = set()
        self._changed = asyncio.Event()

    async def handle(self, raw: dict[str, Any]) -> None:
        try:
            await super().handle(raw)
        finally:
            try:
                self.handled.add(update_id_of(raw))
            except ValueError:
                self.handled.add(repr(raw))
            self._changed.set()

    async def wait_handled(self, update: JSON, timeout: float = 10.0) -> None:
        update_id = update_id_of(update)
        async with asyncio.timeout(timeout):
            while update_id not in self.handled:
                self._changed.clear()
                await self._changed.wait()


class MaxHarness:
    def __init__(
        self,
        app: App,
        server: FakeMaxServer,
        settings: Settings | None = None,
        **options: Any,
    ) -> None:
        self.app = app
        self.server = server
        self.client = MaxClient(TOKEN, server.base_url)
        self.adapter = RecordingMaxAdapter(
            app,
            self.client,
            settings=settings,
            polling_timeout=1,
            polling_backoff=(0.05, 0.5),
            retry_pause=0.01,
            **options,
        )
        self.sender = fast_sender(app, self.adapter.transport)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        polls = self.server.polls
        self._task = asyncio.create_task(self.adapter.run())
        ready = asyncio.create_task(self.adapter.ready.wait())
        await asyncio.wait({self._task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            self._task.result()
        assert self.adapter.ready.is_set(), "the adapter did not start"
        if not self.adapter.settings.max_webhook_url:
            # The first /updates has no marker ("only the last update"): polling is under
            # way once MAX has answered it and the marker is kept.
            await self.server.wait_for(lambda: self.server.polls > polls + 1)

    async def stop(self) -> None:
        await self.adapter.stop()
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=15)

    async def push(self, update: JSON) -> list[Sent]:
        before = len(self.server.sent)
        await self.adapter.wait_handled(update)
        return self.server.sent[before:]

    async def say(self, user_id: int, text: str | None, **kwargs: Any) -> list[Sent]:
        return await self.push(self.server.user_message(user_id, text, **kwargs))

    async def press(self, user_id: int, label: str) -> list[Sent]:
        return await self.push(self.server.press_label(user_id, label))

    async def press_nth(
        self, user_id: int, number: int, *, chat_id: int | None = None
    ) -> list[Sent]:
        """Press button `number` (from 1, rows read left to right) of the bot's newest
        message with callback buttons in the private chat (or the group `chat_id`)."""
        server = self.server
        messages = server.sent_to_chat(chat_id) if chat_id is not None else server.sent_to(user_id)
        for message in reversed(messages):
            callbacks = [b for b in message.buttons if b["type"] == "callback"]
            if callbacks:
                return await self.push(
                    server.press(user_id, message, callbacks[number - 1]["payload"])
                )
        raise LookupError(f"no buttons for {user_id}")

    async def press_in_chat(self, user_id: int, chat_id: int, label: str) -> list[Sent]:
        for message in reversed(self.server.sent_to_chat(chat_id)):
            for button in message.buttons:
                if button["type"] == "callback" and label in button["text"]:
                    return await self.push(self.server.press(user_id, message, button["payload"]))
        raise LookupError(f"no button {label!r} in {chat_id}")

    async def steps(self, user_id: int, *inputs: str) -> list[Sent]:
        """Type or press in turn ("#N" presses button N of the newest message with any)."""
        sent: list[Sent] = []
        for step in inputs:
            if step.startswith("#"):
                sent += await self.press_nth(user_id, int(step[1:]))
            else:
                sent += await self.say(user_id, step)
        return sent

    def texts_to(self, user_id: int) -> list[str]:
        return [m.text or "" for m in self.server.sent_to(user_id)]

    async def deliver(self) -> list[Sent]:
        """The outbox, delivered now through the MAX transport."""
        before = len(self.server.sent)
        await self.sender.drain()
        return self.server.sent[before:]


def texts(messages: list[Sent]) -> list[str]:
    return [m.text or "" for m in messages]


@contextlib.asynccontextmanager
async def running_max(
    app: App,
    settings: Settings | None = None,
    *,
    harness_options: JSON | None = None,
    **server_options: Any,
) -> AsyncIterator[MaxHarness]:
    async with FakeMaxServer(token=TOKEN, **server_options) as server:
        harness = MaxHarness(app, server, settings, **(harness_options or {}))
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()


# --- the journey suite's driver -----------------------------------------------------------------


class MaxDriver:
    """`tests.support.journeys.JourneyDriver` for MAX: each named person a MAX user id."""

    platform = "max"
    FIRST_ID = 5001

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        self.ids: dict[str, int] = {}
        for name in names:
            self.id_of(name)
        self.harness: MaxHarness | None = None
        self.app: App | None = None

    def id_of(self, user: str) -> int:
        if user not in self.ids:
            self.ids[user] = self.FIRST_ID + len(self.ids)
        return self.ids[user]

    @property
    def _h(self) -> MaxHarness:
        assert self.harness is not None, "the driver is not running"
        return self.harness

    def admin_id(self, user: str) -> str:
        return f"max:{self.id_of(user)}"

    def _shown(self, user_id: int) -> dict[str, tuple[str, int]]:
        return {m.mid: (m.text or "", m.edits) for m in self._h.server.sent_to(user_id)}

    async def _answered(self, user: str, update: JSON) -> str:
        user_id = self.id_of(user)
        h = self._h
        before = self._shown(user_id)
        await h.adapter.wait_handled(update)
        await h.sender.drain()
        out = []
        for message in h.server.sent_to(user_id):
            seen = before.get(message.mid)
            if seen is None or seen != (message.text or "", message.edits):
                out.append(message.text or "")
        return "\n\n".join(out)

    async def say(self, user: str, text: str) -> str:
        update = self._h.server.user_message(self.id_of(user), text, name=user.title())
        return await self._answered(user, update)

    async def press(self, user: str, label: str) -> str:
        user_id = self.id_of(user)
        latest = self._latest_keyboard(user_id)
        assert latest is not None, f"{user} has no buttons"
        button = next(
            (b for b in latest.buttons if b["type"] == "callback" and label in b["text"]), None
        )
        assert button is not None, f"no button {label!r}: {[b['text'] for b in latest.buttons]}"
        update = self._h.server.press(user_id, latest, button["payload"], name=user.title())
        answer = await self._answered(user, update)
        callback_id = update["callback"]["callback_id"]
        assert any(a["callback_id"] == callback_id for a in self._h.server.answers), (
            f"the press of {label!r} was left unanswered"
        )
        return answer

    async def open_link(self, user: str, link: str) -> str:
        """A start link (`https://max.ru/<bot>?start=<payload>`) opened: MAX starts the chat
        with a `bot_started` update carrying the payload."""
        [payload] = parse_qs(urlsplit(link).query)["start"]
        update = self._h.server.bot_started(self.id_of(user), payload, name=user.title())
        return await self._answered(user, update)

    async def send_photo(self, user: str, caption: str = "") -> str:
        server = self._h.server
        update = server.user_message(
            self.id_of(user), caption or None, attachments=[server.photo()], name=user.title()
        )
        return await self._answered(user, update)

    def _latest_keyboard(self, user_id: int) -> Sent | None:
        with_buttons = [m for m in self._h.server.sent_to(user_id) if m.buttons]
        return with_buttons[-1] if with_buttons else None

    def buttons(self, user: str) -> list[str]:
        latest = self._latest_keyboard(self.id_of(user))
        return [b["text"] for b in latest.buttons] if latest else []

    def received(self, user: str) -> str:
        return "\n\n".join(m.text or "" for m in self._h.server.sent_to(self.id_of(user)))


@contextlib.asynccontextmanager
async def max_driver(tmp_path: Path, *, admins: tuple[str, ...] = ()) -> AsyncIterator[MaxDriver]:
    """The bot on MAX (a fresh SQLite database under `tmp_path`, `ADMIN_IDS` of `admins`)
    against the fake MAX server; both stopped on exit."""
    driver = MaxDriver(admins)
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'max-journeys.sqlite3'}",
        admin_ids=",".join(driver.admin_id(name) for name in admins),
    )
    app = await create_app(settings)
    try:
        async with running_max(app) as harness:
            driver.harness = harness
            driver.app = app
            yield driver
    finally:
        await app.close()
