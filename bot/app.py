"""Wiring: settings -> database -> texts -> router -> dispatcher -> adapters."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.adapters import configured
from bot.core.dispatcher import Dispatcher
from bot.core.health import Health
from bot.core.metrics import Metrics
from bot.core.transport import Transport
from bot.delivery.outbox import Sender
from bot.scheduler import Scheduler
from bot.services.purchases import plan_missing_stops
from bot.services.tasks import TASKS
from bot.settings import Settings
from bot.texts import Texts
from bot.web import WebServer
from handlers import build_router
from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    texts: Texts
    dispatcher: Dispatcher
    # The outbox senders, one per platform (see `start_sender`).
    senders: dict[str, Sender] = field(default_factory=dict)
    _sender_tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict, repr=False)
    scheduler: Scheduler | None = None
    # When each platform last answered (transports record it), and the process' metrics.
    health: Health = field(default_factory=Health)
    metrics: Metrics = field(default_factory=Metrics)
    # /healthz, /metrics and the webhooks (bot/web.py): started by `run_platforms` when
    # WEBHOOK_PORT is set, or by an adapter that needs it; stopped by `close`.
    web: WebServer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.web = WebServer(self.settings.webhook_host, self.settings.webhook_port, self)

    def start_sender(self, transport: Transport, **options: Any) -> Sender:
        """Deliver the outbox of `transport.platform` through `transport`, from now until
        `close()`. For adapter authors: call it once, inside the running event loop, when
        your transport can send (e.g. `app.start_sender(adapter.transport)` in run_telegram).

        One sender per platform: a second call for the same platform returns the running
        sender. `options` go to `bot.delivery.outbox.Sender` (tests use small back-offs).
        """
        running = self.senders.get(transport.platform)
        if running is not None:
            if running.transport is not transport:
                log.warning(
                    "outbox %s: a second transport offered; keeping the first", transport.platform
                )
            return running
        options.setdefault("max_attempts", self.settings.delivery_max_attempts)
        sender = Sender(transport, self.session_factory, self.texts, **options)
        self.senders[transport.platform] = sender
        self._sender_tasks[transport.platform] = asyncio.create_task(
            _keep_running(sender), name=f"outbox-{transport.platform}"
        )
        return sender

    async def stop_senders(self) -> None:
        """Stop delivering: claimed messages not yet sent are given back, the lease freed."""
        tasks = list(self._sender_tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._sender_tasks.clear()
        self.senders.clear()

    async def start_scheduler(self, *, timers: bool = True) -> Scheduler:
        """Run time-driven work (rounds, reminders, deadlines) from this process.

        Every process may call it: the database lease lets one of them run tasks at a time
        and another take over when it dies, so several workers never double the work.
        Without `timers` nothing runs by itself: what is due runs when `run_due` is called
        (a console script, which moves its clock with `:time`, does so after every line).
        """
        if self.scheduler is None:
            async with self.session_factory() as session, session.begin():
                await plan_missing_stops(UnitOfWork(session))
            self.scheduler = Scheduler(self.session_factory, self.texts, handlers=TASKS)
            if timers:
                await self.scheduler.start()
            else:
                await self.scheduler.run_due()
        return self.scheduler

    async def close(self) -> None:
        await self.web.stop()
        if self.scheduler is not None:
            await self.scheduler.stop()
            self.scheduler = None
        await self.stop_senders()
        await self.dispatcher.close()
        await self.engine.dispose()


async def _keep_running(sender: Sender) -> None:
    # A bug in one round must not end delivery for the rest of the process' life.
    while True:
        try:
            await sender.run()
        except Exception:
            log.exception("outbox %s: sender crashed; restarting in 5s", sender.platform)
            await asyncio.sleep(5)


async def create_app(settings: Settings, *, run_migrations: bool = True) -> App:
    sqlite_path = settings.sqlite_path()
    if sqlite_path is not None:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    if run_migrations:
        await migrate.upgrade(engine)
    session_factory = create_session_factory(engine)
    texts = Texts(settings.default_language)
    metrics = Metrics()
    dispatcher = Dispatcher(build_router(), session_factory, settings, texts, metrics=metrics)
    return App(settings, engine, session_factory, texts, dispatcher, metrics=metrics)


def freeze_startup_objects() -> None:
    """Take what start-up made (modules, aiogram's and pydantic's model classes, SQLAlchemy's
    mappers, the texts: hundreds of thousands of objects that live as long as the process)
    out of the garbage collector's full passes, which otherwise walk them all with the event
    loop stopped, every few seconds under load (bench/telegram_bench.py shows the pauses).
    Once per process, after start-up: frozen objects are never collected."""
    gc.collect()
    gc.freeze()


async def run_migrations_only(settings: Settings) -> None:
    app = await create_app(settings)
    await app.close()


async def run_console(
    settings: Settings,
    *,
    script: TextIO | None = None,
    user: str = "buyer",
    files_dir: Path | None = None,
) -> None:
    from bot.adapters.console.adapter import ConsoleAdapter

    app = await create_app(settings)
    try:
        # The console runs what is due after every line and after `:time`, so nothing in a
        # script waits for real time; the interactive console also has the timers.
        scheduler = await app.start_scheduler(timers=script is None)
        console = ConsoleAdapter(
            app.dispatcher,
            app.session_factory,
            user=user,
            files_dir=files_dir,
            scheduler=scheduler,
        )
        if script is not None:
            await console.run_script(script)
        else:
            await console.run_interactive()
    finally:
        await app.close()


async def run_platforms(settings: Settings) -> None:
    """Every platform whose token is set, in one process (bot/adapters/__init__.py).

    Each adapter offers its transport with `app.start_sender`, which starts that platform's
    outbox sender; `app.close()` stops them.
    """
    app = await create_app(settings)
    try:
        await app.start_scheduler()
        if settings.webhook_port is not None:
            # Up before the platforms connect, so /healthz answers during start-up too.
            await app.web.start()
        runners = [
            asyncio.create_task(platform.run(app), name=f"platform-{platform.name}")
            for platform in configured(settings)
        ]
        freeze_startup_objects()
        await run_until_signalled(runners)
    finally:
        await app.close()


# How long a stop waits for the updates in hand: what is not done by then stays unconfirmed
# (or in the inbox) and is handled after the restart. Below the usual 10 s a supervisor
# (docker stop, systemd's TimeoutStopSec) waits before it kills.
STOP_GRACE = 8.0


async def run_until_signalled(runners: list[asyncio.Task[None]]) -> None:
    """Run the platforms until SIGTERM or SIGINT (or until one of them fails), then stop
    them gracefully: they stop taking updates and finish those in hand (each adapter bounds
    its own wait); the caller's `app.close()` then gives back the outbox claims and the
    leases, so the next process starts at once. A second signal ends the process at once."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal(signum: int) -> None:
        if stop.is_set():
            log.warning("second %s: exiting at once", signal.Signals(signum).name)
            os._exit(128 + signum)
        log.info("%s: stopping (finishing the updates in hand)", signal.Signals(signum).name)
        stop.set()

    installed = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(signum, on_signal, signum)
            installed.append(signum)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({*runners, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        for task in runners:
            task.cancel()
        # Each adapter drains within its own bound; this one only guards against a bug.
        await asyncio.wait(runners, timeout=STOP_GRACE + 5)
        for signum in installed:
            loop.remove_signal_handler(signum)
    errors = [task.exception() for task in runners if task.done() and not task.cancelled()]
    for error in errors:
        if error is not None:
            raise error
