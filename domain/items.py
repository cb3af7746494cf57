"""Items of a purchase as organizers type or paste them.

One item per line, fields separated by ";" (or by tabs, as a spreadsheet copies them):

    Платье синее; 1290; 42,44,46; ART-15; 350 г
    name;         price; sizes or variants (comma separated, optional); article (optional);
    weight of one piece (optional: grams, or "кг"; for a transport split by weight)

A paste is all or nothing: every line is checked, every error is reported with its line
number (as the organizer sees the text: blank lines count), and if any line is wrong no item
is added, so fixing and re-sending the same paste never creates duplicates.

Refusals are `ItemError`s with a stable `code` (see `ERROR_CODES`) for the UI to translate.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.lifecycle import PurchaseStatus
from domain.money import MAX_AMOUNT_KOPECKS, AmountError, parse_amount
from domain.size_rows import MAX_ROW_PIECES, RowsSpecError, split_rows_word
from domain.text_rules import clean_line
from domain.transport import MAX_WEIGHT_G, TransportError, parse_weight

NAME_MIN, NAME_MAX = 2, 200
ARTICLE_MAX = 100
SIZE_MAX = 30
MAX_SIZES = 30
# The product's line for an absurd sum (10 000 000 ₽): an item priced above it is a typo.
MAX_PRICE_KOP = MAX_AMOUNT_KOPECKS
MAX_LINES_PER_PASTE = 100
MAX_ITEMS_PER_PURCHASE = 1000
FIELD_SEPARATOR = ";"
SIZE_SEPARATOR = ","

ERROR_CODES = (
    "name",
    "price-missing",
    "price-empty",
    "price-not_a_number",
    "price-negative",
    "price-zero",
    "price-too_large",
    "price-too_precise",
    "sizes-too-many",
    "size-bad",
    "article",
    "weight",
    "fields-too-many",
    "paste-empty",
    "paste-too-long",
    "purchase-full",
    "rows-sizes",
    "rows-pieces",
)


# Items are added, retired and restored while the purchase is prepared or collecting; after
# the stop the organizer counts on them for the supplier's order.
_EDITABLE = frozenset({PurchaseStatus.DRAFT, PurchaseStatus.OPEN})


def items_editable(status: PurchaseStatus | str) -> bool:
    return PurchaseStatus(status) in _EDITABLE


class ItemError(ValueError):
    def __init__(self, code: str, **args: Any) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args


@dataclass(frozen=True, slots=True)
class ItemDraft:
    name: str
    price_kop: int
    sizes: list[str] = field(default_factory=list)
    article: str | None = None
    weight_g: int | None = None  # grams per piece, for a transport split by weight
    # Sold by size rows (domain/size_rows.py): "ряд 42,44,46,48" or "ряд 5: красный, синий".
    by_rows: bool = False
    row_pieces: int | None = None


@dataclass(frozen=True, slots=True)
class LineError:
    line: int  # 1-based, as the organizer sees the pasted text
    error: ItemError


def clean_name(text: str) -> str:
    name = clean_line(text, min_length=NAME_MIN, max_length=NAME_MAX)
    if name is None:
        raise ItemError("name", min=NAME_MIN, max=NAME_MAX)
    return name


def parse_price(text: str) -> int:
    try:
        return parse_amount(text, max_kopecks=MAX_PRICE_KOP)
    except AmountError as exc:
        raise ItemError(f"price-{exc.reason.value}", max_kop=MAX_PRICE_KOP) from None


def parse_sizes(text: str) -> list[str]:
    """Sizes or variants in the organizer's order; repeats dropped, empty list for none."""
    sizes: list[str] = []
    seen: set[str] = set()
    for raw in text.split(SIZE_SEPARATOR):
        if not raw.strip():
            continue
        size = clean_line(raw, min_length=1, max_length=SIZE_MAX)
        if size is None:
            raise ItemError("size-bad", size=raw.strip()[:SIZE_MAX], max=SIZE_MAX)
        if size.casefold() in seen:
            continue
        seen.add(size.casefold())
        sizes.append(size)
    if len(sizes) > MAX_SIZES:
        raise ItemError("sizes-too-many", max=MAX_SIZES)
    return sizes


