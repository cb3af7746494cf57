"""The bot's one web server: /healthz, /metrics and the platforms' webhooks, on one port.

The App owns it (bot/app.py): it listens on WEBHOOK_HOST:WEBHOOK_PORT from start to close
when WEBHOOK_PORT is set; otherwise it starts only when an adapter asks for it (Telegram's
webhook mode), on 8080. Adapters add their routes through `bot.core.platform.WebRoutes`
(`runtime.web`), at any time: routes live in a table read per request, not in aiohttp's
router, which is frozen once the server runs, while an adapter learns its route only after
the server started (Telegram registers its webhook once getMe answered).

* /healthz: JSON, 200 when the database answers `SELECT 1` within `DATABASE_TIMEOUT`, 503
  otherwise; with each platform's last successful API call (`bot.core.health.Health`) and
  whether this process leads the scheduler and each outbox sender (their database leases).
* /metrics: Prometheus' text format 0.0.4 (`bot.core.metrics`), the outbox backlog and the
  leases read from the database at scrape time.

Nothing here names a platform: what a platform reports comes through the neutral registries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.health import Health
from bot.core.metrics import Backlog, Metrics, Snapshot
from bot.core.platform import WebHandler
from bot.delivery.outbox import Sender
from bot.scheduler import LEASE_NAME as SCHEDULER_LEASE
from bot.scheduler import Scheduler
from domain import clock
from storage.models import Lease, OutboxMessage, OutboxStatus, RefusedUpdate

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080
# A health check that waits longer than this for the database reports it down: a load
# balancer or an orchestrator asks again soon, and a stuck pool is as bad as no database.
DATABASE_TIMEOUT = 2.0
# On close, requests still in flight get this long. The adapters have already let their
# updates finish (bot/app.py STOP_GRACE) by then, and the whole stop must fit in the 10 s a
# supervisor waits before it kills; an abandoned webhook request is sent again by Telegram.
SHUTDOWN_TIMEOUT = 2.0
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"

# The sender's tally (`Sender.stats`, bot/delivery/outbox.py) by the results /metrics
# reports: a retry is any message put back to be tried later, flood control included.
SEND_RESULTS = {
    "sent": "sent",
    "retried": "retry",
    "rate_limited": "retry",
    "failed": "failed",
    "skipped": "skipped",
    "not_allowed": "skipped",
    "unreachable": "skipped",
}


class Observed(Protocol):
    """What the server reports on (bot/app.py's `App` is one). Read on every request, so a
    sender or scheduler started later, or an engine replaced, is seen."""

    engine: AsyncEngine
    health: Health
    metrics: Metrics
    scheduler: Scheduler | None
    senders: dict[str, Sender]


@dataclass(slots=True)
class DatabaseView:
    """What one short connection to the database told; `error` set when it did not answer."""

    error: str | None = None
    seconds: float = 0.0
    live_leases: set[tuple[str, str]] = field(default_factory=set)  # (name, holder)
    backlog: dict[str, Backlog] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)  # unreadable updates, by platform


async def read_database(
    engine: AsyncEngine, *, backlog_of: Collection[str] = (), timeout: float = DATABASE_TIMEOUT
) -> DatabaseView:
    """`SELECT 1`, the live leases and (for `backlog_of` platforms) the pending outbox, in
    one connection, within `timeout` seconds."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    view = DatabaseView()
    now = clock.now()
    try:
        async with asyncio.timeout(timeout), engine.connect() as connection:
            await connection.exec_driver_sql("SELECT 1")
            leases = await connection.execute(
                select(Lease.name, Lease.holder).where(Lease.expires_at > now)
            )
            view.live_leases = {(name, holder) for name, holder in leases.all()}
            if backlog_of:
                # By platform with the platform in the WHERE clause: the index on (platform,
                # status, ...) then reads pending rows only, however many were sent before.
                rows = await connection.execute(
                    select(
                        OutboxMessage.platform,
                        func.count(),
                        func.min(OutboxMessage.created_at),
                    )
                    .where(
                        OutboxMessage.platform.in_(sorted(backlog_of)),
                        OutboxMessage.status == OutboxStatus.PENDING,
                    )
                    .group_by(OutboxMessage.platform)
                )
                for platform, pending, oldest in rows.all():
                    age = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
                    view.backlog[platform] = Backlog(int(pending), age)
                for platform in backlog_of:
                    view.backlog.setdefault(platform, Backlog(0, 0.0))
            # All time, from the table that keeps them: a counter in the database survives
            # restarts and is the same whichever process is scraped.
            refused = await connection.execute(
                select(RefusedUpdate.platform, func.count()).group_by(RefusedUpdate.platform)
            )
            view.refused = {platform: int(count) for platform, count in refused.all()}
    except TimeoutError:
        view.error = f"no answer in {timeout:g}s"
    except Exception as exc:
        # The class only: a driver's message may carry the connection string.
        view.error = type(exc).__name__
        log.warning("health check: database unreachable (%s)", view.error)
    view.seconds = loop.time() - started
    return view


def send_counts(senders: Mapping[str, Sender]) -> dict[tuple[str, str], int]:
    """(platform, result) -> messages, from the running senders' tallies."""
    counts: dict[tuple[str, str], int] = {}
    for platform, sender in senders.items():
        for result in SEND_RESULTS.values():
            counts.setdefault((platform, result), 0)
        for key, count in sender.stats.items():
            result = SEND_RESULTS.get(key)
            if result is not None:
                counts[(platform, result)] += count
    return counts


class WebServer:
    """One aiohttp server per App (see the module docstring); `WebRoutes` for adapters."""

    def __init__(self, host: str, port: int | None, observed: Observed) -> None:
        self.host = host
        self.requested_port = DEFAULT_PORT if port is None else port
        self.observed = observed
        # The bound port once listening (the real one when 0 asked for any free port).
        self.port: int | None = None
        self._routes: dict[str, dict[str, WebHandler]] = {}  # path -> method -> handler
        self._runner: web.AppRunner | None = None
        self._starting = asyncio.Lock()
        self.add_route("GET", HEALTH_PATH, self._healthz)
        self.add_route("GET", METRICS_PATH, self._metrics)

    @property
    def running(self) -> bool:
        return self._runner is not None

    # --- routes -------------------------------------------------------------------------------

    def add_route(self, method: str, path: str, handler: WebHandler) -> None:
        methods = self._routes.setdefault(path, {})
        method = method.upper()
        taken = methods.get(method)
        if taken is not None and taken != handler:
            raise ValueError(f"{method} {path} is already served by another handler")
        methods[method] = handler

    def remove_route(self, method: str, path: str) -> None:
        methods = self._routes.get(path, {})
        methods.pop(method.upper(), None)
        if not methods:
            self._routes.pop(path, None)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        methods = self._routes.get(request.path)
        if not methods:
            return web.Response(status=404, text="Not Found")
        handler = methods.get(request.method)
        if handler is None:
            return web.Response(
                status=405, text="Method Not Allowed", headers={"Allow": ", ".join(methods)}
            )
        return await handler(request)

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> int:
        """Listen, unless already listening; returns the bound port."""
        async with self._starting:
            if self._runner is None:
                application = web.Application()
                application.router.add_route("*", "/{tail:.*}", self._dispatch)
                runner = web.AppRunner(
                    application, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT
                )
                await runner.setup()
                try:
                    site = web.TCPSite(runner, self.host, self.requested_port)
                    await site.start()
                except BaseException:
                    await runner.cleanup()
                    raise
                self._runner = runner
                self.port = runner.addresses[0][1]
                log.info("web server listening on %s:%s", self.host, self.port)
        assert self.port is not None
        return self.port

    async def stop(self) -> None:
        async with self._starting:
            runner, self._runner = self._runner, None
            if runner is not None:
                await runner.cleanup()
                self.port = None

    # --- /healthz and /metrics ----------------------------------------------------------------

    async def _healthz(self, _request: web.Request) -> web.Response:
        observed = self.observed
        view = await read_database(observed.engine)
        now = clock.now()
        known = None if view.error else view.live_leases
        scheduler = observed.scheduler
        body: dict[str, Any] = {
            "status": "ok" if view.error is None else "unavailable",
            "time": now.isoformat(),
            "database": {
                "ok": view.error is None,
                "seconds": round(view.seconds, 4),
                **({"error": view.error} if view.error else {}),
            },
            "platforms": {
                platform: {
                    "last_ok": moment.isoformat(),
                    "seconds_since": round((now - moment).total_seconds(), 3),
                }
                for platform, moment in sorted(observed.health.last_ok().items())
            },
            "scheduler": {
                "running": scheduler is not None,
                "leader": _leads(known, SCHEDULER_LEASE, scheduler.holder) if scheduler else False,
            },
            "outbox": {
                platform: {"leader": _leads(known, sender.lease_name, sender.holder)}
                for platform, sender in sorted(observed.senders.items())
            },
        }
        return web.json_response(body, status=200 if view.error is None else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        observed = self.observed
        senders = dict(observed.senders)
        last_ok = observed.health.last_ok()
        view = await read_database(observed.engine, backlog_of=set(senders) | set(last_ok))
        known = None if view.error else view.live_leases
        scheduler = observed.scheduler
        snapshot = Snapshot(
            database_up=view.error is None,
            backlog=view.backlog,
            refused_updates=view.refused,
            sends=send_counts(senders),
            scheduler_leader=(
                _leads(known, SCHEDULER_LEASE, scheduler.holder) if scheduler else False
            ),
            # Unknown while the database is down: no value rather than a false 0.
            outbox_leaders={}
            if known is None
            else {
                platform: (sender.lease_name, sender.holder) in known
                for platform, sender in senders.items()
            },
            last_ok={platform: moment.timestamp() for platform, moment in last_ok.items()},
        )
        return web.Response(
            body=observed.metrics.render(snapshot),
            headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4},
        )


def _leads(live: set[tuple[str, str]] | None, lease: str, holder: str) -> bool | None:
    """Whether `holder` holds `lease` now; None when the database could not say."""
    return None if live is None else (lease, holder) in live
