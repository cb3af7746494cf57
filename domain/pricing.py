"""What a buyer owes for an order, and how far their payments cover it.

All amounts are int kopecks and all rates int basis points (see `money`). Shares are rounded
half up (0.5 kopeck -> 1 kopeck), the way people round by hand: banker's rounding would make
the bot disagree with an organizer's own calculation.
"""

from __future__ import annotations

from enum import StrEnum

from domain.money import FULL_PERCENT_BP


class PaymentState(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERPAID = "overpaid"


def fee_kopecks(items_total: int, fee_bp: int) -> int:
    """The organizer fee ("оргсбор") on the items total, rounded half up."""
    _check_amount("items_total", items_total)
    _check_rate("fee_bp", fee_bp)
    return _share(items_total, fee_bp)


def order_due(items_total: int, fee_bp: int, discount: int) -> int:
    """items + organizer fee - discount, never below zero.

    The fee is charged on the full items total and the discount comes off afterwards: a
    promo code is a gift to the buyer and must not quietly shrink the organizer's fee. The
    result never goes negative, so a discount larger than the order just makes it free.
    """
    _check_amount("discount", discount)
    return max(0, items_total + fee_kopecks(items_total, fee_bp) - discount)


def percent_discount(amount: int, percent_bp: int) -> int:
    """A percent discount on `amount`, rounded half up."""
    _check_amount("amount", amount)
    _check_rate("percent_bp", percent_bp)
    return _share(amount, percent_bp)


def capped_discount(discount: int, amount: int) -> int:
    """A fixed discount limited to the amount it applies to."""
    _check_amount("discount", discount)
    _check_amount("amount", amount)
    return min(discount, amount)


def payment_state(due: int, confirmed: int) -> PaymentState:
    """Where an order stands given the sum of confirmed payments.

    Only confirmed payments count: a reported but unconfirmed payment is still unpaid.
    Nothing due and nothing paid (a fully discounted order) is paid.
    """
    _check_amount("due", due)
    _check_amount("confirmed", confirmed)
    if confirmed > due:
        return PaymentState.OVERPAID
    if confirmed == due:
        return PaymentState.PAID
    if confirmed == 0:
        return PaymentState.UNPAID
    return PaymentState.PARTIALLY_PAID


def balance(due: int, confirmed: int) -> int:
    """What the buyer still owes; negative when they overpaid and are owed money back."""
    _check_amount("due", due)
    _check_amount("confirmed", confirmed)
    return due - confirmed


def still_owed(due: int, confirmed: int) -> int:
    """What the buyer still has to pay: the balance when positive, else nothing."""
    return max(0, balance(due, confirmed))


def to_refund(due: int, confirmed: int) -> int:
    """What the organizer owes the buyer back: the overpayment, else nothing.

    `still_owed` and `to_refund` split a balance by its sign, so totals never net one
    buyer's debt against another buyer's overpayment.
    """
    return max(0, -balance(due, confirmed))


def _share(amount: int, bp: int) -> int:
    # amount * bp / 10000, half up; exact because both are non-negative ints.
    return (amount * bp + FULL_PERCENT_BP // 2) // FULL_PERCENT_BP


def _check_amount(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int kopecks, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


def _check_rate(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int basis points, got {type(value).__name__}")
    if not 0 <= value <= FULL_PERCENT_BP:
        raise ValueError(f"{name} must be 0..{FULL_PERCENT_BP} basis points, got {value}")
