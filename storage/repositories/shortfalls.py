"""Size rows, what the supplier did not send, and buyers' credits, as stored.

Rows are never stored: they are assembled (domain/size_rows.py) from the ordered lines of
live orders in the order the orders were placed, and only the organizer's decisions on
unfilled rows are rows of `size_row_decisions`. A buyer's credit with an organizer is the sum
of their `buyer_credits` ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from domain.lifecycle import OrderStatus
from domain.size_rows import RowDecision, RowPiece, SizeRow, assemble_rows, sold_by_rows
from storage.models import (
    BuyerCredit,
    Order,
    OrderLine,
    Purchase,
    PurchaseItem,
    SizeRowDecision,
    User,
)


@dataclass(frozen=True, slots=True)
class ItemRows:
    item: PurchaseItem
    rows: list[SizeRow]
    decisions: dict[int, RowDecision]


@dataclass(frozen=True, slots=True)
class PurchaseLine:
    """An order line as the organizer marks shortfalls on it."""

    line: OrderLine
    order: Order
    item: PurchaseItem
    buyer: User


def live_line(line_id: int, *whose: ColumnElement[bool]) -> Select[tuple[OrderLine]]:
    """The order line of a live order that `whose` allows, loaded with its item and its
    order's lines and purchase (what a shortfall decision on it recounts)."""
    return (
        select(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.id == line_id, Order.status == OrderStatus.ACTIVE, *whose)
        .options(
            joinedload(OrderLine.item),
            joinedload(OrderLine.order).selectinload(Order.lines),
            joinedload(OrderLine.order).joinedload(Order.purchase),
        )
    )


class ShortfallRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- size rows ---------------------------------------------------------------------------

    async def purchase_rows(self, purchase_id: int, *, active_only: bool = True) -> list[ItemRows]:
        """Every item of the purchase sold by rows, with its rows and the decisions taken."""
        stmt = select(PurchaseItem).where(
            PurchaseItem.purchase_id == purchase_id, PurchaseItem.by_rows
        )
        if active_only:
            stmt = stmt.where(PurchaseItem.active)
        items = [
            item
            for item in await self.session.scalars(
                stmt.order_by(PurchaseItem.position, PurchaseItem.id)
            )
            if sold_by_rows(item.by_rows, item.sizes or [], item.row_pieces)
        ]
        if not items:
            return []
        ids = [item.id for item in items]
        pieces: dict[int, list[RowPiece]] = {item_id: [] for item_id in ids}
        lines = (
            select(OrderLine.item_id, OrderLine.id, OrderLine.size, OrderLine.quantity)
            .join(Order, Order.id == OrderLine.order_id)
            .where(OrderLine.item_id.in_(ids), Order.status == OrderStatus.ACTIVE)
            .order_by(Order.created_at, Order.id, OrderLine.id)
        )
        for item_id, line_id, size, quantity in await self.session.execute(lines):
            pieces[item_id].append(RowPiece(line_id, size or "", int(quantity)))
        decisions = await self.decisions(ids)
        return [
            ItemRows(
                item,
                assemble_rows(list(item.sizes or []), item.row_pieces, pieces[item.id]),
                decisions.get(item.id, {}),
            )
            for item in items
        ]

    async def decisions(self, item_ids: Sequence[int]) -> dict[int, dict[int, RowDecision]]:
        found: dict[int, dict[int, RowDecision]] = {}
        stmt = select(SizeRowDecision).where(SizeRowDecision.item_id.in_(list(item_ids)))
        for decision in await self.session.scalars(stmt):
            found.setdefault(decision.item_id, {})[decision.row_number] = RowDecision(
                decision.decision
            )
        return found

    async def decide(
        self, item_id: int, row_number: int, decision: RowDecision, *, user_id: int, now: datetime
    ) -> None:
        self.session.add(
            SizeRowDecision(
                item_id=item_id,
                row_number=row_number,
                decision=decision.value,
                decided_by_user_id=user_id,
                created_at=now,
            )
        )
        await self.session.flush()

    # --- lines and orders ------------------------------------------------------------------------

    # No `populate_existing` below: loading the orders' lines again would reset the lines'
    # loaded `order` and `item`. Nothing of these rows is loaded earlier in an update.

    async def lines_by_id(self, line_ids: Sequence[int]) -> list[OrderLine]:
        """Lines with their orders (and the orders' lines and purchase)."""
        if not line_ids:
            return []
        stmt = (
            select(OrderLine)
            .where(OrderLine.id.in_(list(line_ids)))
            .options(
                joinedload(OrderLine.item),
                joinedload(OrderLine.order).selectinload(Order.lines),
                joinedload(OrderLine.order).joinedload(Order.purchase),
            )
            .order_by(OrderLine.id)
        )
        return list(await self.session.scalars(stmt))

    async def count_lines(self, purchase_id: int) -> int:
        stmt = (
            select(func.count())
            .select_from(OrderLine)
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.purchase_id == purchase_id, Order.status == OrderStatus.ACTIVE)
        )
        return await self.session.scalar(stmt) or 0

    async def purchase_lines(
        self, purchase_id: int, *, offset: int, limit: int
    ) -> list[PurchaseLine]:
        """A page of the live orders' lines, by item (the organizer's order), size, order."""
        stmt = (
            select(OrderLine, Order, PurchaseItem, User)
            .join(Order, Order.id == OrderLine.order_id)
            .join(PurchaseItem, PurchaseItem.id == OrderLine.item_id)
            .join(User, User.id == Order.buyer_id)
            .where(Order.purchase_id == purchase_id, Order.status == OrderStatus.ACTIVE)
            .order_by(PurchaseItem.position, PurchaseItem.id, OrderLine.size, Order.id)
            .offset(offset)
            .limit(limit)
        )
        return [PurchaseLine(*row) for row in (await self.session.execute(stmt)).all()]

    async def purchase_line(
        self, organizer_id: int, line_id: int, *, lock: bool = False
    ) -> OrderLine | None:
        """A line of a live order in one of this organizer's purchases, with its order
        (lines, purchase) and item; None for anyone else's."""
        stmt = live_line(line_id, Purchase.organizer_id == organizer_id).join(
            Purchase, Purchase.id == Order.purchase_id
        )
        if lock:
            stmt = stmt.with_for_update(of=OrderLine)
        return await self.session.scalar(stmt)

    async def buyer_line(self, buyer_id: int, line_id: int) -> OrderLine | None:
        """A line of one of the buyer's live orders, with order and item; None otherwise."""
        stmt = live_line(line_id, Order.buyer_id == buyer_id).with_for_update(of=OrderLine)
        return await self.session.scalar(stmt)

    async def buyer_order(self, buyer_id: int, order_id: int) -> Order | None:
        stmt = (
            select(Order)
            .where(Order.id == order_id, Order.buyer_id == buyer_id)
            .options(joinedload(Order.purchase), selectinload(Order.lines))
            .with_for_update(of=Order)
        )
        return await self.session.scalar(stmt)

    # --- credits -----------------------------------------------------------------------------

    async def credit_balance(self, organizer_id: int, buyer_id: int) -> int:
        stmt = select(func.coalesce(func.sum(BuyerCredit.amount_kop), 0)).where(
            BuyerCredit.organizer_id == organizer_id, BuyerCredit.buyer_id == buyer_id
        )
        return int(await self.session.scalar(stmt) or 0)

    async def add_credit(
        self, organizer_id: int, buyer_id: int, order_id: int, amount_kop: int, now: datetime
    ) -> None:
        """+ kept from `order_id`, or - used by it."""
        self.session.add(
            BuyerCredit(
                organizer_id=organizer_id,
                buyer_id=buyer_id,
                order_id=order_id,
                amount_kop=amount_kop,
                created_at=now,
            )
        )
        await self.session.flush()
