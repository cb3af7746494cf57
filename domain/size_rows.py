"""Size rows ("ряды"): items a supplier sells only in whole rows.

A row is either one piece of each of the item's sizes (a row 42-44-46-48: four places, one per
size) or, for an item with `row_pieces`, N pieces of any sizes or colours (a row of 5 mixed
colours). Buyers still order single pieces; the bot lays their pieces into rows in the order
the orders were placed (the oldest order first): a piece of size 44 takes the 44 place of the
first row where it is free, otherwise it opens a new row. A row is bought from the supplier
only when every place in it is taken; at the stop the organizer buys each unfilled row out
(takes the free places at their own cost) or drops it (its pieces are not bought).

`assemble_rows` is the one assembly the buyer's card, the organizer's stop screen, the
dropping of a row and the supplier export all read, so they never disagree about which piece
sits in which row. It reads ordered quantities (never what was delivered later), so the rows
of a stopped purchase stay as they were when it stopped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

MAX_ROW_PIECES = 50  # a "row" of more is a wholesale box, not a row
ROW_WORDS = ("ряды", "ряд", "rows", "row")


class RowDecision(StrEnum):
    BUY_OUT = "buy_out"  # the organizer takes the free places at their own cost
    DROP = "drop"  # not bought: the row's pieces become "not bought" in their orders


@dataclass(frozen=True, slots=True)
class RowPiece:
    """One ordered line of the item, in the order of orders (oldest order first)."""

    line_id: int
    size: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Place:
    size: str  # the size the place is for ("" in a row of mixed pieces until taken)
    line_id: int | None  # the order line whose piece sits here; None: free

    @property
    def taken(self) -> bool:
        return self.line_id is not None


@dataclass(frozen=True, slots=True)
class SizeRow:
    number: int  # 1-based, in the order the rows were opened
    places: tuple[Place, ...]

    @property
    def filled(self) -> bool:
        return all(place.taken for place in self.places)

    @property
    def taken(self) -> int:
        return sum(1 for place in self.places if place.taken)

    @property
    def free(self) -> int:
        return len(self.places) - self.taken

    def pieces_of(self) -> dict[int, int]:
        """Pieces per order line in this row."""
        counts: dict[int, int] = {}
        for place in self.places:
            if place.line_id is not None:
                counts[place.line_id] = counts.get(place.line_id, 0) + 1
        return counts


def sold_by_rows(by_rows: bool, sizes: Sequence[str], row_pieces: int | None) -> bool:
    """Whether rows can be assembled: a size row needs sizes, a mixed row its size."""
    return by_rows and bool(row_pieces or sizes)


def assemble_rows(
    sizes: Sequence[str], row_pieces: int | None, pieces: Iterable[RowPiece]
) -> list[SizeRow]:
    """The rows of one item from its ordered pieces (oldest order first).

    `row_pieces` None: a row is one place per size of `sizes`; a piece of a size that is not
    (or no longer) one of them takes no place. Otherwise a row is `row_pieces` places taken
    by pieces of any size in turn.
    """
    if row_pieces:
        return _mixed_rows(row_pieces, pieces)
    rows: list[list[Place]] = []
    index = {size: position for position, size in enumerate(sizes)}
    for piece in pieces:
        position = index.get(piece.size)
        if position is None:
            continue
        for _ in range(piece.quantity):
            row = next((r for r in rows if not r[position].taken), None)
            if row is None:
                row = [Place(size, None) for size in sizes]
                rows.append(row)
            row[position] = Place(piece.size, piece.line_id)
    return [SizeRow(number, tuple(row)) for number, row in enumerate(rows, start=1)]


def _mixed_rows(capacity: int, pieces: Iterable[RowPiece]) -> list[SizeRow]:
    taken = [Place(piece.size, piece.line_id) for piece in pieces for _ in range(piece.quantity)]
    rows = []
    for number, start in enumerate(range(0, len(taken), capacity), start=1):
        places = taken[start : start + capacity]
        places += [Place("", None)] * (capacity - len(places))
        rows.append(SizeRow(number, tuple(places)))
    return rows


def unfilled(rows: Sequence[SizeRow]) -> list[SizeRow]:
    return [row for row in rows if not row.filled]


def undecided(rows: Sequence[SizeRow], decisions: Mapping[int, RowDecision]) -> list[SizeRow]:
    """Unfilled rows the organizer has not bought out nor dropped yet."""
    return [row for row in unfilled(rows) if row.number not in decisions]


def rows_to_order(rows: Sequence[SizeRow], decisions: Mapping[int, RowDecision]) -> int:
    """Rows bought from the supplier: the filled ones and those bought out."""
    return sum(1 for row in rows if row.filled or decisions.get(row.number) is RowDecision.BUY_OUT)


def dropped_pieces(rows: Sequence[SizeRow], decisions: Mapping[int, RowDecision]) -> dict[int, int]:
    """Pieces per order line that sit in dropped rows (not bought)."""
    counts: dict[int, int] = {}
    for row in rows:
        if decisions.get(row.number) is RowDecision.DROP and not row.filled:
            for line_id, pieces in row.pieces_of().items():
                counts[line_id] = counts.get(line_id, 0) + pieces
    return counts


def bought_out_places(rows: Sequence[SizeRow], decisions: Mapping[int, RowDecision]) -> int:
    """Free places the organizer buys at their own cost."""
    return sum(row.free for row in rows if decisions.get(row.number) is RowDecision.BUY_OUT)


class RowsSpecError(ValueError):
    """A rows spec the organizer typed cannot be read; `code` for the UI."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def split_rows_word(text: str) -> tuple[bool, int | None, str]:
    """A sizes field may start with "ряд" ("ряд 42,44,46,48": one of each size per row) or
    "ряд 5:" ("ряд 5: красный, синий": 5 pieces of any of them per row). Returns
    (by rows, row pieces or None, the rest of the field: the sizes)."""
    stripped = text.strip()
    lowered = stripped.casefold()
    word = next((w for w in ROW_WORDS if lowered.startswith(w)), None)
    if word is None:
        return False, None, text
    rest = stripped[len(word) :].strip()
    head, colon, tail = rest.partition(":")
    if colon and head.strip().isdigit():
        pieces = int(head.strip())
        if not 2 <= pieces <= MAX_ROW_PIECES:
            raise RowsSpecError("row-pieces")
        return True, pieces, tail
    if colon and not head.strip():
        rest = tail
    return True, None, rest
