"""The catalogue buyers browse: open purchases page by page, a purchase's card, its deep link.

Also what the buyer's other screens share of it: the item chooser and its items.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.events import ChatKind
from bot.core.payloads import Payload
from bot.core.replies import Button, Photo, Reply
from bot.core.router import Router
from bot.services.buyouts import progress_line
from bot.texts import Translator
from domain import clock
from domain.lifecycle import PurchaseStatus, collecting
from domain.money import format_amount, format_percent
from domain.periods import format_day
from handlers.kit import MAX_ID, DbId, PageNumber, Paging, media_photo, short
from handlers.size_rows_view import buyer_rows_block
from storage.models import Purchase, PurchaseItem
from storage.repositories.shortfalls import ShortfallRepository

router = Router("catalog")

PURCHASES_PER_PAGE = 5
ITEMS_PER_PAGE = 5
# A card is one message: Telegram cuts at 4096 characters, so long catalogues are summarized
# (the item chooser pages through all of them).
CARD_ITEMS_SHOWN = 30
DESCRIPTION_SHOWN = 600
_PURCHASE_ID = re.compile(r"[0-9]{1,10}")


class CatalogPage(Payload, prefix="bcat"):
    page: PageNumber


class PurchaseCard(Payload, prefix="bpur"):
    purchase_id: DbId


class StartOrder(Payload, prefix="bbuy"):
    """ "Order" on a purchase card; handled in handlers/buyer/ordering.py."""

    purchase_id: DbId


class StartComment(Payload, prefix="bcmt"):
    """ "Comment" on a purchase card; handled in handlers/buyer/comments.py."""

    purchase_id: DbId


class PurchasePhotosView(Payload, prefix="bphs"):
    """ "All photos" on a purchase card with more than one photo."""

    purchase_id: DbId


class OrderItemPhotos(Payload, prefix="bitph"):
    """ "Photos" under the order dialog's item chooser; handled in handlers/buyer/ordering.py."""

    purchase_id: DbId
    page: PageNumber


class CommentItemPhotos(Payload, prefix="bciph"):
    """ "Photos" under the comment dialog's item chooser; handled in
    handlers/buyer/comments.py."""

    purchase_id: DbId
    page: PageNumber


# --- shared pieces ------------------------------------------------------------------------------


def active_items(purchase: Purchase) -> list[PurchaseItem]:
    """The items a buyer can order, in the organizer's order; numbered from 1 on screen."""
    return sorted((i for i in purchase.items if i.active), key=lambda i: (i.position, i.id))


def find_item(items: Sequence[PurchaseItem], text: str) -> PurchaseItem | None:
    """An item by its number on the card or by its exact name (any case)."""
    typed = text.strip().lstrip("#№").strip()
    if typed.isascii() and typed.isdigit() and len(typed) <= 4:
        number = int(typed)
        return items[number - 1] if 1 <= number <= len(items) else None
    wanted = typed.casefold()
    named = [item for item in items if item.name.casefold() == wanted]
    return named[0] if len(named) == 1 else None


def item_label(t: Translator, number: int, item: PurchaseItem) -> str:
    return f"{number}. {short(item.name, 28)} — {format_amount(item.price_kop, t.lang)}"


def item_line(t: Translator, number: int, item: PurchaseItem) -> str:
    """An item as the card lists it (and its photo's caption): number, name, price, sizes."""
    line = f"{number}. {item.name} — {format_amount(item.price_kop, t.lang)}"
    if item.sizes:
        line += " · " + t("catalog-card-sizes", sizes=", ".join(item.sizes))
    return line


