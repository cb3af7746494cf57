"""Ordering: the cart dialog (item -> size -> quantity -> note -> cart -> pickup -> confirm).

The cart lives in the dialog state in the database, so a restart loses nothing. A buyer has
at most one live order per purchase: ordering again in the same purchase loads that order
into the cart, and confirming replaces its lines (same number, sums recalculated). Lines of a
placed order keep the price they were ordered at; lines added now take today's price.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button
from bot.core.router import Router
from bot.services.referrals import codes_for_order, on_qualifying_action, refresh_promo_discount
from bot.texts import Translator
from domain.cart import (
    LINE_TOO_LARGE,
    MAX_LINES,
    MAX_QUANTITY,
    NOTE_MAX_LENGTH,
    QUICK_QUANTITIES,
    CartError,
    CartLine,
    QuantityError,
    add_line,
    dump_lines,
    load_lines,
    match_size,
    order_totals,
    parse_quantity,
    set_quantity,
)
from domain.lifecycle import OrderStatus
from domain.money import format_amount, format_percent
from domain.periods import format_day
from domain.pricing import payment_state
from domain.text_rules import clean_line
from handlers.buyer.catalog import (
    StartOrder,
    active_items,
    ensure_takes_orders,
    find_item,
    item_chooser,
    load_purchase,
    say_closed,
    takes_orders,
)
from handlers.buyer.referrals import PromoApply
from handlers.kit import DbId, PageNumber, short
from storage.models import Order, OutboxKind, PickupPoint, Purchase, PurchaseItem
from storage.repositories.orders import PricedLine

router = Router("orders")

ORDER = "order"
LINES_SHOWN = 10  # per order in lists; the order's own screen shows them all
SIZES_PER_ROW = 4
# Typed instead of a note, these mean "no note".
NO_NOTE_WORDS = frozenset({"-", "—", "нет", "no", "none", "skip", "без примечания"})
PROMO_OFFERS = 3  # personal codes offered under a placed order; /promo lists them all

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


# --- describing orders (also used by /orders) ---------------------------------------------------


def describe_order(
    t: Translator, order: Order, point: PickupPoint | None, *, lines_shown: int = LINES_SHOWN
) -> str:
    """An order as its buyer reads it. Needs `order.purchase` and `order.lines[].item`."""
    lang = t.lang
    purchase = order.purchase
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
    if len(order.lines) > lines_shown:
        text.append(t("orders-order-more-lines", count=len(order.lines) - lines_shown))
    sums = {
        "due": format_amount(order.due_kop, lang),
        "items": format_amount(order.items_total_kop, lang),
        "fee": format_amount(order.fee_kop, lang),
    }
    if order.status is OrderStatus.CANCELLED:
        # Nothing is due on a cancelled order; money already paid goes back to the buyer.
        text.append(t("orders-order-sum-cancelled", items=sums["items"]))
        if order.confirmed_paid_kop:
            paid = format_amount(order.confirmed_paid_kop, lang)
            text.append(t("orders-order-refund", paid=paid))
    elif order.discount_kop:
        text.append(
            t("orders-order-sum-discount", discount=format_amount(order.discount_kop, lang), **sums)
        )
    else:
        text.append(t("orders-order-sum", **sums))
    if order.status is OrderStatus.ACTIVE:
        state = payment_state(order.due_kop, order.confirmed_paid_kop)
        text.append(
            t(
                "orders-order-paid",
                paid=format_amount(order.confirmed_paid_kop, lang),
                state=state.value,
            )
        )
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


# --- starting and editing a cart ----------------------------------------------------------------


@router.button(StartOrder)
async def on_start_order(ctx: Context, data: StartOrder) -> None:
    purchase = await load_purchase(ctx, data.purchase_id)
    ensure_takes_orders(ctx, purchase)
    if ctx.dialog.name == ORDER and ctx.dialog.data.get("purchase_id") == purchase.id:
        # The cart of this purchase is already open: keep it and add to it.
        await ctx.dialog.goto("item", pending=None)
    else:
        # One open cart at a time: an unconfirmed cart of another purchase is dropped, and
        # the buyer is told so rather than finding it gone later.
        dropped = ctx.dialog.name == ORDER and bool(_cart_lines(ctx))
        previous = ctx.dialog.data.get("purchase_id") if dropped else None
        order = await ctx.uow.orders.active_order(ctx.user.id, purchase.id)
        await _start_cart(ctx, purchase, order)
        if previous is not None:
            old = await ctx.uow.orders.visible_purchase(int(previous), viewer_id=ctx.user.id)
            ctx.say("orders-previous-cart-dropped", title=old.title if old else "")
    ask_item(ctx, purchase, 0)


async def edit_order(ctx: Context, purchase: Purchase, order: Order) -> None:
    """Open the cart on a placed order (the "Change" button of an order): the buyer changes
    lines and quantities, adds items, and confirms to save."""
    await _start_cart(ctx, purchase, order, announce=False)
    await ctx.dialog.goto("cart")
    show_cart(ctx, purchase)


async def order_line(ctx: Context, purchase: Purchase, line: CartLine, *, cart_header: str) -> None:
    """Order one line made outside the cart (a draft from a comment under a community post)
    as the cart's Confirm does: it joins the buyer's order in `purchase`, if there is one.

    An open cart of this purchase holds changes not confirmed yet: the line joins it and the
    cart is shown under `cart_header`, to be confirmed with the rest rather than behind the
    buyer's back."""
    same_cart = ctx.dialog.name == ORDER and ctx.dialog.data.get("purchase_id") == purchase.id
    if not same_cart:
        dropped = ctx.dialog.name == ORDER and bool(_cart_lines(ctx))
        previous = ctx.dialog.data.get("purchase_id") if dropped else None
        order = await ctx.uow.orders.active_order(ctx.user.id, purchase.id)
        await _start_cart(ctx, purchase, order, announce=False)
        if previous is not None:
            old = await ctx.uow.orders.visible_purchase(int(previous), viewer_id=ctx.user.id)
            ctx.say("orders-previous-cart-dropped", title=old.title if old else "")
    item = next((i for i in purchase.items if i.id == line.item_id), None)
    try:
        lines = add_line(_cart_lines(ctx), line)
    except CartError as exc:
        if exc.reason == LINE_TOO_LARGE:
            raise UserError(
                "orders-line-too-large", name=item.name if item else "?", max=MAX_QUANTITY
            ) from None
        raise UserError("orders-too-many-lines", max=MAX_LINES) from None
    await ctx.dialog.goto("cart", lines=dump_lines(lines), pending=None)
    if same_cart:
        show_cart(ctx, purchase, header=cart_header)
    else:
        await confirm(ctx, purchase)


