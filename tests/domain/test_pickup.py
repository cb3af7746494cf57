"""Who may assign which pickup point to which order, and when (domain/pickup.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.pickup import (
    AssignRefusal,
    assignable,
    assignment_refusal,
    unassigned_shows_all_points,
)


@dataclass
class FakePurchase:
    id: int = 10
    organizer_id: int = 1
    status: PurchaseStatus = PurchaseStatus.STOPPED


@dataclass
class FakePoint:
    organizer_id: int = 1
    active: bool = True


@dataclass
class FakeOrder:
    purchase_id: int = 10
    status: OrderStatus = OrderStatus.ACTIVE


@pytest.mark.parametrize("status", list(PurchaseStatus))
def test_assignable_until_closed_or_cancelled(status: PurchaseStatus) -> None:
    expected = status not in (PurchaseStatus.CLOSED, PurchaseStatus.CANCELLED)
    assert assignable(status) is expected
    refusal = assignment_refusal(1, FakePurchase(status=status), FakePoint(), FakeOrder())
    assert refusal is (None if expected else AssignRefusal.PURCHASE_OVER)


def test_the_organizer_assigns_an_active_point_to_a_live_order() -> None:
    assert assignment_refusal(1, FakePurchase(), FakePoint(), FakeOrder()) is None


@pytest.mark.parametrize(
    ("purchase", "point", "order", "refusal"),
    [
        # Another organizer's purchase, or none: nothing else is looked at.
        (FakePurchase(organizer_id=2), FakePoint(), FakeOrder(), AssignRefusal.NOT_OWNER),
        (None, FakePoint(), FakeOrder(), AssignRefusal.NOT_OWNER),
        (
            FakePurchase(organizer_id=2, status=PurchaseStatus.CLOSED),
            None,
            None,
            AssignRefusal.NOT_OWNER,
        ),
        # Points: another organizer's, retired, missing.
        (FakePurchase(), FakePoint(organizer_id=2), FakeOrder(), AssignRefusal.POINT_UNKNOWN),
        (FakePurchase(), FakePoint(active=False), FakeOrder(), AssignRefusal.POINT_UNKNOWN),
        (FakePurchase(), None, FakeOrder(), AssignRefusal.POINT_UNKNOWN),
        # Orders: of another purchase, cancelled, missing.
        (FakePurchase(), FakePoint(), FakeOrder(purchase_id=11), AssignRefusal.ORDER_UNKNOWN),
        (
            FakePurchase(),
            FakePoint(),
            FakeOrder(status=OrderStatus.CANCELLED),
            AssignRefusal.ORDER_UNKNOWN,
        ),
        (FakePurchase(), FakePoint(), None, AssignRefusal.ORDER_UNKNOWN),
        # A closed purchase is refused before its points and orders are considered.
        (
            FakePurchase(status=PurchaseStatus.CANCELLED),
            None,
            None,
            AssignRefusal.PURCHASE_OVER,
        ),
    ],
)
def test_refusals(
    purchase: FakePurchase | None,
    point: FakePoint | None,
    order: FakeOrder | None,
    refusal: AssignRefusal,
) -> None:
    assert assignment_refusal(1, purchase, point, order) is refusal


def test_what_a_buyer_without_a_point_is_told_on_arrival() -> None:
    assert unassigned_shows_all_points(True, 3)  # buyers choose: every point
    assert unassigned_shows_all_points(False, 1)  # the only point
    assert unassigned_shows_all_points(False, 0)  # nothing to show either way
    assert not unassigned_shows_all_points(False, 2)  # the organizer is to say which
