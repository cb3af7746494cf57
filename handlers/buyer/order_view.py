"""An order as its buyer reads it (in the cart's confirmation, /orders and /pickup), a pickup
point's line, and the organizer told of a buyer's change to an order."""

from __future__ import annotations

from typing import Any

from bot.core.context import Context
from bot.services.money import money_paid_line
from bot.texts import Translator
from domain.balance import MoneyState, OrderMoney
from domain.lifecycle import OrderStatus
from domain.money import format_amount
from domain.periods import format_day
from handlers.size_rows_view import line_marks
from storage.models import Order, OutboxKind, PickupPoint, Purchase
from storage.repositories.refunds import money_of

LINES_SHOWN = 10  # per order in lists; the order's own screen shows them all


def describe_order(
    t: Translator,
    order: Order,
    point: PickupPoint | None,
    *,
    lines_shown: int = LINES_SHOWN,
    money: OrderMoney | None = None,
) -> str:
    """An order as its buyer reads it. Needs `order.purchase` and `order.lines[].item`;
    `money` is its state with the reports awaiting confirmation (`uow.refunds.moneys`),
    else it is read without them (a just placed order has none)."""
    lang = t.lang
    purchase = order.purchase
    money = money or money_of(order)
    text = [
        t(
            "orders-order-head",
            number=order.number or "",
            title=purchase.title,
            date=format_day(order.created_at, lang),
        )
    ]
    if order.status is OrderStatus.CANCELLED:
        text.append(t("orders-order-cancelled"))
    else:
        text.append(t("orders-purchase-status", status=purchase.status.value))
    for line in order.lines[:lines_shown]:
        size = f", {line.size}" if line.size else ""
        text.append(
            f"• {line.item.name}{size} × {line.quantity} — "
            f"{format_amount(line.price_kop * line.quantity, lang)}"
        )
        if line.note:
            text.append(f"   ✎ {line.note}")
        if marks := line_marks(t, line):  # size rows and shortfalls (issue 21)
            text.append(f"   ⚠ {marks}")
    if len(order.lines) > lines_shown:
        text.append(t("orders-order-more-lines", count=len(order.lines) - lines_shown))
    sums = {
        "due": format_amount(order.due_kop, lang),
        "items": format_amount(order.items_total_kop, lang),
        "fee": format_amount(order.fee_kop, lang),
    }
    if money.cancelled:
        # Nothing is due on a cancelled order, nor on any order of a cancelled purchase;
        # money already paid goes back to the buyer (the line below says how much).
        text.append(t("orders-order-sum-cancelled", items=sums["items"]))
    elif order.discount_kop:
        text.append(
            t("orders-order-sum-discount", discount=format_amount(order.discount_kop, lang), **sums)
        )
    else:
        text.append(t("orders-order-sum", **sums))
    if order.transport_kop and not money.cancelled:
        # The transport share (bot/services/transport.py) is part of the due above.
        text.append(t("transport-order-line", share=format_amount(order.transport_kop, lang)))
    if money.state is not MoneyState.NOTHING_DUE or money.awaiting:
        text.append(money_paid_line(t, money))
    if point is not None:
        text.append(t("orders-order-pickup", name=point.name, address=point.address))
    return "\n".join(text)


def point_text(t: Translator, point: PickupPoint) -> str:
    if point.hours:
        return t("orders-point-hours", name=point.name, address=point.address, hours=point.hours)
    return t("orders-point", name=point.name, address=point.address)


async def notify_organizer(
    ctx: Context,
    purchase: Purchase,
    order: Order,
    key: str,
    *,
    dedup_key: str | None = None,
    **args: Any,
) -> None:
    """Tell the purchase's organizer about a buyer's change to an order (through the outbox),
    in the organizer's language."""
    if purchase.organizer.user_id == ctx.user.id:
        return
    recipient = await ctx.uow.users.get(purchase.organizer.user_id)
    if recipient is None:
        return
    buyer = (
        ctx.user.name
        or ctx.user.username
        or ctx.texts.get(recipient.language, "orders-buyer-no-name")
    )
    await ctx.notify(
        recipient,
        key,
        kind=OutboxKind.NOTIFICATION,
        dedup_key=dedup_key,
        title=purchase.title,
        buyer=buyer,
        number=order.number or "",
        due=format_amount(order.due_kop, recipient.language),
        **args,
    )
