"""The organizer's purchases: /mypurchases, /purchase <id>, status changes with buyer
notifications, the orders of a purchase and their export files; and what the organizer's
other purchase screens share (payloads, ownership checks, paging).

Every button names a purchase or an item by id; each handler loads it through
`own_purchase` / `own_item`, which find nothing for another organizer's ids, so a forged
payload gets the same polite "not found" as a stale one and changes nothing.

Creating purchases is in handlers/organizer/new_purchase.py, their items in
handlers/organizer/items.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button, Document
from bot.core.router import Role, Router
from bot.services.purchases import move_purchase
from domain import exports
from domain.items import ItemError, items_editable
from domain.lifecycle import PurchaseStatus, next_statuses
from domain.money import format_amount, format_percent
from domain.purchase_form import FormError, format_deadline
from handlers.kit import MAX_ID, DbId, PageNumber, Paging, require_organizer, short
from storage.models import Purchase, PurchaseItem

router = Router("purchases_admin")

NEW = "new_purchase"  # steps: title, description, supplier, category, fee, stop, pay, min
ITEMS = "purchase_items"  # steps: lines (a paste), or name, price, sizes, article, photo

PURCHASES_PER_PAGE = 5
ORDERS_PER_PAGE = 10
# The stop date moves while orders are not yet counted on; the payment deadline until the
# goods are ordered (handlers/organizer/dates.py).
STOP_DATE_EDITABLE = (PurchaseStatus.DRAFT, PurchaseStatus.OPEN)
PAY_DATE_EDITABLE = (
    PurchaseStatus.DRAFT,
    PurchaseStatus.OPEN,
    PurchaseStatus.STOPPED,
    PurchaseStatus.PAYMENT,
)

ChoiceValue = Annotated[str, Field(pattern=r"^[a-z0-9]{1,12}$")]


class MyPurchasesPage(Payload, prefix="pal"):
    page: PageNumber


class PurchaseView(Payload, prefix="pav"):
    purchase_id: DbId


class StatusMove(Payload, prefix="pas"):
    purchase_id: DbId
    status: PurchaseStatus
    confirmed: bool


class OrdersPage(Payload, prefix="pao"):
    purchase_id: DbId
    page: PageNumber


class ExportMenu(Payload, prefix="pae"):
    purchase_id: DbId


class ExportFile(Payload, prefix="pax"):
    purchase_id: DbId
    shape: Literal["supplier", "distribution"]
    fmt: Literal["csv", "xlsx"]


class AdminItemsPage(Payload, prefix="pai"):
    purchase_id: DbId
    page: PageNumber


class ItemToggle(Payload, prefix="pat"):
    item_id: DbId
    active: bool
    page: PageNumber


class AddItems(Payload, prefix="paa"):
    purchase_id: DbId
    mode: Literal["paste", "steps"]


class ItemsDone(Payload, prefix="pad"):
    purchase_id: DbId


class FormChoice(Payload, prefix="pan"):
    """A button inside /newpurchase: skip an optional field, a category or a fee."""

    step: Literal["description", "supplier", "category", "fee", "min"]
    value: ChoiceValue


class ItemSkip(Payload, prefix="paq"):
    step: Literal["sizes", "article", "photo"]


class DateEdit(Payload, prefix="pdt"):
    """Change the stop date or the payment deadline; handled in handlers/organizer/dates.py."""

    purchase_id: DbId
    field: Literal["stop", "pay"]


# --- shared pieces --------------------------------------------------------------------------


def status_label(ctx: Context, status: PurchaseStatus) -> str:
    return ctx.t("purchase-admin-status", status=status.value)


def localized(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Error arguments in the reader's language: dates and money formatted."""
    result: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, datetime):
            result[name] = format_deadline(value, ctx.lang)
        elif name == "max_kop":
            result["max"] = format_amount(value, ctx.lang)
        else:
            result[name] = value
    return result


def form_error(ctx: Context, exc: FormError) -> UserError:
    return UserError(f"purchase-admin-error-{exc.code}", **localized(ctx, exc.args_))


def item_error_text(ctx: Context, exc: ItemError) -> str:
    return ctx.t(f"purchase-admin-item-error-{exc.code}", **localized(ctx, exc.args_))


async def own_purchase(ctx: Context, purchase_id: int, *, lock: bool = False) -> Purchase:
    """The purchase a button or command names, if it is this organizer's."""
    organizer = require_organizer(ctx)
    purchase = await ctx.uow.purchases.own_purchase(purchase_id, organizer.id, lock=lock)
    if purchase is None:
        raise UserError("purchase-admin-not-found")
    return purchase


