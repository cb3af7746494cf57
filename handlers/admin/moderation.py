"""/moderation for the service admins (issue 19): the recent violations (excerpt, rule, who,
when), the suspended people with a button to lift each suspension, a button per violation to
mark it a false block (the strike is taken back; the case is kept for the word lists), and
the false blocks as a CSV file.
"""

from __future__ import annotations

import csv
import io

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button, Document
from bot.core.router import Role, Router
from bot.services.chat import who
from domain.money import format_amount
from domain.payments import format_moscow
from handlers.claims import decision_buttons
from handlers.kit import DbId, short
from storage.models import ConversationStatus, User

router = Router("moderation")

SHOWN = 10


class ModerationFalse(Payload, prefix="mdfb"):
    violation_id: DbId


class ModerationLift(Payload, prefix="mdlf"):
    user_id: DbId


class ModerationExport(Payload, prefix="mdex"):
    pass


class ModerationClaim(Payload, prefix="mdcl"):
    conversation_id: DbId


@router.command("moderation", role=Role.ADMIN, aliases=("модерация",))
async def moderation(ctx: Context) -> None:
    await show(ctx)


async def show(ctx: Context) -> None:
    now = ctx.now()
    found = await ctx.uow.chats.recent_violations(SHOWN)
    suspended = await ctx.uow.chats.suspended(now)
    blocks = [ctx.t("moderation-title", count=len(found))]
    marks: list[Button] = []
    for position, view in enumerate(found, start=1):
        violation = view.violation
        blocks.append(
            ctx.t(
                "moderation-entry",
                position=str(position),
                when=format_moscow(violation.created_at),
                rule=violation.rule,
                source=violation.source,
                who=who(view.user),
                role="organizer" if view.is_organizer else "buyer",
                excerpt=short(violation.excerpt, 120),
                false="yes" if violation.false_block else "no",
            )
        )
        if not violation.false_block:
            marks.append(
                Button(
                    ctx.t("moderation-button-false", position=str(position)),
                    ModerationFalse(violation_id=violation.id).pack(),
                )
            )
    if suspended:
        blocks.append(ctx.t("moderation-suspended-title", count=len(suspended)))
        blocks += [
            ctx.t(
                "moderation-suspended-entry",
                who=who(user),
                until=format_moscow(user.chat_suspended_until or now),
            )
            for user in suspended
        ]
    rows = [marks[i : i + 3] for i in range(0, len(marks), 3)]
    rows += [
        [
            Button(
                ctx.t("moderation-button-lift", name=short(user.name or user.external_id, 30)),
                ModerationLift(user_id=user.id).pack(),
            )
        ]
        for user in suspended
    ]
    claims = await ctx.uow.chats.escalated_claims(SHOWN)
    if claims:
        blocks.append(ctx.t("moderation-claims-title", count=len(claims)))
        for thread in claims:
            number = thread.order.number or str(thread.order.id)
            rows.append(
                [
                    Button(
                        ctx.t("moderation-button-claim", number=number),
                        ModerationClaim(conversation_id=thread.conversation.id).pack(),
                    )
                ]
            )
    rows.append([Button(ctx.t("moderation-button-export"), ModerationExport().pack())])
    ctx.answer("\n\n".join(blocks), rows)


@router.button(ModerationFalse, role=Role.ADMIN)
async def on_false(ctx: Context, data: ModerationFalse) -> None:
    violation = await ctx.uow.chats.violation(data.violation_id)
    if violation is None:
        raise UserError("moderation-unknown")
    if violation.false_block:
        raise UserError("moderation-already-false")
    violation.false_block = True
    violation.reviewed = True
    user = await ctx.uow.session.get(User, violation.user_id)
    if user is not None and user.chat_strikes > 0:
        user.chat_strikes -= 1
    ctx.say("moderation-marked-false", excerpt=short(violation.excerpt, 120))


@router.button(ModerationLift, role=Role.ADMIN)
async def on_lift(ctx: Context, data: ModerationLift) -> None:
    user = await ctx.uow.session.get(User, data.user_id)
    now = ctx.now()
    if user is None or user.chat_suspended_until is None or user.chat_suspended_until <= now:
        raise UserError("moderation-not-suspended")
    user.chat_suspended_until = None
    user.chat_strikes = 0
    await ctx.notify(user, "moderation-lifted-to-user")
    ctx.say("moderation-lifted", who=who(user))


@router.button(ModerationClaim, role=Role.ADMIN)
async def on_claim(ctx: Context, data: ModerationClaim) -> None:
    """An escalated claim with its history and the decision buttons."""
    thread = await ctx.uow.chats.thread(data.conversation_id)
    if thread is None or thread.conversation.status is not ConversationStatus.ESCALATED:
        raise UserError("moderation-claim-gone")
    conversation = thread.conversation
    history = await ctx.uow.chats.history(conversation.id, 10)
    lines = [
        ctx.t(
            "chat-history-line",
            author="organizer" if message.from_organizer else "buyer",
            organizer=thread.organizer.name,
            when=format_moscow(message.created_at),
            text=short(message.text, 300),
            photos=len(message.media_ids or []),
        )
        for message in history
    ]
    ctx.answer(
        ctx.t(
            "moderation-claim",
            number=thread.order.number or str(thread.order.id),
            title=thread.purchase.title,
            decision=(conversation.claim_decision.value if conversation.claim_decision else "-"),
            amount=format_amount(conversation.claim_amount_kop or 0, ctx.lang),
            reason=conversation.claim_reason or "-",
            history="\n".join(lines),
        ),
        decision_buttons(ctx.t, conversation.id),
    )


@router.button(ModerationExport, role=Role.ADMIN)
async def on_export(ctx: Context, data: ModerationExport) -> None:
    cases = await ctx.uow.chats.false_blocks()
    if not cases:
        ctx.say("moderation-export-none")
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "created_at", "rule", "source", "excerpt"])
    for case in cases:
        writer.writerow(
            [case.id, case.created_at.isoformat(), case.rule, case.source, case.excerpt]
        )
    ctx.answer(
        ctx.t("moderation-export-caption", count=len(cases)),
        document=Document("false_blocks.csv", buffer.getvalue().encode("utf-8-sig"), "text/csv"),
    )
