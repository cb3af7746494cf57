"""Scheduled tasks and leases: the database side of the scheduler."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Lease, ScheduledTask, TaskStatus


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def schedule(
        self, kind: str, key: str, due_at: datetime, data: dict[str, Any] | None = None
    ) -> ScheduledTask | None:
        """Record work to do at `due_at`. The key makes it idempotent: scheduling the same
        logical task twice keeps the first (returns None), so retried operations are safe."""
        existing = await self.session.scalar(select(ScheduledTask).where(ScheduledTask.key == key))
        if existing is not None:
            return None
        task = ScheduledTask(kind=kind, key=key, due_at=due_at, data=dict(data or {}))
        try:
            async with self.session.begin_nested():
                self.session.add(task)
        except IntegrityError:
            return None
        return task

    async def reschedule(self, key: str, due_at: datetime) -> bool:
        """Move a pending task (e.g. an edited deadline); done tasks stay done."""
        result = await self.session.execute(
            update(ScheduledTask)
            .where(ScheduledTask.key == key, ScheduledTask.status == TaskStatus.PENDING)
            .values(due_at=due_at)
        )
        return bool(result.rowcount)

    async def rearm(self, key: str, due_at: datetime) -> bool:
        """Make the task pending at `due_at` again, whatever became of it, when its moment
        changed or it was cancelled: a new deadline is new work (its reminders are due
        again), while the same moment asked for twice changes nothing (a task done stays
        done). Returns whether anything changed."""
        result = await self.session.execute(
            update(ScheduledTask)
            .where(
                ScheduledTask.key == key,
                or_(ScheduledTask.due_at != due_at, ScheduledTask.status == TaskStatus.CANCELLED),
            )
            .values(due_at=due_at, status=TaskStatus.PENDING, done_at=None)
        )
        return bool(result.rowcount)

    async def cancel(self, key: str, *, unless_running: bool = False) -> bool:
        """Cancel the pending task. `unless_running`: leave it alone when a scheduler holds
        it right now (PostgreSQL: SKIP LOCKED) instead of waiting for it. For callers that
        hold a lock the task's handler takes next (the purchase, for the automatic stop):
        waiting would deadlock, and the handler sees the caller's change when it gets the
        lock. On SQLite the write lock already serializes the two."""
        stmt = select(ScheduledTask.id).where(
            ScheduledTask.key == key, ScheduledTask.status == TaskStatus.PENDING
        )
        if unless_running:
            stmt = stmt.with_for_update(skip_locked=True)
        task_id = await self.session.scalar(stmt)
        if task_id is None:
            return False
        result = await self.session.execute(
            update(ScheduledTask)
            .where(ScheduledTask.id == task_id, ScheduledTask.status == TaskStatus.PENDING)
            .values(status=TaskStatus.CANCELLED)
        )
        return bool(result.rowcount)

    async def due_ids(self, now: datetime, limit: int = 100) -> list[int]:
        stmt = (
            select(ScheduledTask.id)
            .where(ScheduledTask.status == TaskStatus.PENDING, ScheduledTask.due_at <= now)
            .order_by(ScheduledTask.due_at, ScheduledTask.id)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def pending(self, limit: int = 10_000) -> list[ScheduledTask]:
        stmt = (
            select(ScheduledTask)
            .where(ScheduledTask.status == TaskStatus.PENDING)
            .order_by(ScheduledTask.due_at)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def lock_pending(self, task_id: int) -> ScheduledTask | None:
        """The task, locked for this transaction, if it is still pending.

        PostgreSQL: FOR UPDATE makes a second runner wait and then see it done. SQLite: the
        transaction already holds the write lock (BEGIN IMMEDIATE, see storage/db.py).
        """
        stmt = (
            select(ScheduledTask)
            .where(ScheduledTask.id == task_id, ScheduledTask.status == TaskStatus.PENDING)
            .with_for_update()
        )
        return await self.session.scalar(stmt)


def lease_holder() -> str:
    """A name for one holder of leases: host and pid, for a person reading the leases table,
    and a random part, so a new process never takes a dead one's lease for its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take or renew the named lease; False while another live holder has it."""
        result = await self.session.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
            .values(holder=holder, expires_at=now + ttl)
        )
        if result.rowcount:
            return True
        if await self.session.get(Lease, name) is not None:
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(Lease(name=name, holder=holder, expires_at=now + ttl))
        except IntegrityError:
            return False
        return True

    async def release(self, name: str, holder: str) -> None:
        lease = await self.session.get(Lease, name)
        if lease is not None and lease.holder == holder:
            await self.session.delete(lease)
