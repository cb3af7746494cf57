"""storage/group_commit.py: on SQLite the dispatcher's updates that wait for their turn
commit together, each still undone alone when it fails; nobody's reply comes before the
commit; another writer is let in between groups. PostgreSQL keeps a transaction per update."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from bot.app import App
from bot.core.dispatcher import Dispatcher
from bot.core.replies import Reply
from bot.core.router import Router
from handlers import build_router
from storage import db
from storage.db import QueuedWrite, transaction
from storage.group_commit import MAX_UNITS, GroupCommit
from storage.models import Organizer, ProcessedUpdate, User
from tests.support.drivers import message
from tests.support.sqlite import LockHolder, database_path


@pytest.fixture
async def failing(app: App) -> AsyncIterator[Dispatcher]:
    """The product's dispatcher plus /fail: renames the person, writes it, then breaks."""
    router = Router("group-commit-test")

    @router.command("fail")
    async def fail(ctx: Any) -> None:
        ctx.user.name = "Renamed"
        await ctx.uow.session.flush()
        raise RuntimeError("a bug after a write")

    base = app.dispatcher
    dispatcher = Dispatcher(
        build_router().include(router),
        base.session_factory,
        base.settings,
        base.texts,
    )
    yield dispatcher
    await dispatcher.close()


class CommitCounter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.commits = 0
        commit = db._commit

        def counting(conn: sqlite3.Connection, pending: list[Any]) -> None:
            self.commits += 1
            commit(conn, pending)

        monkeypatch.setattr(db, "_commit", counting)


async def scalar(app: App, statement: Any) -> Any:
    async with app.session_factory() as session:
        return await session.scalar(statement)


