"""Items of a purchase: pasted as lines (all or nothing, errors by line number), added one
by one (name, price, sizes, article, photo), a photo with an item line as its caption, and
the paged item list where items are retired and restored (never deleted).
"""

from __future__ import annotations

from typing import Any, Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.core.router import Role, Router
from domain.items import (
    ItemDraft,
    ItemError,
    check_room,
    clean_article,
    clean_name,
    items_editable,
    parse_paste,
    parse_price,
    parse_sizes_field,
)
from domain.money import format_amount
from handlers.kit import Paging, photo_from_event
from handlers.organizer.kit import (
    ITEMS,
    AddItems,
    AdminItemsPage,
    ItemEdit,
    ItemsDone,
    ItemSkip,
    ItemToggle,
    back_to_card,
    ensure_items_editable,
    item_error_text,
    own_item,
    own_purchase,
    status_label,
)
from handlers.organizer.photos import photos_button
from handlers.organizer.purchases import show_card
from storage.models import Purchase

router = Router("purchase_items")

ITEMS_PER_PAGE = 10
TOGGLES_PER_ROW = 3


async def start_paste(ctx: Context, purchase: Purchase) -> None:
    await ctx.dialog.start(ITEMS, "lines", {"purchase_id": purchase.id})
    ask = ctx.t("purchase-admin-items-ask-paste", title=purchase.title)
    # The optional weight (transport.ftl): for a transport split by weight after arrival.
    ctx.answer(
        ask + "\n" + ctx.t("purchase-admin-items-weight-hint"),
        [
            [
                Button(
                    ctx.t("purchase-admin-button-one-by-one"),
                    AddItems(purchase_id=purchase.id, mode="steps").pack(),
                ),
                Button(
                    ctx.t("purchase-admin-button-done"), ItemsDone(purchase_id=purchase.id).pack()
                ),
            ]
        ],
    )


def steps_buttons(ctx: Context, purchase_id: int) -> list[list[Button]]:
    return [
        [
            Button(
                ctx.t("purchase-admin-button-paste"),
                AddItems(purchase_id=purchase_id, mode="paste").pack(),
            ),
            Button(ctx.t("purchase-admin-button-done"), ItemsDone(purchase_id=purchase_id).pack()),
        ]
    ]


async def start_steps(ctx: Context, purchase: Purchase) -> None:
    await ctx.dialog.start(ITEMS, "name", {"purchase_id": purchase.id})
    ctx.say("purchase-admin-item-ask-name", steps_buttons(ctx, purchase.id))


@router.button(AddItems, role=Role.ORGANIZER)
async def on_add_items(ctx: Context, data: AddItems) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    ensure_items_editable(ctx, purchase)
    if data.mode == "paste":
        await start_paste(ctx, purchase)
    else:
        await start_steps(ctx, purchase)


@router.button(ItemsDone, role=Role.ORGANIZER)
async def on_items_done(ctx: Context, data: ItemsDone) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    if ctx.dialog.name == ITEMS:
        await ctx.dialog.finish()
    await show_card(ctx, purchase)


async def dialog_purchase(ctx: Context) -> Purchase | None:
    """The purchase the items dialog works on, re-checked: it may have been stopped since.

    Then the dialog ends (rather than refusing every later message) and None is returned.
    """
    purchase = await own_purchase(ctx, int(ctx.dialog.data["purchase_id"]))
    if not items_editable(purchase.status):
        await ctx.dialog.finish()
        ctx.say("purchase-admin-items-locked", status=status_label(ctx, purchase.status))
        return None
    return purchase


@router.step(ITEMS, "lines")
async def on_item_lines(ctx: Context) -> None:
    purchase = await dialog_purchase(ctx)
    if purchase is None:
        return
    text = ctx.event.text
    has_photo = bool(ctx.event.attachments)
    if has_photo and not text.strip():
        raise UserError("purchase-admin-items-photo-caption")
    if has_photo and "\n" in text.strip():
        raise UserError("purchase-admin-items-photo-one")
    existing = await ctx.uow.purchases.count_items(purchase.id)
    drafts, errors = parse_paste(text, existing=existing)
    if errors:
        details = "\n".join(
            ctx.t(
                "purchase-admin-items-line-error",
                line=str(e.line),
                error=item_error_text(ctx, e.error),
            )
            for e in errors
        )
        raise UserError(
            "purchase-admin-items-rejected",
            errors=len(errors),
            lines=len(drafts) + len(errors),
            details=details,
        )
    media = await photo_from_event(ctx) if has_photo else None
    if has_photo and media is None:
        raise UserError("purchase-admin-item-photo-expected")
    added = await ctx.uow.purchases.add_items(
        purchase.id, drafts, photo_id=media.id if media is not None else None
    )
    ctx.say(
        "purchase-admin-items-added",
        [
            [
                Button(
                    ctx.t("purchase-admin-button-done"), ItemsDone(purchase_id=purchase.id).pack()
                ),
                Button(
                    ctx.t("purchase-admin-button-one-by-one"),
                    AddItems(purchase_id=purchase.id, mode="steps").pack(),
                ),
            ]
        ],
        added=len(added),
        total=existing + len(added),
    )


