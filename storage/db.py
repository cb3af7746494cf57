"""Engine and session factory for SQLite (embedded default) and PostgreSQL (scale path).

SQLite is reached through aiosqlite, which runs the sqlite3 connection in a thread of its own;
every call to it is a trip to that thread and back (a queue put, a wake-up, a callback into
the event loop), and those trips, not SQLite, were most of an update's time. SQLAlchemy's
adapter makes four of them per statement (cursor, execute, fetchall, close), so the engine
here opens `SQLiteConnection`s whose cursors do all four in one trip, run BEGIN in the same trip as
the transaction's first statement, let a `QueuedWrite` ride along with the next statement
(reporting its row count afterwards when asked to: see `DeferredRowcount`),
and skip the pool's ROLLBACK when no transaction is open. The SQL, its order and the
transactions are exactly what SQLAlchemy asks for.

Even one trip per statement was most of an update's time under load: the answer comes back
through `call_soon_threadsafe`, and the waiting coroutine resumes one or two turns of a busy
event loop later, while the update holds SQLite's single write lock. So once a transaction
holds that lock (every one takes it at BEGIN, see below), its statements and its commit run
right here, in the event loop's thread: SQLite answers them in microseconds, less than the
trip would cost, and nothing can make them wait (writers queue at BEGIN; in WAL mode readers
never block). BEGIN itself is tried here with no busy wait at all; if another connection
holds the lock, it goes to the thread, which waits there on the busy timeout without holding
up the loop. Anything else (connecting, rollbacks, executemany's bulk inserts, a statement
outside a transaction) still takes the thread, and nothing runs here while a call is still
running there, so the order of calls on a connection never changes.

A commit may also checkpoint the write-ahead log into the database file (SQLite's automatic
checkpoint, an fsync, every couple of hundred commits under load). That must
not happen in the loop's thread, so the automatic checkpoint is off and each connection
checkpoints in its own thread every `CHECKPOINT_EVERY` commits instead (PASSIVE: it never
blocks a writer).

A connection can also group transactions (`SQLiteConnection.grouping`, used by
storage/group_commit.py): BEGIN, COMMIT and ROLLBACK of the transactions SQLAlchemy runs on
it become SAVEPOINT (queued like BEGIN), RELEASE and ROLLBACK TO of one SQLite transaction,
which `end_group` commits. A BEGIN that finds the lock taken waits in the thread trying again
every half millisecond (`_begin_waiting`), and while it waits a group ends for it and lets
it in (SQLite's own busy wait sleeps up to 100 ms between tries and, against groups that
follow each other closely, often got in only when the updates stopped).

PostgreSQL (asyncpg) needs none of this: one statement is one round trip there already.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import partial
from queue import SimpleQueue
from typing import Any, TypeVar

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Commits of one connection between two checkpoints of the write-ahead log: a few pages
# each, so the log stays around SQLite's own threshold (1000 pages) with a pool of five.
CHECKPOINT_EVERY = 200
# How often a connection waiting for another's write lock tries again (see `_begin_waiting`).
BEGIN_RETRY_SECONDS = 0.0005
_BEGIN_IMMEDIATE = "BEGIN IMMEDIATE"
_BEGIN = (_BEGIN_IMMEDIATE, (), None)
# A grouped connection's transactions (see `SQLiteConnection.grouping`) are savepoints of this name.
_UNIT = ("SAVEPOINT unit", (), None)
_UNIT_DONE = ("RELEASE unit", (), None)
# A statement waiting in the thread's next trip: SQL, parameters, and where to report its
# row count (None: nobody asks).
_Pending = tuple[str, Any, "DeferredRowcount | None"]
T = TypeVar("T")

# This process' connections waiting for another's write lock, by database file: a group of
# the dispatcher's transactions ends early for them (see storage.group_commit).
_WAITING_WRITERS: Counter[str] = Counter()


class DeferredRowcount:
    """Give one to `QueuedWrite.execute` to learn the statement's row count once it ran: at
    once where nothing is queued (PostgreSQL), else after the transaction's next statement
    (or its commit). Used to claim an update in the same trip as the query that follows it."""

    __slots__ = ("rowcount",)

    def __init__(self) -> None:
        # None until the statement ran.
        self.rowcount: int | None = None


class QueuedWrite:
    """A write run on (nearly) every update whose outcome nobody needs at once: the update's
    claim, the last-seen time.

    On SQLite, inside a transaction, it does not go through SQLAlchemy's execute at all: its
    SQL (compiled once per dialect) and its parameters (converted by the columns' own bind
    processors, as SQLAlchemy would convert them) join the connection's pending statements,
    run right before the transaction's next statement or its commit, in the same transaction
    and order. SQLAlchemy's execute of even a cached Core statement is far more Python than
    the SQL takes (count the dispatcher's instructions per update with the benchmark's
    dispatcher-only run under valgrind to see it). Elsewhere (PostgreSQL) it is an ordinary
    `session.execute`.

    Only for writes that cannot fail on a constraint (or whose failure must fail the update):
    an error surfaces as the next statement's. Queued statements bypass SQLAlchemy's events,
    so its echo log does not show them.
    """

    def __init__(self, build: Callable[[str], Any]) -> None:
        """`build(dialect_name)`: the statement for that backend."""
        self._build = build
        self._statements: dict[str, Any] = {}
        # SQLite's SQL and, per positional parameter, its name and bind processor.
        self._sqlite: tuple[Any, str, tuple[tuple[str, Any], ...]] | None = None

    def statement(self, dialect_name: str) -> Any:
        statement = self._statements.get(dialect_name)
        if statement is None:
            statement = self._statements[dialect_name] = self._build(dialect_name)
        return statement

    async def execute(
        self,
        session: AsyncSession,
        params: dict[str, Any],
        sink: DeferredRowcount | None = None,
    ) -> None:
        dialect = session.get_bind().dialect
        if dialect.name == "sqlite":
            connection = (await session.connection()).sync_connection
            driver = connection.connection.driver_connection
            if isinstance(driver, SQLiteConnection) and connection.in_transaction():
                compiled, sql, binds = self._compiled_for_sqlite(dialect)
                values = compiled.construct_params(params)
                row = tuple(
                    values[name] if process is None else process(values[name])
                    for name, process in binds
                )
                driver.pending.append((sql, row, sink))
                return
        result = await session.execute(self.statement(dialect.name), params)
        if sink is not None:
            sink.rowcount = result.rowcount

    def _compiled_for_sqlite(self, dialect: Any) -> tuple[Any, str, tuple[tuple[str, Any], ...]]:
        if self._sqlite is None:
            compiled = self.statement(dialect.name).compile(dialect=dialect)
            assert compiled.positional  # sqlite3's "?" parameters
            binds = tuple(
                (name, compiled.binds[name].type.bind_processor(dialect))
                for name in compiled.positiontup or ()
            )
            self._sqlite = (compiled, str(compiled), binds)
        return self._sqlite


# What one trip to the thread brings back: description, rowcount, lastrowid, rows.
_Outcome = tuple[Any, int, int | None, list[Any]]


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine.sync_engine, "do_connect", _sqlite_connect)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN until the first write, so two
        # writers can both read, then one fails with "database is locked" instead of waiting.
        # Taking the write lock at BEGIN (IMMEDIATE) makes writers queue on the busy timeout.
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_connect(dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> Any:
    # The arguments SQLAlchemy made from the URL and connect_args, to our connection class.
    return dialect.dbapi.connect(*cargs, async_creator_fn=_open_sqlite, **cparams)


async def _open_sqlite(database: str, **kwargs: Any) -> SQLiteConnection:
    # Used from the loop's thread too, never at the same time as from its own (see
    # SQLiteConnection).
    kwargs["check_same_thread"] = False
    connection = SQLiteConnection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
    # As SQLAlchemy does for aiosqlite's own connections: a forgotten connection must not
    # keep the process alive.
    connection._thread.daemon = True
    connection.database = database
    return await connection


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Once per connection (the pool keeps them), not per session.
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Checkpoints are the connection's own thread's job (see the module and SQLiteConnection).
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    driver = connection.connection.driver_connection
    if isinstance(driver, SQLiteConnection):
        # Sent with the transaction's first statement, right before it in the same trip, so
        # the write lock is taken exactly as early as before.
        if not driver.grouping:
            driver.pending = [_BEGIN]
        elif driver.group_open:
            driver.pending.append(_UNIT)
        else:
            driver.pending = [_BEGIN, _UNIT]
    else:
        connection.exec_driver_sql(_BEGIN_IMMEDIATE)


class _CallQueue:
    """aiosqlite's queue of calls for its thread, counting the calls given and finished, so
    the loop knows when the thread is idle: `idle` is True only once every call put in has
    returned in the thread (not merely been awaited: an awaiting coroutine may have been
    cancelled while its call still runs)."""

    def __init__(self) -> None:
        self._queue: SimpleQueue[tuple[Any, Callable[[], Any]]] = SimpleQueue()
        self._given = 0
        # Written by the thread only; an int assignment is atomic.
        self._finished = 0

    @property
    def idle(self) -> bool:
        return self._finished == self._given

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        self._given += 1
        ticket = self._given

        def counted() -> Any:
            try:
                return function()
            finally:
                self._finished = ticket

        self._queue.put_nowait((future, counted))

    def get(self) -> tuple[Any, Callable[[], Any]]:
        return self._queue.get()


class SQLiteConnection(aiosqlite.Connection):
    """aiosqlite's connection with one trip to its thread per statement, and none at all once
    its transaction holds the write lock (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # aiosqlite's thread is not started yet: give it the counting queue instead.
        self._calls = _CallQueue()
        self._tx = self._calls  # type: ignore[assignment]
        self._thread = threading.Thread(
            target=aiosqlite.core._connection_worker_thread, args=(self._calls,)
        )
        # Statements to run, in order, right before the next statement or the commit: the
        # transaction's BEGIN and `QueuedWrite`s.
        self.pending: list[_Pending] = []
        self._commits = 0
        # Set for a connection of `storage.group_commit.GroupCommit`: the transactions
        # SQLAlchemy begins, commits and rolls back on it are savepoints ("units") of one
        # SQLite transaction, which only `end_group` commits.
        self.grouping = False
        # SQLite itself rolled a group back (an I/O error, a full disk): `end_group` fails.
        self.group_lost = False
        # Units of the open group that ran something and were released (not yet committed).
        self._units_done = 0
        self.database = ""

    def cursor(self) -> _Cursor:  # type: ignore[override]
        return _Cursor(self)

    def take_pending(self) -> list[_Pending]:
        pending, self.pending = self.pending, []
        return pending

    def _here(self, pending: list[_Pending]) -> bool:
        """Whether the next call may run in the loop's thread: the connection's thread has
        nothing in hand, and the transaction holds the write lock or is about to try for it
        (BEGIN is pending)."""
        if not self._calls.idle:
            return False
        return self._conn.in_transaction or bool(pending and pending[0] is _BEGIN)

    async def run(
        self,
        function: Callable[..., T],
        pending: list[_Pending],
        *args: Any,
        in_thread: bool = False,
    ) -> T:
        """`function(sqlite3_connection, pending, *args)` here if `_here` (and not asked to
        run `in_thread`), else in the thread; also in the thread when BEGIN cannot have the
        lock at once, and then counted as waiting for it (see `others_waiting`)."""
        conn = self._conn
        begins = bool(pending and pending[0] is _BEGIN)
        if not in_thread and self._here(pending):
            if not begins:
                return function(conn, pending, *args)
            if _begin_now(conn):
                return function(conn, pending[1:], *args)
        if not begins:
            return await self._execute(function, conn, pending, *args)
        _WAITING_WRITERS[self.database] += 1
        try:
            return await self._execute(_after_begin, conn, pending, function, *args)
        finally:
            _WAITING_WRITERS[self.database] -= 1

    def others_waiting(self) -> bool:
        """Whether another connection of this process waits for the write lock."""
        return _WAITING_WRITERS[self.database] > 0

    @property
    def group_open(self) -> bool:
        """Whether a transaction is open or about to begin (BEGIN pending)."""
        return self._conn.in_transaction or bool(self.pending and self.pending[0] is _BEGIN)

    async def commit(self) -> None:
        if self.grouping:
            # A unit is done: released now, with what it left queued, so that a failure
            # there is this unit's, undone to its own savepoint (the next unit's first
            # statement would take the blame and roll back to the wrong one). In the loop's
            # thread this is no trip.
            pending = self.take_pending()
            if pending and pending[-1] is _UNIT:
                pending.pop()  # nothing ran in it; a BEGIN may be left for the group
                self.pending = pending
                return
            await self.run(_release_unit, pending)
            self._units_done += 1
            return
        await self._commit(self.take_pending())

    async def end_group(self) -> None:
        """Commit the units of a grouped connection's transaction; raises if SQLite rolled
        them back itself meanwhile (then nothing of them was committed)."""
        pending = self.take_pending()
        self._units_done = 0
        if self.group_lost:
            self.group_lost = False
            raise sqlite3.OperationalError("the transaction was rolled back by SQLite")
        if pending or self._conn.in_transaction:
            await self._commit(pending)

    async def abandon_group(self) -> None:
        """Roll back whatever a grouped connection's transaction holds (after `end_group`
        failed), so that the next group starts clean."""
        self.pending, self._units_done, self.group_lost = [], 0, False
        if self._conn.in_transaction:
            await super().rollback()

    async def _commit(self, pending: list[_Pending]) -> None:
        if pending == [_BEGIN]:
            return  # nothing ran since BEGIN: there is no transaction to commit
        await self.run(_commit, pending)
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY == 0:
            # Queued now, not from a task: whatever this connection runs next waits behind it
            # in the thread, and nothing of it runs in the loop's thread meanwhile. Nobody
            # awaits it (no future).
            self._calls.put_nowait((None, partial(_checkpoint, self._conn)))

    async def rollback(self) -> None:
        if self.grouping:
            await self._undo_unit()
            return
        # Whatever is pending never ran: rolled back by not running it.
        self.pending = []
        # The pool rolls back every connection it gets back, also after a commit; SQLite
        # knows whether a transaction is open, and reading that is no trip to the thread.
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().rollback()

    async def _undo_unit(self) -> None:
        """Roll a grouped connection's current unit back, and only that unit."""
        pending = self.pending
        for index in range(len(pending) - 1, -1, -1):
            if pending[index] is _UNIT:
                del pending[index:]  # its savepoint never ran: nothing of it ran
                return
        # Pending statements are the unit's own (its savepoint ran before them).
        self.pending = []
        if not self._conn.in_transaction:
            # SQLite ended the group's transaction (or its BEGIN never got the lock): lost
            # if earlier units of the group had written something.
            if self._units_done:
                self.group_lost = True
            return
        await self.run(_undo_unit, [])


class _Cursor:
    """The cursor SQLAlchemy's aiosqlite adapter uses (async execute/fetch/close), with the
    statement run, its rows fetched and the sqlite3 cursor closed in one trip."""

    arraysize = 1

    def __init__(self, connection: SQLiteConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: deque[Any] = deque()

    async def __aenter__(self) -> _Cursor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> _Cursor:
        connection = self._connection
        outcome = await connection.run(_run, connection.take_pending(), sql, parameters)
        self._take(outcome)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> _Cursor:
        connection = self._connection
        outcome = await connection.run(
            _run_many, connection.take_pending(), sql, parameters, in_thread=True
        )
        self._take(outcome)
        return self

    def _take(self, outcome: _Outcome) -> None:
        self.description, self.rowcount, self.lastrowid, rows = outcome
        self._rows = deque(rows)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows, self._rows = list(self._rows), deque()
        return rows

    async def close(self) -> None:
        self._rows.clear()


# These run in the connection's thread, or in the loop's when the transaction holds the lock.


def _checkpoint(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
    except sqlite3.Error as exc:  # the next one tries again; nothing is lost meanwhile
        log.warning("SQLite checkpoint failed: %s", exc)


def _begin_now(conn: sqlite3.Connection, *, last_try: bool = False) -> bool:
    """BEGIN IMMEDIATE without waiting: False (nothing begun) if another connection holds
    the write lock (raised instead on the `last_try`). Never waits in the loop's thread: the
    busy timeout is off meanwhile."""
    conn.execute("PRAGMA busy_timeout=0")
    try:
        conn.execute(_BEGIN_IMMEDIATE)
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY and not last_try:
            return False
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    return True


def _begin_waiting(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting up to the busy timeout for the write lock (in the thread).
    Tried every `BEGIN_RETRY_SECONDS` rather than by SQLite's busy handler, which sleeps up
    to 100 ms between tries: a group of the dispatcher's transactions that ended to let this
    writer in waits for it meanwhile (storage.group_commit), and so does every update."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while not _begin_now(conn, last_try=time.monotonic() >= deadline):
        time.sleep(BEGIN_RETRY_SECONDS)


def _after_begin(
    conn: sqlite3.Connection, pending: list[_Pending], function: Callable[..., T], *args: Any
) -> T:
    """`function` once `_begin_waiting` took the write lock for `pending`'s BEGIN."""
    _begin_waiting(conn)
    return function(conn, pending[1:], *args)


def _run_pending(conn: sqlite3.Connection, pending: list[_Pending]) -> None:
    for sql, parameters, sink in pending:
        cursor = conn.execute(sql, parameters)
        if sink is not None:
            # Read in the loop's thread only after this trip ended.
            sink.rowcount = cursor.rowcount
        cursor.close()


def _run(
    conn: sqlite3.Connection,
    pending: list[_Pending],
    sql: str,
    parameters: Sequence[Any] | None,
) -> _Outcome:
    _run_pending(conn, pending)
    cursor = conn.cursor()
    try:
        cursor.execute(sql, parameters if parameters is not None else ())
        rows = cursor.fetchall() if cursor.description is not None else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _run_many(
    conn: sqlite3.Connection,
    pending: list[_Pending],
    sql: str,
    parameters: Iterable[Sequence[Any]],
) -> _Outcome:
    _run_pending(conn, pending)
    cursor = conn.cursor()
    try:
        cursor.executemany(sql, parameters)
        return cursor.description, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()


def _release_unit(conn: sqlite3.Connection, pending: list[_Pending]) -> None:
    """Run what a unit left queued, then release it. If that fails, the unit is rolled back
    here (to its own savepoint, when it was made) before the error is raised: SQLAlchemy
    does not roll back after a failed commit, and the group goes on."""
    savepoint_made = not any(item is _UNIT for item in pending)  # made with a statement
    try:
        for item in pending:
            _run_pending(conn, [item])
            savepoint_made = savepoint_made or item is _UNIT
        _run_pending(conn, [_UNIT_DONE])
    except BaseException:
        if savepoint_made and conn.in_transaction:
            _undo_unit(conn, [])
        raise


def _undo_unit(conn: sqlite3.Connection, pending: list[_Pending]) -> None:
    _run_pending(conn, pending)
    conn.execute("ROLLBACK TO unit").close()
    conn.execute("RELEASE unit").close()


def _commit(conn: sqlite3.Connection, pending: list[_Pending]) -> None:
    _run_pending(conn, pending)
    conn.commit()


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose one transaction commits when the block ends and rolls back when it
    raises: `async with factory() as session, session.begin()`, made for the dispatcher,
    which opens one or two for every update.

    Every AsyncSession call that may touch the database runs in a greenlet of its own, and a
    new greenlet is not cheap (the interpreter maps a fresh frame stack for it and unmaps it
    after); `session.begin()` and the final close were two of an update's six or seven.
    Here the session begins on first use (SQLAlchemy's autobegin, no greenlet), and after a
    successful commit it holds no connection, so there is nothing to close. SQLAlchemy's own
    `__aexit__` would also close in a shielded task of its own: two or three more turns of a
    busy event loop per update. A block that raises closes the session here, which rolls the
    transaction back and returns the connection; only a caller cancelled again while closing
    leaves the connection to the pool's clean-up of forgotten connections."""
    session = factory()
    try:
        yield session
        if session.in_transaction():
            await session.commit()
    except BaseException:
        await session.close()
        raise


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: handlers keep using loaded objects after the commit.
    return async_sessionmaker(engine, expire_on_commit=False)


def insert_for(backend: AsyncSession | str, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT into `table` (a Table or a mapped class) with the backend's ON CONFLICT clause
    (`on_conflict_do_nothing`): one statement where look-up, savepoint, insert and release
    would be four. `backend`: a session, or a dialect's name."""
    name = backend if isinstance(backend, str) else backend.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