async def _start_cart(
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


def _cart_data(ctx: Context, purchase_id: int | None = None) -> dict[str, Any]:
    """The open cart's state; a button of a finished or another purchase's cart is refused."""
    data = ctx.dialog.data
    if ctx.dialog.name != ORDER or (
        purchase_id is not None and data.get("purchase_id") != purchase_id
    ):
        raise UserError("orders-cart-expired")
    return data


async def _cart_purchase(ctx: Context) -> Purchase | None:
    """The cart's purchase while it takes orders; otherwise the cart is closed, with a word."""
    purchase_id = int(ctx.dialog.data["purchase_id"])
    purchase = await ctx.uow.orders.visible_purchase(purchase_id, viewer_id=ctx.user.id)
    if purchase is None or not takes_orders(ctx, purchase):
        # Not a UserError: closing the dialog must be kept, not rolled back.
        await ctx.dialog.finish()
        say_closed(ctx, purchase)
        return None
    return purchase


def _cart_lines(ctx: Context) -> list[CartLine]:
    return load_lines(ctx.dialog.data.get("lines") or [])


# --- choosing an item ---------------------------------------------------------------------------


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
    )
    lines = _cart_lines(ctx)
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


@router.button(ItemsPage)
async def on_items_page(ctx: Context, data: ItemsPage) -> None:
    _cart_data(ctx, data.purchase_id)
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    await ctx.dialog.goto("item", pending=None)
    ask_item(ctx, purchase, data.page, edit=True)


@router.button(PickItem)
async def on_pick_item(ctx: Context, data: PickItem) -> None:
    _cart_data(ctx, data.purchase_id)
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    item = next((i for i in active_items(purchase) if i.id == data.item_id), None)
    if item is None:
        raise UserError("orders-item-unavailable")
    await choose_item(ctx, item)


@router.step(ORDER, "item")
async def on_item_text(ctx: Context) -> None:
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    items = active_items(purchase)
    item = find_item(items, ctx.event.text)
    if item is None:
        raise UserError("orders-item-unknown", count=len(items))
    await choose_item(ctx, item)


async def choose_item(ctx: Context, item: PurchaseItem) -> None:
    if item.sizes:
        await ctx.dialog.goto("size", pending={"item_id": item.id})
        ask_size(ctx, item)
    else:
        await ctx.dialog.goto("quantity", pending={"item_id": item.id, "size": ""})
        ask_quantity(ctx, item, "")


# --- size, quantity, note -----------------------------------------------------------------------


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


async def _pending_item(
    ctx: Context, purchase: Purchase, steps: tuple[str, ...], item_id: int | None = None
) -> PurchaseItem:
    """The item being added, checked against the step and the button that names it."""
    pending = ctx.dialog.data.get("pending") or {}
    if ctx.dialog.step not in steps or (item_id is not None and pending.get("item_id") != item_id):
        raise UserError("orders-button-stale")
    item = next((i for i in active_items(purchase) if i.id == pending.get("item_id")), None)
    if item is None:
        raise UserError("orders-item-unavailable")
    return item


