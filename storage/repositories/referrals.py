"""Referral rounds, invites and personal promo codes: the database side.

Rules live in domain.referrals and the services in bot/services/referrals.py; this module only
reads and writes. Counting is serialized per inviter by `lock_user` (FOR UPDATE on
PostgreSQL; SQLite writers already queue at BEGIN IMMEDIATE, see storage/db.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from domain.lifecycle import OrderStatus, PurchaseStatus
from storage.models import (
    Invite,
    InviteStatus,
    Order,
    OutboxKind,
    OutboxMessage,
    PromoCode,
    PromoKind,
    PromoRedemption,
    Purchase,
    ReferralRound,
    RoundStatus,
    User,
)
from storage.repositories.orders import still_owes
from storage.repositories.savepoint import add_unless_refused

LIVE_INVITE = (InviteStatus.COUNTED, InviteStatus.WAITING)
CLOSED_PURCHASE = (PurchaseStatus.CLOSED, PurchaseStatus.CANCELLED)


@dataclass(frozen=True, slots=True)
class InviterCounts:
    counted: int
    waiting: int
    in_burst_window: int


@dataclass(frozen=True, slots=True)
class InviteRow:
    invite: Invite
    friend_name: str


@dataclass(frozen=True, slots=True)
class CodeRow:
    code: PromoCode
    order_number: str | None  # the order it was used on, if any


@dataclass(frozen=True, slots=True)
class TopInviter:
    user_id: int
    name: str
    counted: int
    waiting: int
    has_code: bool


@dataclass(frozen=True, slots=True)
class Recipient:
    id: int
    platform: str
    bot_key: str
    external_id: str
    language: str


@dataclass
class RoundStats:
    participants: int = 0
    counted: int = 0
    waiting: int = 0
    flagged: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    codes: int = 0
    redeemed: int = 0
    discount_kop: int = 0


class ReferralRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- rounds -------------------------------------------------------------------------------

    async def round(self, round_id: int, *, lock: bool = False) -> ReferralRound | None:
        stmt = (
            select(ReferralRound)
            .where(ReferralRound.id == round_id)
            .execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def open_round(self, now: datetime) -> ReferralRound | None:
        """The round friends count in now: opened by the scheduler and not yet past its end
        (the close task may run a few seconds late; counting must not)."""
        stmt = (
            select(ReferralRound)
            .where(
                ReferralRound.status == RoundStatus.OPEN,
                ReferralRound.starts_at <= now,
                ReferralRound.ends_at > now,
            )
            .order_by(ReferralRound.starts_at.desc())
            .limit(1)
        )
        return await self.session.scalar(stmt)

    async def next_round(self) -> ReferralRound | None:
        """The earliest round still to open (one whose opening is late counts too)."""
        stmt = (
            select(ReferralRound)
            .where(ReferralRound.status == RoundStatus.SCHEDULED)
            .order_by(ReferralRound.starts_at, ReferralRound.id)
            .limit(1)
        )
        return await self.session.scalar(stmt)

    async def rounds_by_ids(self, round_ids: Sequence[int | None]) -> dict[int, ReferralRound]:
        ids = {round_id for round_id in round_ids if round_id is not None}
        if not ids:
            return {}
        stmt = select(ReferralRound).where(ReferralRound.id.in_(ids))
        return {round_.id: round_ for round_ in await self.session.scalars(stmt)}

    async def rounds(self, *, limit: int) -> list[ReferralRound]:
        stmt = select(ReferralRound).order_by(ReferralRound.starts_at.desc()).limit(limit)
        return list(await self.session.scalars(stmt))

    async def overlapping(
        self, starts_at: datetime, ends_at: datetime, *, exclude_id: int | None = None
    ) -> ReferralRound | None:
        """A scheduled or open round sharing any moment with [starts_at, ends_at)."""
        stmt = select(ReferralRound).where(
            ReferralRound.status.in_((RoundStatus.SCHEDULED, RoundStatus.OPEN)),
            ReferralRound.starts_at < ends_at,
            ReferralRound.ends_at > starts_at,
        )
        if exclude_id is not None:
            stmt = stmt.where(ReferralRound.id != exclude_id)
        return await self.session.scalar(stmt.limit(1))

    async def add_round(self, **values: Any) -> ReferralRound:
        round_ = ReferralRound(**values)
        self.session.add(round_)
        await self.session.flush()
        return round_

    # --- people -------------------------------------------------------------------------------

    async def user_by_token(self, token: str) -> User | None:
        return await self.session.scalar(select(User).where(User.invite_token == token))

    async def lock_user(self, user_id: int) -> None:
        """Serialize counting for one person. SQLite has no row locks and needs none: its
        transactions take the write lock at BEGIN (storage/db.py), one writer at a time."""
        if self.session.get_bind().dialect.name == "sqlite":
            return
        await self.session.execute(select(User.id).where(User.id == user_id).with_for_update())

    async def token_taken(self, token: str) -> bool:
        found = await self.session.scalar(select(User.id).where(User.invite_token == token))
        return found is not None

    async def users(self, user_ids: Sequence[int]) -> dict[int, User]:
        if not user_ids:
            return {}
        stmt = select(User).where(User.id.in_(set(user_ids)))
        return {user.id: user for user in await self.session.scalars(stmt)}

    async def has_orders(self, user_ids: Sequence[int]) -> set[int]:
        """Which of these people ever placed an order (they acted, whatever the round asks)."""
        if not user_ids:
            return set()
        stmt = select(Order.buyer_id).where(Order.buyer_id.in_(set(user_ids))).distinct()
        return set(await self.session.scalars(stmt))

    # --- invites ------------------------------------------------------------------------------

    async def live_invite_of(self, invitee_id: int, *, lock: bool = False) -> Invite | None:
        """The friend's counted or waiting invite (at most one: one inviter per friend)."""
        stmt = (
            select(Invite)
            .where(Invite.invitee_id == invitee_id, Invite.status.in_(LIVE_INVITE))
            .order_by(Invite.id)
            .limit(1)
            .execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def invite(self, invite_id: int, *, lock: bool = False) -> Invite | None:
        stmt = (
            select(Invite).where(Invite.id == invite_id).execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def refusal_recorded(
        self, round_id: int | None, inviter_id: int, invitee_id: int, reason: str
    ) -> bool:
        """A repeated tap on the same link refuses again without piling up rows."""
        round_match = Invite.round_id.is_(None) if round_id is None else Invite.round_id == round_id
        stmt = select(Invite.id).where(
            round_match,
            Invite.inviter_id == inviter_id,
            Invite.invitee_id == invitee_id,
            Invite.status == InviteStatus.REFUSED,
            Invite.refusal_reason == reason,
        )
        return await self.session.scalar(stmt.limit(1)) is not None

    async def add_invite(self, **values: Any) -> Invite:
        invite = Invite(**values)
        self.session.add(invite)
        await self.session.flush()
        return invite

    async def inviter_counts(
        self, round_id: int, inviter_id: int, since: datetime
    ) -> InviterCounts:
        """Counted and waiting friends of one inviter in a round, and live arrivals since
        `since` (the burst window), in one query."""
        live = Invite.status.in_(LIVE_INVITE)
        stmt = select(
            func.coalesce(func.sum(case((Invite.status == InviteStatus.COUNTED, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Invite.status == InviteStatus.WAITING, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(live, Invite.created_at >= since), 1), else_=0)), 0),
        ).where(Invite.round_id == round_id, Invite.inviter_id == inviter_id)
        counted, waiting, recent = (await self.session.execute(stmt)).one()
        return InviterCounts(int(counted), int(waiting), int(recent))

    async def burst_invites(self, round_id: int, inviter_id: int, since: datetime) -> list[Invite]:
        stmt = select(Invite).where(
            Invite.round_id == round_id,
            Invite.inviter_id == inviter_id,
            Invite.status.in_(LIVE_INVITE),
            Invite.created_at >= since,
            Invite.flagged.is_(False),
        )
        return list(await self.session.scalars(stmt))

    async def count_invites_of(self, inviter_id: int) -> int:
        """How many friends (people, not arrivals) came by the inviter's link."""
        stmt = select(func.count(func.distinct(Invite.invitee_id))).where(
            Invite.inviter_id == inviter_id
        )
        return await self.session.scalar(stmt) or 0

    async def invites_of(
        self,
        inviter_id: int,
        *,
        round_id: int | None = None,
        flagged_only: bool = False,
        offset: int = 0,
        limit: int = 10,
    ) -> list[InviteRow]:
        """An inviter's friends, newest first, with the friends' display names.

        One row per friend: a friend who opened the link more than once (refused while no
        round ran, then again) is listed by the invite that counts or waits, else the newest.
        """
        friend = aliased(User)
        ranked = select(
            Invite.id,
            func.row_number()
            .over(
                partition_by=Invite.invitee_id,
                order_by=(case((Invite.status.in_(LIVE_INVITE), 0), else_=1), Invite.id.desc()),
            )
            .label("rank"),
        ).where(Invite.inviter_id == inviter_id)
        if round_id is not None:
            ranked = ranked.where(Invite.round_id == round_id)
        if flagged_only:
            ranked = ranked.where(Invite.flagged.is_(True))
        first = ranked.subquery()
        stmt = (
            select(Invite, friend.name)
            .join(first, and_(first.c.id == Invite.id, first.c.rank == 1))
            .join(friend, friend.id == Invite.invitee_id)
            .order_by(Invite.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [InviteRow(invite, name) for invite, name in await self.session.execute(stmt)]

    async def flagged_invites(self, round_id: int, *, offset: int, limit: int) -> list[InviteRow]:
        friend = aliased(User)
        stmt = (
            select(Invite, friend.name)
            .join(friend, friend.id == Invite.invitee_id)
            .where(Invite.round_id == round_id, Invite.flagged.is_(True))
            .order_by(Invite.inviter_id, Invite.id)
            .offset(offset)
            .limit(limit)
        )
        return [InviteRow(invite, name) for invite, name in await self.session.execute(stmt)]

    async def count_flagged(self, round_id: int) -> int:
        stmt = (
            select(func.count())
            .select_from(Invite)
            .where(Invite.round_id == round_id, Invite.flagged.is_(True))
        )
        return await self.session.scalar(stmt) or 0

    async def waiting_invite_of(self, invitee_id: int) -> Invite | None:
        stmt = select(Invite).where(
            Invite.invitee_id == invitee_id, Invite.status == InviteStatus.WAITING
        )
        return await self.session.scalar(stmt.limit(1))

    async def unflag_friend(self, invitee_id: int) -> None:
        await self.session.execute(
            update(Invite)
            .where(Invite.invitee_id == invitee_id, Invite.flagged.is_(True))
            .values(flagged=False)
        )

    async def refuse_waiting(self, round_id: int, reason: str) -> int:
        result = await self.session.execute(
            update(Invite)
            .where(Invite.round_id == round_id, Invite.status == InviteStatus.WAITING)
            .values(status=InviteStatus.REFUSED, refusal_reason=reason)
        )
        return int(result.rowcount or 0)

    # --- codes --------------------------------------------------------------------------------

    async def code_of(self, round_id: int, owner_id: int) -> PromoCode | None:
        stmt = select(PromoCode).where(
            PromoCode.round_id == round_id, PromoCode.owner_id == owner_id
        )
        return await self.session.scalar(stmt)

    async def add_code(self, code: PromoCode) -> bool:
        """Insert in a savepoint; False when a unique constraint refused it (a twin code
        for the round and owner, or the same code text)."""
        return await add_unless_refused(self.session, code)

    async def code(self, code_id: int) -> PromoCode | None:
        return await self.session.get(PromoCode, code_id, populate_existing=True)

    async def code_by_text(self, text: str, *, lock: bool = False) -> PromoCode | None:
        stmt = (
            select(PromoCode)
            .where(PromoCode.code == text, PromoCode.kind == PromoKind.REFERRAL)
            .execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def lock_code(self, code_id: int) -> PromoCode | None:
        stmt = (
            select(PromoCode)
            .where(PromoCode.id == code_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def codes_of(self, owner_id: int, *, limit: int = 20) -> list[CodeRow]:
        """A person's referral codes, newest first, with the order each was used on."""
        stmt = (
            select(PromoCode, Order.number)
            .outerjoin(PromoRedemption, PromoRedemption.promo_code_id == PromoCode.id)
            .outerjoin(Order, Order.id == PromoRedemption.order_id)
            .where(PromoCode.owner_id == owner_id, PromoCode.kind == PromoKind.REFERRAL)
            .order_by(PromoCode.id.desc())
            .limit(limit)
        )
        return [CodeRow(code, number) for code, number in await self.session.execute(stmt)]

    async def unused_codes(self, owner_id: int, now: datetime) -> list[PromoCode]:
        """A person's referral codes that may go on an order now: active, started, not
        expired and not used yet; soonest to expire first (those are the ones to spend).
        Not cut here: a person has at most one code per round, and the caller filters by
        the order's sum before choosing which to show."""
        used = select(PromoRedemption.id).where(PromoRedemption.promo_code_id == PromoCode.id)
        stmt = (
            select(PromoCode)
            .where(
                PromoCode.owner_id == owner_id,
                PromoCode.kind == PromoKind.REFERRAL,
                PromoCode.active.is_(True),
                (PromoCode.starts_at.is_(None)) | (PromoCode.starts_at <= now),
                (PromoCode.ends_at.is_(None)) | (PromoCode.ends_at > now),
                ~used.exists(),
            )
            .order_by(PromoCode.ends_at.is_(None), PromoCode.ends_at, PromoCode.id)
        )
        return list(await self.session.scalars(stmt))

    async def redemption_of(self, code_id: int) -> PromoRedemption | None:
        stmt = select(PromoRedemption).where(PromoRedemption.promo_code_id == code_id)
        return await self.session.scalar(stmt.limit(1))

    async def redemption_for_order(self, order_id: int) -> PromoRedemption | None:
        stmt = select(PromoRedemption).where(PromoRedemption.order_id == order_id)
        return await self.session.scalar(stmt.limit(1))

    async def add_redemption(self, **values: Any) -> PromoRedemption:
        redemption = PromoRedemption(**values)
        self.session.add(redemption)
        await self.session.flush()
        return redemption

    async def delete_redemption(self, redemption: PromoRedemption) -> None:
        await self.session.delete(redemption)
        await self.session.flush()

    async def lock_order(self, order_id: int) -> Order | None:
        stmt = (
            select(Order)
            .where(Order.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def purchase(self, purchase_id: int) -> Purchase | None:
        return await self.session.get(Purchase, purchase_id)

    async def open_orders(self, buyer_id: int, *, limit: int = 10) -> list[Order]:
        """Orders a code may still go on: live, purchase not over, not fully paid, no code."""
        stmt = (
            select(Order)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .where(
                Order.buyer_id == buyer_id,
                Order.status == OrderStatus.ACTIVE,
                Purchase.status.not_in(CLOSED_PURCHASE),
                still_owes(),
                Order.promo_code_id.is_(None),
                # Round codes are not offered where the organizer opted out of them.
                Purchase.accepts_round_discounts.is_(True),
            )
            .options(joinedload(Order.purchase))
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    # --- admin views --------------------------------------------------------------------------

    async def stats(self, round_id: int) -> RoundStats:
        stats = RoundStats()
        stmt = (
            select(Invite.status, Invite.refusal_reason, func.count())
            .where(Invite.round_id == round_id)
            .group_by(Invite.status, Invite.refusal_reason)
        )
        for status, reason, count in await self.session.execute(stmt):
            if status is InviteStatus.COUNTED:
                stats.counted += count
            elif status is InviteStatus.WAITING:
                stats.waiting += count
            else:
                stats.refused[reason or "?"] = stats.refused.get(reason or "?", 0) + count
        stats.participants = (
            await self.session.scalar(
                select(func.count(func.distinct(Invite.inviter_id))).where(
                    Invite.round_id == round_id, Invite.status.in_(LIVE_INVITE)
                )
            )
            or 0
        )
        stats.flagged = await self.count_flagged(round_id)
        stats.codes = (
            await self.session.scalar(
                select(func.count()).select_from(PromoCode).where(PromoCode.round_id == round_id)
            )
            or 0
        )
        redeemed, discount = (
            await self.session.execute(
                select(func.count(PromoRedemption.id), func.sum(PromoRedemption.discount_kop))
                .join(PromoCode, PromoCode.id == PromoRedemption.promo_code_id)
                .where(PromoCode.round_id == round_id)
            )
        ).one()
        stats.redeemed, stats.discount_kop = int(redeemed or 0), int(discount or 0)
        return stats

    async def top_inviters(self, round_id: int, *, limit: int = 10) -> list[TopInviter]:
        counted = func.sum(case((Invite.status == InviteStatus.COUNTED, 1), else_=0))
        waiting = func.sum(case((Invite.status == InviteStatus.WAITING, 1), else_=0))
        stmt = (
            select(Invite.inviter_id, User.name, counted, waiting, PromoCode.id)
            .join(User, User.id == Invite.inviter_id)
            .outerjoin(
                PromoCode,
                and_(PromoCode.round_id == round_id, PromoCode.owner_id == Invite.inviter_id),
            )
            .where(Invite.round_id == round_id, Invite.status.in_(LIVE_INVITE))
            .group_by(Invite.inviter_id, User.name, PromoCode.id)
            .order_by(counted.desc(), Invite.inviter_id)
            .limit(limit)
        )
        return [
            TopInviter(user_id, name, int(c or 0), int(w or 0), code_id is not None)
            for user_id, name, c, w, code_id in await self.session.execute(stmt)
        ]

    # --- announcements ------------------------------------------------------------------------

    async def recipients(self, *, after_id: int, limit: int) -> list[Recipient]:
        """People who allowed notifications and can be reached, by id (keyset pages)."""
        stmt = (
            select(User.id, User.platform, User.bot_key, User.external_id, User.language)
            .where(
                User.id > after_id,
                User.notifications_allowed.is_(True),
                User.reachable.is_(True),
                User.messages_allowed.is_(True),
            )
            .order_by(User.id)
            .limit(limit)
        )
        return [Recipient(*row) for row in await self.session.execute(stmt)]

    async def enqueue_batch(
        self, recipients: Sequence[Recipient], bodies: dict[str, dict[str, Any]], dedup: str
    ) -> int:
        """Queue one NOTIFICATION per recipient in one insert; the body is picked by language.

        `dedup` + ":<user id>" is each message's dedup key: a batch already queued (by a run
        that got this far before) is skipped, so announcing is safe to repeat.
        """
        if not recipients:
            return 0
        keys = {r.id: f"{dedup}:{r.id}" for r in recipients}
        existing = set(
            await self.session.scalars(
                select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys.values()))
            )
        )
        fallback = next(iter(bodies.values()))
        rows = [
            {
                "platform": r.platform,
                "bot_key": r.bot_key,
                "chat_id": r.external_id,
                "recipient_id": r.id,
                "kind": OutboxKind.NOTIFICATION,
                "body": bodies.get(r.language, fallback),
                "dedup_key": keys[r.id],
            }
            for r in recipients
            if keys[r.id] not in existing
        ]
        if rows:
            await self.session.execute(insert(OutboxMessage), rows)
        return len(rows)
