"""The transactional outbox: writing messages (`OutboxRepository`, in the caller's
transaction) and the delivery side (`OutboxReader`, used by the sender in bot/delivery/outbox.py).

How a row moves (see bot/delivery/outbox.py for the why):

    pending --claim--> pending, attempts+1, next_attempt_at = claim deadline ("in flight")
            --sent-------------> sent
            --temporary error--> pending, next_attempt_at = now + back-off (or failed at the
                                 last attempt)
            --flood control----> pending, next_attempt_at = now + retry_after, attempt undone
            --permanent error--> failed
            --no consent, unreachable--> skipped

`last_error` says why a message is not sent (yet). Skipped messages start with one of the
`SKIP_*` prefixes, so reports can tell "not allowed" from "blocked".
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from storage.models import OutboxKind, OutboxMessage, OutboxStatus, User

SKIP_NOT_ALLOWED = "not allowed"
SKIP_UNREACHABLE = "unreachable"
# Rows per statement: stays under every driver's limit on bound parameters.
_CHUNK = 1000
_REASON_LENGTH = 1000


class Body(Protocol):
    """What a queued message carries: anything that serializes itself to JSON (the neutral
    `Reply` of bot/core/replies.py; storage stays below the runtime and does not import it)."""

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Recipient:
    """One addressee of a bulk enqueue: the user, the body in their language, a dedup key."""

    user: User
    reply: Body
    dedup_key: str | None = None


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self,
        recipient: User,
        reply: Body,
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
        reply: Body,
        kind: OutboxKind,
        dedup_key: str | None = None,
        broadcast_id: int | None = None,
        not_before: datetime | None = None,
    ) -> OutboxMessage | None:
        """Queue a message to any chat. `not_before`: not sent earlier (the platform asked
        to wait, e.g. a direct reply refused by flood control); by default due at once."""
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
        if not_before is not None:
            message.next_attempt_at = not_before
        try:
            async with self.session.begin_nested():
                self.session.add(message)
        except IntegrityError:
            # A concurrent twin with the same dedup_key won the race.
            return None
        return message

    async def enqueue_many(
        self,
        recipients: Sequence[Recipient],
        kind: OutboxKind,
        *,
        broadcast_id: int | None = None,
    ) -> int:
        """Queue one message per recipient in a few statements; returns how many were queued.

        Dedup keys already in the outbox (or twice in the list) are skipped, as `enqueue` does.
        Ten thousand rows one by one would hold the database for seconds.
        """
        keys = [r.dedup_key for r in recipients if r.dedup_key is not None]
        existing: set[str] = set()
        for start in range(0, len(keys), _CHUNK):
            found = await self.session.scalars(
                select(OutboxMessage.dedup_key).where(
                    OutboxMessage.dedup_key.in_(keys[start : start + _CHUNK])
                )
            )
            existing.update(key for key in found if key is not None)
        now = clock.now()
        rows = []
        for recipient in recipients:
            if recipient.dedup_key is not None:
                if recipient.dedup_key in existing:
                    continue
                existing.add(recipient.dedup_key)
            rows.append(
                {
                    "platform": recipient.user.platform,
                    "bot_key": recipient.user.bot_key,
                    "chat_id": recipient.user.external_id,
                    "recipient_id": recipient.user.id,
                    "kind": kind,
                    "body": recipient.reply.to_json(),
                    "dedup_key": recipient.dedup_key,
                    "broadcast_id": broadcast_id,
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
        try:
            # A savepoint: a concurrent twin that queued the same keys first makes this
            # call queue nothing (0) instead of aborting the caller's transaction.
            async with self.session.begin_nested():
                for start in range(0, len(rows), _CHUNK):
                    await self.session.execute(insert(OutboxMessage), rows[start : start + _CHUNK])
        except IntegrityError:
            return 0
        return len(rows)


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """Where the messages of one broadcast are."""

    total: int = 0
    pending: int = 0
    sent: int = 0
    not_allowed: int = 0
    blocked: int = 0
    failed: int = 0

    @property
    def done(self) -> int:
        return self.total - self.pending


class OutboxReader:
    """The delivery side: what is due, claiming it, and recording outcomes."""

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

    async def heads(
        self,
        platform: str,
        now: datetime,
        *,
        limit: int,
        busy_chats: Collection[tuple[str, str]] = (),
        max_scan: int = 20_000,
    ) -> list[OutboxMessage]:
        """The oldest pending message of each chat, where it is due: what may go out now.

        A chat's later messages wait while an earlier one is pending (claimed, backing off),
        which keeps every chat's messages in order. Pending rows are read in id order, so a
        chat's earlier row is always seen before its later ones; `max_scan` bounds the work
        when many chats are backing off. `busy_chats` are (bot_key, chat_id) the caller is
        still delivering to.
        """
        seen: set[tuple[str, str]] = set(busy_chats)
        picked: list[int] = []
        after = 0
        scanned = 0
        page = min(_CHUNK, max_scan)
        while len(picked) < limit and scanned < max_scan:
            rows = (
                await self.session.execute(
                    select(
                        OutboxMessage.id,
                        OutboxMessage.bot_key,
                        OutboxMessage.chat_id,
                        OutboxMessage.next_attempt_at,
                    )
                    .where(
                        OutboxMessage.platform == platform,
                        OutboxMessage.status == OutboxStatus.PENDING,
                        OutboxMessage.id > after,
                    )
                    .order_by(OutboxMessage.id)
                    .limit(page)
                )
            ).all()
            if not rows:
                break
            scanned += len(rows)
            after = rows[-1].id
            for row in rows:
                chat = (row.bot_key, row.chat_id)
                if chat in seen:
                    continue
                seen.add(chat)
                if row.next_attempt_at <= now:
                    picked.append(row.id)
                    if len(picked) >= limit:
                        break
        if not picked:
            return []
        messages: list[OutboxMessage] = []
        for start in range(0, len(picked), _CHUNK):
            messages += await self.session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_(picked[start : start + _CHUNK]))
            )
        return sorted(messages, key=lambda m: m.id)

    async def claim(
        self, ids: Sequence[int], now: datetime, until: datetime, holder: str | None = None
    ) -> dict[int, int]:
        """Mark due pending messages as being sent by `holder` until `until`, counting the
        attempt.

        Returns {id: attempts} of the rows this call claimed: a row claimed meanwhile by
        someone else (its next_attempt_at moved) is left out, so it is never sent twice.
        """
        claimed: dict[int, int] = {}
        for start in range(0, len(ids), _CHUNK):
            result = await self.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(ids[start : start + _CHUNK]),
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                )
                .values(
                    attempts=OutboxMessage.attempts + 1, next_attempt_at=until, claimed_by=holder
                )
                .returning(OutboxMessage.id, OutboxMessage.attempts)
                .execution_options(synchronize_session=False)
            )
            claimed.update({row.id: row.attempts for row in result})
        return claimed

    async def release(self, ids: Sequence[int], now: datetime) -> None:
        """Give claimed messages back untouched (their sender stopped before sending them)."""
        for start in range(0, len(ids), _CHUNK):
            await self.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(ids[start : start + _CHUNK]),
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
                .values(
                    attempts=case(
                        (OutboxMessage.attempts > 0, OutboxMessage.attempts - 1), else_=0
                    ),
                    next_attempt_at=now,
                    claimed_by=None,
                )
                .execution_options(synchronize_session=False)
            )

    async def take_over(self, platform: str, holder: str, now: datetime) -> int:
        """Give back at once the claims of other senders of `platform`: called by a sender
        that has just taken the platform's lease, so the holder before it is dead or has
        stopped sending. Their messages go out now rather than when the claims run out;
        one whose call was under way when its sender died may go out twice."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.platform == platform,
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.claimed_by.is_not(None),
                OutboxMessage.claimed_by != holder,
            )
            .values(next_attempt_at=now, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount or 0

    async def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        """Record delivered messages (one statement per thousand: the common case)."""
        for start in range(0, len(ids), _CHUNK):
            await self.session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id.in_(ids[start : start + _CHUNK]),
                    OutboxMessage.status == OutboxStatus.PENDING,
                )
                .values(status=OutboxStatus.SENT, sent_at=now, last_error=None)
                .execution_options(synchronize_session=False)
            )

    async def mark_failed(self, message_id: int, reason: str) -> None:
        await self._finish(message_id, status=OutboxStatus.FAILED, last_error=_cut(reason))

    async def mark_skipped(self, message_id: int, reason: str) -> None:
        await self._finish(message_id, status=OutboxStatus.SKIPPED, last_error=_cut(reason))

    async def retry_at(
        self, message_id: int, at: datetime, reason: str, *, count_attempt: bool = True
    ) -> None:
        """Back to pending until `at`. Flood control does not count as an attempt."""
        values: dict[str, object] = {
            "next_attempt_at": at,
            "last_error": _cut(reason),
            "claimed_by": None,
        }
        if not count_attempt:
            values["attempts"] = OutboxMessage.attempts - 1
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def _finish(self, message_id: int, **values: object) -> None:
        # Only a pending row changes: an outcome recorded twice (a sender that lost its lease)
        # never overwrites the first.
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def mark_messages_denied(self, user_id: int) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(messages_allowed=False)
            .execution_options(synchronize_session=False)
        )

    async def mark_unreachable(self, user_id: int, reason: str) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(reachable=False, unreachable_reason=reason[:255])
            .execution_options(synchronize_session=False)
        )

    async def users(self, ids: Collection[int]) -> dict[int, User]:
        found: dict[int, User] = {}
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), _CHUNK):
            for user in await self.session.scalars(
                select(User).where(User.id.in_(wanted[start : start + _CHUNK]))
            ):
                found[user.id] = user
        return found

    async def broadcast_counts(self, broadcast_id: int) -> DeliveryCounts:
        blocked = OutboxMessage.last_error.startswith(SKIP_UNREACHABLE)
        rows = (
            await self.session.execute(
                select(OutboxMessage.status, blocked, func.count())
                .where(OutboxMessage.broadcast_id == broadcast_id)
                .group_by(OutboxMessage.status, blocked)
            )
        ).all()
        counts = dict.fromkeys(("total", "pending", "sent", "not_allowed", "blocked", "failed"), 0)
        for status, is_blocked, number in rows:
            counts["total"] += number
            if status == OutboxStatus.PENDING:
                counts["pending"] += number
            elif status == OutboxStatus.SENT:
                counts["sent"] += number
            elif status == OutboxStatus.FAILED:
                counts["failed"] += number
            elif is_blocked:
                counts["blocked"] += number
            else:
                counts["not_allowed"] += number
        return DeliveryCounts(**counts)


def _cut(reason: str) -> str:
    return reason[:_REASON_LENGTH]
