"""The long-polling loop every inbox-backed poller shares (Telegram's and MAX's).

What stays the platform's (a subclass): how it asks (`_fetch`), how it reads and keeps a
batch and confirms it (`_take`: Telegram by offset, MAX by a marker kept as the inbox's
cursor), what the inbox's unfinished rows are turned back into (`_resume`), what a stop
confirms last (`_after_drain`) and what a 429 asks to wait (`_retry_after`).

What is here, the same for both (see bot/adapters/README.md, "Nothing lost"):

* poll only while this process holds the source's `PollLease`; losing it stops the asking
  at once and waits to hold it again;
* before asking for anything new, hand over what the inbox holds unfinished;
* an update handed to the adapter is held in the inbox until its future ends; it is marked
  done when handled, and left for the next process when given up at shutdown;
* whatever the platform answers (an error, 5xx, 429, nonsense) back off and ask again; only
  `stop()` ends the loop;
* on stop, the updates in hand get DRAIN_TIMEOUT to finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.intake import Inbox, PollLease
from bot.core.replies import Reply

log = logging.getLogger(__name__)

BACKOFF = (1.0, 30.0)
# How long a stop waits for the updates in hand before it gives them up (unconfirmed, so
# the platform delivers them again to the next process).
DRAIN_TIMEOUT = 8.0

U = TypeVar("U")

# Hands an update to the adapter's per-chat queues; the future ends when it is handled.
Enqueue = Callable[[U], Awaitable["asyncio.Future[None]"]]
# Sends the replies a committed update kept, without handling it again.
Answer = Callable[[U, list[Reply]], Awaitable[None]]


class LeasedLongPolling(Generic[U]):
    """Base of a platform's poller; `label` names the platform in the log."""

    label = ""

    def __init__(
        self,
        enqueue: Enqueue[U],
        answer: Answer[U],
        session_factory: async_sessionmaker[AsyncSession],
        *,
        platform: str,
        bot_key: str,
        lease_ttl: float | None = None,
        backoff: tuple[float, float] = BACKOFF,
    ) -> None:
        self.enqueue = enqueue
        self.answer = answer
        self.backoff_initial, self.backoff_max = backoff
        # One bot per installation: its events carry no bot key (their claims neither); the
        # lease is named after the bot all the same.
        self.inbox = Inbox(session_factory, platform, "", source=f"{platform}:{bot_key}")
        lease_options = {} if lease_ttl is None else {"ttl": lease_ttl}
        self.lease = PollLease(session_factory, self.inbox.source, **lease_options)
        self.handed: dict[int, asyncio.Future[None]] = {}  # by inbox seq, until handled
        self.polling = asyncio.Event()  # set while this process holds the lease and asks
        self._stop = asyncio.Event()

    # --- the platform's part ------------------------------------------------------------------

    async def _resume(self) -> None:
        """Hand over what the inbox holds unfinished (`_hand`, or `answer` for the rows
        already claimed), and pick up the platform's position where it keeps one."""
        raise NotImplementedError

    async def _fetch(self) -> Any:
        """One request for updates, through `_until`; None when stopped or the lease was
        lost meanwhile (the answer, if any, is dropped: the platform sends it again)."""
        raise NotImplementedError

    async def _take(self, batch: Any) -> None:
        """Read a batch, keep it in the inbox, confirm it, then `_hand` its updates."""
        raise NotImplementedError

    async def _after_drain(self) -> None:
        """What a stop does once the updates in hand finished or were given up."""

    def _retry_after(self, exc: BaseException) -> float | None:
        """The wait a rate-limit error asks for; None for any other error."""
        return None

    # --- the loop -----------------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    async def run_until(self, stop: asyncio.Event, *, name: str) -> None:
        """Run as the adapter's receiving task until `stop` is set or the loop ends; then
        stop and wait for the loop, which itself finishes and confirms the updates in hand."""
        polling = asyncio.create_task(self.run(), name=name)
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            self.stop()
            await asyncio.gather(polling, return_exceptions=True)

    async def run(self) -> None:
        """Poll until `stop()`; then finish the updates in hand (bounded) and confirm."""
        keeper = asyncio.create_task(self.lease.run(), name=f"lease-{self.lease.name}")
        try:
            while not self._stop.is_set():
                if not await self._until(self.lease.held.wait(), watch_lease=False):
                    break
                self.polling.set()
                await self._poll_while_held()
                self.polling.clear()
        finally:
            self.polling.clear()
            if self.handed:
                await asyncio.wait(set(self.handed.values()), timeout=DRAIN_TIMEOUT)
            await self._after_drain()
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)

    async def _poll_while_held(self) -> None:
        failures = 0
        resumed = False
        while not self._stop.is_set() and self.lease.held.is_set():
            try:
                if not resumed:
                    await self._resume()
                    resumed = True
                batch = await self._fetch()
                if batch is None:
                    return  # stopped, or the lease was lost, while waiting
                await self._take(batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                await self._back_off(exc, failures)
                continue
            failures = 0

    async def _hand(self, seq: int, update: U) -> None:
        self.inbox.hold(seq)
        done = await self.enqueue(update)
        self.handed[seq] = done
        done.add_done_callback(lambda future, key=seq: self._handled(key, future))

    def _handled(self, seq: int, future: asyncio.Future[None]) -> None:
        self.handed.pop(seq, None)
        if not future.cancelled():
            # Cancelled: given up at shutdown; its row stays for the next process.
            self.inbox.done(seq)

    async def _back_off(self, exc: BaseException, failures: int) -> None:
        delay = self._retry_after(exc)
        if delay is None:
            delay = min(self.backoff_max, self.backoff_initial * 2 ** min(failures - 1, 10))
        log.warning(
            "%s polling failed (%s: %s); trying again in %.1f s",
            self.label,
            type(exc).__name__,
            exc,
            delay,
        )
        await self._until(asyncio.sleep(delay))

    async def _until(self, awaitable: Awaitable[Any], *, watch_lease: bool = True) -> bool:
        """Wait for `awaitable` unless asked to stop (or, watching the lease, the lease is
        lost) first: True when it finished; an unfinished one is cancelled."""
        task = asyncio.ensure_future(awaitable)
        guards = {asyncio.ensure_future(self._stop.wait())}
        if watch_lease:
            guards.add(asyncio.ensure_future(self.lease.lost.wait()))
        try:
            await asyncio.wait({task, *guards}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for guard in guards:
                guard.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if task.done() and not task.cancelled():
            task.exception()  # retrieved here; re-raised by the caller's `result()`
            return True
        return False
