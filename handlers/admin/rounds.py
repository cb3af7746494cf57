"""/rounds for service admins: referral rounds planned step by step, edited until they
start, cancelled; each round's stats, top inviters and flagged bursts, and invites credited
or voided by hand (buttons, or `/rounds credit <id>` / `/rounds void <id>`).

A round and its two scheduled tasks (opening, closing) are written in one transaction, so
a round exists exactly when the scheduler knows about it.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.core.router import Role, Router
from bot.services.rounds import cancel_round_tasks
from domain.referrals import (
    RefusalReason,
)
from handlers.admin.inviters import credit, void
from handlers.admin.round_form import start_new
from handlers.admin.round_views import (
    EDIT,
    RoundCancel,
    RoundList,
    RoundShow,
    existing_round,
    show_list,
    show_round,
    status_text,
)
from handlers.kit import short
from storage.models import RoundStatus

router = Router("rounds")


# --- /rounds ----------------------------------------------------------------------------------


@router.command("rounds", aliases=("раунды",), role=Role.ADMIN)
async def rounds(ctx: Context) -> None:
    words = ctx.args.split()
    if not words:
        await show_list(ctx)
        return
    head = words[0].casefold()
    if head in ("new", "новый") and len(words) == 1:
        await start_new(ctx)
    elif head in ("credit", "засчитать") and len(words) == 2:
        await credit(ctx, parse_id(words[1]))
    elif head in ("void", "аннулировать") and len(words) == 2:
        await void(ctx, parse_id(words[1]))
    elif len(words) == 1 and head.lstrip("#№").isdigit():
        await show_round(ctx, parse_id(head))
    else:
        raise UserError("referrals-admin-usage")


def parse_id(text: str) -> int:
    digits = text.lstrip("#№")
    if not digits.isdigit() or len(digits) > 9 or int(digits) == 0:
        raise UserError("referrals-admin-bad-id", id=short(text, 20))
    return int(digits)


@router.button(RoundList, role=Role.ADMIN)
async def on_list(ctx: Context, data: RoundList) -> None:
    await show_list(ctx, edit=True)


@router.button(RoundShow, role=Role.ADMIN)
async def on_show(ctx: Context, data: RoundShow) -> None:
    await show_round(ctx, data.round_id, edit=True)


# --- cancelling -------------------------------------------------------------------------------


@router.button(RoundCancel, role=Role.ADMIN)
async def on_cancel(ctx: Context, data: RoundCancel) -> None:
    round_ = await existing_round(ctx, data.round_id, lock=data.sure)
    if round_.status not in (RoundStatus.SCHEDULED, RoundStatus.OPEN):
        ctx.say(
            "referrals-admin-cancel-not-possible",
            id=str(round_.id),
            status=status_text(ctx, round_.status),
        )
        return
    if not data.sure:
        rows = [
            [
                Button(
                    ctx.t("referrals-admin-button-cancel-sure"),
                    RoundCancel(round_id=round_.id, sure=True).pack(),
                ),
                Button(ctx.t("referrals-admin-button-back"), RoundShow(round_id=round_.id).pack()),
            ]
        ]
        key = (
            "referrals-admin-cancel-open"
            if round_.status is RoundStatus.OPEN
            else "referrals-admin-cancel-scheduled"
        )
        ctx.say(key, rows, id=str(round_.id))
        return
    was_open = round_.status is RoundStatus.OPEN
    round_.status = RoundStatus.CANCELLED
    if was_open:
        round_.closed_at = ctx.now()
        await ctx.uow.referrals.refuse_waiting(round_.id, RefusalReason.ROUND_ENDED.value)
    await cancel_round_tasks(ctx.uow, round_.id)
    if ctx.dialog.name == EDIT and ctx.dialog.data.get("round_id") == round_.id:
        await ctx.dialog.finish()
    ctx.say("referrals-admin-cancelled", id=str(round_.id))
