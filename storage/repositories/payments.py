"""Payment reports, their allocations over orders, and the sums reconciliation needs.

Buyer-side queries take the buyer's id and organizer-side ones the organizer's id, so a
forged id finds nothing rather than someone else's order or report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from domain.balance import OrderMoney, order_money
from domain.lifecycle import OrderStatus, PurchaseStatus, accepts_payments
from domain.reconciliation import ReconciliationRow
from storage.models import (
    DialogState,
    Media,
    Order,
    Organizer,
    PaymentAllocation,
    PaymentMethod,
    PaymentReport,
    PaymentReportStatus,
    PromoCode,
    Purchase,
    User,
)
from storage.repositories.orders import still_owes

# The stages in which buyers pay (domain.lifecycle.accepts_payments), for SQL filters.
PAYABLE_STATUSES = tuple(status for status in PurchaseStatus if accepts_payments(status))


@dataclass(frozen=True, slots=True)
class ReminderTarget:
    buyer: User
    orders: list[Order]
    # Each order's money state (domain/balance.py), by order id: what the reminder asks for.
    money: dict[int, OrderMoney] = field(default_factory=dict)


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- the buyer's side -----------------------------------------------------------------------

    async def payable_orders(self, buyer_id: int) -> list[Order]:
        """The buyer's live orders that still owe money in purchases taking payments,
        oldest first, with purchase and organizer loaded."""
        stmt = (
            select(Order)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .where(
                Order.buyer_id == buyer_id,
                Order.status == OrderStatus.ACTIVE,
                Purchase.status.in_(PAYABLE_STATUSES),
                still_owes(),  # what claims took off is not owed (domain/balance.py)
            )
            .options(joinedload(Order.purchase).joinedload(Purchase.organizer))
            .order_by(Order.created_at, Order.id)
        )
        return list(await self.session.scalars(stmt))

    async def buyer_order(self, buyer_id: int, order_id: int) -> Order | None:
        """One order with purchase and organizer, only if it is the buyer's."""
        stmt = (
            select(Order)
            .where(Order.id == order_id, Order.buyer_id == buyer_id)
            .options(joinedload(Order.purchase).joinedload(Purchase.organizer))
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def pending_parts(self, order_ids: Sequence[int]) -> dict[int, int]:
        """Per order, the sum of parts of reports still awaiting the organizer."""
        if not order_ids:
            return {}
        stmt = (
            select(PaymentAllocation.order_id, func.sum(PaymentAllocation.amount_kop))
            .join(PaymentReport, PaymentReport.id == PaymentAllocation.report_id)
            .where(
                PaymentAllocation.order_id.in_(set(order_ids)),
                PaymentReport.status == PaymentReportStatus.PENDING,
                # A report's parts are decided one by one: a confirmed part of a report still
                # pending is confirmed money, not awaiting.
                PaymentAllocation.status == PaymentReportStatus.PENDING,
            )
            .group_by(PaymentAllocation.order_id)
        )
        return {order_id: int(total) for order_id, total in await self.session.execute(stmt)}

    async def lock_dialog(self, user_id: int) -> DialogState | None:
        """The user's dialog row, locked and freshly read: two presses of one "send" button
        at once (two devices, a retried tap) queue here, and the second finds it gone."""
        stmt = (
            select(DialogState)
            .where(DialogState.user_id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def create_report(
        self,
        *,
        buyer_id: int,
        organizer_id: int,
        amount_kop: int,
        paid_at: datetime,
        method: PaymentMethod,
        comment: str,
        receipt: Media | None,
        parts: Sequence[tuple[int, int]],
        now: datetime,
    ) -> PaymentReport:
        if receipt is not None:
            self.session.add(receipt)
            await self.session.flush()
        report = PaymentReport(
            buyer_id=buyer_id,
            organizer_id=organizer_id,
            amount_kop=amount_kop,
            paid_at=paid_at,
            method=method,
            comment=comment,
            receipt_id=receipt.id if receipt is not None else None,
            status=PaymentReportStatus.PENDING,
            created_at=now,
        )
        self.session.add(report)
        await self.session.flush()
        self.session.add_all(
            PaymentAllocation(report_id=report.id, order_id=order_id, amount_kop=part)
            for order_id, part in parts
        )
        await self.session.flush()
        return report

    # --- the organizer's side -------------------------------------------------------------------

    async def lock_report(self, report_id: int) -> PaymentReport | None:
        """The report, locked for this transaction and read fresh.

        PostgreSQL: FOR UPDATE makes a second confirmation (another device, a double tap)
        wait for the first and then see it decided. SQLite: the transaction already holds
        the write lock (BEGIN IMMEDIATE, storage/db.py).
        """
        stmt = (
            select(PaymentReport)
            .where(PaymentReport.id == report_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        report = await self.session.scalar(stmt)
        if report is not None:
            await self.session.refresh(report, ["allocations"])
        return report

    async def lock_orders(self, order_ids: Sequence[int]) -> dict[int, Order]:
        """Orders to update, locked in id order (one order for every locker: no deadlock)."""
        if not order_ids:
            return {}
        stmt = (
            select(Order)
            .where(Order.id.in_(set(order_ids)))
            .order_by(Order.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {order.id: order for order in await self.session.scalars(stmt)}

    async def report_of_part(self, allocation_id: int) -> int | None:
        """The report a part (one order's allocation) belongs to; the caller locks it."""
        stmt = select(PaymentAllocation.report_id).where(PaymentAllocation.id == allocation_id)
        return await self.session.scalar(stmt)

    async def orders(self, order_ids: Sequence[int]) -> dict[int, Order]:
        """Orders with their purchases, by id."""
        if not order_ids:
            return {}
        stmt = select(Order).where(Order.id.in_(set(order_ids))).options(joinedload(Order.purchase))
        return {order.id: order for order in await self.session.scalars(stmt)}

    async def count_pending(self, organizer_id: int) -> int:
        stmt = (
            select(func.count())
            .select_from(PaymentReport)
            .where(
                PaymentReport.organizer_id == organizer_id,
                PaymentReport.status == PaymentReportStatus.PENDING,
            )
        )
        return await self.session.scalar(stmt) or 0

    async def pending_reports(
        self, organizer_id: int, *, offset: int, limit: int
    ) -> list[PaymentReport]:
        """Reports awaiting the organizer's decision, oldest first, with allocations."""
        stmt = (
            select(PaymentReport)
            .where(
                PaymentReport.organizer_id == organizer_id,
                PaymentReport.status == PaymentReportStatus.PENDING,
            )
            .options(selectinload(PaymentReport.allocations))
            .order_by(PaymentReport.created_at, PaymentReport.id)
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def users(self, user_ids: Sequence[int]) -> dict[int, User]:
        if not user_ids:
            return {}
        stmt = select(User).where(User.id.in_(set(user_ids)))
        return {user.id: user for user in await self.session.scalars(stmt)}

    async def media(self, media_id: int | None) -> Media | None:
        return None if media_id is None else await self.session.get(Media, media_id)

    async def organizer(self, organizer_id: int) -> Organizer | None:
        stmt = (
            select(Organizer)
            .where(Organizer.id == organizer_id)
            .options(joinedload(Organizer.user))
        )
        return await self.session.scalar(stmt)

    async def organizer_purchase(self, organizer_id: int, purchase_id: int) -> Purchase | None:
        stmt = select(Purchase).where(
            Purchase.id == purchase_id, Purchase.organizer_id == organizer_id
        )
        return await self.session.scalar(stmt)

    async def organizer_purchases(self, organizer_id: int, *, limit: int) -> list[Purchase]:
        """The organizer's purchases past the draft stage, newest first."""
        stmt = (
            select(Purchase)
            .where(Purchase.organizer_id == organizer_id, Purchase.status != PurchaseStatus.DRAFT)
            .order_by(Purchase.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    # --- reconciliation and reminders -----------------------------------------------------------

    async def reconciliation(self, purchase_id: int) -> list[ReconciliationRow]:
        """Live orders of the purchase, plus cancelled ones that money was reported or
        confirmed for (it is owed back), by buyer name then order number; with how each
        sum is made and the promo code its discount came from.

        A cancelled order owes nothing, and neither does any order of a cancelled purchase
        (its orders stay live, but the goods will never come): their money is owed back."""
        pending = (
            select(
                PaymentAllocation.order_id.label("order_id"),
                func.sum(PaymentAllocation.amount_kop).label("reported"),
            )
            .join(PaymentReport, PaymentReport.id == PaymentAllocation.report_id)
            .where(
                PaymentReport.status == PaymentReportStatus.PENDING,
                PaymentAllocation.status == PaymentReportStatus.PENDING,
            )
            .group_by(PaymentAllocation.order_id)
            .subquery()
        )
        stmt = (
            select(Order, User.name, func.coalesce(pending.c.reported, 0), PromoCode.code)
            .join(User, User.id == Order.buyer_id)
            .outerjoin(pending, pending.c.order_id == Order.id)
            .outerjoin(PromoCode, PromoCode.id == Order.promo_code_id)
            .where(
                Order.purchase_id == purchase_id,
                or_(
                    Order.status == OrderStatus.ACTIVE,
                    Order.confirmed_paid_kop > 0,
                    pending.c.reported > 0,
                ),
            )
        )
        found = list(await self.session.execute(stmt))
        purchase_status = await self.session.scalar(
            select(Purchase.status).where(Purchase.id == purchase_id)
        )
        purchase_cancelled = purchase_status is PurchaseStatus.CANCELLED
        # Sorted here, not in SQL: PostgreSQL collations and SQLite order names differently,
        # and the organizer should get the same file from either.
        found.sort(key=lambda row: (row[1].casefold(), row[0].buyer_id, row[0].id))
        rows = []
        for order, buyer_name, reported, code in found:
            cancelled = purchase_cancelled or order.status is OrderStatus.CANCELLED
            rows.append(
                ReconciliationRow(
                    order_number=order.number or str(order.id),
                    buyer_name=buyer_name,
                    cancelled=cancelled,
                    due_kop=0 if cancelled else order.due_kop,
                    reported_kop=int(reported),
                    confirmed_kop=order.confirmed_paid_kop,
                    items_kop=0 if cancelled else order.items_total_kop,
                    fee_kop=0 if cancelled else order.fee_kop,
                    discount_kop=0 if cancelled else order.discount_kop,
                    promo_code=None if cancelled else code,
                    refunded_kop=order.refunded_kop,
                    order_id=order.id,
                    compensated_kop=order.compensation_kop,
                    transport_kop=0 if cancelled else order.transport_kop,
                )
            )
        return rows

    async def reminder_targets(self, purchase_id: int) -> list[ReminderTarget]:
        """Buyers of the purchase who allowed notifications and whose live orders still owe
        money that no pending report covers, with those orders (oldest first)."""
        stmt = (
            select(Order, User)
            .join(User, User.id == Order.buyer_id)
            .where(
                Order.purchase_id == purchase_id,
                Order.status == OrderStatus.ACTIVE,
                still_owes(),
                User.notifications_allowed,
            )
            .order_by(User.id, Order.created_at, Order.id)
        )
        found = list(await self.session.execute(stmt))
        pending = await self.pending_parts([order.id for order, _ in found])
        targets: dict[int, ReminderTarget] = {}
        for order, user in found:
            money = order_money(
                order.due_kop,
                order.confirmed_paid_kop,
                awaiting=pending.get(order.id, 0),
                refunded=order.refunded_kop,
                compensated=order.compensation_kop,
            )
            if money.to_report == 0:
                continue  # reported in full: the organizer, not the buyer, has to act
            target = targets.setdefault(user.id, ReminderTarget(user, []))
            target.orders.append(order)
            target.money[order.id] = money
        return list(targets.values())
