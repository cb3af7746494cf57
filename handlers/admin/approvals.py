"""/approve: the service admin's queues — organizers who asked to share promo codes, shared
codes, and affiliates who applied. Approve with a button; refuse with a reason the person
is shown. `/approve organizers`, `/approve codes`, `/approve affiliates` show one queue."""

from __future__ import annotations

from typing import Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.core.router import Role, Router
from bot.services.promo_codes import (
    code_offer,
    dates_text,
    decide_affiliate,
    decide_code,
    decide_organizer,
    purchase_title,
    scope_text,
)
from handlers.kit import DbId, short
from storage.models import ApprovalStatus, OrganizerStatus

router = Router("approvals")

REFUSE = "approve_refuse"
SHOWN = 4  # entries a queue shows at once: two buttons each, 8 of VK's 10
MAX_REASON = 500
Kind = Literal["org", "code", "aff"]
QUEUE_WORDS: dict[str, Kind] = {
    "organizers": "org",
    "организаторы": "org",
    "орги": "org",
    "codes": "code",
    "коды": "code",
    "промокоды": "code",
    "affiliates": "aff",
    "партнёры": "aff",
    "партнеры": "aff",
}


class Decide(Payload, prefix="apd"):
    kind: Kind
    id: DbId
    approve: bool


@router.command("approve", aliases=("одобрить",), role=Role.ADMIN)
async def approve(ctx: Context) -> None:
    typed = ctx.args.strip().casefold()
    if typed and typed not in QUEUE_WORDS:
        raise UserError("promo-approve-unknown-queue")
    wanted = [QUEUE_WORDS[typed]] if typed else ["org", "code", "aff"]
    empty = True
    for kind in wanted:
        empty = not await show_queue(ctx, kind) and empty
    if empty:
        ctx.say("promo-approve-empty")


async def show_queue(ctx: Context, kind: str) -> bool:
    lines: list[str] = []
    buttons: list[list[Button]] = []

    def buttons_for(kind: Kind, entry_id: int, label: str) -> None:
        buttons.append(
            [
                Button(
                    ctx.t("promo-button-approve", what=label),
                    Decide(kind=kind, id=entry_id, approve=True).pack(),
                ),
                Button(
                    ctx.t("promo-button-refuse", what=label),
                    Decide(kind=kind, id=entry_id, approve=False).pack(),
                ),
            ]
        )

    if kind == "org":
        for organizer in await ctx.uow.promos.pending_organizers(limit=SHOWN):
            lines.append(ctx.t("promo-approve-org-entry", id=organizer.id, name=organizer.name))
            buttons_for("org", organizer.id, short(organizer.name, 20))
        title = "promo-approve-org-title"
    elif kind == "code":
        for code, organizer in await ctx.uow.promos.pending_codes(limit=SHOWN):
            title_of = await purchase_title(ctx.uow, code)
            lines.append(
                ctx.t(
                    "promo-approve-code-entry",
                    code=code.code,
                    organizer=organizer.name,
                    approved=str(organizer.status is OrganizerStatus.APPROVED).lower(),
                    offer=code_offer(ctx.texts, ctx.lang, code),
                    scope=scope_text(ctx.texts, ctx.lang, code, title_of),
                    dates=dates_text(ctx.texts, ctx.lang, code),
                )
            )
            buttons_for("code", code.id, code.code)
        title = "promo-approve-code-title"
    else:
        for affiliate, person in await ctx.uow.promos.pending_affiliates(limit=SHOWN):
            lines.append(
                ctx.t(
                    "promo-approve-aff-entry",
                    id=affiliate.id,
                    name=person.name or "—",
                    about=short(affiliate.about, 300),
                )
            )
            buttons_for("aff", affiliate.id, short(person.name or str(affiliate.id), 20))
        title = "promo-approve-aff-title"
    if not lines:
        return False
    ctx.answer("\n\n".join([ctx.t(title), *lines]), buttons)
    return True


async def pending(ctx: Context, kind: str, entry_id: int) -> object:
    """The entry still waiting for a decision, or a polite refusal."""
    repo = ctx.uow.promos
    if kind == "org":
        organizer = await repo.organizer(entry_id)
        if (
            organizer is not None
            and organizer.approval_requested_at is not None
            and organizer.status is OrganizerStatus.ACTIVE
        ):
            return organizer
    elif kind == "code":
        code = await repo.code(entry_id, lock=True)
        if code is not None and code.approval is ApprovalStatus.PENDING:
            return code
    else:
        affiliate = await repo.affiliate(entry_id)
        if affiliate is not None and affiliate.status is ApprovalStatus.PENDING:
            return affiliate
    raise UserError("promo-approve-decided")


async def decide(ctx: Context, kind: str, entry_id: int, approve: bool, reason: str | None) -> None:
    entry = await pending(ctx, kind, entry_id)
    now = ctx.now()
    if kind == "org":
        await decide_organizer(ctx.uow, entry, approve, reason, now, ctx.texts)  # type: ignore[arg-type]
    elif kind == "code":
        await decide_code(ctx.uow, entry, approve, reason, now, ctx.texts)  # type: ignore[arg-type]
    else:
        await decide_affiliate(ctx.uow, entry, approve, reason, now, ctx.texts)  # type: ignore[arg-type]
    ctx.say("promo-approve-done-" + ("yes" if approve else "no"))


@router.button(Decide, role=Role.ADMIN)
async def on_decide(ctx: Context, data: Decide) -> None:
    await pending(ctx, data.kind, data.id)
    if data.approve:
        await decide(ctx, data.kind, data.id, True, None)
        return
    await ctx.dialog.start(REFUSE, "reason", {"kind": data.kind, "id": data.id})
    ctx.say("promo-approve-ask-reason")


@router.step(REFUSE, "reason")
async def on_reason(ctx: Context) -> None:
    if not ctx.is_admin:
        await ctx.dialog.finish()
        ctx.say("need-admin")
        return
    reason = " ".join(ctx.event.text.split())
    if not reason:
        raise UserError("promo-approve-reason-empty")
    if len(reason) > MAX_REASON:
        raise UserError("promo-approve-reason-long", max=MAX_REASON)
    kind, entry_id = ctx.dialog.data["kind"], int(ctx.dialog.data["id"])
    await ctx.dialog.finish()
    try:
        await pending(ctx, kind, entry_id)
    except UserError as exc:
        ctx.say(exc.key)  # decided meanwhile (by another admin): the dialog still ends
        return
    await decide(ctx, kind, entry_id, False, reason)
