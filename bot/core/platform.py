"""The contract between the core and a platform adapter, seen from the adapter's side: what
it is given to run (`Runtime`) and how it says it exists (`Platform`).

An adapter turns its platform's updates into `bot.core.events.Incoming`, feeds them to
`runtime.dispatcher`, delivers the neutral replies, and offers a `bot.core.transport.Transport`
(with its limits) to `runtime.start_sender` for the outbox. An adapter that receives by
webhook adds its route to the bot's one web server (`runtime.web`), and its transport tells
`runtime.health` when the platform answered. bot/adapters/README.md is the whole checklist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.dispatcher import Dispatcher
from bot.core.health import Health
from bot.core.transport import Transport
from bot.settings import Settings
from bot.texts import Texts

WebHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebRoutes(Protocol):
    """The bot's one web server (bot/web.py), shared by every platform that uses webhooks,
    next to /healthz and /metrics. It binds WEBHOOK_HOST:WEBHOOK_PORT (8080 when unset)."""

    def add_route(self, method: str, path: str, handler: WebHandler) -> None:
        """Answer `method` requests to `path` with `handler`, from now on (before or after the
        server started). A path already taken by another handler is refused (ValueError)."""
        ...

    def remove_route(self, method: str, path: str) -> None:
        """Stop answering there (404): call it when the adapter stops receiving."""
        ...

    async def start(self) -> int:
        """Make sure the server is listening (it may be already); returns the bound port."""
        ...


class Runtime(Protocol):
    """The running bot as an adapter sees it (bot/app.py's `App` is one)."""

    settings: Settings
    texts: Texts
    dispatcher: Dispatcher
    session_factory: async_sessionmaker[AsyncSession]
    # Where the transport records each successful API call, for /healthz.
    health: Health
    web: WebRoutes

    def start_sender(self, transport: Transport) -> object:
        """Deliver the outbox of `transport.platform` through `transport` from now until the
        bot stops. Call it once, inside the running event loop, when the transport can send."""
        ...


@dataclass(frozen=True, slots=True)
class Platform:
    """One messenger the bot runs on, as registered in bot/adapters/__init__.py."""

    name: str
    # Whether the settings ask for it (its token is set).
    configured: Callable[[Settings], bool]
    # Receive updates and answer them until cancelled.
    run: Callable[[Runtime], Awaitable[None]]
