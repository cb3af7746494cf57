"""Who may assign which pickup point to which order, and when (handlers/organizer/pickup.py).

The organizer of a purchase assigns pickup points to its orders, whether or not buyers may
choose themselves (an organizer's choice overrides the buyer's):

* only their own purchase, and only until it is over (closed or cancelled: history);
* only one of their own pickup points that is active (a retired point is hidden from buyers);
* only a live order of that purchase.

The functions take anything with the named attributes (the storage models, or plain objects
in tests) and return why not, or None when the assignment is allowed. A refusal for another
organizer's purchase reads exactly like one for a purchase that does not exist.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from domain.lifecycle import OrderStatus, PurchaseStatus, is_final


class AssignRefusal(StrEnum):
    NOT_OWNER = "not-owner"
    PURCHASE_OVER = "purchase-over"
    POINT_UNKNOWN = "point-unknown"
    ORDER_UNKNOWN = "order-unknown"


class PurchaseFacts(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def organizer_id(self) -> int: ...
    @property
    def status(self) -> PurchaseStatus: ...


class PointFacts(Protocol):
    @property
    def organizer_id(self) -> int: ...
    @property
    def active(self) -> bool: ...


class OrderFacts(Protocol):
    @property
    def purchase_id(self) -> int: ...
    @property
    def status(self) -> OrderStatus: ...


def assignable(status: PurchaseStatus | str) -> bool:
    """Points may be assigned until the purchase is closed or cancelled."""
    return not is_final(status)


def purchase_refusal(organizer_id: int, purchase: PurchaseFacts | None) -> AssignRefusal | None:
    if purchase is None or purchase.organizer_id != organizer_id:
        return AssignRefusal.NOT_OWNER
    if not assignable(purchase.status):
        return AssignRefusal.PURCHASE_OVER
    return None


def point_refusal(organizer_id: int, point: PointFacts | None) -> AssignRefusal | None:
    if point is None or point.organizer_id != organizer_id or not point.active:
        return AssignRefusal.POINT_UNKNOWN
    return None


def order_refusal(purchase: PurchaseFacts, order: OrderFacts | None) -> AssignRefusal | None:
    if order is None or order.purchase_id != purchase.id or order.status != OrderStatus.ACTIVE:
        return AssignRefusal.ORDER_UNKNOWN
    return None


def assignment_refusal(
    organizer_id: int,
    purchase: PurchaseFacts | None,
    point: PointFacts | None,
    order: OrderFacts | None,
) -> AssignRefusal | None:
    """Why `organizer_id` may not give `order` of `purchase` the pickup `point` (None: may).

    The purchase is checked first, so a forged payload for another organizer's purchase learns
    nothing about its points or orders."""
    refusal = purchase_refusal(organizer_id, purchase)
    if refusal is not None:
        return refusal
    assert purchase is not None
    return point_refusal(organizer_id, point) or order_refusal(purchase, order)


def unassigned_shows_all_points(buyers_choose: bool, active_points: int) -> bool:
    """What a buyer whose order has no point is told when the goods arrive: every active
    point, unless the organizer assigns points and has several (then listing them all would
    read as "any of these" while the organizer is still to say which one)."""
    return buyers_choose or active_points <= 1
