"""The transport split (largest remainder), weights as typed, and buyers' contacts."""

from __future__ import annotations

import pytest

from domain.contacts import buyer_contact
from domain.transport import (
    OrderBasis,
    OrderLineBasis,
    SplitBasis,
    TransportError,
    parse_weight,
    parse_weights,
    split_cost,
    transport_shares,
)


def test_shares_add_up_to_the_cost_and_the_odd_kopecks_go_to_the_largest_remainders() -> None:
    # 100.00 ₽ over three equal orders: 33.33 each and one kopeck left over. Equal
    # remainders and equal bases: the oldest order (smallest id) takes it.
    assert split_cost(10_000, {7: 1, 3: 1, 5: 1}) == {7: 3_333, 3: 3_334, 5: 3_333}
    # 1 000.00 ₽ by weight 700 g / 200 g / 100 g: exact.
    assert split_cost(100_000, {1: 700, 2: 200, 3: 100}) == {1: 70_000, 2: 20_000, 3: 10_000}
    # 1.00 ₽ by 1 / 1 / 2: 0.25 / 0.25 / 0.50.
    assert split_cost(100, {1: 1, 2: 1, 3: 2}) == {1: 25, 2: 25, 3: 50}
    # 0.05 ₽ over 3 / 3 / 1 (exact 2.142.. / 2.142.. / 0.714..): wholes 2, 2, 0 leave one
    # kopeck; the largest remainder is the small order's (5/7 > 1/7).
    assert split_cost(5, {1: 3, 2: 3, 3: 1}) == {1: 2, 2: 2, 3: 1}
    # Equal remainders, different bases: the larger basis carries the odd kopeck.
    # 0.03 ₽ over 2 / 4 (exact 1 and 2) is exact; 0.01 ₽ over 1 / 1 / 2 (0.25/0.25/0.5)
    # has remainders 1, 1, 2 (of 4): the larger one.
    assert split_cost(1, {1: 1, 2: 1, 3: 2}) == {1: 0, 2: 0, 3: 1}
    assert split_cost(0, {1: 5, 2: 0}) == {1: 0, 2: 0}


@pytest.mark.parametrize("cost", [1, 99, 10_001, 123_457, 999_999_999])
def test_any_cost_adds_up_and_stays_within_a_kopeck_of_the_exact_share(cost: int) -> None:
    bases = {1: 313, 2: 1, 3: 4_999, 4: 0, 5: 77}
    shares = split_cost(cost, bases)
    assert sum(shares.values()) == cost
    total = sum(bases.values())
    for key, basis in bases.items():
        exact = cost * basis / total
        assert abs(shares[key] - exact) < 1
    assert shares[4] == 0


def test_nothing_to_split_and_bad_input_are_refused() -> None:
    with pytest.raises(TransportError) as refused:
        split_cost(100, {1: 0})
    assert refused.value.code == "nothing-to-split"
    with pytest.raises(ValueError, match="non-negative"):
        split_cost(-1, {1: 1})
    with pytest.raises(ValueError, match="non-negative"):
        split_cost(1.5, {1: 1})  # type: ignore[arg-type]


def order(
    order_id: int, *lines: tuple[int, int, int, int | None], cancelled: bool = False
) -> OrderBasis:
    return OrderBasis(order_id, tuple(OrderLineBasis(*line) for line in lines), cancelled)


def test_bases_by_weight_sum_and_pieces_leave_cancelled_orders_out() -> None:
    # (item, quantity, price, grams per piece)
    anna = order(1, (10, 2, 129_000, 400), (11, 1, 59_000, 150))
    boris = order(2, (11, 3, 59_000, 150))
    vera = order(3, (10, 5, 129_000, 400), cancelled=True)
    orders = [anna, boris, vera]
    assert [o.basis(SplitBasis.WEIGHT) for o in orders] == [950, 450, 0]
    assert [o.basis(SplitBasis.SUM) for o in orders] == [317_000, 177_000, 0]
    assert [o.basis(SplitBasis.PIECES) for o in orders] == [3, 3, 0]
    # 700.00 ₽: by weight 950/1400 and 450/1400 = 475.00 / 225.00.
    assert transport_shares(70_000, orders, SplitBasis.WEIGHT) == {1: 47_500, 2: 22_500, 3: 0}
    # by sum 317 000 / 494 000: 449.19 (449.1902..) and 250.80 (250.8097..), +1 kop to the
    # larger remainder (Boris's .8097): 449.19 + 250.81 = 700.00.
    assert transport_shares(70_000, orders, SplitBasis.SUM) == {1: 44_919, 2: 25_081, 3: 0}
    assert transport_shares(70_000, orders, SplitBasis.PIECES) == {1: 35_000, 2: 35_000, 3: 0}


def test_a_weight_split_needs_every_ordered_item_weighed() -> None:
    orders = [order(1, (10, 1, 100, 300), (12, 1, 100, None)), order(2, (13, 0, 100, None))]
    with pytest.raises(TransportError) as refused:
        transport_shares(1_000, orders, SplitBasis.WEIGHT)
    assert refused.value.code == "weights-missing"
    assert refused.value.args_ == {"items": [12]}
    # An item only a cancelled order wanted needs no weight.
    fine = [order(1, (10, 1, 100, 300)), order(2, (12, 1, 100, None), cancelled=True)]
    assert transport_shares(1_000, fine, SplitBasis.WEIGHT) == {1: 1_000, 2: 0}


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("350", 350),
        ("350 г", 350),
        ("350г.", 350),
        ("0,35 кг", 350),
        ("1.2kg", 1_200),
        ("2 кг", 2_000),
    ],
)
def test_weights_as_typed(text: str, grams: int) -> None:
    assert parse_weight(text) == grams


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "weight-bad"),
        ("тяжёлое", "weight-bad"),
        ("0", "weight-range"),
        ("1,5", "weight-bad"),
        ("200 кг", "weight-range"),
        ("0,0001 кг", "weight-bad"),
    ],
)
def test_bad_weights_are_refused(text: str, code: str) -> None:
    with pytest.raises(TransportError) as refused:
        parse_weight(text)
    assert refused.value.code == code


def test_weight_lines_are_all_or_nothing_with_line_numbers() -> None:
    assert parse_weights("1 350\n\n2) 0,5 кг\n3. 120 г", 3) == ({1: 350, 2: 500, 3: 120}, [])
    _, errors = parse_weights("1 350\n4 100\nпять\n2 0", 3)
    assert [(e.line, e.error.code) for e in errors] == [
        (2, "weight-number"),
        (3, "weight-line"),
        (4, "weight-range"),
    ]
    assert parse_weights("  \n", 3)[1][0].error.code == "weights-empty"


def test_contacts_for_the_distribution_file() -> None:
    assert buyer_contact("telegram", "123", "anna_k") == "https://t.me/anna_k (@anna_k)"
    assert buyer_contact("telegram", "123", "@anna_k") == "https://t.me/anna_k (@anna_k)"
    assert buyer_contact("telegram", "123", None) == "Telegram"
    assert buyer_contact("telegram", "123", "bad name") == "Telegram"
    assert buyer_contact("vk", "4567", None) == "https://vk.com/id4567"
    assert buyer_contact("ok", "890", None) == "Одноклассники"
    assert buyer_contact("max", "890", "someone") == "MAX"
