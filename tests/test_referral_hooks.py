"""Referral rounds meet the rest of the product: a friend whose round asks for an order or a
payment counts when they really order or pay, and a code on an order follows its edits."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from domain.clock import FrozenClock
from domain.lifecycle import PurchaseStatus
from domain.referrals import DiscountKind, discount_for
from handlers.buyer.my_orders import OrderAction
from handlers.buyer.referrals import PromoApply
from handlers.organizer.payments import ReportConfirm
from storage.models import InviteStatus, Order, PaymentReportStatus, PromoCode, User
from tests.support.drivers import ConsoleSession
from tests.support.referrals import all_invites, codes, invite_link_of, open_round
from tests.support.shops import SeededShop, Shop, seed_shop
from tests.support.steps import place_socks


async def user_id(app: App, name: str) -> int:
    async with app.session_factory() as session:
        found = await session.scalar(select(User.id).where(User.external_id == name))
    assert found is not None
    return found


async def the_order(app: App, name: str) -> Order:
    async with app.session_factory() as session:
        order = await session.scalar(
            select(Order).where(Order.buyer_id == await user_id(app, name)).order_by(Order.id)
        )
    assert order is not None
    return order


async def test_a_friend_counts_when_they_place_an_order(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, threshold=1, action="first_order")
    link = await invite_link_of(console, app, "anna")
    shop = await seed_shop(app)
    await console.say(":as friend1", link)
    [invite] = await all_invites(app)
    assert invite.status is InviteStatus.WAITING and await codes(app) == []

    out = await place_socks(console, shop.purchase_id)
    assert "📨 to anna" in out  # the code is announced to the inviter at once
    [invite] = await all_invites(app)
    assert invite.status is InviteStatus.COUNTED
    [code] = await codes(app)
    assert code.owner_id == await user_id(app, "anna")

    # Changing the order is not a second qualifying action: still one code.
    await place_socks(console, shop.purchase_id, quantity="3")
    assert len(await codes(app)) == 1


async def test_a_friend_counts_when_their_payment_is_confirmed(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, threshold=1, action="first_payment")
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    shop = Shop(app, clock)
    organizer = await shop.organizer()
    purchase = await shop.purchase(organizer)
    async with app.session_factory() as session:
        friend = await session.scalar(select(User).where(User.external_id == "friend1"))
    assert friend is not None
    order = await shop.order(purchase, friend, 100_000)
    report = await shop.report(friend, organizer, [(order, 100_000)])
    [invite] = await all_invites(app)
    assert invite.status is InviteStatus.WAITING  # an order alone is not enough here

    await console.say(":as organizer")
    await console.press_payload(ReportConfirm(report_id=report.id))
    assert (await shop.get(type(report), report.id)).status is PaymentReportStatus.CONFIRMED
    [invite] = await all_invites(app)
    assert invite.status is InviteStatus.COUNTED
    [code] = await codes(app)
    assert code.owner_id == await user_id(app, "anna")


async def anna_earns_a_percent_code(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> tuple[PromoCode, SeededShop]:
    """anna brings a friend and earns a 10 % code (minimum 1 ₽); a shop is open and the
    console speaks as anna. Returns the code and the shop."""
    await open_round(
        app, clock, threshold=1, discount=(DiscountKind.PERCENT, 1000), min_order_kop=100
    )
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    [code] = await codes(app)
    shop = await seed_shop(app)
    await console.say(":as anna")
    return code, shop


async def test_a_percent_code_follows_order_edits_and_is_freed_by_cancelling(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    # anna earns a 10 % code with a small minimum, then orders socks (item 2) and applies it.
    code, shop = await anna_earns_a_percent_code(app, console, clock)
    await place_socks(console, shop.purchase_id, quantity="2")
    order = await the_order(app, "anna")
    await console.press_payload(PromoApply(code_id=code.id, order_id=order.id))
    order = await the_order(app, "anna")
    two_socks_discount = order.discount_kop
    assert two_socks_discount > 0 and order.promo_code_id == code.id

    await place_socks(console, shop.purchase_id, quantity="4")  # 2 + 4 socks now
    order = await the_order(app, "anna")
    assert order.promo_code_id == code.id
    expected = discount_for(DiscountKind.PERCENT, 1000, order.items_total_kop + order.fee_kop)
    assert order.discount_kop == expected and abs(expected - 3 * two_socks_discount) <= 2
    assert order.due_kop == order.items_total_kop + order.fee_kop - order.discount_kop

    await console.press_payload(OrderAction(order_id=order.id, action="cancel_yes"))
    order = await the_order(app, "anna")
    assert order.promo_code_id is None and order.discount_kop == 0


async def test_orders_of_a_purchase_not_open_do_not_qualify(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, threshold=1, action="first_order")
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    shop = await seed_shop(app, status=PurchaseStatus.STOPPED)
    await place_socks(console, shop.purchase_id)
    [invite] = await all_invites(app)
    assert invite.status is InviteStatus.WAITING and await codes(app) == []


async def test_placing_an_order_offers_the_codes_that_fit_it(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    code, shop = await anna_earns_a_percent_code(app, console, clock)

    out = await place_socks(console, shop.purchase_id, quantity="2")
    assert f"Применить {code.code}" in out
    await console.say("#1")  # the offer comes first, above "My orders"
    order = await the_order(app, "anna")
    assert order.promo_code_id == code.id and order.discount_kop > 0

    # Used now: the next change of the order offers nothing more.
    out = await place_socks(console, shop.purchase_id, quantity="1")
    assert code.code not in out


async def test_a_code_whose_minimum_the_order_misses_is_not_offered(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, threshold=1, min_order_kop=100_000_000)
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    [code] = await codes(app)
    shop = await seed_shop(app)
    await console.say(":as anna")
    out = await place_socks(console, shop.purchase_id)
    assert code.code not in out and "промокод" not in out.lower()
