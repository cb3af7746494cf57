"""How a purchase really gets bought out (issue 21): the minimum to buy out and its progress,
the organizer's black list, non-payers. Pure rules, no database.

The minimum. A supplier sells from a minimum: a sum ("минималка 30 000 ₽") or a number of
pieces ("от 50 шт"). The organizer types either: "30000", "30 000 ₽" is a sum, "50 шт",
"50 pcs", "50 штук" are pieces (`parse_minimum`). Progress counts the live orders' items (a
sum without the organizer fee and discounts: the supplier's price) or their pieces, rounded
down, so "100 %" is never shown before the minimum is really reached.

The black list. An organizer's own list of buyers, each with a note and one of two modes:

* `PREPAY`, "needs prepayment": the buyer may still order, and is told when ordering that
  this organizer asks them to pay the order in full as soon as payment opens, before the
  order goes to the supplier; the organizer sees the order marked "prepayment" in the orders
  list, and leaves it out of the supplier's order (cancels it) if it is not paid by then;
* `REFUSE`, "refused": the buyer's new orders with this organizer are refused politely.

Non-payers. When the payment deadline has passed, an order still owing money that no
awaiting report covers (`domain.balance.order_money(...).to_report > 0`) is a non-payer's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from domain.money import MAX_AMOUNT_KOPECKS, AmountError, parse_amount

MAX_MIN_PIECES = 100_000
BLACKLIST_NOTE_MAX = 300

_PIECES = re.compile(
    r"(\d[\d\s]*)\s*(шт|штук|штуки|штука|pcs|pc|pieces|piece|items|ед)\.?", re.IGNORECASE
)


class MinimumError(ValueError):
    """Not a minimum; `code` names why (the same codes as the purchase form's `min-*`)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Minimum:
    """Exactly one of the two is set."""

    total_kop: int | None = None
    pieces: int | None = None


def parse_minimum(text: str) -> Minimum:
    """A minimum typed by an organizer: pieces ("50 шт") or a sum ("30 000 ₽").
    Raises `MinimumError` with one of: empty, not_a_number, negative, zero, too_large,
    too_precise."""
    typed = unicodedata.normalize("NFKC", text).strip()
    pieces = _PIECES.fullmatch(typed)
    if pieces is not None:
        digits = re.sub(r"\s", "", pieces[1])
        count = int(digits)
        if count == 0:
            raise MinimumError("zero")
        if count > MAX_MIN_PIECES:
            raise MinimumError("too_large")
        return Minimum(pieces=count)
    try:
        return Minimum(total_kop=parse_amount(typed, max_kopecks=MAX_AMOUNT_KOPECKS))
    except AmountError as exc:
        raise MinimumError(exc.reason.value) from None


@dataclass(frozen=True, slots=True)
class Progress:
    percent: int  # rounded down, at most 100
    reached: bool
    left: int  # kopecks or pieces still to collect


def minimum_progress(minimum: Minimum, *, items_kop: int, pieces: int) -> Progress | None:
    """How far the live orders are toward the minimum; None without one."""
    if minimum.pieces:
        need, have = minimum.pieces, pieces
    elif minimum.total_kop:
        need, have = minimum.total_kop, items_kop
    else:
        return None
    have = max(0, have)
    return Progress(
        percent=min(100, have * 100 // need), reached=have >= need, left=max(0, need - have)
    )


class BlacklistMode(StrEnum):
    PREPAY = "prepay"  # orders accepted, to be paid in full first (see the module doc)
    REFUSE = "refuse"  # new orders refused


def clean_note(text: str) -> str | None:
    """The organizer's note on a black-list entry, one line; None if unacceptable."""
    note = " ".join(unicodedata.normalize("NFKC", text).split())
    if not 1 <= len(note) <= BLACKLIST_NOTE_MAX:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in note):
        return None
    return note
