"""Placing an order from the cart: the pickup point (chosen by the buyer where the organizer
allows it, else kept or left to the organizer), the prices checked once more under a lock,
the order saved, the organizer told, and personal promo codes offered that fit it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import CommandPayload
from bot.core.replies import Button
from bot.core.router import Router
from bot.services.buyouts import check_minimum
from bot.services.referrals import codes_for_order, on_qualifying_action, refresh_promo_discount
from bot.services.shortfalls import use_credit
from domain.cart import (
    CartLine,
)
from domain.money import format_amount
from handlers.buyer.blacklisted import ensure_not_refused, prepayment_note
from handlers.buyer.cart import ORDER, CartPickup, cart_data, cart_lines, cart_purchase
from handlers.buyer.catalog import (
    say_closed,
    takes_orders,
)
from handlers.buyer.order_view import describe_order, notify_organizer, point_text
from handlers.buyer.organizer_codes import offer_buttons as organizer_code_offers
from handlers.buyer.referrals import PromoApply
from handlers.kit import short
from storage.models import PickupPoint, Purchase
from storage.repositories.orders import PricedLine

router = Router("order_placing")

PROMO_OFFERS = 3  # personal codes offered under a placed order; /promo lists them all


# --- pickup point and confirmation --------------------------------------------------------------


async def confirm(ctx: Context, purchase: Purchase) -> None:
    lines = cart_lines(ctx)
    if not lines:
        raise UserError("orders-cart-empty")
    # Read the status again under a lock: the organizer may be stopping the purchase now.
    locked = await ctx.uow.orders.visible_purchase(purchase.id, viewer_id=ctx.user.id, lock=True)
    if locked is None or not takes_orders(ctx, locked):
        await ctx.dialog.finish()
        say_closed(ctx, locked)
        return
    await ensure_not_refused(ctx, locked)  # the organizer's black list (issue 21)
    priced = _price_lines(locked, lines)
    points = await ctx.uow.orders.active_pickup_points(locked.organizer_id)
    point_ids = {point.id for point in points}
    existing = await ctx.uow.orders.active_order(ctx.user.id, locked.id)
    chosen = ctx.dialog.data.get("pickup_point_id")
    if chosen in point_ids:
        point_id: int | None = chosen
    elif existing is not None and existing.pickup_point_id in point_ids:
        point_id = existing.pickup_point_id  # changed with /pickup, not on every edit
    elif len(points) == 1:
        point_id = points[0].id
    elif points and locked.organizer.buyers_choose_pickup:
        await ctx.dialog.goto("pickup", pending=None)
        _ask_pickup(ctx, locked, points)
        return
    else:
        point_id = None  # the organizer assigns one
    await _place(ctx, locked, priced, point_id)


def _price_lines(purchase: Purchase, lines: Sequence[CartLine]) -> list[PricedLine]:
    items = {item.id: item for item in purchase.items}
    priced = []
    for line in lines:
        item = items.get(line.item_id)
        if line.price_kop is not None and item is not None:
            price = line.price_kop  # already ordered at this price
        else:
            size_ok = line.size in item.sizes if item and item.sizes else not line.size
            if item is None or not item.active or not size_ok:
                raise UserError("orders-item-gone", name=item.name if item else "?")
            price = item.price_kop
        priced.append(PricedLine(line.item_id, line.size, line.quantity, price, line.note))
    return priced


def _ask_pickup(ctx: Context, purchase: Purchase, points: Sequence[PickupPoint]) -> None:
    rows = [
        [Button(short(point.name), CartPickup(purchase_id=purchase.id, point_id=point.id).pack())]
        for point in points
    ]
    text = [ctx.t("orders-ask-pickup")]
    text += [point_text(ctx.t, point) for point in points]
    ctx.answer("\n".join(text), rows)


@router.button(CartPickup)
async def on_cart_pickup(ctx: Context, data: CartPickup) -> None:
    cart_data(ctx, data.purchase_id)
    purchase = await cart_purchase(ctx)
    if purchase is None:
        return
    points = await ctx.uow.orders.active_pickup_points(purchase.organizer_id)
    if data.point_id not in {point.id for point in points}:
        raise UserError("orders-pickup-unknown")
    await ctx.dialog.update(pickup_point_id=data.point_id)
    await confirm(ctx, purchase)


@router.step(ORDER, "pickup")
async def on_pickup_text(ctx: Context) -> None:
    raise UserError("orders-pickup-use-buttons")


async def _place(
    ctx: Context, purchase: Purchase, lines: Sequence[PricedLine], point_id: int | None
) -> None:
    order, created = await ctx.uow.orders.save_order(
        buyer_id=ctx.user.id,
        purchase=purchase,
        lines=lines,
        pickup_point_id=point_id,
        now=ctx.now(),
    )
    if not created:
        # New lines, new sum: a referral code's percent follows it, or lets go below its minimum.
        await refresh_promo_discount(ctx.uow, order, ctx.now())
    # A credit kept with this organizer (what the supplier did not send) pays what it can.
    credit_used = await use_credit(ctx.uow, order, purchase.organizer_id, ctx.now())
    # A friend invited to the bot may count for their inviter once they place an order.
    await on_qualifying_action(ctx.uow, ctx.user, "first_order", ctx.now(), texts=ctx.texts)
    await ctx.dialog.finish()
    number = order.number or ""
    if created:
        await notify_organizer(
            ctx, purchase, order, "orders-notify-new", dedup_key=f"order-new:{order.id}"
        )
    else:
        await notify_organizer(ctx, purchase, order, "orders-notify-changed")
    points = await ctx.uow.orders.pickup_points([point_id] if point_id else [])
    key = "orders-placed" if created else "orders-saved"
    text = (
        ctx.t(key, number=number) + "\n\n" + describe_order(ctx.t, order, points.get(point_id or 0))
    )
    if credit_used:
        text += "\n" + ctx.t("rows-credit-used", amount=format_amount(credit_used, ctx.lang))
    if prepay := await prepayment_note(ctx, purchase):
        text += "\n\n" + prepay
    # The organizer hears once when the orders reach the minimum to buy out (issue 21).
    await check_minimum(ctx.uow, ctx.texts, purchase, ctx.now())
    my_orders = Button(ctx.t("orders-button-my-orders"), CommandPayload(name="orders").pack())
    rows = [[my_orders]]
    # "When ordering" is when a personal code is worth the most: offer the ones that fit.
    offers = await codes_for_order(ctx.uow, ctx.user, order, purchase.fee_bp, ctx.now())
    if offers:
        text += "\n\n" + ctx.t("referrals-promo-offer")
        rows = [
            [
                Button(
                    ctx.t(
                        "referrals-promo-offer-button",
                        code=code.code,
                        discount=format_amount(discount, ctx.lang),
                    ),
                    PromoApply(code_id=code.id, order_id=order.id).pack(),
                )
            ]
            for code, discount in offers[:PROMO_OFFERS]
        ] + rows
    # A buyer who came by an affiliate's link for an organizer's code: it, with one button.
    linked = await organizer_code_offers(ctx, order, purchase)
    if linked:
        text += "\n\n" + ctx.t("promo-linked-offer")
        rows = linked + rows
    ctx.answer(text, rows)
