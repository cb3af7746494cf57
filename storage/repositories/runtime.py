"""Repositories for the runtime tables: dialog state and processed updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DialogState, ProcessedUpdate
from storage.types import utcnow


class DialogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> DialogState | None:
        return await self.session.get(DialogState, user_id)

    async def save(self, user_id: int, dialog: str, step: str, data: dict[str, Any]) -> None:
        state = await self.get(user_id)
        if state is None:
            self.session.add(DialogState(user_id=user_id, dialog=dialog, step=step, data=data))
        else:
            state.dialog, state.step, state.data = dialog, step, dict(data)
            state.updated_at = utcnow()

    async def clear(self, user_id: int) -> None:
        await self.session.execute(delete(DialogState).where(DialogState.user_id == user_id))


class ProcessedUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, platform: str, bot_key: str, update_id: str, now: datetime | None = None
    ) -> bool:
        """Record the update as processed; False if it was processed before."""
        key = (platform, bot_key, update_id)
        if await self.session.get(ProcessedUpdate, key) is not None:
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(
                    ProcessedUpdate(
                        platform=platform,
                        bot_key=bot_key,
                        update_id=update_id,
                        processed_at=now or utcnow(),
                    )
                )
        except IntegrityError:
            return False
        return True

    async def forget_before(self, moment: datetime) -> int:
        """Prune old ids: platforms never redeliver updates older than a day."""
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment)
        )
        return result.rowcount or 0
