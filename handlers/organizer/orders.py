"""The orders of a purchase as its organizer sees them, page by page (buyer, pieces, sums,
discounts, payments, pickup point, the buyers' notes), and their export files: for the
supplier (totals by item and size) and for distribution (by pickup point and buyer)."""

from __future__ import annotations

from typing import Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button, Document
from bot.core.router import Role, Router
from domain import exports
from domain.money import format_amount
from domain.size_rows import RowDecision, rows_to_order
from handlers.kit import Paging, short
from handlers.organizer.buyouts_kit import blacklist_modes, order_marks
from handlers.organizer.kit import ExportFile, ExportMenu, OrdersPage, back_to_card, own_purchase
from handlers.organizer.pickup import orders_list_row
from storage.models import Purchase
from storage.repositories.shortfalls import ShortfallRepository

router = Router("purchase_orders")

ORDERS_PER_PAGE = 10
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
    # Non-payers and the organizer's black list, marked under their orders (buyouts_kit.py).
    modes = await blacklist_modes(ctx, purchase.organizer_id)
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
        lines += order_marks(ctx, row.order, modes)
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
        table = exports.supplier_table(
            await repo.supplier_lines(purchase.id),
            title=t("purchase-admin-export-supplier-sheet"),
            headers=t("purchase-admin-export-supplier-columns").split("|"),
            total_label=t("purchase-admin-export-total"),
            item_rows=await rows_notes(ctx, purchase),
        )
        # The supplier reads the file apart from the bot: it names the purchase.
        table.heading = t("small-export-heading", title=purchase.title, id=str(purchase.id))
        return table
    return exports.distribution_table(
        await repo.distribution_orders(purchase.id),
        title=t("purchase-admin-export-distribution-sheet"),
        headers=t("purchase-admin-export-distribution-columns").split("|"),
        no_pickup_label=t("purchase-admin-no-pickup"),
        total_label=t("purchase-admin-export-total"),
        not_bought_label=t("rows-export-not-bought"),
    )


async def supplier_order(ctx: Context, purchase: Purchase) -> exports.Table:
    """The supplier file's second sheet: the order to forward as it is (transport.ftl)."""
    t = ctx.t
    table = exports.supplier_order_table(
        await ctx.uow.purchases.supplier_lines(purchase.id),
        title=t("transport-export-order-sheet"),
        headers=t("transport-export-order-columns").split("|"),
        total_label=t("purchase-admin-export-total"),
        item_rows=await rows_notes(ctx, purchase),
    )
    table.heading = t(
        "transport-export-order-heading",
        title=purchase.title,
        id=str(purchase.id),
        supplier=purchase.supplier or "-",
    )
    return table


async def distribution_sheets(ctx: Context, purchase: Purchase) -> list[exports.Table]:
    t = ctx.t
    return exports.distribution_book(
        await ctx.uow.purchases.distribution_orders(purchase.id),
        title=t("purchase-admin-export-distribution-sheet"),
        headers=t("purchase-admin-export-distribution-columns").split("|"),
        no_pickup_label=t("purchase-admin-no-pickup"),
        total_label=t("purchase-admin-export-total"),
        subtotal_label=t("small-export-point-total"),
        signature_header=t("small-export-signature"),
        heading=t("small-export-heading", title=purchase.title, id=str(purchase.id)),
        not_bought_label=t("rows-export-not-bought"),
    )


async def rows_notes(ctx: Context, purchase: Purchase) -> dict[int, str]:
    """Per item sold by size rows: the rows to order, and the places the organizer buys out
    (domain/size_rows.py), for the supplier sheet."""
    notes = {}
    for entry in await ShortfallRepository(ctx.uow.session).purchase_rows(
        purchase.id, active_only=False
    ):
        bought_out = [
            place.size or "?"
            for row in entry.rows
            if not row.filled and entry.decisions.get(row.number) is RowDecision.BUY_OUT
            for place in row.places
            if not place.taken
        ]
        notes[entry.item.id] = ctx.t(
            "rows-export-rows",
            rows=rows_to_order(entry.rows, entry.decisions),
            own=", ".join(bought_out) or "-",
            has_own="yes" if bought_out else "no",
        )
    return notes


@router.button(ExportFile, role=Role.ORGANIZER)
async def on_export_file(ctx: Context, data: ExportFile) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    orders = await ctx.uow.purchases.count_active_orders(purchase.id)
    if orders == 0:
        raise UserError("purchase-admin-export-empty")
    if data.fmt == "xlsx" and data.shape == "distribution":
        # To print: the whole purchase, then a sheet per pickup point with its subtotal.
        content = exports.to_xlsx_book(await distribution_sheets(ctx, purchase))
        mime = exports.XLSX_MIME
    elif data.fmt == "xlsx" and data.shape == "supplier":
        # The sums and notes, then the order ready to forward (article, item, size, pieces).
        tables = [
            await build_export(ctx, purchase, "supplier"),
            await supplier_order(ctx, purchase),
        ]
        content, mime = exports.to_xlsx_book(tables), exports.XLSX_MIME
    else:
        table = await build_export(ctx, purchase, data.shape)
        if data.fmt == "csv":
            content, mime = exports.to_csv(table, ctx.lang), exports.CSV_MIME
        else:
            content, mime = exports.to_xlsx(table), exports.XLSX_MIME
    file_name = ctx.t(
        "small-export-file-name",
        title=exports.file_name_part(purchase.title),
        id=str(purchase.id),
        shape=data.shape,
        fmt=data.fmt,
    )
    ctx.answer(
        ctx.t("purchase-admin-export-ready", title=purchase.title, shape=data.shape, orders=orders),
        document=Document(file_name, content, mime),
    )
