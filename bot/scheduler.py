"""Time-driven work: referral rounds, payment reminders, answer deadlines.

What must happen is a `ScheduledTask` row, written by the change that makes it necessary (in
the same transaction). The scheduler never keeps its own copy of that truth:

* APScheduler 3 (in memory) wakes us up at each known task's due time and sweeps
  periodically for tasks written by other processes or missed while the bot was down;
  nothing is pickled, so no job store can drift from the database.
* Each task runs in its own transaction that locks the row, runs the handler and marks it
  done together, so a task's effects (outbox messages, status changes) happen exactly once,
  whether a timer, a sweep, a restart or a second process gets there first.
* Only the holder of the "scheduler" lease runs tasks, so several bot workers may run
  with one scheduling process at a time; a crashed holder's lease expires and another
  takes over.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.texts import Texts
from domain import clock
from storage.models import ScheduledTask, TaskStatus
from storage.repositories.tasks import lease_holder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
# Platforms redeliver an update for at most a day; a week of ids is a safe margin.
PROCESSED_UPDATES_KEPT = timedelta(days=7)


class TaskContext:
    """What a task handler gets: the unit of work of its transaction, the time and texts."""

    def __init__(self, uow: UnitOfWork, now: datetime, texts: Texts, scheduler: Scheduler) -> None:
        self.uow = uow
        self.now = now
        self.texts = texts
        self.scheduler = scheduler


TaskHandler = Callable[[TaskContext, ScheduledTask], Awaitable[None]]


class Scheduler:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        texts: Texts,
        *,
        handlers: Mapping[str, TaskHandler],
        sweep_seconds: float = 30.0,
        lease_ttl: timedelta = timedelta(seconds=15),
    ) -> None:
        self.session_factory = session_factory
        self.texts = texts
        # Task kinds and what runs them (bot/services/tasks.py for the bot's own).
        self.handlers = handlers
        self.sweep_seconds = sweep_seconds
        self.lease_ttl = lease_ttl
        self.holder = lease_holder()
        self._aps: AsyncIOScheduler | None = None
        self._leading = False

    # --- leadership -------------------------------------------------------------------------

    async def acquire_lease(self) -> bool:
        async with self.session_factory() as session, session.begin():
            return await UnitOfWork(session).leases.acquire(
                LEASE_NAME, self.holder, clock.now(), self.lease_ttl
            )

    async def _keep_lease(self) -> None:
        try:
            leading = await self.acquire_lease()
        except Exception as exc:  # the database is away: the next renewal tries again
            log.warning("scheduler lease not renewed: %s", exc)
            return
        if leading and not self._leading:
            log.info("scheduler: leading from now on")
            await self.run_due()
        self._leading = leading

    async def release_lease(self) -> None:
        async with self.session_factory() as session, session.begin():
            await UnitOfWork(session).leases.release(LEASE_NAME, self.holder)

    # --- running tasks ----------------------------------------------------------------------

    async def run_due(self, limit: int = 500) -> int:
        """Run every task that is due now, if this process holds the lease. Returns how many
        ran. Safe to call at any time from anywhere: a task runs at most once."""
        if not await self.acquire_lease():
            return 0
        async with self.session_factory() as session, session.begin():
            uow = UnitOfWork(session)
            await uow.processed.forget_before(clock.now() - PROCESSED_UPDATES_KEPT)
            ids = await uow.tasks.due_ids(clock.now(), limit)
        done = 0
        for task_id in ids:
            done += await self.run_task(task_id)
        return done

    async def run_task(self, task_id: int) -> int:
        try:
            async with self.session_factory() as session, session.begin():
                uow = UnitOfWork(session)
                task = await uow.tasks.lock_pending(task_id)
                if task is None:
                    return 0  # done meanwhile by a timer, a sweep or another process
                now = clock.now()
                if task.due_at > now:
                    # Moved later since this timer was planned (an edited round or deadline):
                    # wait for the new time instead of running early.
                    self.plan(task.id, task.due_at)
                    return 0
                handler = self.handlers.get(task.kind)
                if handler is None:
                    log.error("no handler for task %s (%s); left pending", task.key, task.kind)
                    return 0
                await handler(TaskContext(uow, now, self.texts, self), task)
                task.status = TaskStatus.DONE
                task.done_at = now
            return 1
        except Exception:
            # Rolled back as a whole; the next sweep tries again.
            log.exception("task %s failed", task_id)
            return 0

    # --- timers -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Plan the known tasks and the periodic sweep; catch up on missed work at once."""
        self._aps = AsyncIOScheduler(timezone="UTC")
        self._aps.add_job(
            self.run_due,
            "interval",
            seconds=self.sweep_seconds,
            id="sweep",
            max_instances=1,
            coalesce=True,
        )
        # The lease is renewed well within its time, so a process that dies hands the
        # scheduling over within `lease_ttl`, and the new leader catches up at once.
        self._aps.add_job(
            self._keep_lease,
            "interval",
            seconds=self.lease_ttl.total_seconds() / 3,
            id="lease",
            max_instances=1,
            coalesce=True,
        )
        self._aps.start()
        await self.run_due()
        await self.plan_pending()

    async def plan_pending(self) -> None:
        """A timer for every pending task: at start, and again when the clock was moved (the
        console's `:time`), since a timer waits for a moment of the system's time."""
        async with self.session_factory() as session:
            for task in await UnitOfWork(session).tasks.pending():
                self.plan(task.id, task.due_at)

    def plan(self, task_id: int, due_at: datetime) -> None:
        """Wake up exactly at `due_at` (the sweep is the safety net, this is the precision)."""
        if self._aps is None:
            return
        # APScheduler's timers run on the system's time; the clock may be ahead of it (the
        # console's `:time`) or stand still (tests), where only the sweep and `run_due` run.
        run_at = clock.current().system_time_of(due_at)
        if run_at is None:
            return
        self._aps.add_job(
            self.run_task,
            "date",
            run_date=max(run_at, datetime.now(UTC)),
            args=[task_id],
            id=f"task-{task_id}",
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        await self.release_lease()
