"""Repositories for the runtime tables: dialog state and processed updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from storage.db import DeferredRowcount, QueuedWrite, insert_for
from storage.models import DialogState, ProcessedUpdate


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
