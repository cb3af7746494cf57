"""What a transport split reads and locks: a purchase's orders with their lines and the
items' weights (bot/services/transport.py). It never commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.lifecycle import OrderStatus
from domain.transport import OrderBasis, OrderLineBasis
from storage.models import Order, OrderLine, PurchaseItem, User


@dataclass(frozen=True, slots=True)
class SplitOrder:
    order: Order
    buyer: User
    basis: OrderBasis


class TransportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def split_orders(self, purchase_id: int, *, lock: bool = False) -> list[SplitOrder]:
        """Every order of the purchase (cancelled ones too: their share goes back to 0),
        oldest first, with its buyer and its lines as the split reads them. `lock` takes the
        orders' rows, as a split changes what they owe."""
        stmt = (
            select(Order, User)
            .join(User, User.id == Order.buyer_id)
            .where(Order.purchase_id == purchase_id)
            .order_by(Order.id)
        )
        if lock:
            stmt = stmt.with_for_update(of=Order)
        found = list(await self.session.execute(stmt))
        lines: dict[int, list[OrderLineBasis]] = {order.id: [] for order, _ in found}
        if found:
            rows = await self.session.execute(
                select(OrderLine, PurchaseItem.weight_g)
                .join(PurchaseItem, PurchaseItem.id == OrderLine.item_id)
                .where(OrderLine.order_id.in_(list(lines)))
                .order_by(OrderLine.id)
            )
            for line, weight in rows:
                lines[line.order_id].append(
                    OrderLineBasis(line.item_id, line.quantity, line.price_kop, weight)
                )
        return [
            SplitOrder(
                order,
                buyer,
                OrderBasis(
                    order.id,
                    tuple(lines[order.id]),
                    cancelled=order.status is not OrderStatus.ACTIVE,
                ),
            )
            for order, buyer in found
        ]

    async def ordered_items(self, purchase_id: int) -> list[PurchaseItem]:
        """The items live orders hold, in the organizer's order: those a weight split needs."""
        stmt = (
            select(PurchaseItem)
            .where(
                PurchaseItem.purchase_id == purchase_id,
                PurchaseItem.id.in_(
                    select(OrderLine.item_id)
                    .join(Order, Order.id == OrderLine.order_id)
                    .where(
                        Order.purchase_id == purchase_id,
                        Order.status == OrderStatus.ACTIVE,
                        OrderLine.quantity > 0,
                    )
                ),
            )
            .order_by(PurchaseItem.position, PurchaseItem.id)
        )
        return list(await self.session.scalars(stmt))
