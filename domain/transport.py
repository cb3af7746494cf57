"""Transport costs ("ТР"): the delivery of a shipment split among its orders.

After the goods arrive the organizer enters what the delivery cost (int kopecks) and how to
split it: by weight (grams of every ordered piece, when every ordered item has a weight), by
the sum of the order's items (without the organizer fee and the discount: the fee is the
organizer's, the discount a gift), or by pieces. Each live order's share is added to what it
owes (`Order.transport_kop`, folded into `Order.due_kop`, so `domain.balance.order_money`
and every view read it).

Rounding is largest remainder (Hamilton): each order first gets the whole kopecks of its
exact share `cost * basis / total`, then the kopecks left over go one each to the orders
with the largest remainders, so the shares always add up to the cost to the kopeck and no
share is more than one kopeck from its exact value. Ties (equal remainders) go to the
larger basis first (who weighs or spends more carries the odd kopeck), then to the older
order (the smaller order id): the same input always gives the same shares.

Cancelled orders and orders whose basis is 0 (nothing ordered) take no share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

# A piece heavier than this (100 kg) is surely a typo in grams.
MAX_WEIGHT_G = 100_000
MAX_WEIGHT_LINES = 100


class SplitBasis(StrEnum):
    WEIGHT = "weight"  # grams of the order's pieces
    SUM = "sum"  # the order's items sum (without fee and discount)
    PIECES = "pieces"  # the order's pieces


class TransportError(ValueError):
    """A refused split or typed value; `code` is stable for the texts."""

    def __init__(self, code: str, **args: object) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args


@dataclass(frozen=True, slots=True)
class OrderLineBasis:
    """One line of an order as the split sees it."""

    item_id: int
    quantity: int
    price_kop: int
    weight_g: int | None  # the item's weight per piece; None when not entered


@dataclass(frozen=True, slots=True)
class OrderBasis:
    order_id: int
    lines: tuple[OrderLineBasis, ...]
    cancelled: bool = False

    def basis(self, by: SplitBasis) -> int:
        if self.cancelled:
            return 0
        if by is SplitBasis.PIECES:
            return sum(line.quantity for line in self.lines)
        if by is SplitBasis.SUM:
            return sum(line.quantity * line.price_kop for line in self.lines)
        return sum(line.quantity * (line.weight_g or 0) for line in self.lines)


def split_cost(cost_kop: int, bases: Mapping[int, int]) -> dict[int, int]:
    """`cost_kop` split over the keys of `bases` (order id -> basis) in proportion to their
    basis, largest remainder, ties as the module says. Keys with basis 0 get 0. Raises
    `TransportError("nothing-to-split")` when every basis is 0 and the cost is not."""
    if isinstance(cost_kop, bool) or not isinstance(cost_kop, int) or cost_kop < 0:
        raise ValueError(f"cost must be non-negative int kopecks, got {cost_kop!r}")
    if any(basis < 0 for basis in bases.values()):
        raise ValueError("a basis must not be negative")
    total = sum(bases.values())
    if total == 0:
        if cost_kop:
            raise TransportError("nothing-to-split")
        return dict.fromkeys(bases, 0)
    shares: dict[int, int] = {}
    remainders: list[tuple[int, int, int]] = []
    for key, basis in bases.items():
        whole, remainder = divmod(cost_kop * basis, total)
        shares[key] = whole
        if basis:
            # Sorted ascending: the largest remainder, then the largest basis, then the
            # smallest key first.
            remainders.append((-remainder, -basis, key))
    left = cost_kop - sum(shares.values())
    for _, _, key in sorted(remainders)[:left]:
        shares[key] += 1
    return shares


def missing_weights(orders: Iterable[OrderBasis]) -> list[int]:
    """Item ids ordered in live orders without a weight (a weight split needs them all)."""
    missing: dict[int, None] = {}
    for order in orders:
        if order.cancelled:
            continue
        for line in order.lines:
            if line.quantity and not line.weight_g:
                missing[line.item_id] = None
    return list(missing)


def transport_shares(cost_kop: int, orders: Iterable[OrderBasis], by: SplitBasis) -> dict[int, int]:
    """Every order's share (order id -> kopecks; cancelled orders 0). Raises
    `TransportError`: "weights-missing" (with `items`, the item ids without a weight) for a
    weight split, "nothing-to-split" when no live order has anything to carry it."""
    orders = list(orders)
    if by is SplitBasis.WEIGHT and (missing := missing_weights(orders)):
        raise TransportError("weights-missing", items=missing)
    return split_cost(cost_kop, {order.order_id: order.basis(by) for order in orders})


# --- weights as the organizer types them ----------------------------------------------------

_WEIGHT = re.compile(
    r"^\s*(?P<number>\d+)\s*[.):;,\-–—]?\s+(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>кг|kg|г|g|гр)?\.?\s*$",
    re.IGNORECASE,
)


def parse_weight(text: str) -> int:
    """One weight in grams: "350", "350 г", "0,35 кг", "1.2kg". Raises `TransportError`."""
    match = re.fullmatch(
        r"\s*(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>кг|kg|г|g|гр)?\.?\s*", text, re.IGNORECASE
    )
    if match is None:
        raise TransportError("weight-bad", text=text.strip()[:30])
    return _grams(match["value"], match["unit"], text)


def _grams(value: str, unit: str | None, text: str) -> int:
    value = value.replace(",", ".")
    if unit and unit.lower() in ("кг", "kg"):
        whole, _, frac = value.partition(".")
        if len(frac) > 3:
            raise TransportError("weight-bad", text=text.strip()[:30])
        grams = int(whole) * 1000 + int((frac + "000")[:3])
    else:
        if "." in value:
            raise TransportError("weight-bad", text=text.strip()[:30])
        grams = int(value)
    if grams <= 0 or grams > MAX_WEIGHT_G:
        raise TransportError("weight-range", text=text.strip()[:30], max=MAX_WEIGHT_G)
    return grams


@dataclass(frozen=True, slots=True)
class WeightLineError:
    line: int  # 1-based, as typed
    error: TransportError


def parse_weights(text: str, count: int) -> tuple[dict[int, int], list[WeightLineError]]:
    """Weights typed as lines "N grams" ("1 350", "2) 0,5 кг"), N the item's number in the
    list the bot showed (1..count). All or nothing: the caller saves none when any line is
    wrong. Returns (number -> grams, errors)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        return {}, [WeightLineError(1, TransportError("weights-empty"))]
    if len(numbered) > MAX_WEIGHT_LINES:
        return {}, [WeightLineError(1, TransportError("weights-too-many", max=MAX_WEIGHT_LINES))]
    weights: dict[int, int] = {}
    errors: list[WeightLineError] = []
    for line_number, line in numbered:
        match = _WEIGHT.match(line)
        if match is None:
            errors.append(
                WeightLineError(line_number, TransportError("weight-line", text=line.strip()[:40]))
            )
            continue
        number = int(match["number"])
        if not 1 <= number <= count:
            errors.append(
                WeightLineError(
                    line_number, TransportError("weight-number", number=number, count=count)
                )
            )
            continue
        try:
            weights[number] = _grams(match["value"], match["unit"], line)
        except TransportError as exc:
            errors.append(WeightLineError(line_number, exc))
    return weights, errors
