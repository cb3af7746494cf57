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
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.max import PLATFORM
from bot.adapters.max.client import MaxApiError, MaxClient
from bot.adapters.max.events import Malformed, to_incoming, update_id_of
from bot.core.long_polling import BACKOFF, Answer, Enqueue, LeasedLongPolling

log = logging.getLogger(__name__)

BATCH = 100


class MaxPolling(LeasedLongPolling[dict[str, Any]]):
    """Confirms by marker, kept as the inbox's cursor."""

    label = "MAX"

    def __init__(
        self,
        client: MaxClient,
        enqueue: Enqueue[dict[str, Any]],
        answer: Answer[dict[str, Any]],
        session_factory: async_sessionmaker[AsyncSession],
        *,
        bot_key: str,
        types: list[str],
        timeout: int,
        lease_ttl: float | None = None,
        backoff: tuple[float, float] = BACKOFF,
    ) -> None:
        super().__init__(
            enqueue,
            answer,
            session_factory,
            platform=PLATFORM,
            bot_key=bot_key,
            lease_ttl=lease_ttl,
            backoff=backoff,
        )
        self.client = client
        self.types = types
        self.timeout = timeout
        self.marker: int | None = None
        # Rows handed over since the inbox was last pruned: an idle poll or a stop prunes
        # them, so the next holder of the lease does not answer them again.
        self._unpruned = False

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

    async def _after_drain(self) -> None:
        await self._prune()

    async def _hand(self, seq: int, raw: dict[str, Any]) -> None:
        self._unpruned = True
        await super()._hand(seq, raw)

    def _retry_after(self, exc: BaseException) -> float | None:
        if isinstance(exc, MaxApiError) and exc.status == 429 and exc.retry_after:
            return exc.retry_after
        return None


def _loads(raw: str) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
