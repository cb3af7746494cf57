"""Writing to the transactional outbox. Delivery lives in bot/outbox.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import Reply
from storage.models import OutboxKind, OutboxMessage, OutboxStatus, User


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self,
        recipient: User,
        reply: Reply,
        kind: OutboxKind,
        *,
        dedup_key: str | None = None,
        broadcast_id: int | None = None,
    ) -> OutboxMessage | None:
        """Queue a message to a user's private chat in the caller's transaction.

        With a `dedup_key`, a retried operation queues nothing the second time (returns None).
        """
        return await self.enqueue_to_chat(
            platform=recipient.platform,
            bot_key=recipient.bot_key,
            chat_id=recipient.external_id,
            recipient_id=recipient.id,
            reply=reply,
            kind=kind,
            dedup_key=dedup_key,
            broadcast_id=broadcast_id,
        )

    async def enqueue_to_chat(
        self,
        *,
        platform: str,
        bot_key: str,
        chat_id: str,
        recipient_id: int | None,
        reply: Reply,
        kind: OutboxKind,
        dedup_key: str | None = None,
        broadcast_id: int | None = None,
    ) -> OutboxMessage | None:
        if dedup_key is not None:
            existing = await self.session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)
            )
            if existing is not None:
                return None
        message = OutboxMessage(
            platform=platform,
            bot_key=bot_key,
            chat_id=chat_id,
            recipient_id=recipient_id,
            kind=kind,
            body=reply.to_json(),
            dedup_key=dedup_key,
            broadcast_id=broadcast_id,
        )
        try:
            async with self.session.begin_nested():
                self.session.add(message)
        except IntegrityError:
            # A concurrent twin with the same dedup_key won the race.
            return None
        return message


class OutboxReader:
    """The delivery side: what is due, and recording outcomes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def due(self, platform: str, now: datetime, limit: int = 100) -> list[OutboxMessage]:
        stmt = (
            select(OutboxMessage)
            .where(
                OutboxMessage.platform == platform,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))
