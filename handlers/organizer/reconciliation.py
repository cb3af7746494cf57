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
from bot.services.money import money_state_label, record_refund
from bot.texts import Translator
from domain.exports import CSV_MIME, XLSX_MIME, Table, to_csv, to_xlsx
from domain.reconciliation import ReconciliationRow, reconciliation_totals
from domain.reconciliation import reconciliation_table as domain_table
from handlers.kit import DbId, short
from handlers.organizer.payments import buyer_label, money
from storage.models import Purchase
from storage.repositories.refunds import money_of

router = Router("reconciliation")

# The message is a summary within Telegram's 4096 characters; the files have every row. A
# row with its sum's breakdown takes up to ~250 characters.
RECONCILIATION_ROWS_SHOWN = 15
NAME_SHOWN = 32
PURCHASES_LISTED = 10


class ReconcilePurchase(Payload, prefix="payrec"):
    purchase_id: DbId


class RefundPaid(Payload, prefix="refpaid"):
    """ "I have paid this refund": `amount` is what the button showed, so a press after the
    sum changed (another refund, a new confirmation) is refused instead of recording a
    different sum than the organizer saw."""

    order_id: DbId
    amount: DbId
    confirmed: bool


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
    refunds = refund_buttons(ctx.t, rows)
    if refunds:
        ctx.say("money-rec-refunds", refunds)
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
            + refunded_note(t, row)
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
            transport=money(total.transport_kop, lang),
            transport_any="yes" if total.transport_kop else "no",
            reported=money(total.reported_kop, lang),
            confirmed=money(total.confirmed_kop, lang),
        )
    )
    if total.discount_kop:
        # Who bears the discounts (README, "Invites and codes"): said where the sums are.
        lines.append(t("payment-splits-rec-round-discounts"))
    lines.append(t("payments-rec-owed", owed=money(total.owed_kop, lang)))
    lines.append(t("payments-rec-refund", refund=money(total.refund_kop, lang)))
    return "\n".join(lines)


def refunded_note(t: Translator, row: ReconciliationRow) -> str:
    """ " (уже возвращено 100 ₽)" after a row whose refunds were recorded, else nothing."""
    if not row.refunded_kop:
        return ""
    return t("money-rec-refunded", refunded=money(row.refunded_kop, t.lang))


def breakdown(t: Translator, row: ReconciliationRow) -> str:
    """How the due sum is made, when there is more to it than the items: "(items + fee -
    discount by code)"; nothing for a plain or cancelled order."""
    if row.cancelled or not (row.fee_kop or row.discount_kop or row.transport_kop):
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
        # The transport share (bot/services/transport.py), part of the due.
        transport=money(row.transport_kop, lang),
        transport_any="yes" if row.transport_kop else "no",
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
        "transport",
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
        state_label=lambda row: money_state_label(t, row.money),
        total_label=t("payments-rec-col-total"),
    )


# --- closing with money open -----------------------------------------------------------------

CLOSE_ROWS_SHOWN = 20


async def open_money_warning(ctx: Context, purchase: Purchase) -> str | None:
    """Who still owes or is owed money in the purchase, name and sum each, for the question
    before closing it; None when every order is settled."""
    rows = [row for row in await ctx.uow.payments.reconciliation(purchase.id) if row.money.open]
    if not rows:
        return None
    lang = ctx.lang
    lines = [ctx.t("money-close-open", title=purchase.title, count=len(rows))]
    for row in rows[:CLOSE_ROWS_SHOWN]:
        state = row.money
        lines.append(
            ctx.t(
                "money-close-owes" if state.owed else "money-close-refund",
                buyer=short(row.buyer_name, NAME_SHOWN) or "—",
                number=row.order_number,
                amount=money(state.owed or state.refund, lang),
            )
        )
    if len(rows) > CLOSE_ROWS_SHOWN:
        lines.append(
            ctx.t("money-close-more", count=len(rows) - CLOSE_ROWS_SHOWN, purchase=str(purchase.id))
        )
    total = reconciliation_totals(rows)
    lines.append(
        ctx.t(
            "money-close-totals",
            owed=money(total.owed_kop, lang),
            refund=money(total.refund_kop, lang),
        )
    )
    return "\n".join(lines)


# --- refunds --------------------------------------------------------------------------------

REFUND_BUTTONS = 20  # one per order owed money back; the rest after these are recorded


def refund_buttons(t: Translator, rows: Sequence[ReconciliationRow]) -> list[list[Button]]:
    """A "refund paid" button per order with money to refund, under the reconciliation."""
    return [
        [
            Button(
                t(
                    "money-button-refund",
                    number=row.order_number,
                    amount=money(row.refund_kop, t.lang),
                ),
                RefundPaid(order_id=row.order_id, amount=row.refund_kop, confirmed=False).pack(),
            )
        ]
        for row in rows
        if row.refund_kop and row.order_id
    ][:REFUND_BUTTONS]


@router.button(RefundPaid, role=Role.ORGANIZER)
async def on_refund_paid(ctx: Context, data: RefundPaid) -> None:
    """Ask, then record the refund and tell the buyer. The order is locked while recording,
    so a double press or two devices record it once; another organizer's order is "not
    found"."""
    organizer = ctx.organizer
    assert organizer is not None
    order = await ctx.uow.refunds.organizer_order(organizer.id, data.order_id, lock=data.confirmed)
    if order is None:
        raise UserError("money-refund-not-found")
    number = order.number or str(order.id)
    refund = money_of(order).refund
    if refund == 0:
        raise UserError("money-refund-nothing", number=number)
    if refund != data.amount:
        raise UserError(
            "money-refund-changed",
            number=number,
            amount=money(refund, ctx.lang),
            purchase=str(order.purchase_id),
        )
    if not data.confirmed:
        buyer = await ctx.uow.users.get(order.buyer_id)
        yes = RefundPaid(order_id=order.id, amount=refund, confirmed=True)
        no = ReconcilePurchase(purchase_id=order.purchase_id)
        ctx.say(
            "money-refund-confirm",
            [
                [
                    Button(ctx.t("money-button-refund-yes"), yes.pack()),
                    Button(ctx.t("money-button-refund-no"), no.pack()),
                ]
            ],
            amount=money(refund, ctx.lang),
            buyer=buyer_label(ctx.t, buyer),
            number=number,
        )
        return
    await record_refund(
        ctx.uow,
        ctx.texts,
        order,
        refund,
        organizer=organizer,
        actor_user_id=ctx.user.id,
        now=ctx.now(),
    )
    ctx.say("money-refund-done", amount=money(refund, ctx.lang), number=number)
