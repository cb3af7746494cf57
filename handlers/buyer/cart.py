"""The order dialog's cart: its payloads, its state in the dialog (which survives a restart),
and the screens it shows: the item chooser, size, quantity and note prompts, and the cart.

The handlers are in handlers/buyer/ordering.py (choosing and changing) and
handlers/buyer/placing.py (the pickup point and the confirmation).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from domain.cart import (
    MAX_LINES,
    MAX_QUANTITY,
    NOTE_MAX_LENGTH,
    QUICK_QUANTITIES,
    CartLine,
    dump_lines,
    load_lines,
    order_totals,
)
from domain.money import format_amount, format_percent
from handlers.buyer.catalog import (
    OrderItemPhotos,
    active_items,
    item_chooser,
    say_closed,
    takes_orders,
)
from handlers.kit import DbId, PageNumber
from storage.models import Order, Purchase, PurchaseItem

ORDER = "order"
SIZES_PER_ROW = 4

LineIndex = Annotated[int, Field(ge=0, lt=MAX_LINES)]


class PickItem(Payload, prefix="bit"):
    purchase_id: DbId
    item_id: DbId


class ItemsPage(Payload, prefix="bitp"):
    purchase_id: DbId
    page: PageNumber


class PickSize(Payload, prefix="bsz"):
    item_id: DbId
    index: Annotated[int, Field(ge=0, le=999)]


class PickQuantity(Payload, prefix="bqt"):
    item_id: DbId
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class SkipNote(Payload, prefix="bnt"):
    item_id: DbId


class CartAction(Payload, prefix="bct"):
    purchase_id: DbId
    action: Literal["show", "add", "lines", "confirm", "discard"]


class CartLinePick(Payload, prefix="bln"):
    purchase_id: DbId
    index: LineIndex
    item_id: DbId


class LineQuantity(Payload, prefix="blq"):
    """A new quantity for a cart line; 0 removes it."""

    purchase_id: DbId
    index: LineIndex
    item_id: DbId
    quantity: Annotated[int, Field(ge=0, le=MAX_QUANTITY)]


class CartPickup(Payload, prefix="bcpp"):
    purchase_id: DbId
    point_id: DbId


# --- the cart's state -----------------------------------------------------------------------


async def start_cart(
    ctx: Context, purchase: Purchase, order: Order | None, *, announce: bool = True
) -> None:
    lines = (
        [CartLine(ln.item_id, ln.size, ln.quantity, ln.note, ln.price_kop) for ln in order.lines]
        if order is not None
        else []
    )
    await ctx.dialog.start(
        ORDER,
        "item",
        {
            "purchase_id": purchase.id,
            "order_number": order.number if order is not None else None,
            "lines": dump_lines(lines),
            "pending": None,
        },
    )
    if order is not None and announce:
        ctx.say("orders-editing", number=order.number or "")


def cart_data(ctx: Context, purchase_id: int | None = None) -> dict[str, Any]:
    """The open cart's state; a button of a finished or another purchase's cart is refused."""
    data = ctx.dialog.data
    if ctx.dialog.name != ORDER or (
        purchase_id is not None and data.get("purchase_id") != purchase_id
    ):
        raise UserError("orders-cart-expired")
    return data


async def cart_purchase(ctx: Context) -> Purchase | None:
    """The cart's purchase while it takes orders; otherwise the cart is closed, with a word."""
    purchase_id = int(ctx.dialog.data["purchase_id"])
    purchase = await ctx.uow.orders.visible_purchase(purchase_id, viewer_id=ctx.user.id)
    if purchase is None or not takes_orders(ctx, purchase):
        # Not a UserError: closing the dialog must be kept, not rolled back.
        await ctx.dialog.finish()
        say_closed(ctx, purchase)
        return None
    return purchase


def cart_lines(ctx: Context) -> list[CartLine]:
    return load_lines(ctx.dialog.data.get("lines") or [])


# --- screens --------------------------------------------------------------------------------


