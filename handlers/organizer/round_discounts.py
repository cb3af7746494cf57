"""Who bears a referral round's discount: the organizer (they receive less), so an organizer
may opt a purchase out of round codes from its card. A code applied before the opt-out stays
on its order (bot/services/referrals.py refuses new ones)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.core.router import Role, Router
from domain.lifecycle import PurchaseStatus
from handlers.kit import DbId
from handlers.organizer.kit import PurchaseView, own_purchase
from storage.models import Purchase

router = Router("round_discounts")

# Over: nobody orders or applies codes any more, so the choice would change nothing.
_SETTLED = (PurchaseStatus.CLOSED, PurchaseStatus.CANCELLED)


class RoundDiscounts(Payload, prefix="prdisc"):
    """Set (not toggle, so a stale button repeats its own choice) whether the purchase takes
    referral-round codes."""

    purchase_id: DbId
    accept: bool


def round_discount_line(ctx: Context, purchase: Purchase) -> str:
    """The card's line: whether round codes are taken, and that the organizer bears them."""
    return ctx.t(
        "payment-splits-card-round-discounts",
        accepts="yes" if purchase.accepts_round_discounts else "no",
    )


def round_discount_button(ctx: Context, purchase: Purchase) -> list[Button]:
    """The Edit menu's button that flips the choice; none once the purchase is over."""
    if purchase.status in _SETTLED:
        return []
    accept = not purchase.accepts_round_discounts
    label = ctx.t("payment-splits-button-round-discounts", accept="yes" if accept else "no")
    return [Button(label, RoundDiscounts(purchase_id=purchase.id, accept=accept).pack())]


@router.button(RoundDiscounts, role=Role.ORGANIZER)
async def on_round_discounts(ctx: Context, data: RoundDiscounts) -> None:
    purchase = await own_purchase(ctx, data.purchase_id, lock=True)
    if purchase.status in _SETTLED:
        raise UserError("payment-splits-round-discounts-settled", title=purchase.title)
    purchase.accepts_round_discounts = data.accept
    purchase.updated_at = ctx.now()
    back = [
        [Button(ctx.t("payment-splits-button-card"), PurchaseView(purchase_id=purchase.id).pack())]
    ]
    ctx.say(
        "payment-splits-round-discounts-set",
        back,
        title=purchase.title,
        accepts="yes" if data.accept else "no",
    )