async def test_updates_waiting_for_their_turn_commit_together(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = sqlite_app.dispatcher
    await dispatcher.feed(message("/start", user="0"))  # the group's connection is open
    counter = CommitCounter(monkeypatch)
    replies = await asyncio.gather(
        *(dispatcher.feed(message(f"/organizer Org {n}", user=str(n))) for n in range(1, 11))
    )
    assert all(f"Org {n}" in reply[0].text for n, reply in enumerate(replies, 1))
    # The nine others ask for their turn while the first is finishing its own: one commit.
    assert counter.commits == 1
    assert await scalar(sqlite_app, select(func.count()).select_from(Organizer)) == 10
    assert await scalar(sqlite_app, select(func.count()).select_from(ProcessedUpdate)) == 11


async def test_a_failing_update_is_undone_alone_within_its_group(
    sqlite_app: App, failing: Dispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    await failing.feed(message("/start", user="0"))
    counter = CommitCounter(monkeypatch)
    bad = message("/fail", user="2", update_id="bad-1")
    _first, before, broken, after = await asyncio.gather(
        failing.feed(message("/organizer First", user="0")),
        failing.feed(message("/organizer Before", user="1")),
        failing.feed(bad),
        failing.feed(message("/organizer After", user="3")),
    )
    assert "Before" in before[0].text and "After" in after[0].text
    assert broken == [Reply(sqlite_app.texts.get("ru", "error-internal"))]
    assert counter.commits == 1
    names = await scalar(
        sqlite_app, select(func.group_concat(Organizer.name.distinct())).select_from(Organizer)
    )
    assert sorted(names.split(",")) == ["After", "Before", "First"]
    # The failing update's write is undone, the update and its sender still recorded.
    assert await scalar(sqlite_app, select(User.name).where(User.external_id == "2")) == "Ivan"
    claimed = select(func.count()).where(ProcessedUpdate.update_id == "bad-1")
    assert await scalar(sqlite_app, claimed) == 1
    # Redelivered, it is known: nothing runs twice.
    assert await failing.feed(bad) == []


async def test_a_group_that_cannot_commit_fails_every_update_in_it(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = sqlite_app.dispatcher
    await dispatcher.feed(message("/start", user="0"))
    commit = db._commit
    failures = 0

    def failing_once(conn: sqlite3.Connection, pending: list[Any]) -> None:
        nonlocal failures
        if failures == 0:
            failures += 1
            db._run_pending(conn, pending)
            raise sqlite3.OperationalError("disk I/O error")
        commit(conn, pending)

    monkeypatch.setattr(db, "_commit", failing_once)
    replies = await asyncio.gather(
        *(dispatcher.feed(message(f"/organizer Org {n}", user=str(n))) for n in range(1, 4))
    )
    assert failures == 1
    # The three were one group (the others asked for their turn while the first finished):
    # each is told of the failure, and nothing of them is stored.
    assert replies == [[Reply(sqlite_app.texts.get("ru", "error-internal"))]] * 3
    assert await scalar(sqlite_app, select(func.count()).select_from(Organizer)) == 0
    # The connection was rolled back: the next update works.
    [reply] = await dispatcher.feed(message("/organizer Later", user="9"))
    assert "Later" in reply.text


async def test_a_group_sqlite_rolled_back_itself_is_reported_lost(sqlite_app: App) -> None:
    writes = GroupCommit(sqlite_app.session_factory)
    turns = []

    async def unit(name: str, *, then_fail: bool = False) -> None:
        async with writes.turn() as turn:
            turns.append(turn)
            async with transaction(turn.sessions) as session:
                await session.execute(
                    insert(User).values(platform="console", external_id=name, name=name)
                )
                if then_fail:
                    # What SQLite does on a full disk or an I/O error: the whole transaction
                    # is gone, the earlier unit's row with it.
                    driver = (await session.connection()).sync_connection.connection
                    driver.driver_connection._conn.execute("ROLLBACK")
                    raise RuntimeError("disk full")

    first = asyncio.create_task(unit("first"))
    second = asyncio.create_task(unit("second", then_fail=True))
    await first
    with pytest.raises(RuntimeError):
        await second
    for turn in turns:  # one group: both learn that nothing of it was stored
        with pytest.raises(sqlite3.OperationalError):
            await turn.committed()
    assert await scalar(sqlite_app, select(func.count()).where(User.platform == "console")) == 0
    # The connection is usable again.
    async with writes.turn() as turn, transaction(turn.sessions) as session:
        await session.execute(
            insert(User).values(platform="console", external_id="later", name="Later")
        )
    await turn.committed()
    assert await scalar(sqlite_app, select(User.name).where(User.external_id == "later"))
    await writes.close()


async def test_an_update_cancelled_on_its_way_to_the_database_costs_nothing_else(
    sqlite_app: App,
) -> None:
    dispatcher = sqlite_app.dispatcher
    await dispatcher.feed(message("/start", user="0"))
    cancelled = message("/organizer Cancelled", user="1", update_id="c-1")
    with LockHolder(database_path(sqlite_app)):
        feeding = asyncio.create_task(dispatcher.feed(cancelled))
        await asyncio.sleep(0.1)  # its BEGIN waits in the thread for the lock
        feeding.cancel()
    # SQLAlchemy gave the connection up (a call cancelled midway): the group is dropped
    # with it, and the next update gets a new one.
    with pytest.raises(asyncio.CancelledError):
        await feeding
    [later] = await dispatcher.feed(message("/organizer Later", user="2"))
    assert "Later" in later.text
    # Nothing of the cancelled update was stored: delivered again, it is handled.
    [again] = await dispatcher.feed(cancelled)
    assert "Cancelled" in again.text
    names = select(func.group_concat(Organizer.name.distinct())).select_from(Organizer)
    assert sorted((await scalar(sqlite_app, names)).split(",")) == ["Cancelled", "Later"]


async def test_a_unit_whose_queued_write_fails_at_its_commit_is_undone_alone(
    sqlite_app: App,
) -> None:
    """A unit's queued writes run when it commits, not with the next unit's statement: a
    failure there is its own, undone to its own savepoint, and the next unit is unharmed."""
    duplicate = QueuedWrite(
        lambda _dialect: insert(User.__table__).values(
            platform="telegram", external_id="0", name="Twin", language="ru", bot_key=""
        )
    )
    router = Router("queued-failure-test")

    @router.command("twin")
    async def twin(ctx: Any) -> None:
        ctx.user.name = "Renamed"
        await ctx.uow.session.flush()
        await duplicate.execute(ctx.uow.session, {})  # breaks (platform, external_id)
        ctx.say("help-text")

    base = sqlite_app.dispatcher
    dispatcher = Dispatcher(
        build_router().include(router),
        base.session_factory,
        base.settings,
        base.texts,
    )
    try:
        await dispatcher.feed(message("/start", user="0"))
        await dispatcher.feed(message("/start", user="5"))
        _opening, failed, after = await asyncio.gather(
            dispatcher.feed(message("/start", user="9")),
            dispatcher.feed(message("/twin", user="5", update_id="twin")),
            dispatcher.feed(message("/organizer After", user="6")),
        )
    finally:
        await dispatcher.close()
    assert failed == [Reply(sqlite_app.texts.get("ru", "error-internal"))]
    assert "After" in after[0].text
    assert await scalar(sqlite_app, select(User.name).where(User.external_id == "5")) == "Ivan"
    claimed = select(func.count()).where(ProcessedUpdate.update_id == "twin")
    assert await scalar(sqlite_app, claimed) == 0
    assert await scalar(sqlite_app, select(Organizer.name)) == "After"


@pytest.mark.parametrize("thread_busy", [False, True], ids=["thread-idle", "thread-busy"])
async def test_another_writer_gets_the_lock_between_groups_under_load(
    sqlite_app: App, thread_busy: bool
) -> None:
    dispatcher = sqlite_app.dispatcher
    await dispatcher.feed(message("/start", user="0"))
    # More updates in flight than a group takes: someone is always waiting for a turn.
    turns = asyncio.Semaphore(4 * MAX_UNITS)

    async def one(n: int) -> None:
        async with turns:
            await dispatcher.feed(message("/help", user=str(n)))

    updates = [asyncio.create_task(one(n)) for n in range(1, 20 * MAX_UNITS)]
    await asyncio.sleep(0.01)  # the updates are under way, the lock taken by a group
    async with sqlite_app.engine.connect() as connection:
        if thread_busy:
            # As after every CHECKPOINT_EVERY commits: the connection's thread has work in
            # hand, so its BEGIN goes there at once, and must be counted as waiting too.
            driver = (await connection.get_raw_connection()).driver_connection
            driver._calls.put_nowait((None, partial(time.sleep, 0.003)))
        await connection.execute(
            insert(ProcessedUpdate).values(
                platform="outbox", bot_key="", update_id="w", processed_at=func.now()
            )
        )
        await connection.commit()
    # Let in between two groups (at most `MAX_UNITS` updates each), not after the last one.
    # (Measured: after 28-52 of the 639; SQLite's own busy wait, which sleeps up to 100 ms
    # between tries, often got in only after the last.)
    assert sum(task.done() for task in updates) < 10 * MAX_UNITS
    await asyncio.gather(*updates)


async def test_a_group_whose_next_update_gave_up_waiting_still_commits(
    sqlite_app: App,
) -> None:
    writes = GroupCommit(sqlite_app.session_factory)
    wrote = asyncio.Event()
    go_on = asyncio.Event()

    async def first() -> None:
        async with writes.turn() as turn:
            async with transaction(turn.sessions) as session:
                await session.execute(
                    insert(User).values(platform="console", external_id="g", name="Group")
                )
            wrote.set()
            await go_on.wait()
        await turn.committed()

    async def second() -> None:
        async with writes.turn():
            pass

    committing = asyncio.create_task(first())
    await wrote.wait()
    waiting = asyncio.create_task(second())
    await asyncio.sleep(0)  # `second` waits: the first keeps the group open for it
    go_on.set()
    await asyncio.sleep(0)  # the first left its turn, handing it to `second`...
    waiting.cancel()  # ...which gives up before taking it
    await asyncio.wait_for(committing, 5)
    assert await scalar(sqlite_app, select(User.name).where(User.external_id == "g")) == "Group"
    await writes.close()


async def test_postgresql_keeps_a_transaction_per_update(app: App) -> None:
    writes = GroupCommit(app.session_factory)
    async with writes.turn() as turn:
        grouped = turn.sessions is not app.session_factory
    await writes.close()
    assert grouped == app.settings.database_url.startswith("sqlite")
