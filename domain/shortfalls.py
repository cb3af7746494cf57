"""What the supplier did not send, and what it does to an order's money.

A line keeps what the buyer ordered (`quantity`) and counts apart the pieces that will not
reach the buyer: `dropped` (their size row was not filled and the organizer dropped it at
the stop: not bought) and `missing` (after "ordered": not in stock, a short shipment, a
defect found at sorting, or a replacement the buyer refused). The order's sums are those of
the pieces that remain (`kept`): items, the organizer fee on them, minus the discount (never
below zero), by `domain.pricing`, and the stored due is what `domain.balance.order_money`
reads, so /orders, /pay, /reconcile, the reminders and the exports all follow.

Money already confirmed beyond the new due is owed back (`order_money`'s refund). The buyer
takes it back, or, where the organizer allows credits, keeps it as a credit with that
organizer: the next order with the organizer uses it as money already paid (`credit_to_use`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain.cart import Totals, order_totals
from domain.lifecycle import PurchaseStatus


class Shortfall(StrEnum):
    OUT_OF_STOCK = "out_of_stock"  # "нет в наличии"
    SHORT = "short"  # "недовложение": fewer pieces came than were ordered
    DEFECT = "defect"  # "брак", found at sorting
    REFUSED = "refused"  # the buyer refused the replacement the supplier sent


# What the organizer marks directly (a refused replacement comes from the buyer).
MARKED = (Shortfall.OUT_OF_STOCK, Shortfall.SHORT, Shortfall.DEFECT)


class Replacement(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    REFUSED = "refused"


# Once the organizer has ordered from the supplier, until the goods are handed out.
_SHORTFALL_STATUSES = frozenset(
    {PurchaseStatus.ORDERED, PurchaseStatus.ARRIVED, PurchaseStatus.DISTRIBUTION}
)


def shortfalls_open(status: PurchaseStatus | str) -> bool:
    return PurchaseStatus(status) in _SHORTFALL_STATUSES


class ShortfallError(ValueError):
    def __init__(self, code: str, **args: int) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args


@dataclass(frozen=True, slots=True)
class LineCount:
    price_kop: int
    quantity: int
    dropped: int = 0
    missing: int = 0

    @property
    def kept(self) -> int:
        """Pieces that reach the buyer (and that they pay for)."""
        return max(0, self.quantity - self.dropped - self.missing)


def kept(quantity: int, dropped: int, missing: int) -> int:
    return LineCount(0, quantity, dropped, missing).kept


def check_pieces(line: LineCount, pieces: int) -> None:
    """`pieces` more of the line can be marked missing (or offered as a replacement)."""
    if pieces < 1:
        raise ShortfallError("pieces-zero")
    if pieces > line.kept:
        raise ShortfallError("pieces-too-many", left=line.kept)


def recount(lines: Iterable[LineCount], fee_bp: int, discount_kop: int) -> Totals:
    """The order's sums over the pieces that remain: items, fee, discount, due."""
    return order_totals(((line.price_kop, line.kept) for line in lines), fee_bp, discount_kop)


def credit_to_use(balance_kop: int, owed_kop: int) -> int:
    """How much of a buyer's credit with the organizer an order uses: what it still owes,
    at most the credit."""
    if balance_kop < 0 or owed_kop < 0:
        raise ValueError("credit and owed are never negative")
    return min(balance_kop, owed_kop)
