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
import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.telegram import PLATFORM
from bot.core.long_polling import (
    BACKOFF,
    Answer,
    Enqueue,
    LeasedLongPolling,
)

log = logging.getLogger(__name__)

BATCH = 100


class GetRawUpdates(TelegramMethod[list[Any]]):
    """getUpdates whose answer stays raw: each update is then read on its own."""

    __returning__ = list[Any]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


class TelegramPolling(LeasedLongPolling[Update]):
    """Confirms by offset: the next getUpdates' offset tells Telegram to forget what the
    inbox has."""

    label = "Telegram"

    def __init__(
        self,
        bot: Bot,
        enqueue: Enqueue[Update],
        answer: Answer[Update],
        session_factory: async_sessionmaker[AsyncSession],
        *,
        bot_key: str,
        allowed_updates: list[str],
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
        self.bot = bot
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        # One past the newest update id kept: the offset that confirms what the inbox has.
        self.offset: int | None = None

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

    def _retry_after(self, exc: BaseException) -> float | None:
        return float(exc.retry_after) if isinstance(exc, TelegramRetryAfter) else None

    async def _after_drain(self) -> None:
        """Confirm the last batch with one short getUpdates (what is unhandled stays in the
        inbox)."""
        if self.offset is None:
            return
        try:
            await self.bot(GetRawUpdates(offset=self.offset, limit=1, timeout=0), request_timeout=5)
        except Exception as exc:  # asked again after a restart; the inbox skips nothing
            log.info("Telegram: the last batch was not confirmed (%s)", exc)


def _reason(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
