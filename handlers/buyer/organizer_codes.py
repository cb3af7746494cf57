"""Organizers' promo codes on a buyer's orders: typed after /promo (no affiliate recorded),
or offered with one button right after ordering to a buyer who came by an affiliate's link
(the affiliate recorded). Every check of the personal codes applies, and the code's own:
scope, dates, total and per-buyer limits, minimum, one code per order."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.context import Context
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button
from bot.core.router import Router
from bot.services.promo_codes import (
    check_code,
    code_offer,
    linked_offers,
    orders_for_code,
    redeem_code,
)
from bot.services.referrals import promo_error
from domain.money import format_amount
from domain.referrals import PromoRefusal
from handlers.kit import DbId, short
from storage.models import Order, PromoCode, Purchase

router = Router("organizer_codes")

ORDERS_OFFERED = 6
TITLE_SHOWN = 24


class CodeApply(Payload, prefix="ocap"):
    code_id: DbId
    order_id: DbId
    by_link: bool


async def offer_typed(ctx: Context, code: PromoCode) -> None:
    """/promo <an organizer's code>: the buyer's orders it may go on, as buttons."""
    await check_code(ctx.uow, ctx.user, code, ctx.now())
    orders = await orders_for_code(ctx.uow, ctx.user, code, limit=ORDERS_OFFERED)
    say_code_orders(
        ctx,
        code,
        orders,
        none_key="promo-typed-no-orders",
        apply=lambda order: CodeApply(code_id=code.id, order_id=order.id, by_link=False),
        offer=code_offer(ctx.texts, ctx.lang, code),
    )


def say_code_orders(
    ctx: Context,
    code: PromoCode,
    orders: list[Order],
    *,
    none_key: str,
    apply: Callable[[Order], Payload],
    offer: str,
) -> None:
    """The buyer's orders a code (a referral or an organizer's) may go on, a button each
    with its number, purchase and sum due; with none, `none_key` and a way to the
    purchases."""
    if not orders:
        purchases = Button(
            ctx.t("referrals-button-purchases"), CommandPayload(name="purchases").pack()
        )
        ctx.say(none_key, [[purchases]], code=code.code)
        return
    rows = []
    for order in orders:
        label = ctx.t(
            "referrals-promo-order-button",
            number=order.number or str(order.id),
            title=short(order.purchase.title, TITLE_SHOWN),
            sum=format_amount(order.due_kop, ctx.lang),
        )
        rows.append([Button(label, apply(order).pack())])
    ctx.say("referrals-promo-choose-order", rows, code=code.code, offer=offer)


@router.button(CodeApply)
async def on_apply(ctx: Context, data: CodeApply) -> None:
    code, order, discount = await redeem_code(
        ctx.uow, ctx.user, data.code_id, data.order_id, ctx.now(), by_link=data.by_link
    )
    ctx.say(
        "referrals-promo-applied",
        code=code.code,
        number=order.number or str(order.id),
        discount=format_amount(discount, ctx.lang),
        due=format_amount(order.due_kop, ctx.lang),
    )


async def offer_buttons(ctx: Context, order: Order, purchase: Purchase) -> list[list[Button]]:
    """One button per code the buyer came for by an affiliate's link that fits this order."""
    offers = await linked_offers(ctx.uow, ctx.user, order, purchase, ctx.now())
    return [
        [
            Button(
                ctx.t(
                    "referrals-promo-offer-button",
                    code=code.code,
                    discount=format_amount(discount, ctx.lang),
                ),
                CodeApply(code_id=code.id, order_id=order.id, by_link=True).pack(),
            )
        ]
        for code, discount in offers[:2]
    ]


async def find_typed(ctx: Context, text: str) -> PromoCode:
    """An organizer's code typed by a buyer; anything else is "not found"."""
    code = await ctx.uow.promos.code_by_text(text)
    if code is None:
        raise promo_error(PromoRefusal.NOT_FOUND)
    return code
