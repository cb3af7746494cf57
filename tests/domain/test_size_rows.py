"""The pure rules of issue 21: rows assembled in order of orders, decisions, what is not
bought; sums over the pieces that remain; the paste's "ряд" field."""

from __future__ import annotations

import pytest

from domain.items import ItemError, parse_item_line
from domain.shortfalls import LineCount, ShortfallError, check_pieces, credit_to_use, recount
from domain.size_rows import (
    RowDecision,
    RowPiece,
    assemble_rows,
    bought_out_places,
    dropped_pieces,
    rows_to_order,
    undecided,
)

SIZES = ["42", "44", "46", "48"]


def test_pieces_fill_the_first_row_with_their_size_free_in_order_of_orders() -> None:
    rows = assemble_rows(
        SIZES,
        None,
        [RowPiece(1, "44", 2), RowPiece(2, "42", 1), RowPiece(3, "46", 2), RowPiece(4, "48", 1)],
    )
    assert [[p.line_id for p in row.places] for row in rows] == [[2, 1, 3, 4], [None, 1, 3, None]]
    assert [row.filled for row in rows] == [True, False]
    assert rows[1].free == 2 and rows[1].pieces_of() == {1: 1, 3: 1}


def test_a_size_that_is_not_in_the_row_takes_no_place() -> None:
    rows = assemble_rows(SIZES, None, [RowPiece(1, "50", 3), RowPiece(2, "42", 1)])
    assert len(rows) == 1 and rows[0].taken == 1


def test_a_row_of_mixed_pieces_fills_in_turn() -> None:
    rows = assemble_rows(
        ["красный", "синий"], 3, [RowPiece(1, "красный", 2), RowPiece(2, "синий", 2)]
    )
    assert [row.taken for row in rows] == [3, 1]
    assert [p.size for p in rows[0].places] == ["красный", "красный", "синий"]
    assert rows[1].pieces_of() == {2: 1} and not rows[1].filled


def test_decisions_count_rows_to_order_and_pieces_not_bought() -> None:
    rows = assemble_rows(
        SIZES, None, [RowPiece(1, "44", 3), RowPiece(2, "42", 1), RowPiece(3, "46", 2)]
    )
    # row 1: 42 44 46 -; row 2: - 44 46 -; row 3: - 44 - -
    assert [row.number for row in undecided(rows, {})] == [1, 2, 3]
    decisions = {1: RowDecision.BUY_OUT, 2: RowDecision.DROP}
    assert [row.number for row in undecided(rows, decisions)] == [3]
    assert rows_to_order(rows, decisions) == 1
    assert bought_out_places(rows, decisions) == 1
    assert dropped_pieces(rows, decisions) == {1: 1, 3: 1}


def test_sums_follow_the_pieces_that_remain() -> None:
    # 2 × 1 000 ₽ with one dropped and 500 ₽ missing, fee 10 %, discount 100 ₽.
    lines = [LineCount(100_000, 2, dropped=1), LineCount(50_000, 1, missing=1)]
    totals = recount(lines, 1000, 10_000)
    assert (totals.items_kop, totals.fee_kop, totals.due_kop) == (100_000, 10_000, 100_000)
    with pytest.raises(ShortfallError):
        check_pieces(LineCount(100_000, 2, dropped=1), 2)
    with pytest.raises(ShortfallError):
        check_pieces(LineCount(100_000, 2), 0)
    assert credit_to_use(55_000, 33_000) == 33_000
    assert credit_to_use(10_000, 33_000) == 10_000


@pytest.mark.parametrize(
    ("line", "by_rows", "pieces", "sizes"),
    [
        ("Платье; 1000; ряд 42,44,46,48", True, None, ["42", "44", "46", "48"]),
        ("Платье; 1000; Ряды: 42, 44", True, None, ["42", "44"]),
        ("Футболка; 500; ряд 5: красный, синий", True, 5, ["красный", "синий"]),
        ("Платье; 1000; 42,44", False, None, ["42", "44"]),
    ],
)
def test_the_paste_says_an_item_is_sold_by_rows(
    line: str, by_rows: bool, pieces: int | None, sizes: list[str]
) -> None:
    draft = parse_item_line(line)
    assert (draft.by_rows, draft.row_pieces, draft.sizes) == (by_rows, pieces, sizes)


@pytest.mark.parametrize(
    ("line", "code"),
    [("Платье; 1000; ряд 42", "rows-sizes"), ("Платье; 1000; ряд 99: красный", "rows-pieces")],
)
def test_a_row_that_cannot_be_is_refused(line: str, code: str) -> None:
    with pytest.raises(ItemError) as refused:
        parse_item_line(line)
    assert refused.value.code == code