def item_chooser(
    t: Translator,
    items: Sequence[PurchaseItem],
    page: int,
    *,
    pick: Callable[[PurchaseItem], str],
    turn: Callable[[int], str],
    photos: Callable[[int], str] | None = None,
) -> tuple[int, list[list[Button]]]:
    """Buttons for one page of items (one per row) and the page turners; with `photos` (the
    payload for a page's photos) a Photos button when an item of the page has a photo.

    Returns the page actually shown (clamped) and the rows.
    """
    paging = Paging.of(len(items), ITEMS_PER_PAGE, page)
    start = paging.start
    shown = items[start : start + ITEMS_PER_PAGE]
    rows = [
        [Button(item_label(t, number, item) + (" 🖼" if item.photo_id else ""), pick(item))]
        for number, item in enumerate(shown, start=start + 1)
    ]
    nav = paging.nav(t, turn)
    if nav:
        rows.append(nav)
    with_photo = sum(1 for item in shown if item.photo_id)
    if photos is not None and with_photo:
        rows.append([Button(t("photos-button-items", count=with_photo), photos(paging.page))])
    return paging.page, rows


async def item_photos(
    ctx: Context,
    items: Sequence[PurchaseItem],
    page: int,
    *,
    pick: Callable[[PurchaseItem], Button],
) -> None:
    """The photos of one page of the item chooser, a photo message per item (captioned as the
    card lists it, with `pick`'s button under it): one message each keeps every item's own
    button, which an album cannot carry. Photos this platform cannot show are left out."""
    paging = Paging.of(len(items), ITEMS_PER_PAGE, page)
    start = paging.start
    shown = items[start : start + ITEMS_PER_PAGE]
    media = await ctx.uow.orders.media_many([i.photo_id for i in shown if i.photo_id])
    sent = 0
    for number, item in enumerate(shown, start=start + 1):
        photo = media_photo(media.get(item.photo_id or 0), ctx.event.platform)
        if photo is None:
            continue
        ctx.answer(item_line(ctx.t, number, item), [[pick(item)]], photo=photo)
        sent += 1
    if sent == 0:
        ctx.say("photos-items-none")


def takes_orders(ctx: Context, purchase: Purchase) -> bool:
    """Whether buyers may order, change or cancel in `purchase` now: open and before its
    stop date, even if the scheduler has not stopped it yet (`lifecycle.collecting`)."""
    return collecting(purchase.status, purchase.stop_at, ctx.now())


def closed_for_orders(ctx: Context, purchase: Purchase | None) -> UserError:
    """The refusal for a purchase that takes no orders (or is gone): naming its stop date
    when that is what closed it."""
    if (
        purchase is not None
        and purchase.status is PurchaseStatus.OPEN
        and purchase.stop_at is not None
    ):
        return UserError(
            "orders-purchase-stop-passed",
            title=purchase.title,
            date=format_day(purchase.stop_at, ctx.lang),
        )
    return UserError("orders-purchase-closed")


def ensure_takes_orders(ctx: Context, purchase: Purchase) -> None:
    if not takes_orders(ctx, purchase):
        raise closed_for_orders(ctx, purchase)


def say_closed(ctx: Context, purchase: Purchase | None) -> None:
    """`closed_for_orders` as a message, where a refusal must not roll back (a cart that
    is closed along with it)."""
    refusal = closed_for_orders(ctx, purchase)
    ctx.say(refusal.key, **refusal.args_)


# --- the card -----------------------------------------------------------------------------------


def shows_order_button(purchase: Purchase, now: datetime) -> bool:
    """Whether the card carries "Order": while the purchase collects and has items. The
    card's hint to a buyer with an order follows it, so it never names a missing button."""
    return collecting(purchase.status, purchase.stop_at, now) and bool(active_items(purchase))


