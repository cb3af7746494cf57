"""Size rows in words, for the buyer's purchase card and the organizer's rows screen: the
same assembly (domain/size_rows.py) read the same way on both sides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.texts import Translator
from domain.size_rows import RowDecision, SizeRow
from storage.models import OrderLine, PurchaseItem
from storage.repositories.shortfalls import ItemRows

# A message stays within Telegram's 4096 characters: the rest are summed up.
ROWS_SHOWN_PER_ITEM = 6
BUYER_ROWS_SHOWN = 3  # the card lists up to 30 items besides
ITEMS_SHOWN = 6


def row_text(
    t: Translator, row: SizeRow, decision: RowDecision | None = None, *, mixed: bool = False
) -> str:
    """ "ряд 2: 42 — свободно, 44 ✓, 46 ✓, 48 — свободно" (sizes in the organizer's order),
    or for a row of mixed pieces "ряд 1: красный ✓, синий ✓, свободно: 3"."""
    if mixed:
        taken = [place.size for place in row.places if place.taken]
        places = [t("rows-place-taken", size=size) for size in taken]
        if row.free:
            places.append(t("rows-places-free", count=row.free))
    else:
        places = [
            t("rows-place-taken", size=place.size)
            if place.taken
            else t("rows-place-free", size=place.size)
            for place in row.places
        ]
    state = "filled" if row.filled else (decision.value if decision else "open")
    return t("rows-row", number=row.number, places=", ".join(places), state=state)


def item_rows_text(
    t: Translator,
    number: int | None,
    item: PurchaseItem,
    rows: Sequence[SizeRow],
    decisions: Mapping[int, RowDecision],
    *,
    for_buyer: bool,
    offer: bool = False,
) -> list[str]:
    mixed = bool(item.row_pieces)
    lines = [
        t(
            "rows-item-title",
            number=str(number) if number else "",
            has_number="yes" if number else "no",
            name=item.name,
            kind="mixed" if mixed else "sizes",
            pieces=item.row_pieces or len(item.sizes or []),
            sizes=", ".join(item.sizes or []),
            rows=len(rows),
            filled=sum(1 for row in rows if row.filled),
        )
    ]
    # The filled rows are counted in the title; the unfilled ones are what matters.
    shown = [row for row in rows if not row.filled]
    limit = BUYER_ROWS_SHOWN if for_buyer else ROWS_SHOWN_PER_ITEM
    for row in shown[:limit]:
        lines.append("  " + row_text(t, row, decisions.get(row.number), mixed=mixed))
    if len(shown) > limit:
        lines.append("  " + t("rows-more", count=len(shown) - limit))
    if for_buyer and offer:
        free = [
            place.size
            for row in rows
            if not row.filled
            for place in row.places
            if not place.taken and place.size
        ]
        if free:
            lines.append("  " + t("rows-free-offer", sizes=", ".join(dict.fromkeys(free))))
        elif not rows or all(row.filled for row in rows):
            lines.append("  " + t("rows-new-row-offer", any="yes" if rows else "no"))
    return lines


def buyer_rows_block(
    t: Translator, items: Sequence[PurchaseItem], found: Sequence[ItemRows], *, offer: bool
) -> str:
    """The card's block on rows: each item sold by rows with its unfilled rows, the free
    places to order (`offer`: while the purchase collects), and the plain warning that a
    piece in an unfilled row may not be bought."""
    if not found:
        return ""
    numbers = {item.id: number for number, item in enumerate(items, start=1)}
    lines = [t("rows-card-title")]
    for entry in found[:ITEMS_SHOWN]:
        lines += item_rows_text(
            t,
            numbers.get(entry.item.id),
            entry.item,
            entry.rows,
            entry.decisions,
            for_buyer=True,
            offer=offer,
        )
    if len(found) > ITEMS_SHOWN:
        lines.append(t("rows-more-items", count=len(found) - ITEMS_SHOWN))
    lines.append(t("rows-card-warning"))
    return "\n".join(lines)


def line_marks(t: Translator, line: OrderLine) -> str:
    """What happened to a line's pieces: not bought with a dropped row, not delivered (and
    why), replaced; empty for a line that comes as ordered."""
    parts = []
    if line.dropped_qty:
        parts.append(t("rows-line-dropped", pieces=line.dropped_qty))
    if line.missing_qty:
        parts.append(
            t("rows-line-missing", pieces=line.missing_qty, kind=line.shortfall or "short")
        )
    if line.replacement:
        parts.append(
            t(
                "rows-line-replacement",
                replacement=line.replacement,
                state=line.replacement_state or "offered",
            )
        )
    return "; ".join(parts)
