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
from bot.texts import Translator
from domain import clock
from domain.lifecycle import PurchaseStatus, collecting
from domain.money import format_amount, format_percent
from domain.periods import format_day
from handlers.kit import MAX_ID, DbId, PageNumber, Paging, media_photo, short
from storage.models import Purchase, PurchaseItem

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


def item_chooser(
    t: Translator,
    items: Sequence[PurchaseItem],
    page: int,
    *,
    pick: Callable[[PurchaseItem], str],
    turn: Callable[[int], str],
) -> tuple[int, list[list[Button]]]:
    """Buttons for one page of items (one per row) and the page turners.

    Returns the page actually shown (clamped) and the rows.
    """
    paging = Paging.of(len(items), ITEMS_PER_PAGE, page)
    start = paging.start
    rows = [
        [Button(item_label(t, number, item), pick(item))]
        for number, item in enumerate(items[start : start + ITEMS_PER_PAGE], start=start + 1)
    ]
    nav = paging.nav(t, turn)
    if nav:
        rows.append(nav)
    return paging.page, rows


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
    items = active_items(purchase)
    lines += ["", t("catalog-card-items", count=len(items))]
    for number, item in enumerate(items[:CARD_ITEMS_SHOWN], start=1):
        line = f"{number}. {item.name} — {format_amount(item.price_kop, lang)}"
        if item.sizes:
            line += " · " + t("catalog-card-sizes", sizes=", ".join(item.sizes))
        lines.append(line)
    if len(items) > CARD_ITEMS_SHOWN:
        lines.append(t("catalog-card-more-items", count=len(items) - CARD_ITEMS_SHOWN))
    rows: list[list[Button]] = []
    if buttons:
        first = []
        if open_now and items:
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
    order = await ctx.uow.orders.active_order(ctx.user.id, purchase.id)
    if order is not None and order.number:
        reply.text += "\n\n" + ctx.t("catalog-card-your-order", number=order.number)
    reply.edit = edit
    ctx.replies.append(reply)


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
