"""The buttons of the transport screens (handlers/organizer/transport.py), apart so that the
purchase card (handlers/organizer/purchases.py) can show its way there without the two
modules importing each other."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bot.core.context import Context
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.services.transport import transport_open
from domain.money import MAX_AMOUNT_KOPECKS
from domain.transport import SplitBasis
from handlers.kit import DbId
from storage.models import Purchase

Kopecks = Annotated[int, Field(ge=0, le=MAX_AMOUNT_KOPECKS)]


class TransportMenu(Payload, prefix="trm"):
    purchase_id: DbId


class TransportCost(Payload, prefix="trc"):
    purchase_id: DbId


class TransportWeights(Payload, prefix="trw"):
    purchase_id: DbId


class TransportPreview(Payload, prefix="trp"):
    purchase_id: DbId
    basis: SplitBasis
    cost_kop: Kopecks


class TransportApply(Payload, prefix="tra"):
    purchase_id: DbId
    basis: SplitBasis
    cost_kop: Kopecks


def transport_row(ctx: Context, purchase: Purchase) -> list[list[Button]]:
    """The card's way to the transport costs, once the goods have arrived."""
    if not transport_open(purchase):
        return []
    return [[Button(ctx.t("transport-button"), TransportMenu(purchase_id=purchase.id).pack())]]
