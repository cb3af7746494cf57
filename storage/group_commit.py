"""Group commit: on SQLite, the dispatcher's consecutive transactions share one commit.

SQLite has one writer at a time, so the dispatcher's updates take turns at the database
anyway. A transaction of its own per update paid, every time, for a connection from the pool
and back, BEGIN (taking the write lock), COMMIT (writing the log) and SQLAlchemy's bookkeeping
of all three: more than the update's own statements. Here the updates take their turns (first
come, first served) on one connection that stays checked out, and while more updates are
waiting for their turn, the transaction stays open: each update's transaction is a savepoint
in it (see `storage.db.SQLiteConnection.grouping`: SQLAlchemy and the handlers see ordinary
transactions), and the last update of the group commits them all at once. A failing update
rolls back its own savepoint only. What it guarantees is written down in storage/README.md.

An update's outcome is known only once its group committed: `Turn.committed()`, which the
dispatcher awaits before it returns any reply, so nobody is told of a change that is not
stored. If that commit fails, every update of the group fails, as one update's failed commit
did before; so does the group when SQLAlchemy gives its connection up (it invalidates one
whose call was cancelled midway), and the next turn opens a new connection.

The write lock is held from the group's first update to its commit, so other writers (the
outbox sender, the scheduler, work after a commit) wait for a group to end. It ends when no
update is waiting, after `max_units` updates, or as soon as another connection of the process
waits for the lock; the next group then holds back until that writer has the lock.

PostgreSQL has no single writer: there every update keeps its own transaction from the pool
(`turn` is no more than the session factory).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from storage.db import SQLiteConnection

log = logging.getLogger(__name__)

# Updates committed together at most: other writers wait for a whole group.
MAX_UNITS = 32
# How long a group ended for other writers lets them take the lock, and how often it looks.
HANDOVER_SECONDS = 0.05
HANDOVER_POLL_SECONDS = 0.001


@dataclass(slots=True)
class _Group:
    done: asyncio.Future[None]
    units: int = 0


@dataclass(slots=True)
class Turn:
    """One update's turn: its sessions, and the commit it waits for."""

    sessions: async_sessionmaker[AsyncSession]
    _group: _Group | None = field(default=None, repr=False)

    async def committed(self) -> None:
        """Return once what the turn's sessions committed is stored; raise if it was not."""
        if self._group is not None:
            # Shielded: one update given up must not cancel its group's commit.
            await asyncio.shield(self._group.done)