def item_value(ctx: Context, parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except ItemError as exc:
        raise UserError("purchase-admin-item-invalid", error=item_error_text(ctx, exc)) from None


def item_skip(ctx: Context, step: Literal["sizes", "article", "photo"]) -> list[list[Button]]:
    return [[Button(ctx.t("purchase-admin-button-skip"), ItemSkip(step=step).pack())]]


@router.step(ITEMS, "name")
async def on_item_name(ctx: Context) -> None:
    text = ctx.event.text
    if ";" in text or "\n" in text.strip() or ctx.event.attachments:
        # A whole item line (or a pasted list, or a photo with its line) where a name was
        # asked: take it as the organizer meant it rather than as a strange name.
        await on_item_lines(ctx)
        return
    if await dialog_purchase(ctx) is None:
        return
    name = item_value(ctx, clean_name, text)
    await ctx.dialog.goto("price", name=name)
    ctx.say("purchase-admin-item-ask-price", name=name)


@router.step(ITEMS, "price")
async def on_item_price(ctx: Context) -> None:
    if await dialog_purchase(ctx) is None:
        return
    price = item_value(ctx, parse_price, ctx.event.text)
    await ctx.dialog.goto("sizes", price_kop=price)
    ctx.say("purchase-admin-item-ask-sizes", item_skip(ctx, "sizes"))


@router.step(ITEMS, "sizes")
async def on_item_sizes(ctx: Context) -> None:
    if await dialog_purchase(ctx) is None:
        return
    sizes, by_rows, row_pieces = item_value(ctx, parse_sizes_field, ctx.event.text)
    await after_sizes(ctx, sizes, by_rows=by_rows, row_pieces=row_pieces)


async def after_sizes(
    ctx: Context, sizes: list[str], *, by_rows: bool = False, row_pieces: int | None = None
) -> None:
    await ctx.dialog.goto("article", sizes=sizes, by_rows=by_rows, row_pieces=row_pieces)
    ctx.say("purchase-admin-item-ask-article", item_skip(ctx, "article"))


@router.step(ITEMS, "article")
async def on_item_article(ctx: Context) -> None:
    if await dialog_purchase(ctx) is None:
        return
    article = item_value(ctx, clean_article, ctx.event.text)
    await after_article(ctx, article)


async def after_article(ctx: Context, article: str | None) -> None:
    await ctx.dialog.goto("photo", article=article)
    ctx.say("purchase-admin-item-ask-photo", item_skip(ctx, "photo"))


@router.step(ITEMS, "photo")
async def on_item_photo(ctx: Context) -> None:
    purchase = await dialog_purchase(ctx)
    if purchase is None:
        return
    media = await photo_from_event(ctx)
    if media is None:
        raise UserError("purchase-admin-item-photo-expected")
    await add_one_item(ctx, purchase, media.id)


@router.button(ItemSkip, role=Role.ORGANIZER)
async def on_item_skip(ctx: Context, data: ItemSkip) -> None:
    if ctx.dialog.name != ITEMS or ctx.dialog.step != data.step:
        raise UserError("purchase-admin-button-stale")
    purchase = await dialog_purchase(ctx)
    if purchase is None:
        return
    if data.step == "sizes":
        await after_sizes(ctx, [])
    elif data.step == "article":
        await after_article(ctx, None)
    else:
        await add_one_item(ctx, purchase, None)


async def add_one_item(ctx: Context, purchase: Purchase, photo_id: int | None) -> None:
    data = ctx.dialog.data
    existing = await ctx.uow.purchases.count_items(purchase.id)
    try:
        check_room(existing, 1)
    except ItemError as exc:
        raise UserError("purchase-admin-item-invalid", error=item_error_text(ctx, exc)) from None
    draft = ItemDraft(
        name=data["name"],
        price_kop=int(data["price_kop"]),
        sizes=list(data.get("sizes") or []),
        article=data.get("article"),
        by_rows=bool(data.get("by_rows")),
        row_pieces=data.get("row_pieces"),
    )
    await ctx.uow.purchases.add_items(purchase.id, [draft], photo_id=photo_id)
    await ctx.dialog.start(ITEMS, "name", {"purchase_id": purchase.id})
    ctx.say(
        "purchase-admin-item-added",
        steps_buttons(ctx, purchase.id),
        name=draft.name,
        price=format_amount(draft.price_kop, ctx.lang),
        total=existing + 1,
    )


@router.button(AdminItemsPage, role=Role.ORGANIZER)
async def on_items_page(ctx: Context, data: AdminItemsPage) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    await show_items(ctx, purchase, data.page, edit=True)


async def show_items(ctx: Context, purchase: Purchase, page: int, *, edit: bool = False) -> None:
    repo = ctx.uow.purchases
    total = await repo.count_items(purchase.id)
    if total == 0:
        ctx.say(
            "purchase-admin-items-empty",
            [[await photos_button(ctx, purchase)], [back_to_card(ctx, purchase.id)]],
        )
        return
    paging = Paging.of(total, ITEMS_PER_PAGE, page)
    page, pages = paging.page, paging.pages
    start = paging.start
    items = await repo.items(purchase.id, offset=start, limit=ITEMS_PER_PAGE)
    lines = [
        ctx.t(
            "purchase-admin-items-title",
            title=purchase.title,
            total=total,
            page=page + 1,
            pages=pages,
        )
    ]
    toggles = []
    editable = items_editable(purchase.status)
    for number, item in enumerate(items, start=start + 1):
        entry = f"{number}. {item.name} — {format_amount(item.price_kop, ctx.lang)}"
        if item.sizes:
            entry += " · " + ", ".join(item.sizes)
        if item.by_rows:  # size rows (domain/size_rows.py)
            entry += " · " + ctx.t("rows-item-mark", pieces=item.row_pieces or 0)
        if item.article:
            entry += " · " + ctx.t("purchase-admin-item-article", article=item.article)
        if item.photo_id:
            entry += " · 🖼"
        if not item.active:
            entry += " — " + ctx.t("purchase-admin-item-retired")
        lines.append(entry)
        if editable:
            key = (
                "purchase-admin-button-retire-item"
                if item.active
                else "purchase-admin-button-restore-item"
            )
            toggles.append(
                Button(
                    ctx.t(key, number=str(number)),
                    ItemToggle(item_id=item.id, active=not item.active, page=page).pack(),
                )
            )
    rows = [toggles[i : i + TOGGLES_PER_ROW] for i in range(0, len(toggles), TOGGLES_PER_ROW)]
    if editable:
        # Correcting an item's name, price or sizes (handlers/organizer/editing.py).
        edits = [
            Button(
                ctx.t("purchase-edit-button-item", number=str(number)),
                ItemEdit(item_id=item.id, page=page).pack(),
            )
            for number, item in enumerate(items, start=start + 1)
        ]
        rows += [edits[i : i + TOGGLES_PER_ROW] for i in range(0, len(edits), TOGGLES_PER_ROW)]
    nav = paging.nav(ctx.t, lambda p: AdminItemsPage(purchase_id=purchase.id, page=p).pack())
    if nav:
        rows.append(nav)
    last = [back_to_card(ctx, purchase.id)]
    if editable:
        last.insert(
            0,
            Button(
                ctx.t("purchase-admin-button-add-items"),
                AddItems(purchase_id=purchase.id, mode="paste").pack(),
            ),
        )
    rows.append(last)
    # The purchase's photos live here, a tap from the card: VK's inline keyboard holds ten
    # buttons, and the card has them all.
    rows.insert(len(rows) - 1, [await photos_button(ctx, purchase)])
    ctx.answer("\n".join(lines), rows, edit=edit)


@router.button(ItemToggle, role=Role.ORGANIZER)
async def on_item_toggle(ctx: Context, data: ItemToggle) -> None:
    item = await own_item(ctx, data.item_id)
    purchase = await own_purchase(ctx, item.purchase_id)
    ensure_items_editable(ctx, purchase)
    item.active = data.active
    ctx.say(
        "purchase-admin-item-restored" if data.active else "purchase-admin-item-retired-now",
        name=item.name,
    )
    await show_items(ctx, purchase, data.page)