async def own_item(ctx: Context, item_id: int) -> PurchaseItem:
    item = await ctx.uow.purchases.own_item(item_id, require_organizer(ctx).id)
    if item is None:
        raise UserError("purchase-admin-item-not-found")
    return item


def ensure_items_editable(ctx: Context, purchase: Purchase) -> None:
    if not items_editable(purchase.status):
        raise UserError("purchase-admin-items-locked", status=status_label(ctx, purchase.status))


def back_to_card(ctx: Context, purchase_id: int) -> Button:
    return Button(ctx.t("purchase-admin-button-card"), PurchaseView(purchase_id=purchase_id).pack())


# --- /mypurchases and the purchase card -----------------------------------------------------


@router.command("mypurchases", aliases=("моипокупки",), role=Role.ORGANIZER)
async def my_purchases(ctx: Context) -> None:
    await show_my_purchases(ctx, 0)


@router.button(MyPurchasesPage, role=Role.ORGANIZER)
async def on_my_purchases_page(ctx: Context, data: MyPurchasesPage) -> None:
    await show_my_purchases(ctx, data.page, edit=True)


async def show_my_purchases(ctx: Context, page: int, *, edit: bool = False) -> None:
    organizer = require_organizer(ctx)
    repo = ctx.uow.purchases
    total = await repo.count_own(organizer.id)
    new_button = [
        Button(ctx.t("purchase-admin-button-new"), CommandPayload(name="newpurchase").pack())
    ]
    if total == 0:
        ctx.say("purchase-admin-mine-empty", [new_button])
        return
    paging = Paging.of(total, PURCHASES_PER_PAGE, page)
    page, pages = paging.page, paging.pages
    start = paging.start
    purchases = await repo.own_purchases(organizer.id, offset=start, limit=PURCHASES_PER_PAGE)
    buyers = await repo.buyer_counts([p.id for p in purchases])
    lines = [ctx.t("purchase-admin-mine-title", total=total, page=page + 1, pages=pages)]
    rows: list[list[Button]] = []
    for purchase in purchases:
        lines.append(
            ctx.t(
                "purchase-admin-mine-entry",
                id=str(purchase.id),
                title=purchase.title,
                status=status_label(ctx, purchase.status),
                buyers=buyers.get(purchase.id, 0),
            )
        )
        rows.append(
            [
                Button(
                    f"№{purchase.id} {short(purchase.title)}",
                    PurchaseView(purchase_id=purchase.id).pack(),
                )
            ]
        )
    nav = paging.nav(ctx.t, lambda p: MyPurchasesPage(page=p).pack())
    if nav:
        rows.append(nav)
    rows.append(new_button)
    ctx.answer("\n".join(lines), rows, edit=edit)


@router.command("purchase", role=Role.ORGANIZER)
async def purchase_command(ctx: Context) -> None:
    typed = ctx.args.strip().lstrip("#№").strip()
    if not typed:
        await show_my_purchases(ctx, 0)
        return
    if not (typed.isascii() and typed.isdigit() and len(typed) <= 10 and 1 <= int(typed) <= MAX_ID):
        raise UserError("purchase-admin-bad-id")
    await show_card(ctx, await own_purchase(ctx, int(typed)))


@router.button(PurchaseView, role=Role.ORGANIZER)
async def on_purchase_view(ctx: Context, data: PurchaseView) -> None:
    await show_card(ctx, await own_purchase(ctx, data.purchase_id))