def purchase_card(
    t: Translator,
    purchase: Purchase,
    *,
    buttons: bool = True,
    photo: Photo | None = None,
    now: datetime | None = None,
) -> Reply:
    """A purchase as buyers see it: title, organizer, supplier, category, fee, stop date,
    description and items with prices and sizes.

    `purchase.organizer` and `purchase.items` must be loaded (`uow.orders.visible_purchase`).
    With `buttons` the card carries Order (while open), Comment and Back; a community post
    passes `buttons=False` and adds its own link to the bot (`/start p_<id>`). A purchase
    past its stop date (`now`, default the current time) reads as stopped even before the
    scheduler has moved it.
    """
    lang = t.lang
    open_now = collecting(purchase.status, purchase.stop_at, now or clock.now())
    lines = [t("catalog-card-title", title=purchase.title)]
    lines.append(t("catalog-card-organizer", name=purchase.organizer.name))
    if purchase.supplier:
        lines.append(t("catalog-card-supplier", supplier=purchase.supplier))
    if purchase.category:
        lines.append(t("catalog-card-category", category=purchase.category))
    lines.append(t("catalog-card-fee", fee=format_percent(purchase.fee_bp, lang)))
    if purchase.stop_at is not None:
        lines.append(t("catalog-card-stop", date=format_day(purchase.stop_at, lang)))
    if not open_now:
        shown = (
            PurchaseStatus.STOPPED if purchase.status is PurchaseStatus.OPEN else purchase.status
        )
        lines.append(t("catalog-card-status", status=shown.value))
    if purchase.description:
        lines += ["", short(purchase.description.strip(), DESCRIPTION_SHOWN)]
    if purchase.pickup_note:
        lines.append(t("purchase-edit-card-pickup", note=purchase.pickup_note.strip()))
    items = active_items(purchase)
    lines += ["", t("catalog-card-items", count=len(items))]
    for number, item in enumerate(items[:CARD_ITEMS_SHOWN], start=1):
        lines.append(item_line(t, number, item))
    if len(items) > CARD_ITEMS_SHOWN:
        lines.append(t("catalog-card-more-items", count=len(items) - CARD_ITEMS_SHOWN))
    rows: list[list[Button]] = []
    if buttons:
        first = []
        if shows_order_button(purchase, now or clock.now()):
            first.append(
                Button(t("catalog-button-order"), StartOrder(purchase_id=purchase.id).pack())
            )
        if items:
            first.append(
                Button(t("catalog-button-comment"), StartComment(purchase_id=purchase.id).pack())
            )
        if first:
            rows.append(first)
        rows.append([Button(t("catalog-button-back"), CatalogPage(page=0).pack())])
    return Reply(text="\n".join(lines), buttons=rows, photo=photo)


def private_only(ctx: Context) -> None:
    """Orders and comments are personal: a card button pressed under a community post must
    not open a cart inside the group."""
    if ctx.event.chat.kind is not ChatKind.PRIVATE:
        raise UserError("group-use-private")


async def load_purchase(ctx: Context, purchase_id: int) -> Purchase:
    """The purchase a button or link names, if this user may see it; a clear refusal if not."""
    private_only(ctx)
    purchase = await ctx.uow.orders.visible_purchase(purchase_id, viewer_id=ctx.user.id)
    if purchase is None:
        raise UserError("catalog-purchase-not-found")
    return purchase


async def show_purchase(ctx: Context, purchase_id: int, *, edit: bool = False) -> None:
    purchase = await load_purchase(ctx, purchase_id)
    media = await ctx.uow.orders.media(purchase.photo_id)
    reply = purchase_card(
        ctx.t, purchase, photo=media_photo(media, ctx.event.platform), now=ctx.now()
    )
    # Items sold by size rows: each row's filling and the free places (domain/size_rows.py).
    found = await ShortfallRepository(ctx.uow.session).purchase_rows(purchase.id)
    if found and purchase.status in (PurchaseStatus.OPEN, PurchaseStatus.STOPPED):
        offer = shows_order_button(purchase, ctx.now())
        reply.text += "\n\n" + buyer_rows_block(ctx.t, active_items(purchase), found, offer=offer)
    if progress := await progress_line(ctx.uow, ctx.t, purchase):
        reply.text += "\n" + progress  # the minimum to buy out (issue 21)
    order = await ctx.uow.orders.active_order(ctx.user.id, purchase.id)
    if order is not None and order.number:
        can_change = "yes" if shows_order_button(purchase, ctx.now()) else "no"
        reply.text += "\n\n" + ctx.t(
            "catalog-card-your-order", number=order.number, can_change=can_change
        )
    photos = await ctx.uow.purchases.photos(purchase.id)
    if len(photos) > 1:
        # The card carries the cover; the others are a button away, not ten messages each time.
        all_photos = Button(
            ctx.t("photos-button-all", count=len(photos)),
            PurchasePhotosView(purchase_id=purchase.id).pack(),
        )
        reply.buttons.insert(max(0, len(reply.buttons) - 1), [all_photos])
    reply.edit = edit
    ctx.replies.append(reply)


