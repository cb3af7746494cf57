"""Payments reconciliation of a purchase for its organizer: per order due, reported (pending
reports), confirmed and balance, with totals, as a message and as CSV and XLSX files."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button, Document
from bot.core.router import Role, Router
from bot.domain.exports import CSV_MIME, XLSX_MIME, Money, Table, to_csv, to_xlsx
from bot.domain.pricing import payment_state
from bot.texts import Translator
from handlers.payment_reports import DbId, money, short
from storage.models import Purchase
from storage.repositories.payments import ReconciliationRow

router = Router("reconciliation")

# The message is a summary within Telegram's 4096 characters; the files have every row.
RECONCILIATION_ROWS_SHOWN = 25
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


def totals(rows: Sequence[ReconciliationRow]) -> tuple[int, int, int, int]:
    return (
        sum(r.due_kop for r in rows),
        sum(r.reported_kop for r in rows),
        sum(r.confirmed_kop for r in rows),
        sum(r.balance_kop for r in rows),
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
                reported=money(row.reported_kop, lang),
                confirmed=money(row.confirmed_kop, lang),
                balance=money(row.balance_kop, lang),
            )
        )
    if len(rows) > RECONCILIATION_ROWS_SHOWN:
        lines.append(t("payments-rec-more", count=len(rows) - RECONCILIATION_ROWS_SHOWN))
    due, reported, confirmed, owed = totals(rows)
    lines.append(
        t(
            "payments-rec-totals",
            orders=len(rows),
            due=money(due, lang),
            reported=money(reported, lang),
            confirmed=money(confirmed, lang),
            balance=money(owed, lang),
        )
    )
    return "\n".join(lines)


def reconciliation_table(
    t: Translator, purchase: Purchase, rows: Sequence[ReconciliationRow]
) -> Table:
    """One row per order (by buyer), then totals; the same table makes the CSV and XLSX
    files, in the formats of the other exports (bot/domain/exports.py)."""
    headers = [
        t("payments-rec-col-number"),
        t("payments-rec-col-buyer"),
        t("payments-rec-col-status"),
        t("payments-rec-col-due"),
        t("payments-rec-col-reported"),
        t("payments-rec-col-confirmed"),
        t("payments-rec-col-balance"),
    ]
    table = Table(title=t("payments-rec-sheet", id=str(purchase.id)), headers=headers)
    for row in rows:
        state = payment_state(row.due_kop, row.confirmed_kop).value
        status = t("payments-rec-status", cancelled="yes" if row.cancelled else "no", state=state)
        table.rows.append(
            [
                row.order_number,
                row.buyer_name,
                status,
                Money(row.due_kop),
                Money(row.reported_kop),
                Money(row.confirmed_kop),
                Money(row.balance_kop),
            ]
        )
    due, reported, confirmed, owed = totals(rows)
    table.rows.append(
        [
            t("payments-rec-col-total"),
            "",
            "",
            Money(due),
            Money(reported),
            Money(confirmed),
            Money(owed),
        ]
    )
    return table
