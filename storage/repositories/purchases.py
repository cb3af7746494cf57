"""The organizer's side of purchases: creating them, items, status changes, the orders in
them and the rows of the export files.

Every lookup by a purchase or item id takes the organizer's id too, so a forged id of
another organizer's purchase finds nothing. Lists and exports are a few queries with joins
and aggregates whatever the number of orders (never one query per order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.contacts import buyer_contact
from domain.exports import DistributionLine, DistributionOrder, SupplierLine
from domain.items import ItemDraft
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.purchase_edit import ARCHIVED_STATUSES
from domain.purchase_form import PurchaseDraft
from storage.models import (
    Order,
    OrderLine,
    PickupPoint,
    PromoCode,
    Purchase,
    PurchaseItem,
    PurchasePhoto,
    PurchaseStatusChange,
    User,
)


@dataclass(frozen=True, slots=True)
class PurchaseSummary:
    """Sums over the purchase's active orders."""

    buyers: int = 0
    orders: int = 0
    items_kop: int = 0
    fee_kop: int = 0
    discount_kop: int = 0
    due_kop: int = 0
    paid_kop: int = 0


@dataclass(frozen=True, slots=True)
class LineNote:
    """A buyer's note on one line of an order ("цвет потемнее")."""

    item_name: str
    size: str
    note: str


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One line of the organizer's order list."""

    order: Order
    buyer_name: str
    pickup_name: str | None
    quantity: int
    promo_code: str | None = None  # the code the order's discount came from
    notes: tuple[LineNote, ...] = ()


@dataclass(slots=True)
class BuyerOrders:
    """A buyer with active orders in a purchase: who to notify of a status change."""

    buyer: User
    numbers: list[str] = field(default_factory=list)
    pickup_point_ids: list[int] = field(default_factory=list)
    due_kop: int = 0
    paid_kop: int = 0


_ACTIVE = Order.status == OrderStatus.ACTIVE
_NOT_DELETED = Purchase.deleted_at.is_(None)
# Closed and cancelled purchases leave the working list for the archive (`domain.lifecycle`).
_ARCHIVED = Purchase.status.in_(list(ARCHIVED_STATUSES))
# Rows per statement: stays under every driver's limit on bound parameters.
_CHUNK = 1000


class PurchaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- purchases ------------------------------------------------------------------------

    async def create(
        self, organizer_id: int, draft: PurchaseDraft, *, actor_user_id: int, now: datetime
    ) -> Purchase:
        """A new purchase in draft, its creation recorded in the status history."""
        purchase = Purchase(
            organizer_id=organizer_id,
            title=draft.title,
            description=draft.description,
            supplier=draft.supplier,
            category=draft.category,
            fee_bp=draft.fee_bp,
            stop_at=draft.stop_at,
            payment_due_at=draft.payment_due_at,
            min_total_kop=draft.min_total_kop,
            min_pieces=draft.min_pieces,
            status=PurchaseStatus.DRAFT,
            created_at=now,
            updated_at=now,
        )
        self.session.add(purchase)
        await self.session.flush()
        self.session.add(
            PurchaseStatusChange(
                purchase_id=purchase.id,
                from_status=None,
                to_status=PurchaseStatus.DRAFT,
                actor_user_id=actor_user_id,
                at=now,
            )
        )
        await self.session.flush()
        return purchase

    async def own_purchase(
        self,
        purchase_id: int,
        organizer_id: int,
        *,
        lock: bool = False,
        include_deleted: bool = False,
    ) -> Purchase | None:
        """The purchase if it is this organizer's; `lock` holds it for a status change. A
        deleted draft is found only with `include_deleted` (to say so rather than "no such
        purchase")."""
        stmt = (
            select(Purchase)
            .where(Purchase.id == purchase_id, Purchase.organizer_id == organizer_id)
            .execution_options(populate_existing=True)
        )
        if not include_deleted:
            stmt = stmt.where(_NOT_DELETED)
        if lock:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def count_own(self, organizer_id: int, *, archived: bool = False) -> int:
        """The organizer's working purchases, or with `archived` the closed and cancelled."""
        stmt = (
            select(func.count())
            .select_from(Purchase)
            .where(Purchase.organizer_id == organizer_id, _NOT_DELETED)
            .where(_ARCHIVED if archived else ~_ARCHIVED)
        )
        return await self.session.scalar(stmt) or 0

    async def own_purchases(
        self, organizer_id: int, *, offset: int, limit: int, archived: bool = False
    ) -> list[Purchase]:
        """A page of the organizer's working purchases, newest first; with `archived` the
        closed and cancelled ones, the most recently archived first."""
        stmt = select(Purchase).where(Purchase.organizer_id == organizer_id, _NOT_DELETED)
        if archived:
            stmt = stmt.where(_ARCHIVED).order_by(Purchase.archived_at.desc(), Purchase.id.desc())
        else:
            stmt = stmt.where(~_ARCHIVED).order_by(Purchase.id.desc())
        return list(await self.session.scalars(stmt.offset(offset).limit(limit)))

    async def delete_draft(self, purchase: Purchase, *, now: datetime) -> None:
        """Hide a draft for good (the caller checked it is one, on a locked row). It is kept:
        ids are never reused and nothing a buyer made can point at a draft."""
        purchase.deleted_at = now
        purchase.updated_at = now
        await self.session.flush()

    async def item_has_orders(self, item_id: int) -> bool:
        """Whether an active order has a line of this item: its price is then agreed."""
        stmt = (
            select(OrderLine.id)
            .join(Order, Order.id == OrderLine.order_id)
            .where(OrderLine.item_id == item_id, _ACTIVE)
            .limit(1)
        )
        return await self.session.scalar(stmt) is not None

    async def buyer_counts(self, purchase_ids: Sequence[int]) -> dict[int, int]:
        """Buyers with active orders, per purchase, for one page of purchases."""
        if not purchase_ids:
            return {}
        stmt = (
            select(Order.purchase_id, func.count(func.distinct(Order.buyer_id)))
            .where(Order.purchase_id.in_(list(purchase_ids)), _ACTIVE)
            .group_by(Order.purchase_id)
        )
        return {pid: count for pid, count in (await self.session.execute(stmt)).all()}

    async def summary(self, purchase_id: int) -> PurchaseSummary:
        stmt = select(
            func.count(func.distinct(Order.buyer_id)),
            func.count(Order.id),
            func.coalesce(func.sum(Order.items_total_kop), 0),
            func.coalesce(func.sum(Order.fee_kop), 0),
            func.coalesce(func.sum(Order.discount_kop), 0),
            func.coalesce(func.sum(Order.due_kop), 0),
            func.coalesce(func.sum(Order.confirmed_paid_kop), 0),
        ).where(Order.purchase_id == purchase_id, _ACTIVE)
        row = (await self.session.execute(stmt)).one()
        return PurchaseSummary(*(int(value or 0) for value in row))

    async def change_status(
        self,
        purchase: Purchase,
        to_status: PurchaseStatus,
        *,
        actor_user_id: int | None,
        now: datetime,
    ) -> PurchaseStatusChange:
        """Move the purchase and record who did it and when: the organizer's user, or None
        for the bot itself (the automatic stop at the stop date, bot/services/purchases.py).
        The caller checks the move is allowed (`lifecycle.ensure_transition`) on a locked
        row."""
        change = PurchaseStatusChange(
            purchase_id=purchase.id,
            from_status=purchase.status,
            to_status=to_status,
            actor_user_id=actor_user_id,
            at=now,
        )
        purchase.status = to_status
        purchase.updated_at = now
        if to_status in ARCHIVED_STATUSES:
            purchase.archived_at = now
        self.session.add(change)
        await self.session.flush()
        return change

    async def status_history(self, purchase_id: int) -> list[PurchaseStatusChange]:
        stmt = (
            select(PurchaseStatusChange)
            .where(PurchaseStatusChange.purchase_id == purchase_id)
            .order_by(PurchaseStatusChange.id)
        )
        return list(await self.session.scalars(stmt))

    # --- items ----------------------------------------------------------------------------

    async def count_items(self, purchase_id: int, *, active_only: bool = False) -> int:
        stmt = (
            select(func.count())
            .select_from(PurchaseItem)
            .where(PurchaseItem.purchase_id == purchase_id)
        )
        if active_only:
            stmt = stmt.where(PurchaseItem.active)
        return await self.session.scalar(stmt) or 0

    async def items(self, purchase_id: int, *, offset: int, limit: int) -> list[PurchaseItem]:
        """A page of the purchase's items (retired ones too), in the organizer's order."""
        stmt = (
            select(PurchaseItem)
            .where(PurchaseItem.purchase_id == purchase_id)
            .order_by(PurchaseItem.position, PurchaseItem.id)
            .offset(offset)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def own_item(self, item_id: int, organizer_id: int) -> PurchaseItem | None:
        """The item with its purchase if the purchase is this organizer's."""
        stmt = (
            select(PurchaseItem, Purchase)
            .join(Purchase, Purchase.id == PurchaseItem.purchase_id)
            .where(PurchaseItem.id == item_id, Purchase.organizer_id == organizer_id)
            .where(_NOT_DELETED)
            .execution_options(populate_existing=True)
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else row[0]

    async def add_items(
        self, purchase_id: int, drafts: Sequence[ItemDraft], *, photo_id: int | None = None
    ) -> list[PurchaseItem]:
        """Append items after the existing ones; `photo_id` goes to every one (a photo sent
        with a one-line caption describes that item)."""
        last = await self.session.scalar(
            select(func.max(PurchaseItem.position)).where(PurchaseItem.purchase_id == purchase_id)
        )
        start = (last or 0) + 1
        items = [
            PurchaseItem(
                purchase_id=purchase_id,
                position=start + offset,
                name=draft.name,
                price_kop=draft.price_kop,
                sizes=list(draft.sizes),
                article=draft.article,
                weight_g=draft.weight_g,
                photo_id=photo_id,
                active=True,
                by_rows=draft.by_rows,
                row_pieces=draft.row_pieces,
            )
            for offset, draft in enumerate(drafts)
        ]
        self.session.add_all(items)
        await self.session.flush()
        return items

    # --- photos ---------------------------------------------------------------------------

    async def photos(self, purchase_id: int) -> list[PurchasePhoto]:
        """The purchase's photos in order (the first is the cover). The caller checks that
        the purchase may be seen."""
        stmt = (
            select(PurchasePhoto)
            .where(PurchasePhoto.purchase_id == purchase_id)
            .order_by(PurchasePhoto.position, PurchasePhoto.id)
        )
        return list(await self.session.scalars(stmt))

    async def add_photo(self, purchase: Purchase, media_id: int) -> PurchasePhoto:
        """Append a photo; the first one becomes the cover."""
        last = await self.session.scalar(
            select(func.max(PurchasePhoto.position)).where(PurchasePhoto.purchase_id == purchase.id)
        )
        photo = PurchasePhoto(purchase_id=purchase.id, media_id=media_id, position=(last or 0) + 1)
        self.session.add(photo)
        await self.session.flush()
        await self._set_cover(purchase)
        return photo

    async def remove_photo(self, purchase: Purchase, photo_id: int) -> bool:
        """Remove one of the purchase's photos (False when it is not one of them, e.g. a
        stale button); the next photo becomes the cover."""
        photo = await self.session.get(PurchasePhoto, photo_id)
        if photo is None or photo.purchase_id != purchase.id:
            return False
        await self.session.delete(photo)
        await self.session.flush()
        await self._set_cover(purchase)
        return True

    async def _set_cover(self, purchase: Purchase) -> None:
        # The cover is a copy kept here only: community posts and cards read photo_id.
        photos = await self.photos(purchase.id)
        purchase.photo_id = photos[0].media_id if photos else None

    # --- orders ---------------------------------------------------------------------------

    async def count_active_orders(self, purchase_id: int) -> int:
        stmt = (
            select(func.count()).select_from(Order).where(Order.purchase_id == purchase_id, _ACTIVE)
        )
        return await self.session.scalar(stmt) or 0

    async def orders_page(self, purchase_id: int, *, offset: int, limit: int) -> list[OrderRow]:
        """A page of active orders, oldest first, with buyer name, pickup point, promo code,
        the number of pieces and the buyers' line notes (two queries per page)."""
        # The page's ids first, then the joins: joining before the LIMIT makes the database
        # join every order of the purchase only to keep ten.
        page = (
            select(Order.id)
            .where(Order.purchase_id == purchase_id, _ACTIVE)
            .order_by(Order.id)
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        stmt = (
            select(Order, User.name, PickupPoint.name, PromoCode.code)
            .join(page, page.c.id == Order.id)
            .join(User, User.id == Order.buyer_id)
            .outerjoin(PickupPoint, PickupPoint.id == Order.pickup_point_id)
            .outerjoin(PromoCode, PromoCode.id == Order.promo_code_id)
            .order_by(Order.id)
        )
        rows = (await self.session.execute(stmt)).all()
        ids = [order.id for order, _, _, _ in rows]
        pieces: dict[int, int] = {}
        notes: dict[int, list[LineNote]] = {}
        if ids:
            # The page's lines: a page is ten orders, so this is a handful of rows.
            lines = (
                select(
                    OrderLine.order_id,
                    OrderLine.quantity,
                    OrderLine.note,
                    OrderLine.size,
                    PurchaseItem.name,
                )
                .join(PurchaseItem, PurchaseItem.id == OrderLine.item_id)
                .where(OrderLine.order_id.in_(ids))
                .order_by(OrderLine.order_id, OrderLine.id)
            )
            for oid, quantity, note, size, item in (await self.session.execute(lines)).all():
                pieces[oid] = pieces.get(oid, 0) + int(quantity)
                if note and note.strip():
                    notes.setdefault(oid, []).append(LineNote(item, size or "", note.strip()))
        return [
            OrderRow(
                order,
                buyer or "",
                point,
                pieces.get(order.id, 0),
                promo_code=code,
                notes=tuple(notes.get(order.id, ())),
            )
            for order, buyer, point, code in rows
        ]

    # --- pickup points of orders (handlers/organizer/pickup.py) ------------------------------

    async def count_unassigned_orders(self, purchase_id: int) -> int:
        """Active orders with no pickup point (the organizer is to assign one)."""
        stmt = (
            select(func.count())
            .select_from(Order)
            .where(Order.purchase_id == purchase_id, _ACTIVE, Order.pickup_point_id.is_(None))
        )
        return await self.session.scalar(stmt) or 0

    async def purchase_order(self, purchase_id: int, order_id: int) -> Order | None:
        """An order of this purchase (any status), read fresh; None for another purchase's."""
        stmt = (
            select(Order)
            .where(Order.id == order_id, Order.purchase_id == purchase_id)
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def unassigned_orders(self, purchase_id: int) -> list[tuple[Order, User]]:
        """Active orders with no pickup point and their buyers, oldest first, read fresh."""
        stmt = (
            select(Order, User)
            .join(User, User.id == Order.buyer_id)
            .where(Order.purchase_id == purchase_id, _ACTIVE, Order.pickup_point_id.is_(None))
            .order_by(Order.id)
            .execution_options(populate_existing=True)
        )
        return [(order, user) for order, user in (await self.session.execute(stmt)).all()]

    async def buyers_to_notify(self, purchase_id: int) -> list[BuyerOrders]:
        """Buyers with active orders, each once, with their order numbers and points."""
        stmt = (
            select(
                Order.number,
                Order.pickup_point_id,
                # What claims took off is not owed (domain/balance.py).
                Order.due_kop - Order.compensation_kop,
                Order.confirmed_paid_kop,
                User,
            )
            .join(User, User.id == Order.buyer_id)
            .where(Order.purchase_id == purchase_id, _ACTIVE)
            .order_by(Order.buyer_id, Order.id)
        )
        buyers: dict[int, BuyerOrders] = {}
        for number, point_id, due, paid, user in (await self.session.execute(stmt)).all():
            entry = buyers.setdefault(user.id, BuyerOrders(user))
            entry.due_kop += int(due)
            entry.paid_kop += int(paid)
            if number:
                entry.numbers.append(number)
            if point_id is not None and point_id not in entry.pickup_point_ids:
                entry.pickup_point_ids.append(point_id)
        return list(buyers.values())

    # --- export rows ----------------------------------------------------------------------

    async def supplier_lines(self, purchase_id: int) -> list[SupplierLine]:
        """Quantities by item, size, price and note over active orders: one aggregate query
        plus the items (for names, articles and the size order)."""
        totals = (
            select(
                OrderLine.item_id,
                OrderLine.size,
                OrderLine.price_kop,
                OrderLine.note,
                # Pieces of dropped size rows are not ordered from the supplier.
                func.sum(OrderLine.quantity - OrderLine.dropped_qty),
            )
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.purchase_id == purchase_id, _ACTIVE)
            .group_by(OrderLine.item_id, OrderLine.size, OrderLine.price_kop, OrderLine.note)
        )
        rows = (await self.session.execute(totals)).all()
        items = {
            item.id: item
            for item in await self.session.scalars(
                select(PurchaseItem).where(PurchaseItem.purchase_id == purchase_id)
            )
        }
        lines = []
        for item_id, size, price, note, quantity in rows:
            item = items.get(item_id)
            if item is None or not quantity:  # another purchase's item, or all dropped
                continue
            lines.append(
                SupplierLine(
                    item_id=item.id,
                    item_position=item.position,
                    item_name=item.name,
                    article=item.article,
                    item_sizes=tuple(item.sizes or ()),
                    size=size or "",
                    price_kop=int(price),
                    quantity=int(quantity),
                    note=note or "",
                )
            )
        return lines

    async def distribution_orders(self, purchase_id: int) -> list[DistributionOrder]:
        """Active orders with buyer, pickup point, sums and promo code, and their lines with
        item names and notes: two queries (joining lines into the orders query would repeat
        every order per line)."""
        heads = (
            select(
                Order.id,
                Order.number,
                Order.items_total_kop,
                Order.fee_kop,
                Order.discount_kop,
                Order.due_kop,
                Order.confirmed_paid_kop,
                Order.refunded_kop,
                Order.transport_kop,
                PromoCode.code,
                User.name,
                User.platform,
                User.external_id,
                User.username,
                PickupPoint.name,
                PickupPoint.address,
                Order.compensation_kop,
            )
            .join(User, User.id == Order.buyer_id)
            .outerjoin(PickupPoint, PickupPoint.id == Order.pickup_point_id)
            .outerjoin(PromoCode, PromoCode.id == Order.promo_code_id)
            .where(Order.purchase_id == purchase_id, _ACTIVE)
            .order_by(Order.id)
        )
        lines_stmt = (
            select(
                OrderLine.order_id,
                PurchaseItem.name,
                PurchaseItem.article,
                OrderLine.size,
                OrderLine.quantity,
                OrderLine.price_kop,
                OrderLine.note,
                OrderLine.dropped_qty + OrderLine.missing_qty,
            )
            .join(Order, Order.id == OrderLine.order_id)
            .join(PurchaseItem, PurchaseItem.id == OrderLine.item_id)
            .where(Order.purchase_id == purchase_id, _ACTIVE)
            .order_by(OrderLine.order_id, OrderLine.id)
        )
        lines: dict[int, list[DistributionLine]] = {}
        for oid, item, article, size, quantity, price, note, gone in await self.session.execute(
            lines_stmt
        ):
            # The pieces handed out; those that will not come are marked (domain/shortfalls.py).
            kept = max(0, int(quantity) - int(gone))
            lines.setdefault(oid, []).append(
                DistributionLine(
                    item, article, size or "", kept, int(price), note or "", not_bought=int(gone)
                )
            )
        # A cancelled purchase owes nobody anything and pays back what was paid, as
        # reconciliation says (domain/reconciliation.py); its orders stay active.
        status = await self.session.scalar(
            select(Purchase.status).where(Purchase.id == purchase_id)
        )
        nothing_due = status == PurchaseStatus.CANCELLED
        orders = []
        for (
            oid,
            number,
            items_kop,
            fee,
            discount,
            due,
            paid,
            refunded,
            transport,
            code,
            buyer,
            platform,
            external_id,
            username,
            point,
            address,
            compensated,
        ) in await self.session.execute(heads):
            label = None if point is None else (f"{point}, {address}" if address else point)
            orders.append(
                DistributionOrder(
                    pickup_point=label,
                    buyer_name=buyer or "",
                    order_number=number or "",
                    items_kop=int(items_kop),
                    fee_kop=int(fee),
                    discount_kop=int(discount),
                    due_kop=0 if nothing_due else int(due),
                    paid_kop=int(paid),
                    lines=tuple(lines.get(oid, ())),
                    promo_code=code,
                    refunded_kop=int(refunded),
                    cancelled=nothing_due,
                    compensated_kop=int(compensated),
                    contact=buyer_contact(platform, external_id, username),
                    transport_kop=0 if nothing_due else int(transport),
                )
            )
        return orders
