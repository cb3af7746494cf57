"""The buyer's side of the data: purchases as buyers see them, orders, and comments.

Every query that returns orders takes the buyer's id: a buyer sees only their own orders,
and a forged id simply finds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, bindparam, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from domain.cart import order_totals
from domain.comments import IN_BOT
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.order_numbers import format_order_number
from storage.models import (
    Comment,
    Media,
    Order,
    OrderLine,
    Organizer,
    PickupPoint,
    Purchase,
    PurchaseItem,
    User,
)

# Closed and cancelled purchases are history: pickup points no longer matter there.
PICKUP_FINAL_STATUSES = (PurchaseStatus.CLOSED, PurchaseStatus.CANCELLED)

# The buyer's orders since a moment and in all, in one query (/orders asks on every call).
_COUNT_RECENT_AND_ALL = select(
    func.count().filter(Order.created_at >= bindparam("since", type_=Order.created_at.type)),
    func.count(),
).where(Order.buyer_id == bindparam("buyer_id"))


def set_due(order: Order, goods_due_kop: int) -> None:
    """Store the order's due from what its goods cost now (items + fee - discount): the one
    place a due is recounted, so the transport share (bot/services/transport.py), already
    part of the due, is never dropped by a recount (a promo code, a changed order, a line the
    supplier did not send)."""
    order.due_kop = goods_due_kop + (order.transport_kop or 0)


def still_owes() -> ColumnElement[bool]:
    """SQL for "the order still owes money": its due, less what claims took off, exceeds the
    confirmed money; the query form of `domain.balance.order_money(...).owed > 0`."""
    return Order.due_kop - Order.compensation_kop > Order.confirmed_paid_kop


def _collecting(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """`lifecycle.collecting` as SQL: open, and the stop date (if any) not yet come."""
    return (
        Purchase.status == PurchaseStatus.OPEN,
        or_(Purchase.stop_at.is_(None), Purchase.stop_at > now),
    )


@dataclass(frozen=True, slots=True)
class PricedLine:
    """An order line ready to store: the price is the one the buyer agreed to."""

    item_id: int
    size: str
    quantity: int
    price_kop: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class CommentView:
    comment: Comment
    purchase_title: str
    item_name: str | None


@dataclass(frozen=True, slots=True)
class OrganizerComment:
    """A buyer's comment as its organizer handles it: who asked, about what, where."""

    comment: Comment
    buyer: User
    purchase: Purchase
    item_name: str | None


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- purchases as buyers see them ---------------------------------------------------------

    async def count_open_purchases(self, now: datetime) -> int:
        stmt = select(func.count()).select_from(Purchase).where(*_collecting(now))
        return await self.session.scalar(stmt) or 0

    async def open_purchases(self, now: datetime, *, offset: int, limit: int) -> list[Purchase]:
        """Purchases taking orders at `now` (`lifecycle.collecting`), newest first, with
        their organizers."""
        stmt = (
            select(Purchase)
            .where(*_collecting(now))
            .options(joinedload(Purchase.organizer))
            .order_by(Purchase.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def visible_purchase(
        self, purchase_id: int, *, viewer_id: int, lock: bool = False
    ) -> Purchase | None:
        """A purchase with its organizer and items, if `viewer_id` may see it.

        Drafts are visible to their own organizer only (a preview); to anyone else they do not
        exist. `lock` holds the row against a concurrent status change (PostgreSQL FOR SHARE;
        SQLite already serializes writers) while an order is being saved.
        """
        stmt = (
            select(Purchase)
            .where(Purchase.id == purchase_id)
            .options(selectinload(Purchase.organizer), selectinload(Purchase.items))
            .execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update(read=True)
        purchase = await self.session.scalar(stmt)
        if purchase is None or purchase.deleted_at is not None:
            return None  # a deleted draft is gone for its organizer too
        if purchase.status is PurchaseStatus.DRAFT and purchase.organizer.user_id != viewer_id:
            return None
        return purchase

    async def media(self, media_id: int | None) -> Media | None:
        return None if media_id is None else await self.session.get(Media, media_id)

    async def media_many(self, media_ids: Sequence[int]) -> dict[int, Media]:
        """Several media rows by id in one query (the photos of a page of items)."""
        if not media_ids:
            return {}
        found = await self.session.scalars(select(Media).where(Media.id.in_(set(media_ids))))
        return {media.id: media for media in found}

    async def active_pickup_points(self, organizer_id: int) -> list[PickupPoint]:
        stmt = (
            select(PickupPoint)
            .where(PickupPoint.organizer_id == organizer_id, PickupPoint.active)
            .order_by(PickupPoint.id)
        )
        return list(await self.session.scalars(stmt))

    async def pickup_points(self, point_ids: Sequence[int]) -> dict[int, PickupPoint]:
        if not point_ids:
            return {}
        stmt = select(PickupPoint).where(PickupPoint.id.in_(set(point_ids)))
        return {point.id: point for point in await self.session.scalars(stmt)}

    # --- one buyer's orders ---------------------------------------------------------------------

    async def active_order(self, buyer_id: int, purchase_id: int) -> Order | None:
        """The buyer's live order in a purchase: there is at most one (see `save_order`)."""
        stmt = (
            select(Order)
            .where(
                Order.buyer_id == buyer_id,
                Order.purchase_id == purchase_id,
                Order.status == OrderStatus.ACTIVE,
            )
            .options(selectinload(Order.lines))
            .order_by(Order.id)
            .limit(1)
        )
        return await self.session.scalar(stmt)

    async def buyer_order(self, buyer_id: int, order_id: int) -> Order | None:
        """One order with lines, items, purchase and organizer, only if it is the buyer's."""
        stmt = (
            select(Order)
            .where(Order.id == order_id, Order.buyer_id == buyer_id)
            .options(
                selectinload(Order.lines).joinedload(OrderLine.item),
                joinedload(Order.purchase).joinedload(Purchase.organizer),
            )
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def save_order(
        self,
        *,
        buyer_id: int,
        purchase: Purchase,
        lines: Sequence[PricedLine],
        pickup_point_id: int | None,
        now: datetime,
    ) -> tuple[Order, bool]:
        """Create the buyer's order in `purchase`, or replace the lines of their live one.

        One live order per buyer per purchase: ordering again edits it, so the organizer never
        has to merge two orders of one person. Sums come from `domain.pricing` on the
        given prices (snapshots). Returns the reloaded order and whether it was created.
        """
        # Two confirmations of one buyer at once (a double tap on two devices) must not both
        # create an order: the buyer's row lock makes the second one see the first.
        await self.session.execute(select(User.id).where(User.id == buyer_id).with_for_update())
        order = await self.active_order(buyer_id, purchase.id)
        created = order is None
        if order is None:
            order = Order(purchase_id=purchase.id, buyer_id=buyer_id, created_at=now)
            self.session.add(order)
            await self.session.flush()
            order.number = format_order_number(order.id)
        else:
            await self.session.execute(delete(OrderLine).where(OrderLine.order_id == order.id))
        totals = order_totals(
            ((line.price_kop, line.quantity) for line in lines),
            purchase.fee_bp,
            order.discount_kop or 0,
        )
        order.items_total_kop = totals.items_kop
        order.fee_kop = totals.fee_kop
        set_due(order, totals.due_kop)
        order.pickup_point_id = pickup_point_id
        order.updated_at = now
        self.session.add_all(
            OrderLine(
                order_id=order.id,
                item_id=line.item_id,
                size=line.size,
                quantity=line.quantity,
                price_kop=line.price_kop,
                note=line.note,
            )
            for line in lines
        )
        await self.session.flush()
        reloaded = await self.buyer_order(buyer_id, order.id)
        assert reloaded is not None
        return reloaded, created

    async def cancel_order(self, order: Order, now: datetime) -> None:
        order.status = OrderStatus.CANCELLED
        order.updated_at = now

    async def set_pickup_point(self, order: Order, point_id: int, now: datetime) -> None:
        order.pickup_point_id = point_id
        order.updated_at = now

    async def count_buyer_orders(self, buyer_id: int) -> int:
        stmt = select(func.count()).select_from(Order).where(Order.buyer_id == buyer_id)
        return await self.session.scalar(stmt) or 0

    async def count_buyer_orders_since(self, buyer_id: int, since: datetime) -> tuple[int, int]:
        """(orders since `since`, all orders) of the buyer."""
        row = (
            await self.session.execute(
                _COUNT_RECENT_AND_ALL, {"buyer_id": buyer_id, "since": since}
            )
        ).one()
        return int(row[0]), int(row[1])

    async def buyer_orders(
        self, buyer_id: int, *, since: datetime | None = None, offset: int, limit: int
    ) -> list[Order]:
        """A page of the buyer's orders, newest first, with lines, items and purchases.

        Served by the (buyer_id, created_at) index however many orders the database holds;
        lines come in one extra query per page (selectinload), not one per order.
        """
        stmt = select(Order).where(Order.buyer_id == buyer_id)
        if since is not None:
            stmt = stmt.where(Order.created_at >= since)
        stmt = (
            stmt.options(
                selectinload(Order.lines).joinedload(OrderLine.item),
                joinedload(Order.purchase),
            )
            .order_by(Order.created_at.desc(), Order.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def buyer_organizers(self, buyer_id: int, *, offset: int, limit: int) -> list[Organizer]:
        """Organizers of purchases the buyer has live orders in, most recent order first."""
        latest = (
            select(Purchase.organizer_id, func.max(Order.created_at).label("latest"))
            .join(Order, Order.purchase_id == Purchase.id)
            .where(Order.buyer_id == buyer_id, Order.status == OrderStatus.ACTIVE)
            .group_by(Purchase.organizer_id)
            .subquery()
        )
        stmt = (
            select(Organizer)
            .join(latest, latest.c.organizer_id == Organizer.id)
            .options(selectinload(Organizer.pickup_points))
            .order_by(latest.c.latest.desc(), Organizer.id)
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def count_buyer_organizers(self, buyer_id: int) -> int:
        stmt = (
            select(func.count(func.distinct(Purchase.organizer_id)))
            .join(Order, Order.purchase_id == Purchase.id)
            .where(Order.buyer_id == buyer_id, Order.status == OrderStatus.ACTIVE)
        )
        return await self.session.scalar(stmt) or 0

    async def pickup_orders(self, buyer_id: int, *, limit: int) -> list[Order]:
        """Live orders whose purchase is not over yet, newest first, with purchase and
        organizer: the orders whose pickup point may still matter."""
        stmt = (
            select(Order)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .where(
                Order.buyer_id == buyer_id,
                Order.status == OrderStatus.ACTIVE,
                Purchase.status.not_in(PICKUP_FINAL_STATUSES),
            )
            .options(joinedload(Order.purchase).joinedload(Purchase.organizer))
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))


class CommentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_comment(
        self,
        user_id: int,
        purchase_id: int,
        item_id: int | None,
        text: str,
        source: str,
        external_id: str | None = None,
        created_at: datetime | None = None,
    ) -> Comment:
        """Store a comment; with an `external_id` (the platform's comment id) a redelivered
        comment returns the one stored before instead of a copy.

        The caller validates the text (`domain.comments.clean_comment`) and that the item
        belongs to the purchase.
        """
        if external_id is not None:
            existing = await self._by_external_id(source, external_id)
            if existing is not None:
                return existing
        comment = Comment(
            user_id=user_id,
            purchase_id=purchase_id,
            item_id=item_id,
            text=text,
            source=source,
            external_id=external_id,
        )
        if created_at is not None:
            comment.created_at = created_at
        try:
            async with self.session.begin_nested():
                self.session.add(comment)
        except IntegrityError:
            # A concurrent delivery of the same platform comment won the race.
            if external_id is None:
                raise
            existing = await self._by_external_id(source, external_id)
            assert existing is not None
            return existing
        return comment

    async def _by_external_id(self, source: str, external_id: str) -> Comment | None:
        return await self.session.scalar(
            select(Comment).where(Comment.source == source, Comment.external_id == external_id)
        )

    async def count_user_comments(self, user_id: int, *, since: datetime) -> int:
        stmt = (
            select(func.count())
            .select_from(Comment)
            .where(Comment.user_id == user_id, Comment.created_at >= since)
        )
        return await self.session.scalar(stmt) or 0

    async def user_comments(
        self, user_id: int, *, since: datetime, offset: int, limit: int
    ) -> list[CommentView]:
        """A page of the user's own comments, newest first, with purchase and item names."""
        stmt = (
            select(Comment, Purchase.title, PurchaseItem.name)
            .join(Purchase, Purchase.id == Comment.purchase_id)
            .outerjoin(PurchaseItem, PurchaseItem.id == Comment.item_id)
            .where(Comment.user_id == user_id, Comment.created_at >= since)
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .offset(offset)
            .limit(limit)
        )
        rows = await self.session.execute(stmt)
        return [CommentView(comment, title, item) for comment, title, item in rows.all()]

    # --- the organizer's side: replies -----------------------------------------------------

    def _organizer_comments(self) -> Select[tuple[Comment, User, Purchase, str | None]]:
        return (
            select(Comment, User, Purchase, PurchaseItem.name)
            .join(User, User.id == Comment.user_id)
            .join(Purchase, Purchase.id == Comment.purchase_id)
            .outerjoin(PurchaseItem, PurchaseItem.id == Comment.item_id)
        )

    async def organizer_comment(
        self, comment_id: int, organizer_id: int, *, lock: bool = False
    ) -> OrganizerComment | None:
        """A comment on one of this organizer's purchases; None for anyone else's (a forged
        or stale button finds nothing). `lock`: two presses cannot both answer it."""
        stmt = self._organizer_comments().where(
            Comment.id == comment_id, Purchase.organizer_id == organizer_id
        )
        if lock:
            stmt = stmt.with_for_update(of=Comment)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else OrganizerComment(*row)

    def _unanswered(self, purchase_id: int) -> tuple[ColumnElement[bool], ...]:
        # Comments under community posts are answered there, in public, where they were
        # written: the list holds the questions asked in the bot, which only the bot relays.
        return (
            Comment.purchase_id == purchase_id,
            Comment.source == IN_BOT,
            Comment.replied_at.is_(None),
        )

    async def count_unanswered(self, purchase_id: int) -> int:
        stmt = select(func.count()).select_from(Comment).where(*self._unanswered(purchase_id))
        return await self.session.scalar(stmt) or 0

    async def unanswered(
        self, purchase_id: int, *, offset: int, limit: int
    ) -> list[OrganizerComment]:
        """A page of the purchase's unanswered comments, oldest (longest waiting) first."""
        stmt = (
            self._organizer_comments()
            .where(*self._unanswered(purchase_id))
            .order_by(Comment.created_at, Comment.id)
            .offset(offset)
            .limit(limit)
        )
        rows = await self.session.execute(stmt)
        return [OrganizerComment(*row) for row in rows.all()]

    async def reply(self, comment: Comment, text: str, now: datetime) -> None:
        comment.reply_text = text
        comment.replied_at = now
        await self.session.flush()
