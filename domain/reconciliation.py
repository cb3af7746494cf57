"""Payments reconciliation of a purchase: per order how its sum is made (items + organizer
fee - discount = due), what the buyer reported, what the organizer confirmed, and which
way the balance goes; with totals that keep debts and overpayments apart.

Plain rows in, a `Table` out (domain/exports.py writes it as CSV or XLSX). Headers and
state labels come translated from the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from domain.balance import OrderMoney, order_money
from domain.exports import Cell, Money, Table

CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class ReconciliationRow:
    """One order. A cancelled order (or an order of a cancelled purchase) owes nothing:
    its due and its sums are 0, and whatever was confirmed for it is to be refunded.

    Every money figure comes from `money` (domain/balance.py), the same state the buyer's
    /orders, /pay and the reminders read."""

    order_number: str
    buyer_name: str
    cancelled: bool
    due_kop: int
    # Parts of the buyer's payment reports still awaiting the organizer's decision: claimed
    # by the buyer, not yet confirmed (rejected reports are not counted anywhere).
    reported_kop: int
    confirmed_kop: int
    items_kop: int = 0
    fee_kop: int = 0
    discount_kop: int = 0
    promo_code: str | None = None  # the code the discount came from
    refunded_kop: int = 0  # refunds the organizer recorded as paid back
    order_id: int = 0
    compensated_kop: int = 0  # claims decided with money (issue 19)
    transport_kop: int = 0  # the transport share, already part of `due_kop`

    @property
    def money(self) -> OrderMoney:
        return order_money(
            self.due_kop,
            self.confirmed_kop,
            awaiting=self.reported_kop,
            refunded=self.refunded_kop,
            cancelled=self.cancelled,
            compensated=self.compensated_kop,
        )

    @property
    def balance_kop(self) -> int:
        """Still owed when positive, to refund when negative."""
        return self.owed_kop - self.refund_kop

    @property
    def owed_kop(self) -> int:
        return self.money.owed

    @property
    def refund_kop(self) -> int:
        return self.money.refund

    @property
    def state(self) -> str:
        """`cancelled`, `unpaid`, `partially_paid`, `paid`, `overpaid` or `refunded`
        (`balance.OrderMoney.label`)."""
        return self.money.label

    @property
    def balance_kind(self) -> str:
        """Which way the balance goes: `owes`, `overpaid`, `refund` (money paid for a
        cancelled order, all of it owed back), `refunded` or `settled`."""
        if self.owed_kop:
            return "owes"
        if self.refund_kop:
            return "refund" if self.cancelled else "overpaid"
        if self.refunded_kop:
            return "refunded"
        return "settled"


@dataclass(frozen=True, slots=True)
class ReconciliationTotals:
    orders: int = 0
    items_kop: int = 0
    fee_kop: int = 0
    discount_kop: int = 0
    due_kop: int = 0
    reported_kop: int = 0
    confirmed_kop: int = 0
    owed_kop: int = 0  # the sum of positive balances: what buyers still have to pay
    refund_kop: int = 0  # the sum of overpayments: what the organizer has to pay back
    transport_kop: int = 0  # the transport shares (bot/services/transport.py)


def reconciliation_totals(rows: Iterable[ReconciliationRow]) -> ReconciliationTotals:
    """Column sums; debts and overpayments are summed apart, never netted."""
    sums = [0] * 10
    for row in rows:
        values = (
            1,
            row.items_kop,
            row.fee_kop,
            row.discount_kop,
            row.due_kop,
            row.reported_kop,
            row.confirmed_kop,
            row.owed_kop,
            row.refund_kop,
            0 if row.cancelled else row.transport_kop,
        )
        sums = [total + value for total, value in zip(sums, values, strict=True)]
    return ReconciliationTotals(*sums)


def reconciliation_table(
    rows: Sequence[ReconciliationRow],
    *,
    title: str,
    headers: Sequence[str],
    state_label: Callable[[ReconciliationRow], str],
    total_label: str,
) -> Table:
    """Columns: order, buyer, state, items, organizer fee, discount, promo code, transport
    share, due (items + fee - discount + transport),
    reported (awaiting confirmation), confirmed, still owed, to refund; then totals.

    A cancelled order leaves items, fee, discount and code empty: they no longer make up
    anything it owes. "Still owed" and "to refund" are never negative, and at most one of
    them is above zero on an order row, so the direction of each balance is plain.
    """
    table = Table(title=title, headers=list(headers))
    for row in rows:
        parts: list[Cell] = (
            [None, None, None, "", None]
            if row.cancelled
            else [
                Money(row.items_kop),
                Money(row.fee_kop),
                Money(row.discount_kop),
                (row.promo_code or "") if row.discount_kop else "",
                Money(row.transport_kop),
            ]
        )
        table.rows.append(
            [
                row.order_number,
                row.buyer_name,
                state_label(row),
                *parts,
                Money(row.due_kop),
                Money(row.reported_kop),
                Money(row.confirmed_kop),
                Money(row.owed_kop),
                Money(row.refund_kop),
            ]
        )
    totals = reconciliation_totals(rows)
    table.rows.append(
        [
            total_label,
            "",
            "",
            Money(totals.items_kop),
            Money(totals.fee_kop),
            Money(totals.discount_kop),
            "",
            Money(totals.transport_kop),
            Money(totals.due_kop),
            Money(totals.reported_kop),
            Money(totals.confirmed_kop),
            Money(totals.owed_kop),
            Money(totals.refund_kop),
        ]
    )
    return table
