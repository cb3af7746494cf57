import itertools
from datetime import UTC, datetime

import pytest

from domain.lifecycle import (
    OrderStatus,
    PurchaseStatus,
    TransitionError,
    accepts_orders,
    accepts_payments,
    can_cancel,
    can_transition,
    collecting,
    ensure_transition,
    is_final,
    next_statuses,
)

S = PurchaseStatus

EXPECTED_NEXT = {
    S.DRAFT: (S.OPEN, S.CANCELLED),
    S.OPEN: (S.STOPPED, S.CANCELLED),
    S.STOPPED: (S.PAYMENT, S.CANCELLED),
    S.PAYMENT: (S.ORDERED, S.CANCELLED),
    S.ORDERED: (S.ARRIVED,),
    S.ARRIVED: (S.DISTRIBUTION,),
    S.DISTRIBUTION: (S.CLOSED,),
    S.CLOSED: (),
    S.CANCELLED: (),
}


def test_status_values() -> None:
    assert [s.value for s in S] == [
        "draft",
        "open",
        "stopped",
        "payment",
        "ordered",
        "arrived",
        "distribution",
        "closed",
        "cancelled",
    ]
    assert [s.value for s in OrderStatus] == ["active", "cancelled"]


@pytest.mark.parametrize(("status", "expected"), EXPECTED_NEXT.items())
def test_next_statuses(status: PurchaseStatus, expected: tuple[PurchaseStatus, ...]) -> None:
    assert next_statuses(status) == expected
    assert next_statuses(status.value) == expected  # plain strings from the database


def test_happy_path_walks_to_closed() -> None:
    status, path = S.DRAFT, [S.DRAFT]
    while next_statuses(status):
        status = ensure_transition(status, next_statuses(status)[0])
        path.append(status)
    assert path[-1] is S.CLOSED
    assert len(path) == 8


@pytest.mark.parametrize(("source", "target"), list(itertools.product(S, S)))
def test_can_and_ensure_transition_agree(source: PurchaseStatus, target: PurchaseStatus) -> None:
    allowed = target in EXPECTED_NEXT[source]
    assert can_transition(source, target) is allowed
    assert can_transition(source.value, target.value) is allowed
    if allowed:
        assert ensure_transition(source, target) is target
        assert ensure_transition(source.value, target.value) is target
    else:
        with pytest.raises(TransitionError) as caught:
            ensure_transition(source, target)
        assert caught.value.from_status is source
        assert caught.value.to_status is target
        assert source.value in str(caught.value) and target.value in str(caught.value)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.OPEN, S.OPEN),  # staying put is not a transition
        (S.STOPPED, S.OPEN),  # no going back
        (S.DRAFT, S.STOPPED),  # no skipping
        (S.STOPPED, S.ORDERED),
        (S.ORDERED, S.CANCELLED),  # money already spent on the supplier
        (S.DISTRIBUTION, S.CANCELLED),
        (S.CLOSED, S.CANCELLED),
        (S.CANCELLED, S.OPEN),
    ],
)
def test_forbidden_transitions(source: PurchaseStatus, target: PurchaseStatus) -> None:
    assert not can_transition(source, target)
    with pytest.raises(TransitionError):
        ensure_transition(source, target)


def test_transition_error_is_value_error() -> None:
    assert issubclass(TransitionError, ValueError)


@pytest.mark.parametrize("bad", ["", "opened", "OPEN", "paid"])
def test_unknown_status_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        next_statuses(bad)
    with pytest.raises(ValueError):
        can_transition(S.OPEN, bad)
    with pytest.raises(ValueError):
        accepts_orders(bad)


@pytest.mark.parametrize("status", list(S))
def test_stage_helpers(status: PurchaseStatus) -> None:
    assert accepts_orders(status) is (status is S.OPEN)
    assert collecting(status, None, datetime(2026, 11, 30, tzinfo=UTC)) is (status is S.OPEN)
    assert accepts_payments(status) is (status in {S.PAYMENT, S.ORDERED, S.ARRIVED, S.DISTRIBUTION})
    assert can_cancel(status) is (status in {S.DRAFT, S.OPEN, S.STOPPED, S.PAYMENT})
    assert can_cancel(status) is can_transition(status, S.CANCELLED)
    assert is_final(status) is (status in {S.CLOSED, S.CANCELLED})
    assert is_final(status) is (next_statuses(status) == ())
    assert accepts_payments(status.value) is accepts_payments(status)
