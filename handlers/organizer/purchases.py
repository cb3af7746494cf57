"""The organizer's purchases: /mypurchases, /purchase <id> (the card) and status changes
with buyer notifications.

Creating purchases is in handlers/organizer/new_purchase.py, their items in
handlers/organizer/items.py, their orders and exports in handlers/organizer/orders.py, what
these screens share in handlers/organizer/kit.py.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import CommandPayload
from bot.core.replies import Button
from bot.core.router import Role, Router
from bot.services.purchases import move_purchase
from domain.items import items_editable
from domain.lifecycle import PurchaseStatus, next_statuses
from domain.money import format_amount, format_percent
from domain.periods import format_day
from domain.purchase_edit import can_delete, editable_fields
from domain.reconciliation import reconciliation_totals
from handlers.kit import MAX_ID, Paging, require_organizer, short
from handlers.organizer import buyouts_kit, shortfalls
from handlers.organizer.comments import comments_buttons
from handlers.organizer.kit import (
    PAY_DATE_EDITABLE,
    STOP_DATE_EDITABLE,
    AddItems,
    AdminItemsPage,
    ArchivePage,
    DatesMenu,
    DraftDelete,
    ExportMenu,
    MyPurchasesPage,
    OrdersPage,
    PurchaseEditMenu,
    PurchaseView,
    StatusMove,
    own_purchase,
    status_label,
)
from handlers.organizer.reconciliation import open_money_warning
from handlers.organizer.round_discounts import round_discount_line
from handlers.organizer.transport_kit import transport_row
from storage.models import Purchase

router = Router("purchases")

PURCHASES_PER_PAGE = 5


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
    # Closed and cancelled purchases wait in the archive (handlers/organizer/editing.py).
    archived = await repo.count_own(organizer.id, archived=True)
    if archived:
        new_button.append(
            Button(
                ctx.t("purchase-edit-button-archive", count=archived),
                ArchivePage(page=0).pack(),
            )
        )
    if total == 0:
        empty = "purchase-edit-mine-only-archive" if archived else "purchase-admin-mine-empty"
        ctx.say(empty, [new_button], archived=archived)
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
    # The card's money is /reconcile's (domain/balance.py per order): a cancelled purchase
    # owes nothing and its confirmed money is to refund, the same words in every view.
    money_total = reconciliation_totals(await ctx.uow.payments.reconciliation(purchase.id))
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
        stop=format_day(purchase.stop_at, lang) if purchase.stop_at else "-",
        pay=format_day(purchase.payment_due_at, lang) if purchase.payment_due_at else "-",
        items=active_items,
        retired=all_items - active_items,
        buyers=summary.buyers,
        orders=summary.orders,
        items_sum=format_amount(summary.items_kop, lang),
        fee_sum=format_amount(summary.fee_kop, lang),
        discount=format_amount(summary.discount_kop, lang),
        due=format_amount(money_total.due_kop, lang),
        paid=format_amount(money_total.confirmed_kop, lang),
        link=f"/start p_{purchase.id}",
    )
    if money_total.reported_kop or money_total.owed_kop or money_total.refund_kop:
        text += "\n" + ctx.t(
            "purchase-admin-card-money-open",
            awaiting=format_amount(money_total.reported_kop, lang),
            owed=format_amount(money_total.owed_kop, lang),
            refund=format_amount(money_total.refund_kop, lang),
            has_awaiting="yes" if money_total.reported_kop else "no",
            has_refund="yes" if money_total.refund_kop else "no",
        )
    if purchase.pickup_note:
        text += "\n" + ctx.t("purchase-edit-card-pickup", note=purchase.pickup_note)
    text += "\n" + round_discount_line(ctx, purchase)
    # The minimum to buy out, sum or pieces, and how far the orders are (issue 21).
    text += "".join("\n" + line for line in await buyouts_kit.card_lines(ctx, purchase))
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
    # The dates and the round-discount choice live in the Edit menu: a VK keyboard holds ten
    # buttons, and the card must fit one message on every platform.
    rows.extend(edit_rows(ctx, purchase))
    if issue21 := await shortfalls.card_buttons(ctx, purchase):  # size rows, shortfalls
        rows.append(issue21)
    if buyout_row := await buyouts_kit.card_row(ctx, purchase):
        rows.append(buyout_row)
    rows.extend(transport_row(ctx, purchase))
    if waiting := await comments_buttons(ctx, purchase):
        rows.append(waiting)
    rows.append([Button(ctx.t("purchase-admin-button-mine"), MyPurchasesPage(page=0).pack())])
    ctx.answer(text, rows, edit=edit)


def dates_button(ctx: Context, purchase: Purchase) -> list[Button]:
    """The Edit menu's way to the dates, while one of them may still move (dates.py)."""
    if purchase.status not in STOP_DATE_EDITABLE and purchase.status not in PAY_DATE_EDITABLE:
        return []
    return [Button(ctx.t("purchase-admin-button-dates"), DatesMenu(purchase_id=purchase.id).pack())]


def edit_rows(ctx: Context, purchase: Purchase) -> list[list[Button]]:
    """Edit (what may change now) and, for a draft, Delete (handlers/organizer/editing.py)."""
    row = []
    if editable_fields(purchase.status):
        row.append(
            Button(
                ctx.t("purchase-edit-button-edit"),
                PurchaseEditMenu(purchase_id=purchase.id).pack(),
            )
        )
    if can_delete(purchase.status):
        row.append(
            Button(
                ctx.t("purchase-edit-button-delete"),
                DraftDelete(purchase_id=purchase.id, confirmed=False).pack(),
            )
        )
    return [row] if row else []


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
            "purchase-admin-open-stop-passed", stop=format_day(purchase.stop_at, ctx.lang)
        )
    if target is PurchaseStatus.PAYMENT:
        await shortfalls.ensure_rows_decided(ctx, purchase)
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
        question = ctx.t(
            "purchase-admin-move-confirm",
            title=purchase.title,
            status=status_label(ctx, target),
            buyers=summary.buyers,
            cancel="yes" if target is PurchaseStatus.CANCELLED else "no",
        )
        if target is PurchaseStatus.CLOSED:
            # Closing with money still owed or to refund: the organizer sees who first.
            warning = await open_money_warning(ctx, purchase)
            if warning:
                question = warning + "\n\n" + question
        ctx.answer(question, confirm)
        return
    reach = await move_purchase(
        ctx.uow, ctx.texts, purchase, target, actor_user_id=ctx.user.id, now=ctx.now()
    )
    moved = ctx.t(
        "purchase-admin-moved", status=status_label(ctx, target), notified=len(reach.reached)
    )
    ctx.answer("\n".join([moved, *reach.not_reached_lines(ctx.t)]))
    await show_card(ctx, purchase)
