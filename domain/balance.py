"""An order's money state: the one place every view reads it from.

/orders and the order card, /pay, the organizer's /payments and /reconcile, payment
reminders, notifications and the exports all call `order_money`, so the buyer and the
organizer never read two different stories about the same order.

The rules, in int kopecks:
- an order that is cancelled, or belongs to a cancelled purchase, owes nothing (its due is 0)
  and whatever was confirmed for it is to be refunded;
- only the organizer's confirmation makes money "confirmed"; money the buyer reported that
  awaits the organizer's decision is shown beside it as "awaiting confirmation" and is never
  asked for twice (`to_report`);
- confirmed money beyond the due is owed back ("to refund") until the organizer records the
  refund as paid ("refunded");
- a claim decided with a full refund or a partial compensation (issue 19) lowers what the
  order costs by that amount (`compensated`, never below 0): money already confirmed beyond
  it becomes "to refund", which /reconcile's refund buttons pay out; an unpaid order simply
  owes less.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MoneyState(StrEnum):
    """Where an order's money stands, as one word the texts choose their sentence by."""

    NOTHING_DUE = "nothing_due"  # cancelled, nothing paid: no money either way
    UNPAID = "unpaid"  # owes all of its due, nothing reported
    AWAITING = "awaiting"  # owes, but reports awaiting confirmation cover some of it
    PARTIALLY_PAID = "partially_paid"  # some confirmed, the rest owed, nothing reported
    PAID = "paid"  # confirmed == due
    REFUND_DUE = "refund_due"  # confirmed beyond the due (or on a cancelled order)
    REFUNDED = "refunded"  # what was owed back has been paid back


@dataclass(frozen=True, slots=True)
class OrderMoney:
    due: int  # what the order costs now; 0 when cancelled
    awaiting: int  # reported by the buyer, not yet decided by the organizer
    confirmed: int  # confirmed by the organizer
    owed: int  # still to pay: due - confirmed when positive
    refund: int  # still to pay back: confirmed - due - refunded when positive
    refunded: int  # recorded by the organizer as paid back
    cancelled: bool

    @property
    def to_report(self) -> int:
        """What the buyer still has to pay and has not reported yet: what a reminder asks
        for, and what /pay proposes."""
        return max(0, self.owed - self.awaiting)

    @property
    def open(self) -> bool:
        """Money still moves one way or the other (owed, or to be refunded)."""
        return bool(self.owed or self.refund)

    @property
    def label(self) -> str:
        """A short state for a table cell, where columns beside it say what awaits
        confirmation and what is to refund: `cancelled`, `unpaid`, `partially_paid`, `paid`,
        `overpaid` or `refunded`."""
        state = self.state
        if self.cancelled:
            return "cancelled"
        if state is MoneyState.AWAITING:
            return "partially_paid" if self.confirmed else "unpaid"
        if state is MoneyState.REFUND_DUE:
            return "overpaid"
        return state.value

    @property
    def state(self) -> MoneyState:
        if self.refund:
            return MoneyState.REFUND_DUE
        if self.owed:
            if self.awaiting:
                return MoneyState.AWAITING
            return MoneyState.PARTIALLY_PAID if self.confirmed else MoneyState.UNPAID
        if self.refunded:
            return MoneyState.REFUNDED
        if self.cancelled:
            return MoneyState.NOTHING_DUE
        return MoneyState.PAID


def order_money(
    due: int,
    confirmed: int,
    *,
    awaiting: int = 0,
    refunded: int = 0,
    cancelled: bool = False,
    compensated: int = 0,
) -> OrderMoney:
    """The money state of one order.

    `due` is the order's stored due (items + fee - discount, plus its transport share once
    the organizer split the delivery cost: bot/services/transport.py folds it into
    `Order.due_kop`, so every caller counts it); `cancelled` is true when the
    order or its purchase is cancelled, and then nothing is due whatever `due` says.
    `compensated` is what claims took off the order (`Order.compensation_kop`).
    `refunded` never exceeds what was confirmed beyond the due in practice (refunds are
    recorded for the amount shown); if it did, the refund simply reads 0.
    """
    for name, value in (
        ("due", due),
        ("confirmed", confirmed),
        ("awaiting", awaiting),
        ("refunded", refunded),
        ("compensated", compensated),
    ):
        _check_amount(name, value)
    due_now = 0 if cancelled else max(0, due - compensated)
    return OrderMoney(
        due=due_now,
        awaiting=awaiting,
        confirmed=confirmed,
        owed=max(0, due_now - confirmed),
        refund=max(0, confirmed - due_now - refunded),
        refunded=refunded,
        cancelled=cancelled,
    )


@dataclass(frozen=True, slots=True)
class MoneyTotals:
    """Sums over orders; debts and refunds are summed apart, never netted."""

    due: int = 0
    awaiting: int = 0
    confirmed: int = 0
    owed: int = 0
    refund: int = 0
    refunded: int = 0


def money_totals(moneys: list[OrderMoney] | tuple[OrderMoney, ...]) -> MoneyTotals:
    return MoneyTotals(
        due=sum(m.due for m in moneys),
        awaiting=sum(m.awaiting for m in moneys),
        confirmed=sum(m.confirmed for m in moneys),
        owed=sum(m.owed for m in moneys),
        refund=sum(m.refund for m in moneys),
        refunded=sum(m.refunded for m in moneys),
    )


def _check_amount(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int kopecks, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
