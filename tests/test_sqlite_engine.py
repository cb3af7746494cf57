"""storage/db.py: on SQLite, which calls run in the event loop's thread and which in the
connection's own, and that a lock held elsewhere never stalls the loop; on both backends,
that queued writes store what SQLAlchemy would and that `transaction` commits or undoes."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select, text

from bot.app import App
from storage import db
from storage.models import ProcessedUpdate, User
from storage.repositories.runtime import ProcessedUpdateRepository
from tests.support.drivers import message
from tests.support.sqlite import LockHolder, database_path


class TripCounter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.trips = 0
        execute = db.SQLiteConnection._execute

        async def counting(
            connection: db.SQLiteConnection, *args: object, **kwargs: object
        ) -> object:
            self.trips += 1
            return await execute(connection, *args, **kwargs)

        monkeypatch.setattr(db.SQLiteConnection, "_execute", counting)


async def test_statements_of_a_transaction_run_in_the_loop_thread(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sqlite_app.dispatcher.feed(message("/start"))
    counter = TripCounter(monkeypatch)
    replies = await sqlite_app.dispatcher.feed(message("/start"))
    assert replies and counter.trips == 0
    async with sqlite_app.session_factory() as session:
        assert await session.scalar(select(User.name)) == "Ivan"
        assert len((await session.scalars(select(ProcessedUpdate))).all()) == 2


async def test_a_lock_held_elsewhere_is_waited_for_in_the_thread_not_the_loop(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sqlite_app.dispatcher.feed(message("/start"))
    counter = TripCounter(monkeypatch)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    try:
        with LockHolder(database_path(sqlite_app)):
            feeding = asyncio.create_task(sqlite_app.dispatcher.feed(message("/help")))
            await asyncio.sleep(0.3)
            # The update waits for the lock; the loop meanwhile runs everything else.
            assert not feeding.done()
            assert ticks >= 10
        replies = await asyncio.wait_for(feeding, 10)
    finally:
        ticking.cancel()
    assert replies and "Что я умею" in replies[0].text
    # BEGIN waited in the thread, with the claim and the user's query in the same trip;
    # the rest of the transaction, holding the lock by then, ran in the loop's thread.
    assert counter.trips == 1


async def test_nothing_runs_in_the_loop_while_the_thread_is_still_busy(
    sqlite_app: App,
) -> None:
    async with sqlite_app.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        connection = raw.driver_connection
        assert isinstance(connection, db.SQLiteConnection)
        assert connection._calls.idle
        slow = asyncio.create_task(connection._execute(time.sleep, 0.3))
        await asyncio.sleep(0.05)
        slow.cancel()
        # The awaiting coroutine is gone, the call is not: the thread still has it in hand.
        assert not connection._calls.idle
        assert not connection._here([db._BEGIN])
        await asyncio.sleep(0.4)
        assert connection._calls.idle and connection._here([db._BEGIN])
        await conn.execute(text("SELECT 1"))


async def test_begin_does_not_wait_in_the_loop_and_keeps_the_busy_timeout(
    sqlite_app: App,
) -> None:
    path = database_path(sqlite_app)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={db.SQLITE_BUSY_TIMEOUT_MS}")
    try:
        with LockHolder(path):
            started = time.perf_counter()
            assert db._begin_now(conn) is False
            assert time.perf_counter() - started < 0.5
            assert not conn.in_transaction
        assert db._begin_now(conn) is True
        assert conn.in_transaction
        conn.execute("ROLLBACK")
        timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        assert timeout == db.SQLITE_BUSY_TIMEOUT_MS
    finally:
        conn.close()


async def test_a_writer_waiting_for_the_lock_tries_often_and_gives_up_at_the_timeout(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_path(sqlite_app)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        with LockHolder(path) as holder:
            # Released by the event loop's timer, the wait measured on the same clock: a
            # thread's own timed wait (threading.Timer) never ends where the monotonic clock
            # is faked (libfaketime), and would keep the process from exiting.
            asyncio.get_running_loop().call_later(0.18, holder.release.set)
            started = time.perf_counter()
            await asyncio.to_thread(db._begin_waiting, conn)
            # In as soon as the lock was free (0.18 s), not at the next try of SQLite's own
            # busy wait (0.228 s: it sleeps 1, 2, 5, 10... 50 ms between tries).
            assert time.perf_counter() - started < 0.215
            conn.execute("ROLLBACK")
        monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
        with LockHolder(path):
            with pytest.raises(sqlite3.OperationalError) as failure:
                db._begin_waiting(conn)
            assert failure.value.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
            assert not conn.in_transaction
    finally:
        conn.close()


async def test_the_log_is_checkpointed_in_the_thread_every_so_many_commits(
    sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "CHECKPOINT_EVERY", 3)
    threads: list[threading.Thread] = []
    checkpoint = db._checkpoint

    def recording(conn: sqlite3.Connection) -> None:
        threads.append(threading.current_thread())
        checkpoint(conn)

    monkeypatch.setattr(db, "_checkpoint", recording)
    async with sqlite_app.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar() == 0
        await conn.commit()
        raw = await conn.get_raw_connection()
        raw.driver_connection._commits = 0  # the pool may have lent it out before
        for number in range(7):
            await conn.execute(
                text(
                    "INSERT INTO processed_updates (platform, bot_key, update_id, processed_at)"
                    " VALUES ('t', '', :n, CURRENT_TIMESTAMP)"
                ),
                {"n": str(number)},
            )
            await conn.commit()
        await conn.execute(text("SELECT 1"))  # after the queued checkpoints, in the thread
    assert len(threads) == 2
    assert all(thread is not threading.main_thread() for thread in threads)


async def test_a_queued_write_stores_what_sqlalchemy_would_and_reports_its_count(
    app: App,
) -> None:
    """On SQLite the claim is queued on the connection, not run through SQLAlchemy; what it
    stores must be exactly what SQLAlchemy's execute stores (the same on PostgreSQL, where
    both are that execute)."""
    moment = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
    sqlite = app.settings.database_url.startswith("sqlite")
    statements: list[str] = []

    def record(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        statements.append(sql)

    event.listen(app.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with app.session_factory() as session, session.begin():
            updates = ProcessedUpdateRepository(session)
            assert await updates.claim("telegram", "", "1", moment)
            statements.clear()
            queued = await updates.claim_along("telegram", "", "2", moment)
            again = await updates.claim_along("telegram", "", "1", moment)
            if sqlite:
                assert statements == []  # queued, not executed yet
                assert (queued.rowcount, again.rowcount) == (None, None)
            stored = (
                await session.execute(
                    text(
                        "SELECT update_id, CAST(processed_at AS TEXT) FROM processed_updates"
                        " ORDER BY update_id"
                    )
                )
            ).all()
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", record)
    assert (queued.rowcount, again.rowcount) == (1, 0)
    assert stored[0][1] == stored[1][1] and [row[0] for row in stored] == ["1", "2"]
    async with app.session_factory() as session:
        read = await session.scalar(
            select(ProcessedUpdate.processed_at).where(ProcessedUpdate.update_id == "2")
        )
    assert read == moment


async def test_a_transaction_commits_at_the_end_and_rolls_back_on_error(app: App) -> None:
    async with db.transaction(app.session_factory) as session:
        session.add(ProcessedUpdate(platform="t", bot_key="", update_id="kept"))
    with pytest.raises(RuntimeError):
        async with db.transaction(app.session_factory) as session:
            session.add(ProcessedUpdate(platform="t", bot_key="", update_id="undone"))
            await session.flush()
            raise RuntimeError("the handler failed")
    async with db.transaction(app.session_factory) as session:
        pass  # never used: nothing begun, nothing to commit
    assert not session.in_transaction()
    async with app.session_factory() as session:
        stored = await session.scalars(
            select(ProcessedUpdate.update_id).where(ProcessedUpdate.platform == "t")
        )
        assert stored.all() == ["kept"]
    # Every connection went back to the pool.
    assert app.engine.pool.checkedout() == 0
