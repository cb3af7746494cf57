"""Buyer–organizer threads and claims, their messages, and moderation's records (issue 19).

A thread (`Conversation` of kind CHAT) belongs to one order; a claim (kind CLAIM) to one
order line. Every message, delivered or blocked, is a `ChatMessage`; a blocked one also a
`ModerationViolation`, as are blocked item comments and missed answer deadlines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from domain.lifecycle import OrderStatus
from storage.models import (
    ChatMessage,
    ClaimDecision,
    Conversation,
    ConversationKind,
    ConversationStatus,
    ModerationVerdict,
    ModerationViolation,
    Order,
    OrderLine,
    Organizer,
    PickupPoint,
    Purchase,
    PurchaseItem,
    User,
)

# Decisions that take money off the order (domain/balance.py `compensated`).
MONEY_DECISIONS = (ClaimDecision.FULL_REFUND, ClaimDecision.PARTIAL_COMPENSATION)


@dataclass(frozen=True, slots=True)
class Thread:
    """A conversation with what its screens show: the order, its purchase and organizer."""

    conversation: Conversation
    order: Order
    purchase: Purchase
    organizer: Organizer


@dataclass(frozen=True, slots=True)
class ViolationView:
    violation: ModerationViolation
    user: User
    is_organizer: bool


class ChatRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- threads --------------------------------------------------------------------------

    def _threads(self) -> Select[tuple[Conversation, Order, Purchase, Organizer]]:
        return (
            select(Conversation, Order, Purchase, Organizer)
            .join(Order, Order.id == Conversation.order_id)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .join(Organizer, Organizer.id == Conversation.organizer_id)
        )

    async def thread(self, conversation_id: int, *, lock: bool = False) -> Thread | None:
        stmt = (
            self._threads()
            .where(Conversation.id == conversation_id)
            .execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update(of=Conversation)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else Thread(*row)

    async def chat_of_order(self, order: Order, organizer_id: int) -> Conversation:
        """The order's chat thread, opened on first use."""
        found = await self.session.scalar(
            select(Conversation).where(
                Conversation.order_id == order.id, Conversation.kind == ConversationKind.CHAT
            )
        )
        if found is not None:
            return found
        conversation = Conversation(
            kind=ConversationKind.CHAT,
            order_id=order.id,
            buyer_id=order.buyer_id,
            organizer_id=organizer_id,
        )
        self.session.add(conversation)
        await self.session.flush()
        return conversation

    async def open_claim(
        self,
        order: Order,
        organizer_id: int,
        *,
        line_id: int,
        problem: str,
        wish: str,
    ) -> Conversation:
        conversation = Conversation(
            kind=ConversationKind.CLAIM,
            order_id=order.id,
            buyer_id=order.buyer_id,
            organizer_id=organizer_id,
            claim_line_id=line_id,
            claim_problem=problem,
            claim_wish=wish,
        )
        self.session.add(conversation)
        await self.session.flush()
        return conversation

    async def organizer_threads(self, organizer_id: int, limit: int) -> list[Thread]:
        """The organizer's threads and claims: those awaiting an answer first (longest
        waiting first), then the most recent."""
        stmt = (
            self._threads()
            .where(Conversation.organizer_id == organizer_id)
            .order_by(
                case((Conversation.waiting_since.is_(None), 1), else_=0),
                Conversation.waiting_since,
                Conversation.last_message_at.desc(),
                Conversation.id.desc(),
            )
            .limit(limit)
        )
        return [Thread(*row) for row in await self.session.execute(stmt)]

    async def escalated_claims(self, limit: int) -> list[Thread]:
        """Claims the buyer passed to the service admin, oldest first, still undecided by
        them."""
        stmt = (
            self._threads()
            .where(
                Conversation.kind == ConversationKind.CLAIM,
                Conversation.status == ConversationStatus.ESCALATED,
                Conversation.claim_decision.is_not(None),
            )
            .order_by(Conversation.escalated_at, Conversation.id)
            .limit(limit)
        )
        return [Thread(*row) for row in await self.session.execute(stmt)]

    async def count_waiting(self, organizer_id: int) -> int:
        return int(
            await self.session.scalar(
                select(func.count(Conversation.id)).where(
                    Conversation.organizer_id == organizer_id,
                    Conversation.waiting_since.is_not(None),
                )
            )
            or 0
        )

    async def buyer_orders(self, buyer_id: int, limit: int) -> list[tuple[Order, Purchase]]:
        """The buyer's live orders, newest first, for choosing what to write about."""
        stmt = (
            select(Order, Purchase)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .where(Order.buyer_id == buyer_id, Order.status == OrderStatus.ACTIVE)
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(limit)
        )
        return [(order, purchase) for order, purchase in await self.session.execute(stmt)]

    async def buyer_order(self, buyer_id: int, order_id: int) -> tuple[Order, Purchase] | None:
        """One of the buyer's own orders (a forged id finds nothing)."""
        stmt = (
            select(Order, Purchase)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .where(Order.id == order_id, Order.buyer_id == buyer_id)
            .options(joinedload(Order.purchase))
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    async def order_lines(self, order_id: int) -> list[tuple[OrderLine, str]]:
        stmt = (
            select(OrderLine, PurchaseItem.name)
            .join(PurchaseItem, PurchaseItem.id == OrderLine.item_id)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.id)
        )
        return [(line, name) for line, name in await self.session.execute(stmt)]

    async def line(self, line_id: int) -> tuple[OrderLine, str] | None:
        stmt = (
            select(OrderLine, PurchaseItem.name)
            .join(PurchaseItem, PurchaseItem.id == OrderLine.item_id)
            .where(OrderLine.id == line_id)
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    # --- messages -------------------------------------------------------------------------

    async def add_message(
        self,
        conversation: Conversation,
        sender_id: int,
        *,
        from_organizer: bool,
        text: str,
        media_ids: Sequence[int],
        verdict: ModerationVerdict,
        rule: str | None,
        now: datetime,
    ) -> ChatMessage:
        message = ChatMessage(
            conversation_id=conversation.id,
            sender_id=sender_id,
            from_organizer=from_organizer,
            text=text,
            media_ids=list(media_ids),
            verdict=verdict,
            rule=rule,
            created_at=now,
        )
        self.session.add(message)
        await self.session.flush()
        return message

    async def history(
        self, conversation_id: int, limit: int, *, first: bool = False
    ) -> list[ChatMessage]:
        """The last (`first`: the first) delivered messages, oldest first."""
        stmt = select(ChatMessage).where(
            ChatMessage.conversation_id == conversation_id,
            ChatMessage.verdict == ModerationVerdict.DELIVERED,
        )
        if first:
            stmt = stmt.order_by(ChatMessage.created_at, ChatMessage.id).limit(limit)
            return list(await self.session.scalars(stmt))
        stmt = stmt.order_by(ChatMessage.created_at.desc(), ChatMessage.id.desc()).limit(limit)
        return list(reversed(list(await self.session.scalars(stmt))))

    async def organizer_details(self, organizer_id: int) -> list[str]:
        """What the organizer published and may repeat in a chat (moderation's
        `own_details`): payment details and pickup points' addresses."""
        details = await self.session.scalar(
            select(Organizer.payment_details).where(Organizer.id == organizer_id)
        )
        addresses = await self.session.scalars(
            select(PickupPoint.address).where(PickupPoint.organizer_id == organizer_id)
        )
        return [d for d in [details or "", *addresses] if d and d.strip()]

    async def compensation_of(self, order_id: int) -> int:
        """What the order's claims decided with money take off it."""
        total = await self.session.scalar(
            select(func.coalesce(func.sum(Conversation.claim_amount_kop), 0)).where(
                Conversation.order_id == order_id,
                Conversation.kind == ConversationKind.CLAIM,
                Conversation.claim_decision.in_(MONEY_DECISIONS),
            )
        )
        return int(total or 0)

    # --- moderation -----------------------------------------------------------------------

    async def add_violation(
        self,
        user_id: int,
        *,
        rule: str,
        excerpt: str,
        source: str,
        now: datetime,
        conversation_id: int | None = None,
    ) -> ModerationViolation:
        violation = ModerationViolation(
            user_id=user_id,
            conversation_id=conversation_id,
            rule=rule,
            excerpt=excerpt,
            source=source,
            created_at=now,
        )
        self.session.add(violation)
        await self.session.flush()
        return violation

    async def recent_violations(self, limit: int) -> list[ViolationView]:
        stmt = (
            select(ModerationViolation, User, Organizer.id)
            .join(User, User.id == ModerationViolation.user_id)
            .outerjoin(Organizer, Organizer.user_id == User.id)
            .order_by(ModerationViolation.created_at.desc(), ModerationViolation.id.desc())
            .limit(limit)
        )
        return [
            ViolationView(violation, user, organizer_id is not None)
            for violation, user, organizer_id in await self.session.execute(stmt)
        ]

    async def violation(self, violation_id: int) -> ModerationViolation | None:
        return await self.session.get(ModerationViolation, violation_id, populate_existing=True)

    async def false_blocks(self) -> list[ModerationViolation]:
        stmt = (
            select(ModerationViolation)
            .where(ModerationViolation.false_block)
            .order_by(ModerationViolation.created_at, ModerationViolation.id)
        )
        return list(await self.session.scalars(stmt))

    async def suspended(self, now: datetime) -> list[User]:
        stmt = (
            select(User).where(User.chat_suspended_until > now).order_by(User.chat_suspended_until)
        )
        return list(await self.session.scalars(stmt))