def parse_sizes_field(text: str) -> tuple[list[str], bool, int | None]:
    """The sizes field, which may say the item is sold by rows: "ряд 42,44,46,48" (a row is
    one of each size) or "ряд 5: красный, синий" (a row is 5 pieces of any of them).
    Returns (sizes, by rows, pieces per row or None)."""
    try:
        by_rows, pieces, rest = split_rows_word(text)
    except RowsSpecError:
        raise ItemError("rows-pieces", max=MAX_ROW_PIECES) from None
    sizes = parse_sizes(rest)
    if by_rows and pieces is None and len(sizes) < 2:
        raise ItemError("rows-sizes")
    return sizes, by_rows, pieces


def clean_article(text: str) -> str | None:
    """An article (supplier's SKU); empty means none."""
    if not text.strip():
        return None
    article = clean_line(text, min_length=1, max_length=ARTICLE_MAX)
    if article is None:
        raise ItemError("article", max=ARTICLE_MAX)
    return article


def clean_weight(text: str) -> int | None:
    """The weight of one piece in grams ("350", "350 г", "0,35 кг"); empty means none."""
    if not text.strip():
        return None
    try:
        return parse_weight(text)
    except TransportError:
        raise ItemError("weight", max=MAX_WEIGHT_G) from None


def split_fields(line: str) -> list[str]:
    separator = FIELD_SEPARATOR if FIELD_SEPARATOR in line or "\t" not in line else "\t"
    fields = [part.strip() for part in line.split(separator)]
    while len(fields) > 1 and not fields[-1]:
        fields.pop()
    return fields


def parse_item_line(line: str) -> ItemDraft:
    """One "name; price; sizes; article; weight" line. Raises `ItemError`."""
    fields = split_fields(unicodedata.normalize("NFC", line))
    if len(fields) > 5:
        raise ItemError("fields-too-many")
    name = clean_name(fields[0])
    if len(fields) < 2 or not fields[1]:
        raise ItemError("price-missing")
    sizes, by_rows, row_pieces = (
        parse_sizes_field(fields[2]) if len(fields) > 2 else ([], False, None)
    )
    return ItemDraft(
        name=name,
        price_kop=parse_price(fields[1]),
        sizes=sizes,
        article=clean_article(fields[3]) if len(fields) > 3 else None,
        by_rows=by_rows,
        row_pieces=row_pieces,
        weight_g=clean_weight(fields[4]) if len(fields) > 4 else None,
    )


def check_room(existing: int, adding: int) -> None:
    """Refuse adding items beyond the per-purchase limit (a card must stay browsable)."""
    if existing + adding > MAX_ITEMS_PER_PURCHASE:
        left = max(0, MAX_ITEMS_PER_PURCHASE - existing)
        raise ItemError("purchase-full", max=MAX_ITEMS_PER_PURCHASE, left=left)


def parse_paste(text: str, *, existing: int = 0) -> tuple[list[ItemDraft], list[LineError]]:
    """Every non-blank line of `text` as an item, or the errors of the lines that are wrong.

    `existing` is how many items the purchase has, for the per-purchase limit. When the
    error list is not empty the caller must add none of the drafts.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        return [], [LineError(1, ItemError("paste-empty"))]
    if len(numbered) > MAX_LINES_PER_PASTE:
        return [], [LineError(1, ItemError("paste-too-long", max=MAX_LINES_PER_PASTE))]
    try:
        check_room(existing, len(numbered))
    except ItemError as exc:
        return [], [LineError(1, exc)]
    drafts: list[ItemDraft] = []
    errors: list[LineError] = []
    for number, line in numbered:
        try:
            drafts.append(parse_item_line(line))
        except ItemError as exc:
            errors.append(LineError(number, exc))
    return drafts, errors


def size_order(sizes: Sequence[str], size: str) -> tuple[int, str]:
    """Sort key for a size: the organizer's order first, unknown sizes after, by name."""
    try:
        return sizes.index(size), ""
    except ValueError:
        return len(sizes), size
