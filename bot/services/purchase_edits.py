"""Corrections to a purchase and its items, and the buyers who hear of them
(handlers/organizer/editing.py and dates.py).

What may change when is `domain.purchase_edit`; the handlers check it on a locked row and
call these in the same transaction. Buyers with active orders are told of what affects them
(the pickup note, the payment deadline while they cannot pay yet; the stop date in
handlers/organizer/dates.py) through the outbox, once per buyer and new value (dedup keys).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from bot.core.replies import Reply
from bot.texts import Texts
from domain.buyouts import Minimum
from domain.lifecycle import PurchaseStatus
from domain.periods import format_day
from domain.purchase_edit import ItemField, PurchaseField
from storage.models import OutboxKind, Purchase, PurchaseItem
from storage.repositories.outbox import Recipient
from storage.uow import UnitOfWork

# The purchase's attribute behind each field of the edit menu.
FIELD_ATTRIBUTES: dict[str, str] = {
    "title": "title",
    "description": "description",
    "supplier": "supplier",
    "category": "category",
    "fee": "fee_bp",
    "min": "min_total_kop",
    "pickup": "pickup_note",
}
ITEM_ATTRIBUTES: dict[str, str] = {"name": "name", "price": "price_kop", "sizes": "sizes"}


def current_value(purchase: Purchase, field: PurchaseField) -> Any:
    if field == "min":
        # A sum or pieces (domain/buyouts.py); None when there is no minimum.
        if purchase.min_total_kop is None and purchase.min_pieces is None:
            return None
        return Minimum(purchase.min_total_kop, purchase.min_pieces)
    return getattr(purchase, FIELD_ATTRIBUTES[field])


async def edit_purchase(
    uow: UnitOfWork,
    texts: Texts,
    purchase: Purchase,
    field: PurchaseField,
    value: Any,
    *,
    now: datetime,
) -> int:
    """Set `field` of `purchase` (locked; the caller checked it is editable now) and tell the
    buyers it affects. Returns how many buyers were told."""
    if field == "min":
        purchase.min_total_kop, purchase.min_pieces = value.total_kop, value.pieces
    else:
        setattr(purchase, FIELD_ATTRIBUTES[field], value)
    purchase.updated_at = now
    await uow.session.flush()
    if field != "pickup" or purchase.status is PurchaseStatus.DRAFT:
        return 0
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:12]
    return await tell_buyers(
        uow,
        texts,
        purchase,
        "purchase-edit-notify-pickup" if value else "purchase-edit-notify-pickup-cleared",
        f"pickup-note:{purchase.id}:{digest}",
        note=value,
    )


async def tell_buyers_of_pay_date(
    uow: UnitOfWork, texts: Texts, purchase: Purchase, deadline: datetime
) -> int:
    """Buyers with orders hear of a payment deadline moved before payment opens (once it is
    open, the payers are told with a Pay button: handlers/organizer/dates.py)."""
    return await tell_buyers(
        uow,
        texts,
        purchase,
        "purchase-edit-notify-pay-date",
        f"pay-date-moved:{purchase.id}:{deadline:%Y%m%d}",
        deadline=deadline,
    )


async def tell_buyers(
    uow: UnitOfWork, texts: Texts, purchase: Purchase, key: str, dedup: str, **args: Any
) -> int:
    """Queue `key` to every buyer with an active order, in their language; dates in `args`
    are written as the buyer's days. Returns how many were queued."""
    recipients = []
    for target in await uow.purchases.buyers_to_notify(purchase.id):
        buyer = target.buyer
        localized = {
            name: format_day(value, buyer.language) if isinstance(value, datetime) else value
            for name, value in args.items()
        }
        text = texts.get(buyer.language, key, title=purchase.title, **localized)
        recipients.append(Recipient(user=buyer, reply=Reply(text), dedup_key=f"{dedup}:{buyer.id}"))
    return await uow.outbox.enqueue_many(recipients, OutboxKind.NOTIFICATION)


def edit_item(item: PurchaseItem, field: ItemField, value: Any) -> None:
    """Set `field` of `item` (the caller checked `purchase_edit.item_edit_refusal`)."""
    # A fresh list: the JSON column notices a new value, not an edited one.
    setattr(item, ITEM_ATTRIBUTES[field], list(value) if field == "sizes" else value)
