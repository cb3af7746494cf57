"""Telegram long polling that never lets Telegram forget an update the database has not got.

aiogram's own polling moves the getUpdates offset past a batch as soon as it has read it, so
updates still queued when the process is killed are gone. And it validates the batch as a
whole, so one update aiogram cannot read fails the batch on every try, for ever. Here:

* each update of a batch is read on its own (`Update.model_validate`); the batch is written
  to the inbox (bot.core.intake), those that cannot be read as refused, in one transaction;
  only then does the next getUpdates (its offset) confirm the batch to Telegram. A batch the
  database did not take is asked for again;
* at start the inbox rows a crash left go first: unclaimed ones are handled, and committed
  ones whose replies may not have gone out are answered from the replies kept with them;
* whatever getUpdates answers (an error, 5xx, 429, a body without `result`, nonsense) the
  loop backs off and asks again; only `stop()` ends it;
* one process polls a bot at a time (`PollLease`): a second one would get 409 Conflict.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.telegram import PLATFORM
from bot.core.intake import Inbox, PollLease
from bot.core.replies import Reply

log = logging.getLogger(__name__)

BATCH = 100
BACKOFF = (1.0, 30.0)
# How long a stop waits for the updates in hand before it gives them up (unconfirmed, so
# Telegram delivers them again to the next process).
DRAIN_TIMEOUT = 8.0


class GetRawUpdates(TelegramMethod[list[Any]]):
    """getUpdates whose answer stays raw: each update is then read on its own."""

    __returning__ = list[Any]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


# Hands an update to the adapter's per-chat queues; the future ends when it is handled.
Enqueue = Callable[[Update], Awaitable["asyncio.Future[None]"]]
# Sends the replies a committed update kept, without handling it again.
Answer = Callable[[Update, list[Reply]], Awaitable[None]]


class TelegramPolling:
    def __init__(
        self,
        bot: Bot,
        enqueue: Enqueue,
        answer: Answer,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        bot_key: str,
        allowed_updates: list[str],
        timeout: int,
        lease_ttl: float | None = None,
        backoff: tuple[float, float] = BACKOFF,
    ) -> None:
        self.bot = bot
        self.enqueue = enqueue
        self.answer = answer
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self.backoff_initial, self.backoff_max = backoff
        # One bot per installation: its events carry no bot key (their claims neither); the
        # lease is named after the bot all the same.
        self.inbox = Inbox(session_factory, PLATFORM, "", source=f"{PLATFORM}:{bot_key}")
        lease_options = {} if lease_ttl is None else {"ttl": lease_ttl}
        self.lease = PollLease(session_factory, self.inbox.source, **lease_options)
        # One past the newest update id kept: the offset that confirms what the inbox has.
        self.offset: int | None = None
        self.handed: dict[int, asyncio.Future[None]] = {}  # by inbox seq, until handled
        self.polling = asyncio.Event()  # set while this process holds the lease and asks
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

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
            await self._finish()
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

    async def _resume(self) -> None:
        """Hand over what the inbox holds unfinished, before anything new: updates to
        handle, and replies of committed ones that may not have gone out."""
        for row in await self.inbox.unfinished():
            if row.update_id.isdigit():
                self.offset = max(self.offset or 0, int(row.update_id) + 1)
            try:
                update = Update.model_validate_json(row.raw, context={"bot": self.bot})
            except ValidationError:
                continue  # it was read once; a newer aiogram may not: it is in the log
            if not row.claimed:
                await self._hand(row.seq, update)
            elif row.replies:
                await self.answer(update, row.stored_replies())

    async def _fetch(self) -> list[Any] | None:
        """One getUpdates, which confirms what the inbox has; None when stopped or the lease
        was lost meanwhile (the answer, if any, is dropped: Telegram sends it again)."""
        call = asyncio.ensure_future(
            self.bot(
                GetRawUpdates(
                    offset=self.offset,
                    limit=BATCH,
                    timeout=self.timeout,
                    allowed_updates=self.allowed_updates,
                ),
                request_timeout=self.timeout + 10,
            )
        )
        if not await self._until(call):
            return None
        batch = call.result()
        if not isinstance(batch, list):
            raise TelegramAPIError(
                method=GetRawUpdates(), message=f"getUpdates answered without a list: {batch!r}"
            )
        return batch

    async def _take(self, batch: list[Any]) -> None:
        """Read a batch, keep it in the inbox, then hand its updates to the adapter."""
        readable: list[tuple[int, Any, Update]] = []
        refused: list[tuple[str | None, str, Any]] = []
        newest = self.offset
        for raw in batch:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                refused.append((None, "no update_id", raw))
                continue
            if self.offset is not None and update_id < self.offset:
                continue  # kept already (an answer to an offset from before a restart)
            newest = max(newest or 0, update_id + 1)
            try:
                update = Update.model_validate(raw, context={"bot": self.bot})
            except ValidationError as exc:
                refused.append((str(update_id), _reason(exc), raw))
            else:
                readable.append((update_id, raw, update))
        if not readable and not refused:
            return
        seqs = await self.inbox.keep(
            [(str(update_id), raw) for update_id, raw, _ in readable], refused
        )
        self.offset = newest
        for seq, (_, _, update) in zip(seqs, readable, strict=True):
            await self._hand(seq, update)

    async def _hand(self, seq: int, update: Update) -> None:
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
        if isinstance(exc, TelegramRetryAfter):
            delay = float(exc.retry_after)
        else:
            delay = min(self.backoff_max, self.backoff_initial * 2 ** min(failures - 1, 10))
        log.warning(
            "Telegram polling failed (%s: %s); trying again in %.1f s",
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

    async def _finish(self) -> None:
        """Let the updates in hand finish (within DRAIN_TIMEOUT), then confirm the last batch
        with one short getUpdates (what is unhandled stays in the inbox)."""
        if self.handed:
            await asyncio.wait(set(self.handed.values()), timeout=DRAIN_TIMEOUT)
        if self.offset is None:
            return
        try:
            await self.bot(GetRawUpdates(offset=self.offset, limit=1, timeout=0), request_timeout=5)
        except Exception as exc:  # asked again after a restart; the inbox skips nothing
            log.info("Telegram: the last batch was not confirmed (%s)", exc)


def _reason(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
