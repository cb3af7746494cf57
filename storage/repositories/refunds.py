"""Orders' money states read from the database, and refunds the organizer records.

`money_of` is the one bridge from an `Order` row to `domain.balance.order_money`: every
view that shows an order's money goes through it (or through `order_money` with the same
figures, as the reconciliation query does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from domain.balance import OrderMoney, order_money
from domain.lifecycle import OrderStatus, PurchaseStatus
from storage.models import Order, Purchase, Refund, User
from storage.repositories.payments import PaymentRepository


def money_of(order: Order, awaiting: int = 0) -> OrderMoney:
    """The order's money state; needs `order.purchase` loaded. `awaiting` is the sum of the
    parts of its reports still awaiting the organizer (`RefundRepository.awaiting`)."""
    return order_money(
        order.due_kop,
        order.confirmed_paid_kop,
        awaiting=awaiting,
        refunded=order.refunded_kop,
        cancelled=order.status is OrderStatus.CANCELLED
        or order.purchase.status is PurchaseStatus.CANCELLED,
        compensated=order.compensation_kop,
    )


class RefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def awaiting(self, order_ids: Sequence[int]) -> dict[int, int]:
        """Per order, the parts of reports still awaiting the organizer: the payments
        repository's own sum, so both read "awaiting" the same way."""
        return await PaymentRepository(self.session).pending_parts(order_ids)

    async def moneys(self, orders: Sequence[Order]) -> dict[int, OrderMoney]:
        """The money state of each order (with `purchase` loaded), by order id."""
        awaiting = await self.awaiting([order.id for order in orders])
        return {order.id: money_of(order, awaiting.get(order.id, 0)) for order in orders}

    async def organizer_order(
        self, organizer_id: int, order_id: int, *, lock: bool = False
    ) -> Order | None:
        """An order of one of the organizer's purchases, with its purchase; locked (and read
        fresh) when `lock`, so two presses of "refund paid" record it once."""
        stmt = (
            select(Order)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .where(Order.id == order_id, Purchase.organizer_id == organizer_id)
            .options(joinedload(Order.purchase))
            .execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update(of=Order)
        return await self.session.scalar(stmt)

    async def record(
        self, order: Order, amount_kop: int, *, organizer_id: int, actor_user_id: int, now: datetime
    ) -> Refund:
        """A refund paid back to the order's buyer; the caller checked the amount."""
        if amount_kop <= 0:
            raise ValueError("a refund is a positive amount")
        refund = Refund(
            order_id=order.id,
            buyer_id=order.buyer_id,
            organizer_id=organizer_id,
            amount_kop=amount_kop,
            recorded_by_user_id=actor_user_id,
            created_at=now,
        )
        self.session.add(refund)
        order.refunded_kop += amount_kop
        order.updated_at = now
        await self.session.flush()
        return refund

    async def purchase_orders_with_money(self, purchase_id: int) -> list[tuple[Order, User]]:
        """Orders of the purchase that have confirmed money, with their buyers: those a
        cancelled purchase owes something back."""
        stmt = (
            select(Order, User)
            .join(User, User.id == Order.buyer_id)
            .where(Order.purchase_id == purchase_id, Order.confirmed_paid_kop > 0)
            .options(joinedload(Order.purchase))
            .order_by(Order.id)
        )
        return [(order, user) for order, user in (await self.session.execute(stmt)).all()]