@router.button(PurchasePhotosView)
async def on_purchase_photos(ctx: Context, data: PurchasePhotosView) -> None:
    """Every photo of the purchase, then a way back to its card."""
    purchase = await load_purchase(ctx, data.purchase_id)
    photos = await ctx.uow.purchases.photos(purchase.id)
    media = await ctx.uow.orders.media_many([p.media_id for p in photos])
    shown = [media_photo(media.get(p.media_id), ctx.event.platform) for p in photos]
    visible = [photo for photo in shown if photo is not None]
    for number, photo in enumerate(visible, start=1):
        ctx.answer(
            ctx.t("photos-caption-buyer", title=purchase.title, number=number, total=len(visible)),
            photo=photo,
        )
    back = Button(ctx.t("photos-button-card"), PurchaseCard(purchase_id=purchase.id).pack())
    ctx.say("photos-buyer-after" if visible else "photos-none-here", [[back]], title=purchase.title)


# --- handlers -----------------------------------------------------------------------------------


@router.command("purchases", aliases=("покупки", "каталог", "catalog"))
async def purchases(ctx: Context) -> None:
    await show_catalog(ctx, 0)


@router.button(CatalogPage)
async def on_catalog_page(ctx: Context, data: CatalogPage) -> None:
    await show_catalog(ctx, data.page, edit=True)


@router.button(PurchaseCard)
async def on_purchase_card(ctx: Context, data: PurchaseCard) -> None:
    await show_purchase(ctx, data.purchase_id)


@router.start_link("p")
async def purchase_link(ctx: Context, value: str) -> None:
    """`/start p_<purchase id>`: the link an organizer's post or a friend shares."""
    if not _PURCHASE_ID.fullmatch(value) or not 1 <= int(value) <= MAX_ID:
        raise UserError("catalog-link-invalid")
    await show_purchase(ctx, int(value))


async def show_catalog(ctx: Context, page: int, *, edit: bool = False) -> None:
    private_only(ctx)
    total = await ctx.uow.orders.count_open_purchases(ctx.now())
    if total == 0:
        ctx.say("catalog-empty")
        return
    paging = Paging.of(total, PURCHASES_PER_PAGE, page)
    page, pages = paging.page, paging.pages
    start = paging.start
    found = await ctx.uow.orders.open_purchases(ctx.now(), offset=start, limit=PURCHASES_PER_PAGE)
    lang = ctx.lang
    lines = [ctx.t("catalog-list-title", total=total, page=page + 1, pages=pages)]
    rows: list[list[Button]] = []
    for number, purchase in enumerate(found, start=start + 1):
        stop = (
            format_day(purchase.stop_at, lang)
            if purchase.stop_at is not None
            else ctx.t("catalog-no-stop-date")
        )
        lines.append(
            ctx.t(
                "catalog-list-entry",
                number=str(number),
                title=purchase.title,
                organizer=purchase.organizer.name,
                fee=format_percent(purchase.fee_bp, lang),
                stop=stop,
            )
        )
        rows.append(
            [
                Button(
                    f"{number}. {short(purchase.title)}",
                    PurchaseCard(purchase_id=purchase.id).pack(),
                )
            ]
        )
    nav = paging.nav(ctx.t, lambda p: CatalogPage(page=p).pack())
    if nav:
        rows.append(nav)
    ctx.answer("\n".join(lines), rows, edit=edit)
