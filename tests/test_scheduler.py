"""The scheduler: tasks from the database, run exactly once, by one process at a time."""

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.scheduler import Scheduler, TaskContext
from domain.clock import Clock, FrozenClock, SystemClock, install
from storage.models import Lease, OutboxMessage, ScheduledTask, TaskStatus, User
from storage.uow import UnitOfWork
from tests.support.drivers import message, wait_until


def make_scheduler(app: App, handlers: dict) -> Scheduler:
    return Scheduler(app.session_factory, app.texts, handlers=handlers)


async def schedule(app: App, key: str, due_in: timedelta, clock: Clock, kind: str = "t") -> None:
    async with app.session_factory() as session, session.begin():
        await UnitOfWork(session).tasks.schedule(kind, key, clock() + due_in, {"n": key})


async def test_due_tasks_run_once_with_their_effects(app: App, clock: FrozenClock) -> None:
    ran: list[str] = []

    async def remind(ctx: TaskContext, task: ScheduledTask) -> None:
        user, _ = await ctx.uow.users.get_or_create(
            "console", "buyer", name="buyer", username=None, language="ru"
        )
        await ctx.uow.session.flush()
        from bot.core.replies import Reply
        from storage.models import OutboxKind

        await ctx.uow.outbox.enqueue(user, Reply(text=task.data["n"]), OutboxKind.REMINDER)
        ran.append(task.key)

    await schedule(app, "a", timedelta(hours=1), clock)
    await schedule(app, "a", timedelta(hours=5), clock)  # the same logical task: kept once
    await schedule(app, "b", timedelta(hours=2), clock)
    scheduler = make_scheduler(app, {"t": remind})
    assert await scheduler.run_due() == 0
    clock.advance(hours=1)
    assert await scheduler.run_due() == 1
    clock.advance(days=3)  # the bot was down: everything missed is caught up, once
    assert await scheduler.run_due() == 1
    assert await scheduler.run_due() == 0
    assert ran == ["a", "b"]
    async with app.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert await session.scalar(select(func.count()).select_from(User)) == 1


async def test_a_restarted_scheduler_does_not_repeat_work(app: App, clock: FrozenClock) -> None:
    ran: list[str] = []

    async def handler(ctx: TaskContext, task: ScheduledTask) -> None:
        ran.append(task.key)

    await schedule(app, "x", timedelta(minutes=1), clock)
    first = make_scheduler(app, {"t": handler})
    clock.advance(minutes=2)
    assert await first.run_due() == 1
    await first.release_lease()
    second = make_scheduler(app, {"t": handler})
    assert await second.run_due() == 0
    assert ran == ["x"]


async def test_only_the_lease_holder_runs_tasks(app: App, clock: FrozenClock) -> None:
    ran: list[str] = []

    async def handler(ctx: TaskContext, task: ScheduledTask) -> None:
        ran.append(task.key)

    one = make_scheduler(app, {"t": handler})
    two = make_scheduler(app, {"t": handler})
    assert await one.acquire_lease()
    assert not await two.acquire_lease()
    await schedule(app, "k", timedelta(0), clock)
    assert await two.run_due() == 0
    clock.advance(seconds=200)  # the holder died: its lease expires, the other takes over
    assert await two.run_due() == 1
    assert not await one.acquire_lease()
    assert ran == ["k"]


async def test_concurrent_runs_of_one_task_do_it_once(app: App, clock: FrozenClock) -> None:
    ran: list[str] = []

    async def slow(ctx: TaskContext, task: ScheduledTask) -> None:
        await asyncio.sleep(0.05)
        ran.append(task.key)

    await schedule(app, "c", timedelta(0), clock)
    scheduler = make_scheduler(app, {"t": slow})
    async with app.session_factory() as session:
        [task_id] = await UnitOfWork(session).tasks.due_ids(clock())
    results = await asyncio.gather(*(scheduler.run_task(task_id) for _ in range(3)))
    assert sum(results) == 1 and ran == ["c"]


async def test_a_failing_task_is_rolled_back_and_retried(app: App, clock: FrozenClock) -> None:
    attempts: list[int] = []

    async def flaky(ctx: TaskContext, task: ScheduledTask) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database hiccup")

    await schedule(app, "f", timedelta(0), clock)
    scheduler = make_scheduler(app, {"t": flaky})
    assert await scheduler.run_due() == 0
    assert await scheduler.run_due() == 1
    async with app.session_factory() as session:
        task = await session.scalar(select(ScheduledTask))
    assert task is not None and task.status is TaskStatus.DONE and len(attempts) == 2


