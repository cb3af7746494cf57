"""Payments reconciliation of a purchase for its organizer: per order how the due sum is made
(items, organizer fee, discount and its promo code), what the buyer reported and awaits
confirmation, what was confirmed, and what is still owed or to be refunded; with totals,
as a message and as CSV and XLSX files. The rules are in domain/reconciliation.py."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button, Document
from bot.core.router import Role, Router
from bot.texts import Translator
from domain.exports import CSV_MIME, XLSX_MIME, Table, to_csv, to_xlsx
from domain.reconciliation import ReconciliationRow, reconciliation_totals
from domain.reconciliation import reconciliation_table as domain_table
from handlers.kit import DbId, short
from handlers.organizer.payments import money
from storage.models import Purchase

router = Router("reconciliation")

# The message is a summary within Telegram's 4096 characters; the files have every row. A
# row with its sum's breakdown takes up to ~250 characters.
RECONCILIATION_ROWS_SHOWN = 15
NAME_SHOWN = 32
PURCHASES_LISTED = 10


class ReconcilePurchase(Payload, prefix="payrec"):
    purchase_id: DbId


@router.command("reconcile", aliases=("сверка",), role=Role.ORGANIZER)
async def reconcile(ctx: Context) -> None:
    assert ctx.organizer is not None
    typed = ctx.args.strip().lstrip("#№")
    if typed:
        if not typed.isascii() or not typed.isdigit() or not 1 <= int(typed) < 2**31:
            raise UserError("payments-rec-purchase-invalid")
        await send_reconciliation(ctx, int(typed))
        return
    purchases = await ctx.uow.payments.organizer_purchases(ctx.organizer.id, limit=PURCHASES_LISTED)
    if not purchases:
        ctx.say("payments-rec-no-purchases")
        return
    rows = [
        [Button(f"{p.id} · {short(p.title, 40)}", ReconcilePurchase(purchase_id=p.id).pack())]
        for p in purchases
    ]
    ctx.say("payments-rec-choose", rows)


@router.button(ReconcilePurchase, role=Role.ORGANIZER)
async def on_reconcile(ctx: Context, data: ReconcilePurchase) -> None:
    await send_reconciliation(ctx, data.purchase_id)


async def send_reconciliation(ctx: Context, purchase_id: int) -> None:
    assert ctx.organizer is not None
    purchase = await ctx.uow.payments.organizer_purchase(ctx.organizer.id, purchase_id)
    if purchase is None:
        raise UserError("payments-rec-not-found", id=str(purchase_id))
    rows = await ctx.uow.payments.reconciliation(purchase.id)
    ctx.answer(reconciliation_text(ctx.t, purchase, rows))
    if not rows:
        return
    table = reconciliation_table(ctx.t, purchase, rows)
    base = f"reconciliation-{purchase.id}"
    ctx.answer(
        ctx.t("payments-rec-file-csv"),
        document=Document(f"{base}.csv", to_csv(table, ctx.lang), CSV_MIME),
    )
    ctx.answer(
        ctx.t("payments-rec-file-xlsx"),
        document=Document(f"{base}.xlsx", to_xlsx(table), XLSX_MIME),
    )


def reconciliation_text(
    t: Translator, purchase: Purchase, rows: Sequence[ReconciliationRow]
) -> str:
    lang = t.lang
    lines = [t("payments-rec-title", title=purchase.title, id=str(purchase.id))]
    if not rows:
        lines.append(t("payments-rec-empty"))
        return "\n".join(lines)
    for row in rows[:RECONCILIATION_ROWS_SHOWN]:
        lines.append(
            t(
                "payments-rec-row",
                number=row.order_number,
                buyer=short(row.buyer_name, NAME_SHOWN) or "—",
                cancelled="yes" if row.cancelled else "no",
                due=money(row.due_kop, lang),
                breakdown=breakdown(t, row),
                reported=money(row.reported_kop, lang),
                reported_any="yes" if row.reported_kop else "no",
                confirmed=money(row.confirmed_kop, lang),
                balance_kind=row.balance_kind,
                owed=money(row.owed_kop, lang),
                refund=money(row.refund_kop, lang),
            )
        )
    if len(rows) > RECONCILIATION_ROWS_SHOWN:
        lines.append(t("payments-rec-more", count=len(rows) - RECONCILIATION_ROWS_SHOWN))
    total = reconciliation_totals(rows)
    lines.append(
        t(
            "payments-rec-totals",
            orders=total.orders,
            due=money(total.due_kop, lang),
            items=money(total.items_kop, lang),
            fee=money(total.fee_kop, lang),
            discount=money(total.discount_kop, lang),
            reported=money(total.reported_kop, lang),
            confirmed=money(total.confirmed_kop, lang),
        )
    )
    lines.append(t("payments-rec-owed", owed=money(total.owed_kop, lang)))
    lines.append(t("payments-rec-refund", refund=money(total.refund_kop, lang)))
    return "\n".join(lines)


def breakdown(t: Translator, row: ReconciliationRow) -> str:
    """How the due sum is made, when there is more to it than the items: "(items + fee -
    discount by code)"; nothing for a plain or cancelled order."""
    if row.cancelled or not (row.fee_kop or row.discount_kop):
        return ""
    lang = t.lang
    return t(
        "payments-rec-breakdown",
        items=money(row.items_kop, lang),
        fee=money(row.fee_kop, lang),
        fee_any="yes" if row.fee_kop else "no",
        discount=money(row.discount_kop, lang),
        discount_any="yes" if row.discount_kop else "no",
        code=row.promo_code or "-",
        has_code="yes" if row.promo_code else "no",
    )


def reconciliation_table(
    t: Translator, purchase: Purchase, rows: Sequence[ReconciliationRow]
) -> Table:
    """One row per order (by buyer), then totals (domain/reconciliation.py); the same
    table makes the CSV and XLSX files, in the formats of the other exports."""
    columns = (
        "number",
        "buyer",
        "status",
        "items",
        "fee",
        "discount",
        "promo",
        "due",
        "reported",
        "confirmed",
        "owed",
        "refund",
    )
    return domain_table(
        rows,
        title=t("payments-rec-sheet", id=str(purchase.id)),
        headers=[t(f"payments-rec-col-{column}") for column in columns],
        state_label=lambda row: t(
            "payments-rec-status",
            cancelled="yes" if row.cancelled else "no",
            state=row.state,
        ),
        total_label=t("payments-rec-col-total"),
    )
