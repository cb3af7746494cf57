"""Personal referral codes on orders: /promo lists and applies them; a code goes on one
order of its owner, once, before it expires, when the order meets the minimum; the
discount never makes a sum negative; `apply_promo` for other areas refuses clearly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.errors import UserError
from bot.services.referrals import apply_promo, refresh_promo_discount
from domain.clock import FrozenClock
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.order_numbers import format_order_number
from domain.pricing import fee_kopecks, order_due
from domain.referrals import (
    CodeFacts,
    DiscountKind,
    PromoRefusal,
    code_refusal,
    discount_for,
)
from handlers.buyer.referrals import PromoApply
from storage.models import Order, Organizer, PromoCode, PromoRedemption, Purchase
from storage.uow import UnitOfWork
from tests.support.drivers import ConsoleSession
from tests.support.environment import TEST_START
from tests.support.queries import count
from tests.support.referrals import codes, invite_link_of, open_round
from tests.support.texts import NBSP

# --- pure rules -------------------------------------------------------------------------------


def test_discounts_are_capped_by_the_order_sum() -> None:
    assert discount_for(DiscountKind.FIXED, 39_900, 55_000) == 39_900
    assert discount_for(DiscountKind.FIXED, 39_900, 10_000) == 10_000  # never below zero
    assert discount_for(DiscountKind.PERCENT, 1000, 123_456) == 12_346  # 10 %, half up
    assert discount_for(DiscountKind.PERCENT, 10_000, 5_000) == 5_000  # 100 %
    assert order_due(10_000, 0, discount_for(DiscountKind.FIXED, 39_900, 10_000)) == 0


def test_code_refusals() -> None:
    now = TEST_START
    fine = CodeFacts(True, True, False, now - timedelta(days=1), now + timedelta(days=1))
    assert code_refusal(fine, now) is None
    assert code_refusal(CodeFacts(False, True, False, None, None), now) is PromoRefusal.NOT_FOUND
    assert code_refusal(CodeFacts(True, True, True, None, None), now) is PromoRefusal.USED
    expired = CodeFacts(True, True, False, None, now)
    assert code_refusal(expired, now) is PromoRefusal.EXPIRED


# --- helpers ----------------------------------------------------------------------------------


async def earn_code(
    app: App, console: ConsoleSession, clock: FrozenClock, **round_kw: Any
) -> PromoCode:
    """anna invites one friend in a round with threshold 1 and gets her code."""
    await open_round(app, clock, threshold=1, **round_kw)
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    [code] = await codes(app)
    return code


async def make_order(
    app: App,
    buyer: str,
    items_kop: int,
    *,
    fee_bp: int = 1000,
    purchase_status: PurchaseStatus = PurchaseStatus.OPEN,
    order_status: OrderStatus = OrderStatus.ACTIVE,
    confirmed_kop: int = 0,
    title: str = "Кофе и чай",
) -> Order:
    async with app.session_factory() as session, session.begin():
        uow = UnitOfWork(session)
        owner, _ = await uow.users.get_or_create(
            "console", "organizer", name="organizer", username=None, language="ru"
        )
        buyer_user, _ = await uow.users.get_or_create(
            "console", buyer, name=buyer, username=None, language="ru"
        )
        await session.flush()
        organizer = await uow.users.organizer_of(owner)
        if organizer is None:
            organizer = Organizer(user_id=owner.id, name="СП Анны")
            session.add(organizer)
            await session.flush()
        purchase = Purchase(
            organizer_id=organizer.id, title=title, fee_bp=fee_bp, status=purchase_status
        )
        session.add(purchase)
        await session.flush()
        fee = fee_kopecks(items_kop, fee_bp)
        order = Order(
            purchase_id=purchase.id,
            buyer_id=buyer_user.id,
            status=order_status,
            items_total_kop=items_kop,
            fee_kop=fee,
            due_kop=order_due(items_kop, fee_bp, 0),
            confirmed_paid_kop=confirmed_kop,
        )
        session.add(order)
        await session.flush()
        order.number = format_order_number(order.id)
    return order


async def reload(app: App, order: Order) -> Order:
    async with app.session_factory() as session:
        found = await session.get(Order, order.id)
    assert found is not None
    return found


async def apply(app: App, clock: FrozenClock, buyer: str, order: Order, code_text: str) -> int:
    async with app.session_factory() as session, session.begin():
        uow = UnitOfWork(session)
        user = await uow.users.find("console", buyer)
        assert user is not None
        target = await session.get(Order, order.id)
        assert target is not None
        return await apply_promo(uow, user, target, code_text, clock())


async def refusal(app: App, clock: FrozenClock, buyer: str, order: Order, code_text: str) -> str:
    with pytest.raises(UserError) as exc:
        await apply(app, clock, buyer, order, code_text)
    return exc.value.key


# --- /promo -----------------------------------------------------------------------------------


async def test_a_code_goes_on_one_order_once_through_promo(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    out = await console.say(":as anna", "/promo")
    assert "У вас пока нет промокодов" in out
    code = await earn_code(app, console, clock)
    order = await make_order(app, "anna", 50_000)  # 500 ₽ + 10 % fee = 550 ₽
    other = await make_order(app, "anna", 80_000, title="Носки")

    out = await console.say(":as anna", "/promo")
    assert f"{code.code} — скидка 399{NBSP}₽ на заказ от 400{NBSP}₽, до 30.11.2026 12:00" in out
    assert "можно применить" in out and f"[#1 Применить {code.code}]" in out
    out = await console.say("#1")
    assert f"К какому заказу применить {code.code}" in out
    assert f"[#1 {other.number} · Носки · 880{NBSP}₽]" in out  # newest first
    assert f"[#2 {order.number} · Кофе и чай · 550{NBSP}₽]" in out
    out = await console.say("#2")
    assert (
        f"Промокод {code.code} применён к заказу {order.number}: скидка 399{NBSP}₽. "
        f"Теперь к оплате: 151{NBSP}₽." in out
    )
    placed = await reload(app, order)
    assert (placed.discount_kop, placed.promo_code_id, placed.due_kop) == (39_900, code.id, 15_100)
    async with app.session_factory() as session:
        [redemption] = list(await session.scalars(select(PromoRedemption)))
    assert (redemption.order_id, redemption.discount_kop) == (order.id, 39_900)

    out = await console.say("/promo")
    assert f"использован (заказ {order.number})" in out and "Применить" not in out
    out = await console.say(f"/promo {code.code.lower()}")  # typed by hand, lower case
    assert f"Промокод {code.code} уже использован" in out
    out = await console.press_payload(PromoApply(code_id=code.id, order_id=other.id))
    assert "уже использован" in out
    assert (await reload(app, other)).discount_kop == 0
    assert await count(app, PromoRedemption) == 1


async def test_no_open_order_to_put_a_code_on(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    code = await earn_code(app, console, clock)
    await make_order(app, "anna", 50_000, purchase_status=PurchaseStatus.CLOSED)
    await make_order(app, "anna", 50_000, order_status=OrderStatus.CANCELLED)
    await make_order(
        app, "anna", 50_000, purchase_status=PurchaseStatus.PAYMENT, confirmed_kop=55_000
    )
    out = await console.say(":as anna", f"/promo {code.code}")
    assert f"Пока некуда применить {code.code}" in out


async def test_refused_below_the_minimum_and_after_expiry(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    code = await earn_code(app, console, clock, codes_until=clock() + timedelta(days=10))
    small = await make_order(app, "anna", 30_000)  # 330 ₽ with the fee: below 400 ₽
    await console.say(":as anna", "/promo", "#1")
    out = await console.say("#1")
    assert (
        f"Код действует на заказ от 400{NBSP}₽ (товары + оргсбор), а заказ {small.number} — "
        f"на 330{NBSP}₽" in out
    )
    assert (await reload(app, small)).promo_code_id is None

    big = await make_order(app, "anna", 40_000)  # exactly 440 ₽: fine, but later
    clock.advance(days=10)
    out = await console.say("/promo")
    assert "срок истёк" in out and "Применить" not in out
    out = await console.press_payload(PromoApply(code_id=code.id, order_id=big.id))
    assert f"Срок действия промокода {code.code} истёк 03.12.2026 12:00 (МСК)" in out
    assert await refusal(app, clock, "anna", big, code.code) == "referrals-promo-expired"
    clock.advance(seconds=-1)
    assert await apply(app, clock, "anna", big, code.code) == 39_900


async def test_a_discount_never_makes_a_sum_negative(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    code = await earn_code(app, console, clock, min_order_kop=0)
    order = await make_order(app, "anna", 10_000, fee_bp=0)
    assert await apply(app, clock, "anna", order, code.code) == 10_000
    placed = await reload(app, order)
    assert (placed.discount_kop, placed.due_kop) == (10_000, 0)


async def test_apply_promo_refuses_clearly(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    code = await earn_code(app, console, clock, discount=(DiscountKind.PERCENT, 1000))
    mine = await make_order(app, "anna", 123_456, fee_bp=0)
    theirs = await make_order(app, "boris", 100_000)
    cancelled = await make_order(app, "anna", 100_000, order_status=OrderStatus.CANCELLED)
    closed = await make_order(app, "anna", 100_000, purchase_status=PurchaseStatus.CLOSED)
    paid = await make_order(
        app, "anna", 100_000, purchase_status=PurchaseStatus.PAYMENT, confirmed_kop=110_000
    )
    assert await refusal(app, clock, "boris", theirs, code.code) == "referrals-promo-not-found"
    assert await refusal(app, clock, "anna", theirs, code.code) == "referrals-promo-order-not-found"
    assert await refusal(app, clock, "anna", cancelled, code.code) == "referrals-promo-order-closed"
    assert await refusal(app, clock, "anna", closed, code.code) == "referrals-promo-order-closed"
    assert await refusal(app, clock, "anna", paid, code.code) == "referrals-promo-order-paid"
    assert await refusal(app, clock, "anna", mine, "NO-SUCH-CODE") == "referrals-promo-not-found"
    assert await refusal(app, clock, "anna", mine, "x" * 500) == "referrals-promo-not-found"
    assert await count(app, PromoRedemption) == 0

    # Typed the way people type it: Cyrillic look-alikes, spaces, lower case.
    typed = " ".join([code.code[:4].lower(), code.code[4:]])
    assert await apply(app, clock, "anna", mine, typed) == 12_346  # 10 % of 1 234,56 ₽
    placed = await reload(app, mine)
    assert placed.due_kop == 123_456 - 12_346
    assert await refusal(app, clock, "anna", mine, code.code) == "referrals-promo-used"


async def test_a_changed_order_keeps_its_discount_honest(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    code = await earn_code(
        app, console, clock, discount=(DiscountKind.PERCENT, 1000), min_order_kop=40_000
    )
    order = await make_order(app, "anna", 100_000, fee_bp=0)
    assert await apply(app, clock, "anna", order, code.code) == 10_000

    async def change(items_kop: int, status: OrderStatus = OrderStatus.ACTIVE) -> int:
        async with app.session_factory() as session, session.begin():
            target = await session.get(Order, order.id)
            assert target is not None
            target.items_total_kop = items_kop
            target.status = status
            return await refresh_promo_discount(UnitOfWork(session), target, clock())

    assert await change(200_000) == 20_000  # the percent follows the new sum
    assert (await reload(app, order)).due_kop == 180_000
    assert await change(30_000) == 0  # below the minimum now: the code is released
    released = await reload(app, order)
    assert (released.promo_code_id, released.discount_kop, released.due_kop) == (None, 0, 30_000)
    assert await count(app, PromoRedemption) == 0
    other = await make_order(app, "anna", 100_000, fee_bp=0)
    assert await apply(app, clock, "anna", other, code.code) == 10_000  # usable again