def ask_item(ctx: Context, purchase: Purchase, page: int, *, edit: bool = False) -> None:
    items = active_items(purchase)
    if not items:
        raise UserError("orders-no-items")
    _, rows = item_chooser(
        ctx.t,
        items,
        page,
        pick=lambda item: PickItem(purchase_id=purchase.id, item_id=item.id).pack(),
        turn=lambda p: ItemsPage(purchase_id=purchase.id, page=p).pack(),
        photos=lambda p: OrderItemPhotos(purchase_id=purchase.id, page=p).pack(),
    )
    lines = cart_lines(ctx)
    if lines:
        rows.append(
            [
                Button(
                    ctx.t("orders-button-cart", count=len(lines)),
                    CartAction(purchase_id=purchase.id, action="show").pack(),
                )
            ]
        )
    ctx.answer(ctx.t("orders-ask-item", title=purchase.title, count=len(items)), rows, edit=edit)


def ask_size(ctx: Context, item: PurchaseItem) -> None:
    buttons = [
        Button(size, PickSize(item_id=item.id, index=index).pack())
        for index, size in enumerate(item.sizes)
    ]
    rows = [buttons[i : i + SIZES_PER_ROW] for i in range(0, len(buttons), SIZES_PER_ROW)]
    ctx.say("orders-ask-size", rows, name=item.name, sizes=", ".join(item.sizes))


def ask_quantity(ctx: Context, item: PurchaseItem, size: str) -> None:
    row = [
        Button(str(q), PickQuantity(item_id=item.id, quantity=q).pack()) for q in QUICK_QUANTITIES
    ]
    args = {
        "name": item.name,
        "price": format_amount(item.price_kop, ctx.lang),
        "max": MAX_QUANTITY,
    }
    if size:
        ctx.say("orders-ask-quantity-size", [row], size=size, **args)
    else:
        ctx.say("orders-ask-quantity", [row], **args)


def ask_note(ctx: Context, item: PurchaseItem) -> None:
    skip = Button(ctx.t("orders-button-no-note"), SkipNote(item_id=item.id).pack())
    ctx.say("orders-ask-note", [[skip]], name=item.name, max=NOTE_MAX_LENGTH)


def show_cart(ctx: Context, purchase: Purchase, *, header: str | None = None) -> None:
    lang = ctx.lang
    lines = cart_lines(ctx)
    items = {item.id: item for item in purchase.items}
    number = ctx.dialog.data.get("order_number")
    text = [header] if header else []
    text.append(
        ctx.t("orders-cart-title-editing", title=purchase.title, number=number)
        if number
        else ctx.t("orders-cart-title", title=purchase.title)
    )
    priced = []
    for index, line in enumerate(lines, start=1):
        item = items.get(line.item_id)
        price = line.price_kop if line.price_kop is not None else (item.price_kop if item else 0)
        priced.append((price, line.quantity))
        name = item.name if item is not None else "?"
        size = f", {line.size}" if line.size else ""
        text.append(
            f"{index}. {name}{size} — {line.quantity} × {format_amount(price, lang)} = "
            f"{format_amount(price * line.quantity, lang)}"
        )
        if line.note:
            text.append(f"   ✎ {line.note}")
    pid = purchase.id
    rows = [[Button(ctx.t("orders-button-add"), CartAction(purchase_id=pid, action="add").pack())]]
    if lines:
        totals = order_totals(priced, purchase.fee_bp)
        text.append(
            ctx.t(
                "orders-cart-totals",
                items=format_amount(totals.items_kop, lang),
                fee_percent=format_percent(purchase.fee_bp, lang),
                fee=format_amount(totals.fee_kop, lang),
                due=format_amount(totals.due_kop, lang),
            )
        )
        rows[0].append(
            Button(ctx.t("orders-button-lines"), CartAction(purchase_id=pid, action="lines").pack())
        )
        confirm_key = "orders-button-save" if number else "orders-button-confirm"
        rows.append(
            [Button(ctx.t(confirm_key), CartAction(purchase_id=pid, action="confirm").pack())]
        )
    else:
        text.append(ctx.t("orders-cart-empty-hint"))
    rows.append(
        [
            Button(
                ctx.t("orders-button-discard"), CartAction(purchase_id=pid, action="discard").pack()
            )
        ]
    )
    ctx.answer("\n".join(text), rows)
