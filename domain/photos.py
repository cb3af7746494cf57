"""Photos of a purchase: how many, and while when the organizer may change them."""

from __future__ import annotations

from domain.lifecycle import PurchaseStatus

# Ten is what one album holds on Telegram (sendMediaGroup) and what one VK message may attach:
# every purchase's photos fit in one album wherever it is shown.
MAX_PURCHASE_PHOTOS = 10

# Photos change nothing anyone agreed to, so they may change until the purchase is over.
_FINAL = frozenset({PurchaseStatus.CLOSED, PurchaseStatus.CANCELLED})


def photos_editable(status: PurchaseStatus | str) -> bool:
    return PurchaseStatus(status) not in _FINAL


def photo_room(count: int) -> int:
    """How many more photos a purchase with `count` of them may take."""
    return max(0, MAX_PURCHASE_PHOTOS - count)
