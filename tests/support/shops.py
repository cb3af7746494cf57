"""Organizers, purchases and orders written straight into the database, so that a test of
one area does not depend on the dialogs of another.

Two ways: `seed_shop` (an organizer with pickup points and a purchase with items, returning
their ids as a `SeededShop`) for the buyer's and organizer's screens, and `Shop` (users,
organizers, purchases, orders with sums, payment reports, one at a time) for the money.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select

from bot.app import App
from domain.clock import FrozenClock
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.order_numbers import format_order_number
from domain.payments import PaymentReportStatus
from domain.pricing import fee_kopecks, order_due
from storage.models import (
    DiscountKind,
    Media,
    Order,
    OrderLine,
    Organizer,
    PaymentAllocation,
    PaymentMethod,
    PaymentReport,
    PickupPoint,
    PromoCode,
    PromoKind,
    PromoRedemption,
    Purchase,
    PurchaseItem,
    User,
)

T = TypeVar("T")


# --- one purchase with items and pickup points: ids for the screens -------------------------


@dataclass
class SeededShop:
    """Ids of an organizer's purchase made for a test."""

    purchase_id: int
    organizer_id: int
    organizer_user_id: int
    item_ids: list[int] = field(default_factory=list)
    point_ids: list[int] = field(default_factory=list)


DEFAULT_ITEMS = (
    ("Футболка", 50_000, ["S", "M", "XL"]),
    ("Носки", 12_050, []),
    ("Платье", 199_900, ["42", "44", "46"]),
)


async def seed_shop(
    app: App,
    *,
    title: str = "Детская одежда",
    status: PurchaseStatus = PurchaseStatus.OPEN,
    organizer: str = "organizer",
    organizer_name: str = "СП у Анны",
    fee_bp: int = 1500,
    items: tuple[tuple[str, int, list[str]], ...] = DEFAULT_ITEMS,
    points: tuple[tuple[str, str, str], ...] = (
        ("Центр", "ул. Ленина, 1", "пн–пт 10–19"),
        ("Север", "пр. Мира, 10", ""),
    ),
    buyers_choose_pickup: bool = True,
    photo_platform: str | None = None,
    stop_at: datetime | None = datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
) -> SeededShop:
    """An organizer (reused if it exists) with pickup points and one purchase with items."""
    async with app.session_factory() as session, session.begin():
        user = await session.scalar(
            select(User).where(User.platform == "console", User.external_id == organizer)
        )
        if user is None:
            user = User(platform="console", external_id=organizer, name=organizer)
            session.add(user)
            await session.flush()
        profile = await session.scalar(select(Organizer).where(Organizer.user_id == user.id))
        point_ids = []
        if profile is None:
            photo_id = None
            if photo_platform is not None:
                media = Media(platform=photo_platform, file_id="org-photo-1")
                session.add(media)
                await session.flush()
                photo_id = media.id
            profile = Organizer(
                user_id=user.id,
                name=organizer_name,
                description="Шьём и привозим с 2015 года.",
                buyers_choose_pickup=buyers_choose_pickup,
                photo_id=photo_id,
            )
            session.add(profile)
            await session.flush()
            for name, address, hours in points:
                point = PickupPoint(
                    organizer_id=profile.id, name=name, address=address, hours=hours
                )
                session.add(point)
                await session.flush()
                point_ids.append(point.id)
        else:
            point_ids = list(
                await session.scalars(
                    select(PickupPoint.id).where(PickupPoint.organizer_id == profile.id)
                )
            )
        purchase = Purchase(
            organizer_id=profile.id,
            title=title,
            description="Хлопок, Иваново.",
            supplier="Ивановский трикотаж",
            category="Одежда",
            fee_bp=fee_bp,
            stop_at=stop_at,
            status=status,
        )
        session.add(purchase)
        await session.flush()
        item_ids = []
        for position, (name, price, sizes) in enumerate(items):
            item = PurchaseItem(
                purchase_id=purchase.id,
                position=position,
                name=name,
                price_kop=price,
                sizes=sizes,
            )
            session.add(item)
            await session.flush()
            item_ids.append(item.id)
        return SeededShop(purchase.id, profile.id, user.id, item_ids, point_ids)


async def set_status(app: App, purchase_id: int, status: PurchaseStatus) -> None:
    async with app.session_factory() as session, session.begin():
        purchase = await session.get(Purchase, purchase_id)
        assert purchase is not None
        purchase.status = status


