"""Engine and session factory for SQLite (embedded default) and PostgreSQL (scale path).

SQLite is reached through aiosqlite, which runs the sqlite3 connection in a thread of its own;
every call to it is a trip to that thread and back (a queue put, a wake-up, a callback into
the event loop), and those trips, not SQLite, were most of an update's time. SQLAlchemy's
adapter makes four of them per statement (cursor, execute, fetchall, close), so the engine
here opens `_Connection`s whose cursors do all four in one trip, run BEGIN in the same trip as
the transaction's first statement, let a write marked DEFERRED ride along with the next one
(reporting its row count afterwards when asked to: see `DeferredRowcount`),
and skip the pool's ROLLBACK when no transaction is open. The SQL, its order and the
transactions are exactly what SQLAlchemy asks for.

PostgreSQL (asyncpg) needs none of this: one statement is one round trip there already.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000
_BEGIN_IMMEDIATE = "BEGIN IMMEDIATE"
_BEGIN = (_BEGIN_IMMEDIATE, (), None)
# Execution option for a write whose result nobody reads (a timestamp, say): on SQLite it is
# sent along with the transaction's next statement or its commit instead of taking a trip of
# its own. Same SQL, same order, same transaction; an error in it surfaces there. Elsewhere
# the option changes nothing. Only for writes that cannot fail on a constraint (or whose
# failure must fail the update): an error surfacing in the next statement would be taken for
# that statement's, and a caller that catches IntegrityError around it (a savepoint meaning
# "someone else did it first") would swallow it.
DEFERRED = "sqlite_deferred"

# A statement waiting in the thread's next trip: SQL, parameters, and where to report its
# row count (None: nobody asks).
_Pending = tuple[str, Any, "DeferredRowcount | None"]


class DeferredRowcount:
    """Give one as the value of the DEFERRED option to learn the statement's row count once
    it ran: at once where nothing is deferred (PostgreSQL, outside a transaction), else after
    the transaction's next statement (or its commit). Used to claim an update in the same trip
    as the query that follows it."""

    __slots__ = ("deferred", "rowcount")

    def __init__(self) -> None:
        self.deferred = False
        # None until the statement ran.
        self.rowcount: int | None = None

    def settle(self, result: Any) -> None:
        """Call with the execute's result: takes its row count unless the statement waits."""
        if not self.deferred:
            self.rowcount = result.rowcount


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
        event.listen(engine.sync_engine, "before_cursor_execute", _sqlite_deferrable)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_connect(dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> Any:
    # The arguments SQLAlchemy made from the URL and connect_args, to our connection class.
    return dialect.dbapi.connect(*cargs, async_creator_fn=_open_sqlite, **cparams)


async def _open_sqlite(database: str, **kwargs: Any) -> _Connection:
    connection = _Connection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
    # As SQLAlchemy does for aiosqlite's own connections: a forgotten connection must not
    # keep the process alive.
    connection._thread.daemon = True
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
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    driver = connection.connection.driver_connection
    if isinstance(driver, _Connection):
        # Sent with the transaction's first statement, right before it in the same trip, so
        # the write lock is taken exactly as early as before.
        driver.pending = [_BEGIN]
    else:
        connection.exec_driver_sql(_BEGIN_IMMEDIATE)


def _sqlite_deferrable(
    connection: Any, _cursor: Any, _sql: str, _parameters: Any, context: Any, many: bool
) -> None:
    # Only inside a transaction: its commit is what sends a deferred statement at the latest.
    option = context.execution_options.get(DEFERRED)
    if not many and option and connection.in_transaction():
        driver = connection.connection.driver_connection
        if isinstance(driver, _Connection):
            driver.defer_next = option


class _Connection(aiosqlite.Connection):
    """aiosqlite's connection with one trip to its thread per statement (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Statements to run, in order, in the thread before the next statement or the
        # commit: the transaction's BEGIN and DEFERRED statements.
        self.pending: list[_Pending] = []
        # Set just before the cursor is given a DEFERRED statement: True, or the
        # `DeferredRowcount` to report to.
        self.defer_next: bool | DeferredRowcount = False

    def cursor(self) -> _Cursor:  # type: ignore[override]
        return _Cursor(self)

    def take_pending(self) -> list[_Pending]:
        pending, self.pending = self.pending, []
        return pending

    async def commit(self) -> None:
        pending = self.take_pending()
        if pending == [_BEGIN]:
            return  # nothing ran since BEGIN: there is no transaction to commit
        await self._execute(_commit, self._conn, pending)

    async def rollback(self) -> None:
        # Whatever is pending never ran: rolled back by not running it.
        self.pending = []
        # The pool rolls back every connection it gets back, also after a commit; SQLite
        # knows whether a transaction is open, and reading that is no trip to the thread.
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().rollback()


class _Cursor:
    """The cursor SQLAlchemy's aiosqlite adapter uses (async execute/fetch/close), with the
    statement run, its rows fetched and the sqlite3 cursor closed in one trip."""

    arraysize = 1

    def __init__(self, connection: _Connection) -> None:
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
        if connection.defer_next:
            sink = connection.defer_next
            connection.defer_next = False
            if isinstance(sink, DeferredRowcount):
                sink.deferred = True
            else:
                sink = None
            connection.pending.append((sql, parameters if parameters is not None else (), sink))
            self._take((None, -1, None, []))
            return self
        outcome = await connection._execute(
            _run, connection._conn, connection.take_pending(), sql, parameters
        )
        self._take(outcome)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> _Cursor:
        connection = self._connection
        outcome = await connection._execute(
            _run_many, connection._conn, connection.take_pending(), sql, parameters
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


# These run in the connection's thread.


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


def _commit(conn: sqlite3.Connection, pending: list[_Pending]) -> None:
    _run_pending(conn, pending)
    conn.commit()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: handlers keep using loaded objects after the commit.
    return async_sessionmaker(engine, expire_on_commit=False)


def insert_for(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT into `table` (a Table or a mapped class) with the backend's ON CONFLICT clause
    (`on_conflict_do_nothing`): one statement where look-up, savepoint, insert and release
    would be four."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