class GroupCommit:
    """The dispatcher's turns at the database: grouped on SQLite, plain elsewhere."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, max_units: int = MAX_UNITS
    ) -> None:
        self._sessions = sessions
        bind = sessions.kw.get("bind")
        self._grouped = bind is not None and bind.dialect.name == "sqlite"
        self._max_units = max_units
        self._lock = asyncio.Lock()
        self._waiting = 0
        self._connection: AsyncConnection | None = None
        self._driver: SQLiteConnection | None = None
        self._bound: async_sessionmaker[AsyncSession] | None = None
        self._group: _Group | None = None
        self._background: set[asyncio.Task[None]] = set()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[Turn]:
        """Wait for the turn (first come, first served), then yield it; sessions of
        `Turn.sessions` are used inside the block only, one at a time."""
        if not self._grouped:
            yield Turn(self._sessions)
            return
        self._waiting += 1
        try:
            await self._lock.acquire()
        except asyncio.CancelledError:
            self._end_if_abandoned()
            raise
        finally:
            self._waiting -= 1
        group: _Group | None = None
        try:
            bound = await self._bound_sessions()
            group = self._group
            if group is None:
                group = self._group = _Group(asyncio.get_running_loop().create_future())
            group.units += 1
            yield Turn(bound, group)
        finally:
            if group is not None and (
                self._connection_lost() or self._transaction_left() or self._group_ends(group)
            ):
                # Shielded, and the turn passed on from there: an update cancelled now must
                # neither leave its group open nor let the next turn in before it committed.
                await asyncio.shield(self._leave(group))
            else:
                self._lock.release()

    def _connection_lost(self) -> bool:
        """Whether SQLAlchemy gave up the group's connection: it invalidates (closes) a
        connection whose call was cancelled midway, rolling back whatever it held."""
        connection = self._connection
        return connection is not None and (connection.invalidated or connection.closed)

    def _transaction_left(self) -> bool:
        """Whether SQLAlchemy still holds a transaction on the connection after a turn: it
        keeps a failed commit's, even though the unit was rolled back (see
        storage.db._release_unit), and would refuse to begin the next."""
        assert self._connection is not None
        return self._connection.sync_connection.get_transaction() is not None

    async def _leave(self, group: _Group) -> None:
        """The end of a turn that may end its group, or has to tidy up; releases the turn."""
        try:
            if self._connection_lost():
                await self._discard(group)
                return
            if self._transaction_left():
                assert self._connection is not None
                try:
                    # A failed commit's (no SQL: the unit is undone already), or an open
                    # one's (rolled back to the unit's savepoint).
                    await self._connection.rollback()
                except Exception:
                    log.exception("a transaction left on the group's connection would not end")
                    await self._discard(group)
                    return
            if self._waiting == 0:
                # Updates ready to run may be about to ask for their turn (as those of a
                # group that just committed are let in, one by one): one turn of the event
                # loop lets them, and they join this group (the Telegram benchmark prints the
                # updates per commit: nearly all that may be active at once, not half).
                await asyncio.sleep(0)
            if self._group_ends(group):
                self._group = None
                await self._end(group)
                await self._let_others_write()
        finally:
            self._lock.release()

    async def _discard(self, group: _Group) -> None:
        """Fail the group of a connection that is lost or in an unknown state (nothing of
        the group is stored) and let the next turn open a new connection."""
        self._group = None
        error = sqlite3.OperationalError("the group's database connection was lost")
        group.done.set_exception(error)
        group.done.exception()  # read: its updates may all have been given up
        log.error("the connection of a group of %s transactions was lost", group.units)
        with contextlib.suppress(Exception):
            await self._give_back()

    def _group_ends(self, group: _Group) -> bool:
        assert self._driver is not None
        return self._waiting == 0 or group.units >= self._max_units or self._driver.others_waiting()

    async def _let_others_write(self) -> None:
        """Hold the next group back until the writers waiting for the lock have it (they try
        every half millisecond, see storage.db._begin_waiting): else the next group's BEGIN,
        tried at once, would mostly win, and they could wait for the busy timeout and fail."""
        assert self._driver is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + HANDOVER_SECONDS
        # Polled: the count is kept by the other connections' trips to their threads, and
        # the wait is bounded (`HANDOVER_SECONDS`).
        while self._driver.others_waiting() and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(HANDOVER_POLL_SECONDS)

    async def close(self) -> None:
        """Commit an open group and give the connection back."""
        if self._connection is None:
            return
        async with self._lock:
            if self._group is not None:
                group, self._group = self._group, None
                await self._end(group)
            await self._give_back()

    async def _give_back(self) -> None:
        """Return the connection to the pool as an ordinary one; the next turn opens anew."""
        connection, driver = self._connection, self._driver
        self._connection = self._driver = self._bound = None
        if driver is not None:
            driver.grouping = False
        if connection is not None:
            await connection.close()

    async def _bound_sessions(self) -> async_sessionmaker[AsyncSession]:
        if self._bound is None:
            connection = await self._sessions.kw["bind"].connect()
            driver = (await connection.get_raw_connection()).driver_connection
            assert isinstance(driver, SQLiteConnection), "SQLite engines come from storage.db"
            driver.grouping = True
            self._connection, self._driver = connection, driver
            self._bound = async_sessionmaker(
                connection, expire_on_commit=self._sessions.kw.get("expire_on_commit", True)
            )
        return self._bound

    async def _end(self, group: _Group) -> None:
        assert self._driver is not None
        try:
            await self._driver.end_group()
        except Exception as exc:
            log.exception("a group of %s transactions could not be committed", group.units)
            await self._abandon()
            group.done.set_exception(exc)
            # Read here: the updates that wait for it may all have been given up.
            group.done.exception()
        else:
            group.done.set_result(None)

    async def _abandon(self) -> None:
        """After a failed commit: roll back whatever is left, so the next group starts clean."""
        assert self._driver is not None
        try:
            await self._driver.abandon_group()
        except Exception:
            log.exception("rollback after a failed group commit failed")

    def _end_if_abandoned(self) -> None:
        """An update gave up waiting for its turn: if it was the one the open group waited
        for, nobody else will end the group, so end it now."""
        if self._waiting == 1 and self._group is not None and not self._lock.locked():
            task = asyncio.get_running_loop().create_task(self._end_idle())
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _end_idle(self) -> None:
        async with self._lock:
            if self._group is not None and self._waiting == 0:
                group, self._group = self._group, None
                await self._end(group)
