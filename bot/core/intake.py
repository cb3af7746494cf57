"""Receiving updates without losing one: what every polling adapter shares.

The promise (README, "Nothing is lost"): an update the platform was told to forget is in the
database first. A polling adapter reads a batch, writes it to the `Inbox` (one transaction
per batch), and only then confirms it (Telegram: the next getUpdates offset; VK: the `ts`,
kept as the source's cursor in the same transaction); the dispatcher's own transaction then
claims each update and keeps its replies with the claim. After a crash, the rows of the inbox
that no claim matches are handed to the dispatcher again, before anything new, and those
whose claim is there have its kept replies sent (the process may have died between the commit
and the answer; an answer may then come twice, never not at all).

Why an inbox rather than holding the offset at the first update not yet committed: Telegram
confirms by offset alone, so an offset held back by one slow chat makes every later getUpdates
return the same batch, and the updates of every other chat wait behind it. Writing the batch
costs one transaction per batch, not per update (bench/telegram_bench.py).

The pieces every polling adapter shares:

* `Inbox`: the batch written before it is confirmed, the rows handed over again at start.
* `PollLease`: one process polls a source at a time (two pollers of one Telegram bot get 409
  Conflict; two of one VK community each get every event). It is a database lease renewed in
  the background while the process lives; when the process dies another one takes the
  polling over within `ttl` seconds, from the confirmed position, so nothing is skipped.
* Refusal: an update that cannot be read is recorded with the reason and the raw body (in the
  batch's transaction) and confirmed like a handled one: never retried forever, never
  holding up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.replies import Reply
from domain import clock
from storage.repositories.tasks import lease_holder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

POLL_LEASE_TTL = 10.0


class PollLease:
    """The database lease "poll:<source>": held while `held` is set.

    `run()` keeps trying to take it (every `ttl / 3` s) and renews it as long as it holds;
    a renewal that fails (another process took it after this one stalled, or the database is
    unreachable for longer than the lease) clears `held` and sets `lost`, so the poller stops
    asking the platform. `release()` gives it up at once (a graceful stop), so the next
    process starts polling without waiting for the lease to run out.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        source: str,
        *,
        ttl: float = POLL_LEASE_TTL,
        holder: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.name = f"poll:{source}"[:64]
        self.ttl = ttl
        self.holder = holder or lease_holder()
        self.held = asyncio.Event()
        self.lost = asyncio.Event()
        self._valid_until = float("-inf")

    async def _renew(self) -> bool:
        try:
            async with self.session_factory() as session, session.begin():
                taken = await UnitOfWork(session).leases.acquire(
                    self.name, self.holder, clock.now(), timedelta(seconds=self.ttl)
                )
        except Exception as exc:
            log.warning("lease %s could not be renewed: %s", self.name, exc)
            return time.monotonic() < self._valid_until
        if taken:
            # Our own view ends before the database's: a stalled loop must stop polling
            # before another process may start.
            self._valid_until = time.monotonic() + self.ttl * 0.8
        return taken

    async def run(self) -> None:
        """Hold the lease until cancelled (then release it)."""
        try:
            while True:
                if await self._renew():
                    if not self.held.is_set():
                        log.info("lease %s taken by %s", self.name, self.holder)
                        self.lost.clear()
                        self.held.set()
                elif self.held.is_set():
                    log.warning("lease %s lost", self.name)
                    self.held.clear()
                    self.lost.set()
                await asyncio.sleep(self.ttl / 3)
        finally:
            self.held.clear()
            # Not shielded: a second cancellation leaves the lease to run out by itself
            # rather than a task writing to a database that is being closed.
            with contextlib.suppress(Exception):
                await self.release()

    async def release(self) -> None:
        self._valid_until = float("-inf")
        async with self.session_factory() as session, session.begin():
            await UnitOfWork(session).leases.release(self.name, self.holder)


def as_json(raw: Any) -> str:
    return raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=repr)


@dataclass(frozen=True, slots=True)
class Unfinished:
    """An inbox row left by a process that stopped before it was finished."""

    seq: int
    update_id: str
    raw: str
    # Claimed: its transaction committed; only its replies (kept with the claim) may be
    # missing. Not claimed: it is to be handled.
    claimed: bool
    replies: list[dict[str, Any]] | None

    def stored_replies(self) -> list[Reply]:
        return [Reply.from_json(data) for data in self.replies or []]


class Inbox:
    """The inbox of one polled source (a Telegram bot, a VK community), in this process.

    `keep` writes a batch in one transaction (the new rows, the refused ones, the source's
    cursor, and the pruning of rows handled since the last batch); after it the platform may
    forget the batch. `hold` / `done` track what is in hand: rows before the first one in
    hand are handled and pruned with the next batch. `unfinished` is what a restart (or the
    process taking the polling over) hands to the dispatcher before asking for more.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        platform: str,
        bot_key: str,
        *,
        source: str | None = None,
    ) -> None:
        """`bot_key` as the platform's events carry it (it matches their claims); `source`
        names the polled source in leases and cursors (by default platform:bot_key)."""
        self.session_factory = session_factory
        self.platform = platform
        self.bot_key = bot_key
        self.source = source or f"{platform}:{bot_key}"
        self.in_hand: set[int] = set()
        self._next_seq: int | None = None

    async def unfinished(self) -> list[Unfinished]:
        """The rows a previous holder left: to handle, or (claimed) only to answer."""
        async with self.session_factory() as session:
            rows = await UnitOfWork(session).intake.unfinished(self.platform, self.bot_key)
        if rows:
            self._next_seq = max(self._next_seq or 0, rows[-1][0].seq + 1)
            log.info("%s: %d updates from the inbox handed over again", self.source, len(rows))
        return [
            Unfinished(row.seq, row.update_id, row.raw, claimed, replies)
            for row, claimed, replies in rows
        ]

    async def keep(
        self,
        updates: Sequence[tuple[str, Any]],
        refused: Sequence[tuple[str | None, str, Any]] = (),
        *,
        cursor: str | None = None,
    ) -> list[int]:
        """Record a batch: `updates` as (update id, raw), `refused` as (update id, reason,
        raw). Returns the sequence numbers of `updates`, in order. Raises if the database
        does: the caller must then not let the platform forget the batch."""
        below = min(self.in_hand) if self.in_hand else self._next_seq
        async with self.session_factory() as session, session.begin():
            intake = UnitOfWork(session).intake
            if below is not None:
                await intake.prune(self.platform, self.bot_key, below)
            seqs = await intake.keep(
                self.platform, self.bot_key, [(uid, as_json(raw)) for uid, raw in updates]
            )
            for update_id, reason, raw in refused:
                log.warning("%s update %s refused: %s", self.source, update_id, reason)
                await intake.refuse(self.platform, self.bot_key, update_id, reason, as_json(raw))
            if cursor is not None:
                await intake.move_cursor(self.source, cursor)
        if seqs:
            self._next_seq = seqs[-1] + 1
        return seqs

    def hold(self, seq: int) -> None:
        self.in_hand.add(seq)

    def done(self, seq: int) -> None:
        self.in_hand.discard(seq)

    async def cursor(self) -> str | None:
        async with self.session_factory() as session:
            return await UnitOfWork(session).intake.cursor(self.source)