@router.button(PickSize)
async def on_pick_size(ctx: Context, data: PickSize) -> None:
    _cart_data(ctx)
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    item = await _pending_item(ctx, purchase, ("size", "quantity", "note"), data.item_id)
    if data.index >= len(item.sizes):
        raise UserError("orders-button-stale")
    await _set_size(ctx, item, item.sizes[data.index])


@router.step(ORDER, "size")
async def on_size_text(ctx: Context) -> None:
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    item = await _pending_item(ctx, purchase, ("size",))
    size = match_size(item.sizes, ctx.event.text)
    if size is None:
        raise UserError("orders-size-unknown", name=item.name, sizes=", ".join(item.sizes))
    await _set_size(ctx, item, size)


async def _set_size(ctx: Context, item: PurchaseItem, size: str) -> None:
    await ctx.dialog.goto("quantity", pending={"item_id": item.id, "size": size})
    ask_quantity(ctx, item, size)


@router.button(PickQuantity)
async def on_pick_quantity(ctx: Context, data: PickQuantity) -> None:
    _cart_data(ctx)
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    item = await _pending_item(ctx, purchase, ("quantity", "note"), data.item_id)
    await _set_quantity(ctx, item, data.quantity)


@router.step(ORDER, "quantity")
async def on_quantity_text(ctx: Context) -> None:
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    item = await _pending_item(ctx, purchase, ("quantity",))
    await _set_quantity(ctx, item, typed_quantity(ctx.event.text))


def typed_quantity(text: str) -> int:
    try:
        return parse_quantity(text)
    except QuantityError as exc:
        raise UserError(
            "orders-quantity-invalid", reason=exc.reason.value, max=MAX_QUANTITY
        ) from None


async def _set_quantity(ctx: Context, item: PurchaseItem, quantity: int) -> None:
    pending = dict(ctx.dialog.data.get("pending") or {})
    pending["quantity"] = quantity
    await ctx.dialog.goto("note", pending=pending)
    ask_note(ctx, item)


@router.button(SkipNote)
async def on_skip_note(ctx: Context, data: SkipNote) -> None:
    _cart_data(ctx)
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    item = await _pending_item(ctx, purchase, ("note",), data.item_id)
    await _add_to_cart(ctx, purchase, item, "")


@router.step(ORDER, "note")
async def on_note_text(ctx: Context) -> None:
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    item = await _pending_item(ctx, purchase, ("note",))
    typed = ctx.event.text.strip()
    if typed.casefold() in NO_NOTE_WORDS:
        await _add_to_cart(ctx, purchase, item, "")
        return
    note = clean_line(typed, min_length=1, max_length=NOTE_MAX_LENGTH, allow_links=True)
    if note is None:
        raise UserError("orders-note-invalid", max=NOTE_MAX_LENGTH)
    await _add_to_cart(ctx, purchase, item, note)


async def _add_to_cart(ctx: Context, purchase: Purchase, item: PurchaseItem, note: str) -> None:
    pending = ctx.dialog.data.get("pending") or {}
    new = CartLine(item.id, str(pending.get("size", "")), int(pending["quantity"]), note)
    try:
        lines = add_line(_cart_lines(ctx), new)
    except CartError as exc:
        # Not a UserError: the buyer is moved to where the problem can be fixed.
        if exc.reason == LINE_TOO_LARGE:
            await ctx.dialog.goto("quantity")
            ctx.say("orders-line-too-large", name=item.name, max=MAX_QUANTITY)
            ask_quantity(ctx, item, new.size)
        else:
            await ctx.dialog.goto("cart", pending=None)
            show_cart(ctx, purchase, header=ctx.t("orders-too-many-lines", max=MAX_LINES))
        return
    await ctx.dialog.goto("cart", lines=dump_lines(lines), pending=None)
    show_cart(ctx, purchase, header=ctx.t("orders-added", name=item.name))


# --- the cart -----------------------------------------------------------------------------------


def show_cart(ctx: Context, purchase: Purchase, *, header: str | None = None) -> None:
    lang = ctx.lang
    lines = _cart_lines(ctx)
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


@router.button(CartAction)
async def on_cart_action(ctx: Context, data: CartAction) -> None:
    _cart_data(ctx, data.purchase_id)
    if data.action == "discard":
        number = ctx.dialog.data.get("order_number")
        await ctx.dialog.finish()
        if number:
            ctx.say("orders-cart-discarded-editing", number=number)
        else:
            ctx.say("orders-cart-discarded")
        return
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    if data.action == "show":
        await ctx.dialog.goto("cart", pending=None)
        show_cart(ctx, purchase)
    elif data.action == "add":
        await ctx.dialog.goto("item", pending=None)
        ask_item(ctx, purchase, 0)
    elif data.action == "lines":
        await _ask_line(ctx, purchase)
    else:
        await confirm(ctx, purchase)


