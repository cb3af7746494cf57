"""The payloads of the buy-out screens (handlers/organizer/buyouts.py) and what the
purchase card shows of them: the minimum's progress, the non-payers button, Repeat."""

from __future__ import annotations

from typing import Literal

from bot.core.context import Context
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.services.buyouts import progress_line
from domain.balance import order_money
from domain.buyouts import BlacklistMode
from domain.lifecycle import PurchaseStatus, accepts_payments
from handlers.kit import DbId
from storage.models import Order, Purchase

# A closed or stopped purchase can be bought out again (a cancelled one too: the supplier
# may simply not have delivered this time).
REPEATABLE = (PurchaseStatus.STOPPED, PurchaseStatus.CLOSED, PurchaseStatus.CANCELLED)


class NonPayersView(Payload, prefix="bynp"):
    purchase_id: DbId


class NonPayersRemind(Payload, prefix="bynr"):
    purchase_id: DbId


class BlacklistView(Payload, prefix="bybl"):
    pass


class BlacklistAdd(Payload, prefix="byba"):
    pass


class BlacklistPick(Payload, prefix="bybm"):
    """The mode of the entry being added (the dialog holds the buyer)."""

    mode: BlacklistMode


class BlacklistSkipNote(Payload, prefix="bybs"):
    pass


class BlacklistRemove(Payload, prefix="bybr"):
    entry_id: DbId
    confirmed: bool


class RepeatPurchase(Payload, prefix="byrp"):
    purchase_id: DbId


class RepeatStep(Payload, prefix="byrs"):
    """Back inside the repeat dialog: ask the stop date again."""

    step: Literal["stop"]


async def card_lines(ctx: Context, purchase: Purchase) -> list[str]:
    """The minimum's progress under the organizer's card."""
    line = await progress_line(ctx.uow, ctx.t, purchase)
    return [line] if line else []


async def card_row(ctx: Context, purchase: Purchase) -> list[Button]:
    """Non-payers (once the deadline marked some) and Repeat, in one row of the card."""
    row = []
    if accepts_payments(purchase.status):
        marked = await ctx.uow.buyouts.owing(purchase.id, marked_only=True)
        if marked:
            row.append(
                Button(
                    ctx.t("buyouts-button-nonpayers", count=len(marked)),
                    NonPayersView(purchase_id=purchase.id).pack(),
                )
            )
    if purchase.status in REPEATABLE:
        row.append(
            Button(ctx.t("buyouts-button-repeat"), RepeatPurchase(purchase_id=purchase.id).pack())
        )
    return row


async def blacklist_modes(ctx: Context, organizer_id: int) -> dict[int, BlacklistMode]:
    """The organizer's black list by buyer id, to mark their orders in the orders list."""
    return {entry.buyer_id: entry.mode for entry, _ in await ctx.uow.buyouts.entries(organizer_id)}


def order_marks(ctx: Context, order: Order, modes: dict[int, BlacklistMode]) -> list[str]:
    """Lines under an order in the organizer's list: not paid by the deadline, and the
    buyer's black-list mode (prepayment: to be paid in full before it goes to the supplier)."""
    marks = []
    owed = order_money(
        order.due_kop, order.confirmed_paid_kop, compensated=order.compensation_kop
    ).owed
    if order.unpaid_marked_at is not None and owed:
        marks.append(ctx.t("buyouts-order-mark-unpaid"))
    mode = modes.get(order.buyer_id)
    if mode is not None:
        marks.append(ctx.t("buyouts-order-mark-listed", mode=mode.value))
    return marks
