"""An organizer's black list as a buyer meets it (domain/buyouts.py): "refused" buyers are
told politely that this organizer takes no orders from them (nothing else: not why, not
who else is listed); "needs prepayment" buyers order as usual and are told, under the
placed order, to pay it in full as soon as payment opens."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from domain.buyouts import BlacklistMode
from storage.models import BlacklistEntry, Purchase


async def listed(ctx: Context, purchase: Purchase) -> BlacklistEntry | None:
    """The buyer's entry on the list of the purchase's organizer, if any."""
    return await ctx.uow.buyouts.entry(purchase.organizer_id, ctx.user.id)


async def is_refused(ctx: Context, purchase: Purchase) -> bool:
    entry = await listed(ctx, purchase)
    return entry is not None and entry.mode is BlacklistMode.REFUSE


async def ensure_not_refused(ctx: Context, purchase: Purchase) -> None:
    """Refuse a buyer this organizer takes no orders from; changes nothing."""
    if await is_refused(ctx, purchase):
        raise UserError("buyouts-refused", organizer=purchase.organizer.name)


async def prepayment_note(ctx: Context, purchase: Purchase) -> str | None:
    """The line under a placed order for a buyer whose orders need prepayment."""
    entry = await listed(ctx, purchase)
    if entry is None or entry.mode is not BlacklistMode.PREPAY:
        return None
    return ctx.t("buyouts-prepay-note", organizer=purchase.organizer.name)
