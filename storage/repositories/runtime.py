"""Repositories for the runtime tables: dialog state and processed updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from storage.db import DeferredRowcount, QueuedWrite, insert_for
from storage.models import (
    DialogState,
    InboxUpdate,
    PollCursor,
    ProcessedUpdate,
    RefusedUpdate,
)


class DialogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> DialogState | None:
        return await self.session.get(DialogState, user_id)

    async def save(
        self,
        user_id: int,
        dialog: str,
        step: str,
        data: dict[str, Any],
        *,
        state: DialogState | None = None,
        known_absent: bool = False,
    ) -> DialogState:
        """Create or update the user's dialog row. `state` (the row already loaded in this
        session) or `known_absent` (the caller looked and found none) save the look-up."""
        if state is None and not known_absent:
            state = await self.get(user_id)
        if state is None:
            state = DialogState(user_id=user_id, dialog=dialog, step=step, data=dict(data))
            self.session.add(state)
        else:
            state.dialog, state.step, state.data = dialog, step, dict(data)
            state.updated_at = clock.now()
        return state

    async def clear(self, user_id: int) -> None:
        await self.session.execute(delete(DialogState).where(DialogState.user_id == user_id))


class ProcessedUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, platform: str, bot_key: str, update_id: str, now: datetime | None = None
    ) -> bool:
        """Record the update as processed; False if it was processed before.

        One INSERT ... ON CONFLICT DO NOTHING: a redelivery (even a concurrent one, which
        waits on the row lock until the first transaction ends) inserts nothing, and no
        savepoint is needed because nothing fails."""
        statement = _CLAIM.statement(self.session.get_bind().dialect.name)
        result = await self.session.execute(statement, _claim(platform, bot_key, update_id, now))
        return bool(result.rowcount)

    async def claim_along(
        self, platform: str, bot_key: str, update_id: str, now: datetime | None = None
    ) -> DeferredRowcount:
        """`claim`, sent on SQLite along with the transaction's next statement instead of on
        its own (the same SQL, in the same order: see `QueuedWrite`). Its `rowcount` (1:
        claimed, 0: seen before) is known once that statement ran; the caller must roll back
        when it is 0."""
        outcome = DeferredRowcount()
        await _CLAIM.execute(self.session, _claim(platform, bot_key, update_id, now), outcome)
        return outcome

    async def keep_replies(
        self, platform: str, bot_key: str, update_id: str, replies: list[dict[str, Any]]
    ) -> None:
        """Keep an update's replies with its claim (a queued write: it runs with the
        transaction's next statement or its commit, in order)."""
        await _KEEP_REPLIES.execute(
            self.session,
            {
                "key_platform": platform,
                "key_bot": bot_key,
                "key_update": update_id,
                "kept_replies": replies,
            },
        )

    async def forget_before(self, moment: datetime) -> int:
        """Prune old ids: platforms never redeliver updates older than a day."""
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment)
        )
        return result.rowcount or 0


def _claim(platform: str, bot_key: str, update_id: str, now: datetime | None) -> dict[str, Any]:
    return {
        "platform": platform,
        "bot_key": bot_key,
        "update_id": update_id,
        "processed_at": now or clock.now(),
    }


_CLAIM_VALUES = {
    name: bindparam(name) for name in ("platform", "bot_key", "update_id", "processed_at")
}
# Built once per backend: every update runs it.
_CLAIM = QueuedWrite(
    lambda dialect_name: (
        insert_for(dialect_name, ProcessedUpdate.__table__)
        .values(_CLAIM_VALUES)
        .on_conflict_do_nothing(index_elements=["platform", "bot_key", "update_id"])
    )
)

_KEEP_REPLIES = QueuedWrite(
    lambda _dialect_name: (
        update(ProcessedUpdate)
        .where(
            ProcessedUpdate.platform == bindparam("key_platform"),
            ProcessedUpdate.bot_key == bindparam("key_bot"),
            ProcessedUpdate.update_id == bindparam("key_update"),
        )
        .values(replies=bindparam("kept_replies", type_=ProcessedUpdate.replies.type))
    )
)

# A refused body is kept for a person to read, not as an archive of whatever a peer sends.
RAW_LIMIT = 20_000


def _no_nul(text: str) -> str:
    # PostgreSQL text cannot hold NUL; a raw body is evidence, and escaping it keeps it JSON.
    return text.replace("\x00", "\\u0000")


class IntakeRepository:
    """What the receiving side of a platform keeps: the inbox, refused updates, poll cursors."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def refuse(
        self, platform: str, bot_key: str, update_id: str | None, reason: str, raw: str
    ) -> None:
        self.session.add(
            RefusedUpdate(
                platform=platform,
                bot_key=bot_key,
                update_id=update_id[:64] if update_id is not None else None,
                reason=_no_nul(reason[:2000]),
                raw=_no_nul(raw[:RAW_LIMIT]),
            )
        )
        await self.session.flush()

    async def keep(self, platform: str, bot_key: str, updates: list[tuple[str, str]]) -> list[int]:
        """Put (update id, raw JSON) pairs in the inbox; their sequence numbers, in order."""
        rows = [
            InboxUpdate(platform=platform, bot_key=bot_key, update_id=update_id, raw=_no_nul(raw))
            for update_id, raw in updates
        ]
        self.session.add_all(rows)
        await self.session.flush()
        return [row.seq for row in rows]

    async def prune(self, platform: str, bot_key: str, below: int) -> None:
        """Forget the inbox rows before `below`: every one of them has been handled."""
        await self.session.execute(
            delete(InboxUpdate).where(
                InboxUpdate.platform == platform,
                InboxUpdate.bot_key == bot_key,
                InboxUpdate.seq < below,
            )
        )

    async def unfinished(
        self, platform: str, bot_key: str
    ) -> list[tuple[InboxUpdate, bool, list[dict[str, Any]] | None]]:
        """The inbox rows left (received, maybe handed over, not known to be finished), in
        order, each with whether a transaction claimed its update and the replies it kept:
        unclaimed ones are to be handled, claimed ones only answered (their process died
        between the commit and the replies, or after them: an answer may come twice)."""
        result = await self.session.execute(
            select(InboxUpdate, ProcessedUpdate.update_id, ProcessedUpdate.replies)
            .outerjoin(
                ProcessedUpdate,
                (ProcessedUpdate.platform == InboxUpdate.platform)
                & (ProcessedUpdate.bot_key == InboxUpdate.bot_key)
                & (ProcessedUpdate.update_id == InboxUpdate.update_id),
            )
            .where(InboxUpdate.platform == platform, InboxUpdate.bot_key == bot_key)
            .order_by(InboxUpdate.seq)
        )
        return [(row, claimed is not None, replies) for row, claimed, replies in result.all()]

    async def cursor(self, source: str) -> str | None:
        row = await self.session.get(PollCursor, source)
        return row.position if row is not None else None

    async def move_cursor(self, source: str, position: str) -> None:
        row = await self.session.get(PollCursor, source)
        if row is None:
            self.session.add(PollCursor(source=source, position=position))
        else:
            row.position = position
        await self.session.flush()