async def add_order(
    app: App,
    purchase_id: int,
    buyer: str,
    lines: list[tuple[int, str, int]],
    *,
    language: str = "ru",
    point: str | None = None,
    paid: int = 0,
    status: OrderStatus = OrderStatus.ACTIVE,
    notes: dict[int, str] | None = None,
    promo: tuple[str, int] | None = None,
) -> Order:
    """An order as the buyer side stores it; `lines` are (item index, size, quantity),
    `notes` the buyer's notes by line index, `promo` a redeemed code and its discount."""
    async with app.session_factory() as session, session.begin():
        user = await session.scalar(select(User).where(User.external_id == buyer))
        if user is None:
            user = User(
                platform="console", external_id=buyer, name=buyer.title(), language=language
            )
            session.add(user)
            await session.flush()
        purchase = await session.get(Purchase, purchase_id)
        assert purchase is not None
        items = list(
            await session.scalars(
                select(PurchaseItem)
                .where(PurchaseItem.purchase_id == purchase_id)
                .order_by(PurchaseItem.position)
            )
        )
        point_id = None
        if point is not None:
            point_id = await session.scalar(select(PickupPoint.id).where(PickupPoint.name == point))
        total = sum(items[index].price_kop * quantity for index, _, quantity in lines)
        discount = promo[1] if promo else 0
        order = Order(
            purchase_id=purchase_id,
            buyer_id=user.id,
            status=status,
            pickup_point_id=point_id,
            items_total_kop=total,
            fee_kop=fee_kopecks(total, purchase.fee_bp),
            discount_kop=discount,
            due_kop=order_due(total, purchase.fee_bp, discount),
            confirmed_paid_kop=paid,
        )
        session.add(order)
        await session.flush()
        order.number = format_order_number(order.id)
        if promo is not None:
            code = PromoCode(
                code=promo[0],
                kind=PromoKind.ORGANIZER,
                organizer_id=purchase.organizer_id,
                discount_kind=DiscountKind.FIXED,
                discount_value=discount,
            )
            session.add(code)
            await session.flush()
            order.promo_code_id = code.id
            session.add(
                PromoRedemption(
                    promo_code_id=code.id, order_id=order.id, user_id=user.id, discount_kop=discount
                )
            )
        session.add_all(
            OrderLine(
                order_id=order.id,
                item_id=items[index].id,
                size=size,
                quantity=quantity,
                price_kop=items[index].price_kop,
                note=(notes or {}).get(number, ""),
            )
            for number, (index, size, quantity) in enumerate(lines)
        )
    return order


# --- the money: users, organizers, purchases, orders and payment reports one at a time ------


@dataclass
class Shop:
    """Makes rows for the payment tests; users are console users, their external id their name."""

    app: App
    clock: FrozenClock

    async def user(self, name: str, *, language: str = "ru", notifications: bool = True) -> User:
        """A console user (external id = name), as the dispatcher will find them."""
        async with self.app.session_factory() as session, session.begin():
            user = User(
                platform="console",
                external_id=name,
                name=name,
                language=language,
                notifications_allowed=notifications,
            )
            session.add(user)
        return user

    async def organizer(
        self, name: str = "organizer", *, details: str = "Сбер 2202 0000 0000 0000, Анна К.", **kw
    ) -> Organizer:
        user = await self.user(name, **kw)
        async with self.app.session_factory() as session, session.begin():
            organizer = Organizer(user_id=user.id, name=f"СП {name}", payment_details=details)
            session.add(organizer)
        return organizer

    async def purchase(
        self,
        organizer: Organizer,
        title: str = "Кофе и чай",
        *,
        status: PurchaseStatus = PurchaseStatus.PAYMENT,
        payment_due_at: datetime | None = None,
    ) -> Purchase:
        async with self.app.session_factory() as session, session.begin():
            purchase = Purchase(
                organizer_id=organizer.id,
                title=title,
                status=status,
                payment_due_at=payment_due_at,
            )
            session.add(purchase)
        return purchase

    async def order(
        self,
        purchase: Purchase,
        buyer: User,
        due_kop: int,
        *,
        confirmed_kop: int = 0,
        status: OrderStatus = OrderStatus.ACTIVE,
    ) -> Order:
        async with self.app.session_factory() as session, session.begin():
            order = Order(
                purchase_id=purchase.id,
                buyer_id=buyer.id,
                status=status,
                items_total_kop=due_kop,
                due_kop=due_kop,
                confirmed_paid_kop=confirmed_kop,
                # Each order a minute after the previous: "oldest first" is well defined.
                created_at=self.clock() - timedelta(days=3) + timedelta(minutes=purchase.id),
            )
            session.add(order)
            await session.flush()
            order.number = format_order_number(order.id)
        return order

    async def get(self, model: type[T], id_: int) -> T:
        async with self.app.session_factory() as session:
            found = await session.get(model, id_)
        assert found is not None
        return found

    async def report(
        self,
        buyer: User,
        organizer: Organizer,
        parts: list[tuple[Order, int]],
        *,
        status: PaymentReportStatus = PaymentReportStatus.PENDING,
        comment: str = "",
        receipt: bool = False,
        minutes_ago: int = 60,
    ) -> PaymentReport:
        """A report as /pay would write it, for lists and reconciliation."""
        async with self.app.session_factory() as session, session.begin():
            media = None
            if receipt:
                media = Media(platform="console", file_id=f"receipt-{uuid.uuid4().hex[:6]}")
                session.add(media)
                await session.flush()
            report = PaymentReport(
                buyer_id=buyer.id,
                organizer_id=organizer.id,
                amount_kop=sum(part for _, part in parts),
                paid_at=self.clock() - timedelta(minutes=minutes_ago),
                method=PaymentMethod.SBP,
                comment=comment,
                receipt_id=media.id if media else None,
                status=status,
                created_at=self.clock() - timedelta(minutes=minutes_ago),
            )
            session.add(report)
            await session.flush()
            session.add_all(
                PaymentAllocation(report_id=report.id, order_id=order.id, amount_kop=part)
                for order, part in parts
            )
        return report
