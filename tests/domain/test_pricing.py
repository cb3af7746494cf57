import pytest

from domain.pricing import (
    PaymentState,
    balance,
    capped_discount,
    fee_kopecks,
    order_due,
    payment_state,
    percent_discount,
    still_owed,
    to_refund,
)


@pytest.mark.parametrize(
    ("items_total", "fee_bp", "fee"),
    [
        (0, 1500, 0),
        (100000, 0, 0),
        (100000, 1500, 15000),  # 1000 ₽ at 15 % = 150 ₽
        (100000, 1250, 12500),
        (100000, 10000, 100000),
        (1, 5000, 1),  # 0.5 kopeck -> 1: half up
        (3, 5000, 2),  # 1.5 -> 2
        (5, 5000, 3),  # 2.5 -> 3, where banker's rounding would give 2
        (1, 4999, 0),  # 0.4999 -> 0
        (1, 5001, 1),
        (33333, 1500, 5000),  # 4999.95 -> 5000
        (12345, 1000, 1235),  # 1234.5 -> 1235
        (99, 1, 0),  # 0.0099 -> 0
        (10**12, 1, 10**8),  # exact with huge totals: no float anywhere
        (10**20 + 1, 5000, 5 * 10**19 + 1),
    ],
)
def test_fee_kopecks(items_total: int, fee_bp: int, fee: int) -> None:
    assert fee_kopecks(items_total, fee_bp) == fee


def test_fee_is_never_banker_rounded() -> None:
    for total in range(1, 200, 2):  # odd totals at 50 % end in exactly .5
        assert fee_kopecks(total, 5000) == total // 2 + 1


@pytest.mark.parametrize(
    ("items_total", "fee_bp", "discount", "due"),
    [
        (100000, 1500, 0, 115000),
        (100000, 1500, 39900, 75100),  # discount after the fee: fee stays 150 ₽
        (100000, 0, 100000, 0),
        (100000, 1500, 115000, 0),
        (100000, 1500, 200000, 0),  # never below zero
        (0, 1500, 0, 0),
        (0, 1500, 500, 0),
        (5, 5000, 1, 7),  # 5 + 3 - 1
    ],
)
def test_order_due(items_total: int, fee_bp: int, discount: int, due: int) -> None:
    assert order_due(items_total, fee_bp, discount) == due


def test_order_due_fee_is_on_items_before_discount() -> None:
    items, fee_bp, discount = 100000, 2000, 50000
    assert order_due(items, fee_bp, discount) == items + fee_kopecks(items, fee_bp) - discount
    assert order_due(items, fee_bp, discount) != (items - discount) * 12 // 10


@pytest.mark.parametrize(
    ("amount", "percent_bp", "discount"),
    [
        (100000, 1000, 10000),
        (100000, 0, 0),
        (100000, 10000, 100000),
        (0, 5000, 0),
        (999, 1000, 100),  # 99.9 -> 100
        (12345, 1000, 1235),  # 1234.5 -> 1235 (half up)
        (12344, 1000, 1234),  # 1234.4 -> 1234
        (1, 5000, 1),
    ],
)
def test_percent_discount(amount: int, percent_bp: int, discount: int) -> None:
    assert percent_discount(amount, percent_bp) == discount


@pytest.mark.parametrize(
    ("discount", "amount", "capped"),
    [(39900, 40000, 39900), (39900, 39900, 39900), (39900, 30000, 30000), (0, 100, 0), (5, 0, 0)],
)
def test_capped_discount(discount: int, amount: int, capped: int) -> None:
    assert capped_discount(discount, amount) == capped


@pytest.mark.parametrize(
    ("due", "confirmed", "state", "left"),
    [
        (115000, 0, PaymentState.UNPAID, 115000),
        (115000, 1, PaymentState.PARTIALLY_PAID, 114999),
        (115000, 50000, PaymentState.PARTIALLY_PAID, 65000),
        (115000, 114999, PaymentState.PARTIALLY_PAID, 1),
        (115000, 115000, PaymentState.PAID, 0),
        (115000, 115001, PaymentState.OVERPAID, -1),
        (115000, 200000, PaymentState.OVERPAID, -85000),
        (0, 0, PaymentState.PAID, 0),  # fully discounted: nothing to pay
        (0, 100, PaymentState.OVERPAID, -100),
    ],
)
def test_payment_state_and_balance(
    due: int, confirmed: int, state: PaymentState, left: int
) -> None:
    assert payment_state(due, confirmed) is state
    assert balance(due, confirmed) == left


@pytest.mark.parametrize(
    ("due", "confirmed", "owed", "refund"),
    [
        (115000, 0, 115000, 0),
        (115000, 50000, 65000, 0),
        (115000, 115000, 0, 0),
        (115000, 115001, 0, 1),
        (0, 100, 0, 100),  # a cancelled order: all that was paid goes back
        (0, 0, 0, 0),
    ],
)
def test_a_balance_is_either_still_owed_or_to_refund(
    due: int, confirmed: int, owed: int, refund: int
) -> None:
    assert (still_owed(due, confirmed), to_refund(due, confirmed)) == (owed, refund)
    assert owed - refund == balance(due, confirmed)


def test_payment_state_values_are_stable_strings() -> None:
    assert [s.value for s in PaymentState] == ["unpaid", "partially_paid", "paid", "overpaid"]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: fee_kopecks(-1, 1000), ValueError),
        (lambda: fee_kopecks(100, -1), ValueError),
        (lambda: fee_kopecks(100, 10001), ValueError),
        (lambda: fee_kopecks(100.0, 1000), TypeError),
        (lambda: fee_kopecks(100, 12.5), TypeError),
        (lambda: fee_kopecks(True, 1000), TypeError),
        (lambda: order_due(100, 1000, -1), ValueError),
        (lambda: order_due(-100, 1000, 0), ValueError),
        (lambda: order_due(100, 1000, 0.5), TypeError),
        (lambda: percent_discount(-1, 1000), ValueError),
        (lambda: percent_discount(100, 10001), ValueError),
        (lambda: capped_discount(-1, 100), ValueError),
        (lambda: capped_discount(1, -100), ValueError),
        (lambda: payment_state(-1, 0), ValueError),
        (lambda: payment_state(100, -1), ValueError),
        (lambda: balance(100, 1.5), TypeError),
        (lambda: still_owed(-1, 0), ValueError),
        (lambda: to_refund(100, 1.5), TypeError),
    ],
)
def test_bad_arguments(call, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()