async def show_card(ctx: Context, purchase: Purchase, *, edit: bool = False) -> None:
    repo = ctx.uow.purchases
    lang = ctx.lang
    summary = await repo.summary(purchase.id)
    active_items = await repo.count_items(purchase.id, active_only=True)
    all_items = await repo.count_items(purchase.id)
    text = ctx.t(
        "purchase-admin-card",
        id=str(purchase.id),
        title=purchase.title,
        status=status_label(ctx, purchase.status),
        supplier=purchase.supplier or "-",
        category=purchase.category or "-",
        fee=format_percent(purchase.fee_bp, lang),
        stop=format_deadline(purchase.stop_at, lang) if purchase.stop_at else "-",
        pay=format_deadline(purchase.payment_due_at, lang) if purchase.payment_due_at else "-",
        items=active_items,
        retired=all_items - active_items,
        buyers=summary.buyers,
        orders=summary.orders,
        items_sum=format_amount(summary.items_kop, lang),
        fee_sum=format_amount(summary.fee_kop, lang),
        discount=format_amount(summary.discount_kop, lang),
        due=format_amount(summary.due_kop, lang),
        paid=format_amount(summary.paid_kop, lang),
        link=f"/start p_{purchase.id}",
    )
    if purchase.min_total_kop:
        left = max(0, purchase.min_total_kop - summary.items_kop)
        text += "\n" + ctx.t(
            "purchase-admin-card-minimum",
            minimum=format_amount(purchase.min_total_kop, lang),
            left=format_amount(left, lang),
            reached="yes" if left == 0 else "no",
        )
    rows: list[list[Button]] = []
    moves = [
        Button(
            ctx.t("purchase-admin-move", status=target.value),
            StatusMove(purchase_id=purchase.id, status=target, confirmed=False).pack(),
        )
        for target in next_statuses(purchase.status)
    ]
    if moves:
        rows.append(moves)
    item_row = [
        Button(
            ctx.t("purchase-admin-button-items", count=all_items),
            AdminItemsPage(purchase_id=purchase.id, page=0).pack(),
        )
    ]
    if items_editable(purchase.status):
        item_row.append(
            Button(
                ctx.t("purchase-admin-button-add-items"),
                AddItems(purchase_id=purchase.id, mode="paste").pack(),
            )
        )
    rows.append(item_row)
    rows.append(
        [
            Button(
                ctx.t("purchase-admin-button-orders", count=summary.orders),
                OrdersPage(purchase_id=purchase.id, page=0).pack(),
            ),
            Button(
                ctx.t("purchase-admin-button-exports"), ExportMenu(purchase_id=purchase.id).pack()
            ),
        ]
    )
    dates = [
        Button(
            ctx.t(f"purchase-admin-button-date-{field}"),
            DateEdit(purchase_id=purchase.id, field=field).pack(),
        )
        for field, statuses in (("stop", STOP_DATE_EDITABLE), ("pay", PAY_DATE_EDITABLE))
        if purchase.status in statuses
    ]
    if dates:
        rows.append(dates)
    rows.append([Button(ctx.t("purchase-admin-button-mine"), MyPurchasesPage(page=0).pack())])
    ctx.answer(text, rows, edit=edit)


# --- status changes -------------------------------------------------------------------------


@router.button(StatusMove, role=Role.ORGANIZER)
async def on_status_move(ctx: Context, data: StatusMove) -> None:
    # Locked while deciding, so two presses (or two devices) cannot both move it.
    purchase = await own_purchase(ctx, data.purchase_id, lock=data.confirmed)
    target = data.status
    if target not in next_statuses(purchase.status):
        raise UserError("purchase-admin-status-stale", status=status_label(ctx, purchase.status))
    repo = ctx.uow.purchases
    if target is PurchaseStatus.OPEN and await repo.count_items(purchase.id, active_only=True) == 0:
        raise UserError("purchase-admin-open-needs-items")
    if target is PurchaseStatus.OPEN and purchase.stop_at and purchase.stop_at <= ctx.now():
        # It would stop again at once: the organizer moves the date first.
        raise UserError(
            "purchase-admin-open-stop-passed", stop=format_deadline(purchase.stop_at, ctx.lang)
        )
    if not data.confirmed:
        summary = await repo.summary(purchase.id)
        confirm = [
            [
                Button(
                    ctx.t("purchase-admin-button-yes"),
                    StatusMove(purchase_id=purchase.id, status=target, confirmed=True).pack(),
                ),
                Button(
                    ctx.t("purchase-admin-button-no"), PurchaseView(purchase_id=purchase.id).pack()
                ),
            ]
        ]
        ctx.say(
            "purchase-admin-move-confirm",
            confirm,
            title=purchase.title,
            status=status_label(ctx, target),
            buyers=summary.buyers,
            cancel="yes" if target is PurchaseStatus.CANCELLED else "no",
        )
        return
    notified = await move_purchase(
        ctx.uow, ctx.texts, purchase, target, actor_user_id=ctx.user.id, now=ctx.now()
    )
    ctx.say("purchase-admin-moved", status=status_label(ctx, target), notified=notified)
    await show_card(ctx, purchase)


# --- orders and exports ---------------------------------------------------------------------


# Buyers' notes on order lines in the list: a page stays one message (Telegram: 4096
# characters), so a few per order, shortened; the distribution export has them all.
NOTES_SHOWN_PER_ORDER = 2
NOTE_SHOWN = 80
NOTE_ITEM_SHOWN = 30


