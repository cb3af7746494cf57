"""The real OK adapter behind the bot's own web server, subscribed with the fake OK Bot API
(tests/fakes/ok_server.py), the real dispatcher and handlers on a real database, and the
outbox delivered through the same OK transport.

`OkWorld` drives it like people in OK: the fake pushes a webhook as OK would and the call
returns once the bot answered the request (update handled, replies sent). `OkDriver` is the
shared journey suite's driver (tests/support/journeys.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.adapters.ok.adapter import OkAdapter
from bot.adapters.ok.transport import OkTransport
from bot.app import App
from bot.delivery.outbox import Sender
from bot.web import WebServer
from tests.fakes.ok_server import FakeOkServer, SentMessage
from tests.support.journeys import fresh_app
from tests.support.outbox import fast_sender
from tests.support.queries import rows

TOKEN = "ok-token-1"
GROUP_ID = "7001"
ANNA, BORIS, VERA = 5501, 5502, 5503
FAST = 10_000.0


@dataclass
class OkWorld:
    server: FakeOkServer
    transport: OkTransport
    adapter: OkAdapter
    app: App
    web: WebServer
    sender: Sender
    public_url: str

    async def push(self, body: Any) -> list[SentMessage]:
        """OK delivers `body`; what the bot sent while answering it."""
        before = len(self.server.sent)
        statuses = await self.server.push(body)
        assert statuses == [200], statuses
        return self.server.sent[before:]

    async def say(self, user: int, text: str, **kw: Any) -> list[SentMessage]:
        return await self.push(self.server.message_created(user, text, **kw))

    async def press(self, user: int, label: str) -> list[SentMessage]:
        """Press the newest button whose label starts with `label` (answered, or the test
        fails)."""
        for message in reversed(self.server.sent_to(user)):
            for button in message.buttons:
                if button["type"] == "CALLBACK" and button["text"].startswith(label):
                    return await self.press_payload(user, button["payload"], message.mid)
        raise AssertionError(f"no button {label!r} for {user}: {self.labels(user)}")

    async def press_nth(self, user: int, number: int) -> list[SentMessage]:
        with_buttons = [m for m in self.server.sent_to(user) if m.buttons]
        assert with_buttons, f"{user} has no buttons to press"
        button = with_buttons[-1].buttons[number - 1]
        return await self.press_payload(user, button["payload"], with_buttons[-1].mid)

    async def press_payload(self, user: int, payload: str, mid: str | None) -> list[SentMessage]:
        body = self.server.callback(user, payload, mid=mid)
        sent = await self.push(body)
        assert body["callbackId"] not in self.server.callbacks, "the press was left unanswered"
        return sent

    async def steps(self, user: int, *inputs: str) -> list[SentMessage]:
        sent: list[SentMessage] = []
        for step in inputs:
            if step.startswith("#"):
                sent += await self.press_nth(user, int(step[1:]))
            else:
                sent += await self.say(user, step)
        return sent

    async def deliver(self) -> list[SentMessage]:
        before = len(self.server.sent)
        await self.sender.drain()
        return self.server.sent[before:]

    def texts(self, user: int) -> list[str]:
        return [m.text for m in self.server.sent_to(user)]

    def labels(self, user: int) -> list[str]:
        with_buttons = [m for m in self.server.sent_to(user) if m.buttons]
        return [b["text"] for b in with_buttons[-1].buttons] if with_buttons else []

    async def rows(self, model: type) -> list[Any]:
        return await rows(self.app, model)


@contextlib.asynccontextmanager
async def ok_world(app: App, **adapter_options: Any) -> AsyncIterator[OkWorld]:
    async with FakeOkServer({TOKEN: GROUP_ID}) as server:
        server.set_name(ANNA, "Анна Орг")
        server.set_name(BORIS, "Борис Б")
        server.set_name(VERA, "Vera V")
        transport = await OkTransport.connect([TOKEN], server.base_url, rate_per_token=FAST)
        web = WebServer("127.0.0.1", 0, app)
        port = await web.start()
        public_url = f"http://127.0.0.1:{port}/ok/hook"
        options = {"is_admin": lambda user: app.settings.is_admin("ok", user), **adapter_options}
        adapter = OkAdapter(app.dispatcher, transport, max_retry_sleep=0.02, **options)
        await adapter.start(web, public_url)
        try:
            yield OkWorld(
                server, transport, adapter, app, web, fast_sender(app, transport), public_url
            )
        finally:
            await adapter.stop(timeout=5)
            await web.stop()
            await transport.close()


# --- the shared journey suite's driver ---------------------------------------------------------


class OkDriver:
    """`tests.support.journeys.JourneyDriver` for OK; users are named by their OK id."""

    platform = "ok"

    def __init__(self, world: OkWorld) -> None:
        self.world = world
        self.app = world.app

    @staticmethod
    def _id(user: str) -> int:
        return int(user)

    def admin_id(self, user: str) -> str:
        return f"ok:{user}"

    async def _answer(self, user: str, sent: list[SentMessage]) -> str:
        sent = sent + await self.world.deliver()
        return "\n\n".join(m.text for m in sent if m.user_id == f"user:{user}")

    async def say(self, user: str, text: str) -> str:
        return await self._answer(user, await self.world.say(self._id(user), text))

    async def press(self, user: str, label: str) -> str:
        uid = self._id(user)
        with_buttons = [m for m in self.world.server.sent_to(uid) if m.buttons]
        assert with_buttons, f"{user} has no buttons"
        latest = with_buttons[-1]
        button = next(
            (b for b in latest.buttons if b["type"] == "CALLBACK" and label in b["text"]), None
        )
        assert button is not None, f"no button {label!r}: {[b['text'] for b in latest.buttons]}"
        sent = await self.world.press_payload(uid, button["payload"], latest.mid)
        return await self._answer(user, sent)

    async def send_photo(self, user: str, caption: str = "") -> str:
        image = {"type": "IMAGE", "payload": {"id": "p1", "token": "photo-token-1"}}
        sent = await self.world.say(self._id(user), caption, attachments=[image])
        return await self._answer(user, sent)

    async def open_link(self, user: str, link: str) -> str:
        # OK has no start payload: the person sends the link to the group (events.py).
        return await self.say(user, link)

    def buttons(self, user: str) -> list[str]:
        return self.world.labels(self._id(user))

    def received(self, user: str) -> str:
        return "\n\n".join(self.world.texts(self._id(user)))


@contextlib.asynccontextmanager
async def ok_driver(tmp_path: Path, *, admins: tuple[str, ...] = ()) -> AsyncIterator[OkDriver]:
    """The journey suite's factory: a fresh SQLite database under `tmp_path`, the app with
    `ADMIN_IDS` of `admins`, the OK world around it."""
    app = await fresh_app(tmp_path, [f"ok:{user}" for user in admins])
    try:
        async with ok_world(app) as world:
            yield OkDriver(world)
    finally:
        await app.close()
