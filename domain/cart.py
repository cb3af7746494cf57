"""A buyer's cart for one purchase: quantities, sizes, merging lines, and the order's sums.

Pure rules with no database: the ordering dialog keeps the cart as JSON in the dialog state
(`CartLine.to_json`), so a restart loses nothing, and asks these functions what is allowed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from domain.codes import normalize_code
from domain.money import ErrorReason, InputError
from domain.pricing import fee_kopecks, order_due

MAX_QUANTITY = 99  # per line: more is a typo in a joint purchase, or a wholesale deal
QUICK_QUANTITIES = (1, 2, 3, 4, 5)  # offered as buttons
MAX_LINES = 30  # an order is read by people: a longer one is better split
NOTE_MAX_LENGTH = 200

# "3", "3 шт", "3шт.", "x3", "×3", "3 pcs": what people type for a quantity.
_QUANTITY = re.compile(
    r"(?:[x×х]\s*)?(?P<sign>[-+\u2212\u2013]?)\s*(?P<digits>[0-9]+)\s*"
    r"(?:шт\.?|штук[аи]?|pcs\.?|pc\.?|pieces?)?",
    re.IGNORECASE,
)


class QuantityError(InputError):
    pass


class CartError(ValueError):
    """A change the cart cannot take; `reason` names it for the UI."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


TOO_MANY_LINES = "too_many_lines"
LINE_TOO_LARGE = "line_too_large"


def parse_quantity(text: str) -> int:
    """A quantity from 1 to MAX_QUANTITY typed by a buyer. Raises `QuantityError`."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        raise QuantityError(ErrorReason.EMPTY)
    match = _QUANTITY.fullmatch(cleaned)
    if match is None:
        raise QuantityError(ErrorReason.NOT_A_NUMBER)
    digits = match["digits"].lstrip("0")
    if match["sign"] not in ("", "+") and digits:
        raise QuantityError(ErrorReason.NEGATIVE)
    if not digits:
        raise QuantityError(ErrorReason.ZERO)
    # Length first: a pasted thousand-digit number never reaches int().
    if len(digits) > len(str(MAX_QUANTITY)) or int(digits) > MAX_QUANTITY:
        raise QuantityError(ErrorReason.TOO_LARGE)
    return int(digits)


def match_size(sizes: Sequence[str], text: str) -> str | None:
    """The organizer's spelling of a typed size, or None when it is not one of `sizes`.

    Case, spaces, dashes and Cyrillic look-alike letters are ignored ("xl", "ХL", "42 44"
    all find "XL" or "42-44"), and a decimal comma is a point ("36,5" finds "36.5"); an
    exact match wins if two sizes look alike.
    """
    typed = text.strip()
    if typed in sizes:
        return typed
    # "36,5" for "36.5": a decimal comma is how Russian keyboards write half sizes.
    wanted = {normalize_code(typed), normalize_code(typed.replace(",", "."))} - {""}
    if not wanted:
        return None
    found = [size for size in sizes if normalize_code(size) in wanted]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True, slots=True)
class CartLine:
    item_id: int
    size: str
    quantity: int
    note: str = ""
    # The price an existing order was placed at; None for lines added now (current price).
    price_kop: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "size": self.size,
            "quantity": self.quantity,
            "note": self.note,
            "price_kop": self.price_kop,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CartLine:
        return cls(
            item_id=int(data["item_id"]),
            size=str(data.get("size", "")),
            quantity=int(data["quantity"]),
            note=str(data.get("note", "")),
            price_kop=None if data.get("price_kop") is None else int(data["price_kop"]),
        )


def load_lines(raw: Iterable[dict[str, Any]]) -> list[CartLine]:
    return [CartLine.from_json(item) for item in raw]


def dump_lines(lines: Iterable[CartLine]) -> list[dict[str, Any]]:
    return [line.to_json() for line in lines]


def add_line(lines: Sequence[CartLine], new: CartLine) -> list[CartLine]:
    """The cart with `new` added: the same item, size and note add up on one line."""
    result = list(lines)
    for index, line in enumerate(result):
        if (line.item_id, line.size, line.note) == (new.item_id, new.size, new.note):
            total = line.quantity + new.quantity
            if total > MAX_QUANTITY:
                raise CartError(LINE_TOO_LARGE)
            result[index] = replace(line, quantity=total)
            return result
    if len(result) >= MAX_LINES:
        raise CartError(TOO_MANY_LINES)
    result.append(new)
    return result


def set_quantity(lines: Sequence[CartLine], index: int, quantity: int) -> list[CartLine]:
    """The cart with line `index` set to `quantity`; 0 removes the line."""
    if not 0 <= index < len(lines):
        raise IndexError(index)
    if not 0 <= quantity <= MAX_QUANTITY:
        raise CartError(LINE_TOO_LARGE)
    result = list(lines)
    if quantity == 0:
        del result[index]
    else:
        result[index] = replace(result[index], quantity=quantity)
    return result


@dataclass(frozen=True, slots=True)
class Totals:
    items_kop: int
    fee_kop: int
    discount_kop: int
    due_kop: int


def order_totals(
    priced_lines: Iterable[tuple[int, int]], fee_bp: int, discount_kop: int = 0
) -> Totals:
    """Sums of an order from (price_kop, quantity) pairs: items, organizer fee, discount, due."""
    items = sum(price * quantity for price, quantity in priced_lines)
    return Totals(
        items_kop=items,
        fee_kop=fee_kopecks(items, fee_bp),
        discount_kop=discount_kop,
        due_kop=order_due(items, fee_bp, discount_kop),
    )
