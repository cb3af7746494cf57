"""Ordering: the cart dialog (item -> size -> quantity -> note -> cart -> pickup -> confirm).

The cart lives in the dialog state in the database, so a restart loses nothing. A buyer has
at most one live order per purchase: ordering again in the same purchase loads that order
into the cart, and confirming replaces its lines (same number, sums recalculated). Lines of a
placed order keep the price they were ordered at; lines added now take today's price.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.core.router import Router
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
    match_size,
    parse_quantity,
    set_quantity,
)
from domain.text_rules import clean_line
from handlers.buyer.blacklisted import ensure_not_refused
from handlers.buyer.cart import (
    ORDER,
    CartAction,
    CartLinePick,
    ItemsPage,
    LineQuantity,
    PickItem,
    PickQuantity,
    PickSize,
    SkipNote,
    ask_item,
    ask_note,
    ask_quantity,
    ask_size,
    cart_data,
    cart_lines,
    cart_purchase,
    show_cart,
    start_cart,
)
from handlers.buyer.catalog import (
    OrderItemPhotos,
    StartOrder,
    active_items,
    ensure_takes_orders,
    find_item,
    item_photos,
    load_purchase,
)
from handlers.buyer.placing import confirm
from handlers.kit import short
from storage.models import Order, Purchase, PurchaseItem

router = Router("orders")

# Typed instead of a note, these mean "no note".
NO_NOTE_WORDS = frozenset({"-", "—", "нет", "no", "none", "skip", "без примечания"})


# --- starting and editing a cart ----------------------------------------------------------------


@router.button(StartOrder)
async def on_start_order(ctx: Context, data: StartOrder) -> None:
    purchase = await load_purchase(ctx, data.purchase_id)
    ensure_takes_orders(ctx, purchase)
    await ensure_not_refused(ctx, purchase)  # the organizer's black list (issue 21)
    if ctx.dialog.name == ORDER and ctx.dialog.data.get("purchase_id") == purchase.id:
        # The cart of this purchase is already open: keep it and add to it.
        await ctx.dialog.goto("item", pending=None)
    else:
        # One open cart at a time: an unconfirmed cart of another purchase is dropped, and
        # the buyer is told so rather than finding it gone later.
        dropped = ctx.dialog.name == ORDER and bool(cart_lines(ctx))
        previous = ctx.dialog.data.get("purchase_id") if dropped else None
        order = await ctx.uow.orders.active_order(ctx.user.id, purchase.id)
        await start_cart(ctx, purchase, order)
        if previous is not None:
            old = await ctx.uow.orders.visible_purchase(int(previous), viewer_id=ctx.user.id)
            ctx.say("orders-previous-cart-dropped", title=old.title if old else "")
    ask_item(ctx, purchase, 0)


async def edit_order(ctx: Context, purchase: Purchase, order: Order) -> None:
    """Open the cart on a placed order (the "Change" button of an order): the buyer changes
    lines and quantities, adds items, and confirms to save."""
    await start_cart(ctx, purchase, order, announce=False)
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
        dropped = ctx.dialog.name == ORDER and bool(cart_lines(ctx))
        previous = ctx.dialog.data.get("purchase_id") if dropped else None
        order = await ctx.uow.orders.active_order(ctx.user.id, purchase.id)
        await start_cart(ctx, purchase, order, announce=False)
        if previous is not None:
            old = await ctx.uow.orders.visible_purchase(int(previous), viewer_id=ctx.user.id)
            ctx.say("orders-previous-cart-dropped", title=old.title if old else "")
    item = next((i for i in purchase.items if i.id == line.item_id), None)
    try:
        lines = add_line(cart_lines(ctx), line)
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


# --- choosing an item ---------------------------------------------------------------------------


@router.button(ItemsPage)
async def on_items_page(ctx: Context, data: ItemsPage) -> None:
    cart_data(ctx, data.purchase_id)
    purchase = await cart_purchase(ctx)
    if purchase is None:
        return
    await ctx.dialog.goto("item", pending=None)
    ask_item(ctx, purchase, data.page, edit=True)


@router.button(OrderItemPhotos)
async def on_item_photos(ctx: Context, data: OrderItemPhotos) -> None:
    """The photos of a page of the chooser, each with its own Choose button, and the chooser
    again under them (a new message: an edit cannot move it below the photos)."""
    cart_data(ctx, data.purchase_id)
    purchase = await cart_purchase(ctx)
    if purchase is None:
        return
    await ctx.dialog.goto("item", pending=None)
    await item_photos(
        ctx,
        active_items(purchase),
        data.page,
        pick=lambda item: Button(
            ctx.t("photos-button-pick-item"),
            PickItem(purchase_id=purchase.id, item_id=item.id).pack(),
        ),
    )
    ask_item(ctx, purchase, data.page)


@router.button(PickItem)
async def on_pick_item(ctx: Context, data: PickItem) -> None:
    cart_data(ctx, data.purchase_id)
    purchase = await cart_purchase(ctx)
    if purchase is None:
        return
    item = next((i for i in active_items(purchase) if i.id == data.item_id), None)
    if item is None:
        raise UserError("orders-item-unavailable")
    await choose_item(ctx, item)


@router.step(ORDER, "item")
async def on_item_text(ctx: Context) -> None:
    purchase = await cart_purchase(ctx)
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
    cart_data(ctx)
    purchase = await cart_purchase(ctx)
    if purchase is None:
        return
    item = await _pending_item(ctx, purchase, ("size", "quantity", "note"), data.item_id)
    if data.index >= len(item.sizes):
        raise UserError("orders-button-stale")
    await _set_size(ctx, item, item.sizes[data.index])


@router.step(ORDER, "size")
async def on_size_text(ctx: Context) -> None:
    purchase = await cart_purchase(ctx)
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
    cart_data(ctx)
    purchase = await cart_purchase(ctx)
    if purchase is None:
        return
    item = await _pending_item(ctx, purchase, ("quantity", "note"), data.item_id)
    await _set_quantity(ctx, item, data.quantity)


@router.step(ORDER, "quantity")
async def on_quantity_text(ctx: Context) -> None:
    purchase = await cart_purchase(ctx)
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
    cart_data(ctx)
    purchase = await cart_purchase(ctx)
    if purchase is None:
        return
    item = await _pending_item(ctx, purchase, ("note",), data.item_id)
    await _add_to_cart(ctx, purchase, item, "")


@router.step(ORDER, "note")
async def on_note_text(ctx: Context) -> None:
    purchase = await cart_purchase(ctx)
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
        lines = add_line(cart_lines(ctx), new)
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


@router.button(CartAction)
async def on_cart_action(ctx: Context, data: CartAction) -> None:
    cart_data(ctx, data.purchase_id)
    if data.action == "discard":
        number = ctx.dialog.data.get("order_number")
        await ctx.dialog.finish()
        if number:
            ctx.say("orders-cart-discarded-editing", number=number)
        else:
            ctx.say("orders-cart-discarded")
        return
    purchase = await cart_purchase(ctx)
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
    lines = cart_lines(ctx)
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
    lines = cart_lines(ctx)
    # The index alone could point at another line after the cart changed.
    if index >= len(lines) or lines[index].item_id != item_id:
        raise UserError("orders-button-stale")
    return lines[index]


@router.button(CartLinePick)
async def on_line_pick(ctx: Context, data: CartLinePick) -> None:
    cart_data(ctx, data.purchase_id)
    purchase = await cart_purchase(ctx)
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
    cart_data(ctx, data.purchase_id)
    purchase = await cart_purchase(ctx)
    if purchase is None:
        return
    _line_at(ctx, data.index, data.item_id)
    await _change_line(ctx, purchase, data.index, data.quantity)


@router.step(ORDER, "line")
async def on_line_text(ctx: Context) -> None:
    purchase = await cart_purchase(ctx)
    if purchase is None:
        return
    index = ctx.dialog.data.get("line_index")
    if not isinstance(index, int) or index >= len(cart_lines(ctx)):
        await ctx.dialog.goto("cart")
        show_cart(ctx, purchase)
        return
    await _change_line(ctx, purchase, index, typed_quantity(ctx.event.text))


async def _change_line(ctx: Context, purchase: Purchase, index: int, quantity: int) -> None:
    lines = set_quantity(cart_lines(ctx), index, quantity)
    await ctx.dialog.goto("cart", lines=dump_lines(lines), line_index=None)
    key = "orders-line-removed" if quantity == 0 else "orders-line-updated"
    show_cart(ctx, purchase, header=ctx.t(key))
