"""How a purchase gets bought out (issue 21): what its live orders collected toward the
minimum, non-payers, the organizer's black list, the next buy-out's copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.balance import OrderMoney, order_money
from domain.buyouts import BlacklistMode
from domain.lifecycle import OrderStatus, PurchaseStatus
from storage.models import (
    BlacklistEntry,
    Order,
    OrderLine,
    Purchase,
    PurchaseItem,
    PurchasePhoto,
    PurchaseStatusChange,
    User,
)
from storage.repositories.orders import still_owes
from storage.repositories.payments import PaymentRepository


@dataclass(slots=True)
class NonPayer:
    order: Order
    buyer: User
    money: OrderMoney


class BuyoutRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- the minimum ----------------------------------------------------------------------------

    async def collected(self, purchase_id: int) -> tuple[int, int]:
        """(items in kopecks, pieces) of the purchase's live orders."""
        live = (Order.purchase_id == purchase_id, Order.status == OrderStatus.ACTIVE)
        items = await self.session.scalar(
            select(func.coalesce(func.sum(Order.items_total_kop), 0)).where(*live)
        )
        pieces = await self.session.scalar(
            select(func.coalesce(func.sum(OrderLine.quantity), 0))
            .join(Order, Order.id == OrderLine.order_id)
            .where(*live)
        )
        return int(items or 0), int(pieces or 0)

    # --- non-payers ------------------------------------------------------------------------------

    async def owing(self, purchase_id: int, *, marked_only: bool) -> list[NonPayer]:
        """Live orders that still owe money no awaiting report covers, oldest first; with
        `marked_only`, those marked at the payment deadline."""
        stmt = (
            select(Order, User)
            .join(User, User.id == Order.buyer_id)
            .where(
                Order.purchase_id == purchase_id,
                Order.status == OrderStatus.ACTIVE,
                still_owes(),
            )
            .order_by(Order.created_at, Order.id)
        )
        if marked_only:
            stmt = stmt.where(Order.unpaid_marked_at.is_not(None))
        found = list(await self.session.execute(stmt))
        # The parts of reports still awaiting the organizer's decision.
        pending = await PaymentRepository(self.session).pending_parts([o.id for o, _ in found])
        result = []
        for order, buyer in found:
            money = order_money(
                order.due_kop,
                order.confirmed_paid_kop,
                awaiting=pending.get(order.id, 0),
                refunded=order.refunded_kop,
                compensated=order.compensation_kop,
            )
            if money.to_report > 0:
                result.append(NonPayer(order, buyer, money))
        return result

    async def clear_marks(self, purchase_id: int) -> None:
        """Lift the non-payer marks of the purchase's orders (a new deadline)."""
        await self.session.execute(
            update(Order)
            .where(Order.purchase_id == purchase_id, Order.unpaid_marked_at.is_not(None))
            .values(unpaid_marked_at=None)
            .execution_options(synchronize_session="fetch")
        )

    # --- the black list -------------------------------------------------------------------------

    async def entry(self, organizer_id: int, buyer_id: int) -> BlacklistEntry | None:
        return await self.session.scalar(
            select(BlacklistEntry).where(
                BlacklistEntry.organizer_id == organizer_id, BlacklistEntry.buyer_id == buyer_id
            )
        )

    async def entries(self, organizer_id: int) -> list[tuple[BlacklistEntry, User]]:
        stmt = (
            select(BlacklistEntry, User)
            .join(User, User.id == BlacklistEntry.buyer_id)
            .where(BlacklistEntry.organizer_id == organizer_id)
            .order_by(BlacklistEntry.id)
        )
        return [(entry, user) for entry, user in await self.session.execute(stmt)]

    async def own_order_by_number(self, organizer_id: int, number: str) -> Order | None:
        """An order of one of the organizer's purchases, by its number."""
        return await self.session.scalar(
            select(Order)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .where(Order.number == number, Purchase.organizer_id == organizer_id)
        )

    async def put_entry(
        self,
        organizer_id: int,
        buyer_id: int,
        mode: BlacklistMode,
        note: str,
        order_number: str,
        now: datetime,
    ) -> BlacklistEntry:
        """Add the buyer to the list, or change their entry's mode and note."""
        entry = await self.entry(organizer_id, buyer_id)
        if entry is None:
            entry = BlacklistEntry(organizer_id=organizer_id, buyer_id=buyer_id, created_at=now)
            self.session.add(entry)
        entry.mode = mode
        entry.note = note
        entry.order_number = order_number
        await self.session.flush()
        return entry

    async def remove_entry(self, organizer_id: int, entry_id: int) -> bool:
        entry = await self.session.get(BlacklistEntry, entry_id)
        if entry is None or entry.organizer_id != organizer_id:
            return False
        await self.session.delete(entry)
        await self.session.flush()
        return True

    # --- the next buy-out -----------------------------------------------------------------------

    async def previous_buyers(self, purchase_id: int) -> list[User]:
        """Everyone with a live order in the purchase, once each."""
        stmt = (
            select(User)
            .where(
                User.id.in_(
                    select(Order.buyer_id).where(
                        Order.purchase_id == purchase_id, Order.status == OrderStatus.ACTIVE
                    )
                )
            )
            .order_by(User.id)
        )
        return list(await self.session.scalars(stmt))

    async def copy_purchase(
        self,
        source: Purchase,
        *,
        stop_at: datetime,
        payment_due_at: datetime,
        actor_user_id: int,
        now: datetime,
    ) -> Purchase:
        """A new draft with the source's text, fee, minimum, items (the active ones, with
        their prices, sizes and photos) and photos, and the new dates."""
        copy = Purchase(
            organizer_id=source.organizer_id,
            title=source.title,
            description=source.description,
            supplier=source.supplier,
            category=source.category,
            fee_bp=source.fee_bp,
            stop_at=stop_at,
            payment_due_at=payment_due_at,
            min_total_kop=source.min_total_kop,
            min_pieces=source.min_pieces,
            photo_id=source.photo_id,
            accepts_round_discounts=source.accepts_round_discounts,
            pickup_note=source.pickup_note,
            repeat_of_id=source.id,
            status=PurchaseStatus.DRAFT,
            created_at=now,
            updated_at=now,
        )
        self.session.add(copy)
        await self.session.flush()
        items = await self.session.scalars(
            select(PurchaseItem)
            .where(PurchaseItem.purchase_id == source.id, PurchaseItem.active)
            .order_by(PurchaseItem.position, PurchaseItem.id)
        )
        for position, item in enumerate(items):
            self.session.add(
                PurchaseItem(
                    purchase_id=copy.id,
                    position=position,
                    name=item.name,
                    price_kop=item.price_kop,
                    sizes=list(item.sizes or ()),
                    article=item.article,
                    photo_id=item.photo_id,
                )
            )
        photos = await self.session.scalars(
            select(PurchasePhoto)
            .where(PurchasePhoto.purchase_id == source.id)
            .order_by(PurchasePhoto.position, PurchasePhoto.id)
        )
        for photo in photos:
            self.session.add(
                PurchasePhoto(purchase_id=copy.id, media_id=photo.media_id, position=photo.position)
            )
        self.session.add(
            PurchaseStatusChange(
                purchase_id=copy.id,
                from_status=None,
                to_status=PurchaseStatus.DRAFT,
                actor_user_id=actor_user_id,
                at=now,
            )
        )
        await self.session.flush()
        return copy
