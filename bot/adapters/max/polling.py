"""MAX long polling (GET /updates) that never lets MAX forget an update the database has
not got, as Telegram's poller (bot/adapters/telegram/polling.py) does:

* MAX confirms by marker: the `marker` of an answer, passed with the next request, marks
  everything before it read. Each batch is written to the inbox (bot/core/intake.py) with
  that marker as the source's cursor, in one transaction, and only then is the marker sent;
  a batch the database did not take is asked for again with the old marker. After a restart
  (or when another process takes the polling over) the kept marker is where polling goes on.
* Each update is read on its own: one that cannot be read is refused (recorded with the
  reason), never retried, never holding the others up.
* Whatever /updates answers (an error, 5xx, 429, a body without `updates`, nonsense) the
  loop backs off and asks again; only `stop()` ends it.
* One process polls a bot at a time (`PollLease`).

The documents say a request without a marker gets "only the last update": a bot's very
first start (no cursor kept yet) begins there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.max import PLATFORM
from bot.adapters.max.client import MaxApiError, MaxClient
from bot.adapters.max.events import Malformed, to_incoming, update_id_of
from bot.core.intake import Inbox, PollLease
from bot.core.replies import Reply

log = logging.getLogger(__name__)

BATCH = 100
BACKOFF = (1.0, 30.0)
DRAIN_TIMEOUT = 8.0

Enqueue = Callable[[dict[str, Any]], Awaitable["asyncio.Future[None]"]]
Answer = Callable[[dict[str, Any], list[Reply]], Awaitable[None]]


class MaxPolling:
    def __init__(
        self,
        client: MaxClient,
        enqueue: Enqueue,
        answer: Answer,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        bot_key: str,
        types: list[str],
        timeout: int,
        lease_ttl: float | None = None,
        backoff: tuple[float, float] = BACKOFF,
    ) -> None:
        self.client = client
        self.enqueue = enqueue
        self.answer = answer
        self.types = types
        self.timeout = timeout
        self.backoff_initial, self.backoff_max = backoff
        # One bot per installation: events carry no bot key; the lease names the bot.
        self.inbox = Inbox(session_factory, PLATFORM, "", source=f"{PLATFORM}:{bot_key}")
        options = {} if lease_ttl is None else {"ttl": lease_ttl}
        self.lease = PollLease(session_factory, self.inbox.source, **options)
        self.marker: int | None = None
        self.handed: dict[int, asyncio.Future[None]] = {}
        self.polling = asyncio.Event()
        self._stop = asyncio.Event()
        # Rows handed over since the inbox was last pruned: an idle poll or a stop prunes
        # them, so the next holder of the lease does not answer them again.
        self._unpruned = False

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
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
            await self._prune()
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
                answer = await self._fetch()
                if answer is None:
                    return
                await self._take(answer)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                await self._back_off(exc, failures)
                continue
            failures = 0

    async def _resume(self) -> None:
        """The kept marker, then what the inbox holds unfinished, before anything new."""
        cursor = await self.inbox.cursor()
        if cursor is not None and cursor.lstrip("-").isdigit():
            self.marker = int(cursor)
        for row in await self.inbox.unfinished():
            raw = _loads(row.raw)
            if raw is None:
                continue
            if not row.claimed:
                await self._hand(row.seq, raw)
            elif row.replies:
                await self.answer(raw, row.stored_replies())

    async def _fetch(self) -> Any:
        call = asyncio.ensure_future(
            self.client.call(
                "GET",
                "/updates",
                params={
                    "limit": BATCH,
                    "timeout": self.timeout,
                    "marker": self.marker,
                    "types": self.types,
                },
                timeout=self.timeout + 10,
            )
        )
        if not await self._until(call):
            return None
        return call.result()

    async def _take(self, answer: Any) -> None:
        if not isinstance(answer, dict) or not isinstance(answer.get("updates"), list):
            raise MaxApiError(200, "garbage", f"/updates answered {str(answer)[:100]}")
        marker = answer.get("marker")
        if marker is not None and (not isinstance(marker, int) or isinstance(marker, bool)):
            raise MaxApiError(200, "garbage", f"/updates marker {marker!r}")
        readable: list[tuple[str, dict[str, Any]]] = []
        refused: list[tuple[str | None, str, Any]] = []
        for raw in answer["updates"]:
            try:
                update_id = update_id_of(raw)
                to_incoming(raw)  # read once here: what cannot be read is refused now
            except Malformed as exc:
                update_id = None
                with contextlib.suppress(Malformed):
                    update_id = update_id_of(raw)
                refused.append((update_id, str(exc), raw))
                continue
            readable.append((update_id, raw))
        if (marker is None or marker == self.marker) and not readable and not refused:
            await self._prune()
            return
        seqs = await self.inbox.keep(
            readable, refused, cursor=None if marker is None else str(marker)
        )
        if marker is not None:
            self.marker = marker
        for seq, (_, raw) in zip(seqs, readable, strict=True):
            await self._hand(seq, raw)

    async def _prune(self) -> None:
        """Drop the inbox rows handled since the last batch (none is in hand any more)."""
        if not self._unpruned or self.handed:
            return
        try:
            await self.inbox.keep([])
        except Exception as exc:  # the next batch prunes them; a restart answers them again
            log.info("MAX inbox not pruned: %s", exc)
            return
        self._unpruned = False

    async def _hand(self, seq: int, raw: dict[str, Any]) -> None:
        self._unpruned = True
        self.inbox.hold(seq)
        done = await self.enqueue(raw)
        self.handed[seq] = done
        done.add_done_callback(lambda future, key=seq: self._handled(key, future))

    def _handled(self, seq: int, future: asyncio.Future[None]) -> None:
        self.handed.pop(seq, None)
        if not future.cancelled():
            self.inbox.done(seq)

    async def _back_off(self, exc: BaseException, failures: int) -> None:
        if isinstance(exc, MaxApiError) and exc.status == 429 and exc.retry_after:
            delay = exc.retry_after
        else:
            delay = min(self.backoff_max, self.backoff_initial * 2 ** min(failures - 1, 10))
        log.warning(
            "MAX polling failed (%s: %s); trying again in %.1f s", type(exc).__name__, exc, delay
        )
        await self._until(asyncio.sleep(delay))

    async def _until(self, awaitable: Awaitable[Any], *, watch_lease: bool = True) -> bool:
        """Wait for `awaitable` unless stopped (or the lease lost) first; True when done."""
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
            task.exception()
            return True
        return False


def _loads(raw: str) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