async def test_start_catches_up_and_plans_timers(app: App, clock: FrozenClock) -> None:
    ran: list[str] = []

    async def handler(ctx: TaskContext, task: ScheduledTask) -> None:
        ran.append(task.key)

    await schedule(app, "missed", timedelta(hours=-1), clock)
    await schedule(app, "later", timedelta(hours=1), clock)
    scheduler = make_scheduler(app, {"t": handler})
    await scheduler.start()
    try:
        assert ran == ["missed"]
        assert scheduler._aps is not None
        assert {job.id for job in scheduler._aps.get_jobs()} >= {"sweep"}
    finally:
        await scheduler.stop()


async def test_old_processed_update_ids_are_pruned(app: App, clock: FrozenClock) -> None:
    await app.dispatcher.feed(message("/help", update_id="old"))
    scheduler = make_scheduler(app, {})
    await scheduler.run_due()
    assert await app.dispatcher.feed(message("/help", update_id="old")) == []
    clock.advance(days=8)
    await scheduler.run_due()
    [reply] = await app.dispatcher.feed(message("/help", update_id="old"))
    assert "Что я умею" in reply.text


async def test_a_timer_for_a_task_moved_later_does_not_run_it_early(
    app: App, clock: FrozenClock
) -> None:
    ran: list[str] = []

    async def handler(ctx: TaskContext, task: ScheduledTask) -> None:
        ran.append(task.key)

    await schedule(app, "moved", timedelta(minutes=5), clock)
    async with app.session_factory() as session:
        task_id = await session.scalar(select(ScheduledTask.id).where(ScheduledTask.key == "moved"))
    async with app.session_factory() as session, session.begin():
        assert await UnitOfWork(session).tasks.reschedule("moved", clock() + timedelta(hours=2))
    scheduler = make_scheduler(app, {"t": handler})
    clock.advance(minutes=5)
    # The timer planned for the old time fires: the task is not due any more.
    assert await scheduler.run_task(task_id) == 0
    clock.advance(hours=2)
    assert await scheduler.run_task(task_id) == 1
    assert ran == ["moved"]


async def test_the_app_starts_one_scheduler_that_catches_up_and_stops(
    app: App, clock: FrozenClock
) -> None:
    from bot.services.buyouts import NONPAYERS_TASK
    from bot.services.chat import ANSWER_TASK
    from bot.services.purchases import STOP_TASK
    from bot.services.reminders import PAY_REMINDER
    from bot.services.rounds import ROUND_CLOSE, ROUND_OPEN
    from bot.services.transport import TRANSPORT_REMINDER

    # Started by the app, the scheduler knows every kind the services schedule.
    scheduler = await app.start_scheduler()
    try:
        assert await app.start_scheduler() is scheduler
        assert set(scheduler.handlers) == {
            *(STOP_TASK, PAY_REMINDER, ROUND_OPEN, ROUND_CLOSE),
            NONPAYERS_TASK,
            ANSWER_TASK,
            TRANSPORT_REMINDER,
        }
        async with app.session_factory() as session:
            lease = await session.scalar(select(Lease).where(Lease.name == "scheduler"))
        assert lease is not None and lease.holder == scheduler.holder
    finally:
        await app.close()
    assert app.scheduler is None
    async with app.session_factory() as session:
        lease = await session.scalar(select(Lease).where(Lease.name == "scheduler"))
    assert lease is None or lease.holder != scheduler.holder


async def test_timers_keep_to_a_clock_moved_ahead_of_the_system(app: App) -> None:
    """The console's `:time` runs the process a day (or a year) ahead of the system; a timer
    must still fire when the task is due on the process' clock, not a year later."""
    ran: list[str] = []

    async def handler(ctx: TaskContext, task: ScheduledTask) -> None:
        ran.append(task.key)

    ahead = SystemClock(timedelta(days=365))
    previous = install(ahead)
    try:
        await schedule(app, "soon", timedelta(seconds=0.2), ahead)
        await schedule(app, "tomorrow", timedelta(days=1), ahead)
        scheduler = make_scheduler(app, {"t": handler})
        await scheduler.start()
        try:
            await wait_until(lambda: ran == ["soon"])
            ahead.advance(days=1)  # what `:time +1d` does, then it plans again
            await scheduler.plan_pending()
            await wait_until(lambda: ran == ["soon", "tomorrow"])
        finally:
            await scheduler.stop()
    finally:
        install(previous)