@router.button(OrdersPage, role=Role.ORGANIZER)
async def on_orders_page(ctx: Context, data: OrdersPage) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    repo = ctx.uow.purchases
    total = await repo.count_active_orders(purchase.id)
    back = [
        Button(ctx.t("purchase-admin-button-exports"), ExportMenu(purchase_id=purchase.id).pack()),
        back_to_card(ctx, purchase.id),
    ]
    if total == 0:
        ctx.say("purchase-admin-orders-empty", [[back_to_card(ctx, purchase.id)]])
        return
    paging = Paging.of(total, ORDERS_PER_PAGE, data.page)
    page, pages = paging.page, paging.pages
    start = paging.start
    rows = await repo.orders_page(purchase.id, offset=start, limit=ORDERS_PER_PAGE)
    lang = ctx.lang
    lines = [
        ctx.t(
            "purchase-admin-orders-title",
            title=purchase.title,
            total=total,
            page=page + 1,
            pages=pages,
        )
    ]
    for number, row in enumerate(rows, start=start + 1):
        lines.append(
            ctx.t(
                "purchase-admin-order-entry",
                number=str(number),
                order=row.order.number or "-",
                buyer=row.buyer_name or "-",
                pieces=row.quantity,
                due=format_amount(row.order.due_kop, lang),
                discounted="yes" if row.order.discount_kop else "no",
                discount=format_amount(row.order.discount_kop, lang),
                code=row.promo_code or "-",
                has_code="yes" if row.promo_code else "no",
                paid=format_amount(row.order.confirmed_paid_kop, lang),
                pickup=row.pickup_name or ctx.t("purchase-admin-no-pickup"),
            )
        )
        for note in row.notes[:NOTES_SHOWN_PER_ORDER]:
            item = short(note.item_name, NOTE_ITEM_SHOWN)
            lines.append(
                ctx.t(
                    "purchase-admin-order-note",
                    item=f"{item}, {note.size}" if note.size else item,
                    note=short(note.note, NOTE_SHOWN),
                )
            )
        if len(row.notes) > NOTES_SHOWN_PER_ORDER:
            more = len(row.notes) - NOTES_SHOWN_PER_ORDER
            lines.append(ctx.t("purchase-admin-order-notes-more", count=more))
    buttons = []
    nav = paging.nav(ctx.t, lambda p: OrdersPage(purchase_id=purchase.id, page=p).pack())
    if nav:
        buttons.append(nav)
    # Assigning pickup points (handlers/organizer/pickup.py, which imports this module).
    from handlers.organizer.pickup import orders_list_row

    if pickup_row := await orders_list_row(ctx, purchase):
        buttons.append(pickup_row)
    buttons.append(back)
    ctx.answer("\n".join(lines), buttons, edit=data.page != 0)


@router.button(ExportMenu, role=Role.ORGANIZER)
async def on_export_menu(ctx: Context, data: ExportMenu) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)

    def button(
        key: str, shape: Literal["supplier", "distribution"], fmt: Literal["csv", "xlsx"]
    ) -> Button:
        return Button(ctx.t(key), ExportFile(purchase_id=purchase.id, shape=shape, fmt=fmt).pack())

    ctx.say(
        "purchase-admin-exports",
        [
            [
                button("purchase-admin-button-supplier-csv", "supplier", "csv"),
                button("purchase-admin-button-supplier-xlsx", "supplier", "xlsx"),
            ],
            [
                button("purchase-admin-button-distribution-csv", "distribution", "csv"),
                button("purchase-admin-button-distribution-xlsx", "distribution", "xlsx"),
            ],
            [back_to_card(ctx, purchase.id)],
        ],
        title=purchase.title,
    )


async def build_export(ctx: Context, purchase: Purchase, shape: str) -> exports.Table:
    """The table of one export shape, with headers in the organizer's language."""
    repo = ctx.uow.purchases
    t = ctx.t
    if shape == "supplier":
        return exports.supplier_table(
            await repo.supplier_lines(purchase.id),
            title=t("purchase-admin-export-supplier-sheet"),
            headers=t("purchase-admin-export-supplier-columns").split("|"),
            total_label=t("purchase-admin-export-total"),
        )
    return exports.distribution_table(
        await repo.distribution_orders(purchase.id),
        title=t("purchase-admin-export-distribution-sheet"),
        headers=t("purchase-admin-export-distribution-columns").split("|"),
        no_pickup_label=t("purchase-admin-no-pickup"),
        total_label=t("purchase-admin-export-total"),
    )


@router.button(ExportFile, role=Role.ORGANIZER)
async def on_export_file(ctx: Context, data: ExportFile) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    orders = await ctx.uow.purchases.count_active_orders(purchase.id)
    if orders == 0:
        raise UserError("purchase-admin-export-empty")
    table = await build_export(ctx, purchase, data.shape)
    if data.fmt == "csv":
        content, mime = exports.to_csv(table, ctx.lang), exports.CSV_MIME
    else:
        content, mime = exports.to_xlsx(table), exports.XLSX_MIME
    file_name = f"purchase-{purchase.id}-{data.shape}.{data.fmt}"
    ctx.answer(
        ctx.t("purchase-admin-export-ready", title=purchase.title, shape=data.shape, orders=orders),
        document=Document(file_name, content, mime),
    )
