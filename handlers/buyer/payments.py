"""/pay: a buyer reports a payment.

The buyer ticks unpaid orders of one organizer (or types an order number), sees what is due
and the organizer's payment details, and reports amount, time, method, an optional receipt
photo and a comment (handlers/buyer/payment_form.py). Nothing is stored until "Send".
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.core.router import Router
from domain.order_numbers import parse_order_number
from handlers.buyer.payment_form import PAY, ask_amount, check_payable, require_step
from handlers.kit import DbId, PageNumber, Paging, short
from handlers.organizer.payments import money
from storage.models import Order

router = Router("payments")

ORDERS_PER_PAGE = 6


# --- payloads -------------------------------------------------------------------------------


class PaySelect(Payload, prefix="paysel"):
    """Tick or untick an order in the /pay list."""

    order_id: DbId


class PayPage(Payload, prefix="paypg"):
    page: PageNumber


class PayContinue(Payload, prefix="paygo"):
    pass


# --- choosing orders ------------------------------------------------------------------


@router.command("pay", aliases=("оплата", "оплатить", "оплатил"))
async def pay(ctx: Context) -> None:
    typed = ctx.args.strip()
    if typed:
        order = await typed_order(ctx, typed)
        await start_form(ctx, [order.id])
        return
    orders = await ctx.uow.payments.payable_orders(ctx.user.id)
    if not orders:
        if ctx.dialog.name == PAY:
            await ctx.dialog.finish()
        ctx.say("payments-nothing-to-pay")
        return
    if len(orders) == 1:
        await start_form(ctx, [orders[0].id])
        return
    await ctx.dialog.start(PAY, "select", {"nonce": secrets.token_hex(4), "selected": []})
    await show_selection(ctx, orders, 0)


async def typed_order(ctx: Context, typed: str) -> Order:
    """The buyer's own payable order for a typed number, or a clear refusal.

    Someone else's number gets the same answer as a number that does not exist: nobody
    learns about other people's orders by typing numbers.
    """
    order_id = parse_order_number(typed)
    if order_id is None:
        raise UserError("payments-number-invalid", number=short(typed, 20))
    order = await ctx.uow.payments.buyer_order(ctx.user.id, order_id)
    if order is None:
        raise UserError("payments-order-not-found", number=short(typed, 20))
    check_payable(order)
    return order


async def show_selection(
    ctx: Context, orders: Sequence[Order], page: int, *, edit: bool = False
) -> None:
    selected = set(ctx.dialog.data.get("selected", []))
    moneys = await ctx.uow.refunds.moneys(orders)
    paging = Paging.of(len(orders), ORDERS_PER_PAGE, page)
    page, pages = paging.page, paging.pages
    shown = orders[paging.start : paging.start + ORDERS_PER_PAGE]
    lang = ctx.lang
    lines = [
        ctx.t("payments-select-title", count=len(orders), page=str(page + 1), pages=str(pages))
    ]
    rows: list[list[Button]] = []
    for order in shown:
        state = moneys[order.id]
        owed = state.owed
        line = ctx.t(
            "payments-select-entry",
            number=order.number or str(order.id),
            title=order.purchase.title,
            organizer=order.purchase.organizer.name,
            balance=money(owed, lang),
        )
        if state.awaiting:
            line += " " + ctx.t("payments-select-pending", amount=money(state.awaiting, lang))
        lines.append(line)
        mark = "✅" if order.id in selected else "▫️"
        number = order.number or str(order.id)
        label = f"{mark} {number} · {short(order.purchase.title, 16)} · {money(owed, lang)}"
        rows.append([Button(label, PaySelect(order_id=order.id).pack())])
    nav = paging.nav(ctx.t, lambda p: PayPage(page=p).pack())
    if nav:
        rows.append(nav)
    rows.append(
        [Button(ctx.t("payments-button-continue", count=len(selected)), PayContinue().pack())]
    )
    ctx.answer("\n".join(lines), rows, edit=edit)


@router.button(PaySelect)
async def on_select(ctx: Context, data: PaySelect) -> None:
    require_step(ctx, "select")
    orders = await ctx.uow.payments.payable_orders(ctx.user.id)
    by_id = {order.id: order for order in orders}
    order = by_id.get(data.order_id)
    if order is None:
        # Not the buyer's, cancelled, paid meanwhile, or the purchase stopped taking money.
        raise UserError("payments-order-unavailable")
    selected: list[int] = [i for i in ctx.dialog.data.get("selected", []) if i in by_id]
    if order.id in selected:
        selected.remove(order.id)
    else:
        others = {by_id[i].purchase.organizer_id for i in selected}
        if others and order.purchase.organizer_id not in others:
            raise UserError("payments-one-organizer")
        selected.append(order.id)
    page = orders.index(order) // ORDERS_PER_PAGE
    await ctx.dialog.update(selected=selected, page=page)
    await show_selection(ctx, orders, page, edit=True)


@router.button(PayPage)
async def on_page(ctx: Context, data: PayPage) -> None:
    require_step(ctx, "select")
    orders = await ctx.uow.payments.payable_orders(ctx.user.id)
    await ctx.dialog.update(page=data.page)
    await show_selection(ctx, orders, data.page, edit=True)


@router.button(PayContinue)
async def on_continue(ctx: Context, data: PayContinue) -> None:
    require_step(ctx, "select")
    payable = {order.id for order in await ctx.uow.payments.payable_orders(ctx.user.id)}
    selected = [i for i in ctx.dialog.data.get("selected", []) if i in payable]
    if not selected:
        raise UserError("payments-select-none")
    await ctx.dialog.goto("amount", selected=selected)
    await ask_amount(ctx)


@router.step(PAY, "select")
async def on_select_text(ctx: Context) -> None:
    # A typed order number works here too.
    order = await typed_order(ctx, ctx.event.text)
    await start_form(ctx, [order.id])


async def start_form(ctx: Context, order_ids: list[int]) -> None:
    await ctx.dialog.start(
        PAY, "amount", {"nonce": secrets.token_hex(4), "selected": list(order_ids)}
    )
    await ask_amount(ctx)
