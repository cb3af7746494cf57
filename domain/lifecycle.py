"""The purchase lifecycle and what each stage allows.

    draft -> open -> stopped -> payment -> ordered -> arrived -> distribution -> closed
    cancelled: from draft, open, stopped or payment (until the goods are ordered)

Moves are forward only, one stage at a time. Once the organizer has ordered from the
supplier the money is spent, so the purchase can no longer be cancelled, only finished.
Functions accept a `PurchaseStatus` or its string value (as stored in the database).

The stop date closes collecting by itself: `collecting` is what decides buyers' actions
(order, change, cancel), so they are refused from the stop moment on even before the
scheduler has moved the purchase to `stopped` (bot/services/purchases.py does that).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class PurchaseStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # collecting orders
    STOPPED = "stopped"  # no new orders; the organizer settles the supplier's minimums
    PAYMENT = "payment"  # sums are final; buyers pay
    ORDERED = "ordered"
    ARRIVED = "arrived"
    DISTRIBUTION = "distribution"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class OrderStatus(StrEnum):
    """An order is either live or cancelled.

    Everything else about an order comes from elsewhere: its stage from its purchase's
    status, its payment state from confirmed payments (`pricing.payment_state`). Keeping it
    at two values means those facts cannot disagree.
    """

    ACTIVE = "active"
    CANCELLED = "cancelled"


class TransitionError(ValueError):
    def __init__(self, from_status: PurchaseStatus, to_status: PurchaseStatus) -> None:
        super().__init__(f"a purchase cannot go from {from_status} to {to_status}")
        self.from_status = from_status
        self.to_status = to_status


_FORWARD = (
    PurchaseStatus.DRAFT,
    PurchaseStatus.OPEN,
    PurchaseStatus.STOPPED,
    PurchaseStatus.PAYMENT,
    PurchaseStatus.ORDERED,
    PurchaseStatus.ARRIVED,
    PurchaseStatus.DISTRIBUTION,
    PurchaseStatus.CLOSED,
)
_CANCELLABLE = frozenset(_FORWARD[: _FORWARD.index(PurchaseStatus.ORDERED)])
_FINAL = frozenset({PurchaseStatus.CLOSED, PurchaseStatus.CANCELLED})
# Payments are reported from the payment stage on: before it the organizer may still cut
# items the supplier will not deliver, so sums are not final. Ordered, arrived and
# distribution still accept them so a late payer can pay before pickup; closed means the
# accounts are settled, and a cancelled purchase takes no money.
_PAYABLE = frozenset(_FORWARD[_FORWARD.index(PurchaseStatus.PAYMENT) : -1])


def _next(status: PurchaseStatus) -> tuple[PurchaseStatus, ...]:
    if status in _FINAL:
        return ()
    forward = _FORWARD[_FORWARD.index(status) + 1]
    return (forward, PurchaseStatus.CANCELLED) if status in _CANCELLABLE else (forward,)


_NEXT = {status: _next(status) for status in PurchaseStatus}


def next_statuses(status: PurchaseStatus | str) -> tuple[PurchaseStatus, ...]:
    """Where the purchase can go from `status`: the next stage first, then cancel if allowed."""
    return _NEXT[PurchaseStatus(status)]


def can_transition(from_status: PurchaseStatus | str, to_status: PurchaseStatus | str) -> bool:
    return PurchaseStatus(to_status) in next_statuses(from_status)


def ensure_transition(
    from_status: PurchaseStatus | str, to_status: PurchaseStatus | str
) -> PurchaseStatus:
    """Return `to_status` as a `PurchaseStatus`, or raise `TransitionError`."""
    source, target = PurchaseStatus(from_status), PurchaseStatus(to_status)
    if target not in _NEXT[source]:
        raise TransitionError(source, target)
    return target


def accepts_orders(status: PurchaseStatus | str) -> bool:
    return PurchaseStatus(status) is PurchaseStatus.OPEN


def collecting(status: PurchaseStatus | str, stop_at: datetime | None, now: datetime) -> bool:
    """Buyers may order, change and cancel orders (after the stop the organizer counts on
    them for the supplier's minimums): the purchase is open and its stop date
    (the end of a Moscow day, `purchase_form.parse_stop`) has not come yet. A purchase
    without a stop date collects until the organizer stops it."""
    return accepts_orders(status) and (stop_at is None or now < stop_at)


def accepts_payments(status: PurchaseStatus | str) -> bool:
    """payment, ordered, arrived, distribution (see `_PAYABLE`)."""
    return PurchaseStatus(status) in _PAYABLE


def can_cancel(status: PurchaseStatus | str) -> bool:
    return PurchaseStatus(status) in _CANCELLABLE


def is_final(status: PurchaseStatus | str) -> bool:
    return PurchaseStatus(status) in _FINAL
