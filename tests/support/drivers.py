"""Driving the bot as people do: the console session, and incoming events fed straight to
the dispatcher (messages, button presses, forged or stale payloads included)."""

from __future__ import annotations

import asyncio
import io
import re
import uuid
from collections.abc import Callable
from typing import Any

from bot.adapters.console.adapter import ConsoleAdapter
from bot.app import App
from bot.core.events import Chat, EventKind, Incoming, Sender, parse_command
from bot.core.payloads import Payload
from bot.core.replies import Reply
from bot.scheduler import Scheduler


class ConsoleSession:
    """Drive the console adapter like a person and read what it printed."""

    def __init__(self, app: App, *, scheduler: Scheduler | None = None) -> None:
        self.app = app
        self.out = io.StringIO()
        self.adapter = ConsoleAdapter(
            app.dispatcher, app.session_factory, out=self.out, scheduler=scheduler
        )

    async def say(self, *lines: str) -> str:
        start = self.out.tell()
        await self.adapter.run_script(lines)
        return self.out.getvalue()[start:]

    async def press_payload(self, payload: Payload | str) -> str:
        """Press a button by its payload as the current console user (a stale or forged client
        may send any payload); returns what was printed, outbox deliveries included."""
        start = self.out.tell()
        await self.adapter._feed(kind=EventKind.BUTTON, payload=_raw(payload))
        return self.out.getvalue()[start:]

    @property
    def transcript(self) -> str:
        return self.out.getvalue()


def _raw(payload: Payload | str) -> str:
    return payload.pack() if isinstance(payload, Payload) else payload


def console_event(user: str, **fields: Any) -> Incoming:
    """An update from the console user `user` (named after their id) in their private chat;
    `fields` are the rest of the event, and may replace the update id or the chat."""
    return Incoming(
        **{
            "platform": "console",
            "update_id": uuid.uuid4().hex,
            "sender": Sender(external_id=user, name=user),
            "chat": Chat(external_id=user),
            **fields,
        }
    )


def message(
    text: str,
    *,
    user: str = "42",
    update_id: str | None = None,
    platform: str = "telegram",
    name: str = "Ivan",
    language: str | None = "ru",
    chat: Chat | None = None,
    bot_username: str | None = None,
    **fields: Any,
) -> Incoming:
    """A message typed by `user` (by default Ivan on Telegram, in their private chat), its
    command parsed as the adapters do; `fields` are the rest of the event."""
    command, args, addressed = parse_command(text, bot_username=bot_username)
    return Incoming(
        platform=platform,
        update_id=update_id or uuid.uuid4().hex,
        sender=Sender(external_id=user, name=name, language_code=language),
        chat=chat or Chat(external_id=user),
        text=text,
        command=command,
        args=args,
        addressed=addressed,
        **fields,
    )


def console_message(user: str, text: str) -> Incoming:
    """A message typed by the console user `user` in their private chat."""
    return message(text, user=user, platform="console", name=user, language=None)


def button_press(user: str, payload: Payload | str) -> Incoming:
    """The console user `user` pressing a button with any payload, as a forged or stale
    client could."""
    return console_event(user, kind=EventKind.BUTTON, payload=_raw(payload))


async def press_replies(app: App, user: str, payload: Payload | str) -> list[Reply]:
    """Press a button with any payload; the replies the dispatcher answered with."""
    return await app.dispatcher.feed(button_press(user, payload))


async def press(app: App, user: str, payload: Payload | str) -> str:
    """Press a button with any payload; the replies' texts, one under the other."""
    return "\n".join(reply.text for reply in await press_replies(app, user, payload))


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Return once `condition()` holds; TimeoutError after `timeout` seconds of the event
    loop's clock."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


def button_number(out: str, label: str) -> str:
    """The console's "#N" of the last button in `out` whose label starts with `label` (the
    newest message's, when several messages show one)."""
    found = re.findall(rf"\[(#\d+) {re.escape(label)}", out)
    assert found, out
    return found[-1]
