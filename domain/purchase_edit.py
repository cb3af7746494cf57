"""What an organizer may correct in a purchase and its items, at which stage.

A draft is the organizer's alone: every field of it and of its items can change. Once the
purchase is open, buyers have read it and ordered from it, so only what does not change a
bargain stays editable: the description, the pickup note (where and when the goods are
handed out) and the dates (their own rules: `STOP_DATE_EDITABLE` / `PAY_DATE_EDITABLE` in
handlers/organizer/kit.py). Buyers with orders are told of the changes that affect them
(dates, pickup). Closed and cancelled purchases are archived: nothing changes any more.

Items change while the purchase is a draft or collecting (`items.items_editable`); an item
somebody has ordered keeps its price, name and sizes (their lines hold the agreed price and a
size the buyer chose). The organizer adds a new item instead, or cancels the ordered lines.

Deleting is for drafts only: a draft has no orders, payments or posts.
"""

from __future__ import annotations

from typing import Any, Literal

from domain.buyouts import Minimum
from domain.items import clean_name, items_editable, parse_price, parse_sizes
from domain.lifecycle import PurchaseStatus
from domain.purchase_form import (
    EMPTY_MARK,
    clean_category,
    clean_description,
    clean_pickup_note,
    clean_supplier,
    clean_title,
    parse_fee,
    parse_min,
)

PurchaseField = Literal["title", "description", "supplier", "category", "fee", "min", "pickup"]
ItemField = Literal["name", "price", "sizes"]

PURCHASE_FIELDS: tuple[PurchaseField, ...] = (
    "title",
    "description",
    "supplier",
    "category",
    "fee",
    "min",
    "pickup",
)
# What buyers never bargained on: editable until the purchase is archived.
SAFE_FIELDS: frozenset[str] = frozenset({"description", "pickup"})
# Fields that may be emptied ("-" when typed, or the Clear button).
CLEARABLE_FIELDS: frozenset[str] = frozenset(
    {"description", "supplier", "category", "min", "pickup"}
)
ITEM_FIELDS: tuple[ItemField, ...] = ("name", "price", "sizes")

ARCHIVED_STATUSES = frozenset({PurchaseStatus.CLOSED, PurchaseStatus.CANCELLED})

# The typed word that means "Back" in every step of the purchase dialog (any case).
BACK_WORDS = frozenset({"назад", "back", "⬅", "←", "«"})


def is_archived(status: PurchaseStatus | str) -> bool:
    return PurchaseStatus(status) in ARCHIVED_STATUSES


def field_editable(status: PurchaseStatus | str, field: str) -> bool:
    """Whether `field` of a purchase at `status` may be changed."""
    status = PurchaseStatus(status)
    if status is PurchaseStatus.DRAFT:
        return field in PURCHASE_FIELDS
    return field in SAFE_FIELDS and not is_archived(status)


def editable_fields(status: PurchaseStatus | str) -> tuple[PurchaseField, ...]:
    return tuple(field for field in PURCHASE_FIELDS if field_editable(status, field))


def item_edit_refusal(
    status: PurchaseStatus | str, field: ItemField, *, ordered: bool
) -> str | None:
    """Why `field` of an item cannot change now (a stable code), or None if it can.

    "locked": the purchase is past collecting; "ordered-price" / "ordered": somebody has
    ordered the item (see the module doc)."""
    if not items_editable(status):
        return "locked"
    if ordered:
        return "ordered-price" if field == "price" else "ordered"
    return None


def can_delete(status: PurchaseStatus | str) -> bool:
    return PurchaseStatus(status) is PurchaseStatus.DRAFT


def is_back(text: str) -> bool:
    """Whether a typed answer means "Back" rather than a value."""
    return text.strip().casefold() in BACK_WORDS


def empty_value(field: str) -> Any:
    """What a cleared optional field holds."""
    return Minimum() if field == "min" else ""


_PARSERS = {
    "title": clean_title,
    "description": clean_description,
    "supplier": clean_supplier,
    "category": clean_category,
    "fee": parse_fee,
    "min": parse_min,
    "pickup": clean_pickup_note,
}


def parse_purchase_field(field: PurchaseField, text: str) -> Any:
    """The new value of `field` as typed; "-" empties an optional field. Raises
    `purchase_form.FormError` as the new-purchase dialog does."""
    if field in CLEARABLE_FIELDS and text.strip() == EMPTY_MARK:
        return empty_value(field)
    return _PARSERS[field](text)


def parse_item_field(field: ItemField, text: str) -> Any:
    """An item's new name, price (kopecks) or sizes ("-" for none). Raises
    `items.ItemError` as the items dialog does."""
    if field == "name":
        return clean_name(text)
    if field == "price":
        return parse_price(text)
    return [] if text.strip() == EMPTY_MARK else parse_sizes(text)