@router.step(ORDER, "cart")
async def on_cart_text(ctx: Context) -> None:
    raise UserError("orders-cart-use-buttons")


# --- changing a line ----------------------------------------------------------------------------


async def _ask_line(ctx: Context, purchase: Purchase) -> None:
    lines = _cart_lines(ctx)
    if not lines:
        raise UserError("orders-cart-empty")
    items = {item.id: item for item in purchase.items}
    rows = []
    for index, line in enumerate(lines):
        item = items.get(line.item_id)
        name = short(item.name if item else "?", 28)
        size = f", {line.size}" if line.size else ""
        label = f"{index + 1}. {name}{size} × {line.quantity}"
        pick = CartLinePick(purchase_id=purchase.id, index=index, item_id=line.item_id)
        rows.append([Button(label, pick.pack())])
    rows.append(
        [
            Button(
                ctx.t("orders-button-back-to-cart"),
                CartAction(purchase_id=purchase.id, action="show").pack(),
            )
        ]
    )
    await ctx.dialog.goto("cart", pending=None)
    ctx.say("orders-ask-line", rows)


def _line_at(ctx: Context, index: int, item_id: int) -> CartLine:
    lines = _cart_lines(ctx)
    # The index alone could point at another line after the cart changed.
    if index >= len(lines) or lines[index].item_id != item_id:
        raise UserError("orders-button-stale")
    return lines[index]


@router.button(CartLinePick)
async def on_line_pick(ctx: Context, data: CartLinePick) -> None:
    _cart_data(ctx, data.purchase_id)
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    line = _line_at(ctx, data.index, data.item_id)
    await ctx.dialog.goto("line", line_index=data.index, pending=None)
    item = next((i for i in purchase.items if i.id == line.item_id), None)
    quantities = [
        Button(
            str(q),
            LineQuantity(
                purchase_id=purchase.id, index=data.index, item_id=line.item_id, quantity=q
            ).pack(),
        )
        for q in QUICK_QUANTITIES
    ]
    remove = LineQuantity(
        purchase_id=purchase.id, index=data.index, item_id=line.item_id, quantity=0
    )
    back = CartAction(purchase_id=purchase.id, action="show")
    rows = [
        quantities,
        [
            Button(ctx.t("orders-button-remove-line"), remove.pack()),
            Button(ctx.t("orders-button-back-to-cart"), back.pack()),
        ],
    ]
    args = {"name": item.name if item else "?", "quantity": line.quantity, "max": MAX_QUANTITY}
    if line.size:
        ctx.say("orders-ask-line-quantity-size", rows, size=line.size, **args)
    else:
        ctx.say("orders-ask-line-quantity", rows, **args)


@router.button(LineQuantity)
async def on_line_quantity(ctx: Context, data: LineQuantity) -> None:
    _cart_data(ctx, data.purchase_id)
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    _line_at(ctx, data.index, data.item_id)
    await _change_line(ctx, purchase, data.index, data.quantity)


@router.step(ORDER, "line")
async def on_line_text(ctx: Context) -> None:
    purchase = await _cart_purchase(ctx)
    if purchase is None:
        return
    index = ctx.dialog.data.get("line_index")
    if not isinstance(index, int) or index >= len(_cart_lines(ctx)):
        await ctx.dialog.goto("cart")
        show_cart(ctx, purchase)
        return
    await _change_line(ctx, purchase, index, typed_quantity(ctx.event.text))


async def _change_line(ctx: Context, purchase: Purchase, index: int, quantity: int) -> None:
    lines = set_quantity(_cart_lines(ctx), index, quantity)
    await ctx.dialog.goto("cart", lines=dump_lines(lines), line_index=None)
    key = "orders-line-removed" if quantity == 0 else "orders-line-updated"
    show_cart(ctx, purchase, header=ctx.t(key))


# --- pickup point and confirmation --------------------------------------------------------------


async def confirm(ctx: Context, purchase: Purchase) -> None:
    lines = _cart_lines(ctx)
    if not lines:
        raise UserError("orders-cart-empty")
    # Read the status again under a lock: the organizer may be stopping the purchase now.
    locked = await ctx.uow.orders.visible_purchase(purchase.id, viewer_id=ctx.user.id, lock=True)
    if locked is None or not takes_orders(ctx, locked):
        await ctx.dialog.finish()
        say_closed(ctx, locked)
        return
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
    _cart_data(ctx, data.purchase_id)
    purchase = await _cart_purchase(ctx)
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
    ctx.answer(text, rows)
