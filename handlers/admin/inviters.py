"""The people of a round for the service admin: top inviters, one inviter's friends, flagged
bursts of invites, and an invite credited or voided by hand (buttons, or
`/rounds credit <id>` / `/rounds void <id>`)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.core.router import Role, Router
from bot.services.referrals import credit_invite, void_invite
from handlers.admin.round_views import (
    INVITES_PER_PAGE,
    NAME_SHOWN,
    TOP_SHOWN,
    InviteCredit,
    InviteVoid,
    RoundFlagged,
    RoundShow,
    RoundTop,
    RoundUserInvites,
    existing_round,
)
from handlers.buyer.referrals import invite_line
from handlers.kit import Paging, short
from storage.models import Invite, InviteStatus, ReferralRound

router = Router("round_inviters")


# --- people: top inviters, flagged bursts, one inviter's friends ------------------------------


@router.button(RoundTop, role=Role.ADMIN)
async def on_top(ctx: Context, data: RoundTop) -> None:
    round_ = await existing_round(ctx, data.round_id)
    top = await ctx.uow.referrals.top_inviters(round_.id, limit=TOP_SHOWN)
    back = [Button(ctx.t("referrals-admin-button-back"), RoundShow(round_id=round_.id).pack())]
    if not top:
        ctx.answer(ctx.t("referrals-admin-top-empty", id=str(round_.id)), [back])
        return
    lines = [ctx.t("referrals-admin-top-title", id=str(round_.id))]
    rows = []
    for place, inviter in enumerate(top, start=1):
        name = short(inviter.name.strip(), NAME_SHOWN) or ctx.t("referrals-friend-unnamed")
        entry = ctx.t(
            "referrals-admin-top-entry",
            place=str(place),
            name=name,
            counted=inviter.counted,
            waiting=inviter.waiting,
        )
        if inviter.has_code:
            entry += " " + ctx.t("referrals-admin-top-has-code")
        lines.append(entry)
        payload = RoundUserInvites(round_id=round_.id, user_id=inviter.user_id).pack()
        rows.append([Button(f"{place}. {name}", payload)])
    rows.append(back)
    ctx.answer("\n".join(lines), rows)


@router.button(RoundUserInvites, role=Role.ADMIN)
async def on_user_invites(ctx: Context, data: RoundUserInvites) -> None:
    round_ = await existing_round(ctx, data.round_id)
    repo = ctx.uow.referrals
    found = await repo.invites_of(
        data.user_id,
        round_id=round_.id,
        offset=data.page * INVITES_PER_PAGE,
        limit=INVITES_PER_PAGE + 1,
    )
    inviter = (await repo.users([data.user_id])).get(data.user_id)
    if inviter is None:
        raise UserError("referrals-admin-user-not-found")
    has_more, found = len(found) > INVITES_PER_PAGE, found[:INVITES_PER_PAGE]
    name = short(inviter.name.strip(), NAME_SHOWN) or ctx.t("referrals-friend-unnamed")
    lines = [ctx.t("referrals-admin-user-title", name=name, id=str(round_.id))]
    rows = []
    for row in found:
        friend = short(row.friend_name.strip(), NAME_SHOWN) or ctx.t("referrals-friend-unnamed")
        lines.append(admin_invite_line(ctx, row.invite.id, row.invite, friend, round_))
        rows.append(invite_buttons(ctx, row.invite))
    nav = Paging.of_more(data.page, INVITES_PER_PAGE, has_more).nav(
        ctx.t,
        lambda p: RoundUserInvites(round_id=round_.id, user_id=data.user_id, page=p).pack(),
    )
    rows = [row for row in rows if row]
    if nav:
        rows.append(nav)
    rows.append(
        [Button(ctx.t("referrals-admin-button-back"), RoundShow(round_id=round_.id).pack())]
    )
    ctx.answer("\n".join(lines), rows)


@router.button(RoundFlagged, role=Role.ADMIN)
async def on_flagged(ctx: Context, data: RoundFlagged) -> None:
    round_ = await existing_round(ctx, data.round_id)
    repo = ctx.uow.referrals
    found = await repo.flagged_invites(
        round_.id, offset=data.page * INVITES_PER_PAGE, limit=INVITES_PER_PAGE + 1
    )
    back = [Button(ctx.t("referrals-admin-button-back"), RoundShow(round_id=round_.id).pack())]
    if not found:
        ctx.answer(ctx.t("referrals-admin-flagged-empty", id=str(round_.id)), [back])
        return
    has_more, found = len(found) > INVITES_PER_PAGE, found[:INVITES_PER_PAGE]
    inviters = await repo.users([row.invite.inviter_id for row in found])
    lines = [ctx.t("referrals-admin-flagged-title", id=str(round_.id))]
    rows = []
    for row in found:
        inviter = inviters.get(row.invite.inviter_id)
        inviter_name = short(inviter.name.strip(), NAME_SHOWN) if inviter else ""
        friend = short(row.friend_name.strip(), NAME_SHOWN) or ctx.t("referrals-friend-unnamed")
        line = admin_invite_line(ctx, row.invite.id, row.invite, friend, round_)
        lines.append(ctx.t("referrals-admin-flagged-entry", inviter=inviter_name or "—", line=line))
        rows.append(invite_buttons(ctx, row.invite))
    rows = [row for row in rows if row]
    nav = Paging.of_more(data.page, INVITES_PER_PAGE, has_more).nav(
        ctx.t, lambda p: RoundFlagged(round_id=round_.id, page=p).pack()
    )
    if nav:
        rows.append(nav)
    rows.append(back)
    ctx.answer("\n".join(lines), rows)


def admin_invite_line(
    ctx: Context, invite_id: int, invite: Invite, friend: str, round_: ReferralRound
) -> str:
    line = f"№{invite_id} " + invite_line(ctx, invite.status, invite.refusal_reason, friend, round_)
    if invite.flagged:
        line += " " + ctx.t("referrals-admin-flag-mark")
    return line


def invite_buttons(ctx: Context, invite: Invite) -> list[Button]:
    buttons = []
    if invite.status is not InviteStatus.COUNTED or invite.flagged:
        buttons.append(
            Button(
                ctx.t("referrals-admin-button-credit", id=str(invite.id)),
                InviteCredit(invite_id=invite.id).pack(),
            )
        )
    if invite.status is not InviteStatus.REFUSED:
        buttons.append(
            Button(
                ctx.t("referrals-admin-button-void", id=str(invite.id)),
                InviteVoid(invite_id=invite.id).pack(),
            )
        )
    return buttons


# --- credit and void --------------------------------------------------------------------------


async def credit(ctx: Context, invite_id: int) -> None:
    change = await credit_invite(ctx.uow, invite_id, ctx.now(), ctx.texts)
    if change.only_unflagged:
        key = "referrals-admin-unflagged"
    elif change.code_issued:
        key = "referrals-admin-credited-code"
    else:
        key = "referrals-admin-credited"
    ctx.say(key, id=str(change.invite.id))


async def void(ctx: Context, invite_id: int) -> None:
    change = await void_invite(ctx.uow, invite_id, ctx.now())
    key = (
        "referrals-admin-voided-code-kept" if change.code is not None else "referrals-admin-voided"
    )
    ctx.say(key, id=str(change.invite.id))


@router.button(InviteCredit, role=Role.ADMIN)
async def on_credit(ctx: Context, data: InviteCredit) -> None:
    await credit(ctx, data.invite_id)


@router.button(InviteVoid, role=Role.ADMIN)
async def on_void(ctx: Context, data: InviteVoid) -> None:
    await void(ctx, data.invite_id)
