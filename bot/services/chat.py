"""Buyer–organizer chat (issue 19): moderation before delivery, strikes and suspensions, the
service admins' notices, and the organizer's answer deadline on the scheduler.

Moderation: `gate` runs `domain.moderation.moderate` on every chat, claim and item-comment
message before it is delivered. A blocked message is recorded (a `ChatMessage` with verdict
"blocked" when it belongs to a thread, and a `ModerationViolation`), the sender is told which
rule and why, and a strike is added; at the configured number of strikes
(CHAT_STRIKES_BUYER / CHAT_STRIKES_ORGANIZER) the person's chats are suspended for
CHAT_SUSPENSION_HOURS and the service admins are told.

Deadlines: when a buyer's message starts a wait, `start_waiting` records one task per
reminder day (CHAT_REMINDER_DAYS) and one at the deadline (CHAT_ANSWER_DAYS) in the same
transaction. Their keys hold the moment the wait began, so a task of an answered wait finds
the wait gone (or a newer one) and does nothing; the scheduler runs each task once, a restart
catches up once. What the tasks need of the settings (the admins, the strikes threshold)
travels in their data, as the scheduler's tasks get no settings.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import Field

from bot.core.context import Context
from bot.core.dispatcher import CONSOLE_ADMIN
from bot.core.payloads import Payload
from bot.core.replies import Button, Reply
from bot.scheduler import TaskContext
from bot.settings import Settings
from bot.texts import Texts
from domain.moderation import Role, Verdict, moderate
from domain.payments import format_moscow
from storage.models import (
    Conversation,
    ConversationStatus,
    ModerationVerdict,
    OutboxKind,
    ScheduledTask,
    User,
)
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

ANSWER_TASK = "chat-answer"
REMIND = "remind"
OVERDUE = "overdue"
DEADLINE_RULE = "deadline"
EXCERPT_LENGTH = 200


class ChatReply(Payload, prefix="chrep"):
    """Reply in a thread (under every relayed message and every reminder)."""

    # A database id: a bigger number is forged and must not reach a query (handlers.kit.DbId).
    conversation_id: Annotated[int, Field(ge=1, le=2**31 - 1)]


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def suspended_until(user: User, now: datetime) -> datetime | None:
    until = user.chat_suspended_until
    return until if until is not None and until > now else None


def who(user: User) -> str:
    """How the service admins see a person: name and platform id (never shown to users)."""
    return f"{user.name or user.username or '—'} ({user.platform}:{user.external_id})"


async def admin_users(uow: UnitOfWork, admin_ids: Sequence[str]) -> list[User]:
    """The service admins who have talked to the bot (the others cannot be messaged); in the
    console, its "admin" user too."""
    found = []
    for entry in [*admin_ids, f"console:{CONSOLE_ADMIN}"]:
        platform, _, external_id = entry.partition(":")
        user = await uow.users.find(platform, external_id)
        if user is not None:
            found.append(user)
    return found


async def tell_admins(
    uow: UnitOfWork,
    texts: Texts,
    admin_ids: Sequence[str],
    key: str,
    *,
    dedup_key: str,
    buttons: list[list[Button]] | None = None,
    **args: Any,
) -> int:
    sent = 0
    for admin in await admin_users(uow, admin_ids):
        text = texts.get(admin.language, key, **args)
        queued = await uow.outbox.enqueue(
            admin,
            Reply(text=text, buttons=buttons or []),
            OutboxKind.ANSWER,
            dedup_key=f"{dedup_key}:{admin.id}",
        )
        sent += queued is not None
    return sent


async def add_strike(
    uow: UnitOfWork,
    texts: Texts,
    user: User,
    *,
    threshold: int,
    hours: int,
    admin_ids: Sequence[str],
    now: datetime,
    role: Role,
) -> datetime | None:
    """One more strike; at `threshold` the chats are suspended (strikes start again) and the
    admins told. Returns the end of a suspension that began now."""
    user.chat_strikes += 1
    if user.chat_strikes < threshold:
        return None
    user.chat_strikes = 0
    until = now + timedelta(hours=hours)
    user.chat_suspended_until = until
    await tell_admins(
        uow,
        texts,
        admin_ids,
        "chat-admin-suspended",
        dedup_key=f"chat-suspended:{user.id}:{int(until.timestamp())}",
        who=who(user),
        role=role.value,
        until=format_moscow(until),
        strikes=threshold,
    )
    return until


async def gate(
    ctx: Context,
    text: str,
    role: Role,
    *,
    source: str,
    conversation: Conversation | None = None,
    media_ids: Sequence[int] = (),
    own_details: Sequence[str] = (),
) -> bool:
    """Whether the message may be delivered. If not, the sender has been told why, and a
    blocked message is recorded (the caller must not raise: that would undo the record)."""
    now = ctx.now()
    until = suspended_until(ctx.user, now)
    if until is not None:
        ctx.say("chat-suspended", until=format_moscow(until))
        return False
    if not text.strip():
        return True  # a photo without a caption: nothing to read
    verdict: Verdict = moderate(text, role, own_details=own_details)
    if verdict.allowed:
        return True
    rule = verdict.rule.value if verdict.rule is not None else "other"
    if conversation is not None:
        await ctx.uow.chats.add_message(
            conversation,
            ctx.user.id,
            from_organizer=role is Role.ORGANIZER,
            text=text,
            media_ids=media_ids,
            verdict=ModerationVerdict.BLOCKED,
            rule=rule,
            now=now,
        )
    await ctx.uow.chats.add_violation(
        ctx.user.id,
        rule=rule,
        excerpt=excerpt(text),
        source=source,
        now=now,
        conversation_id=conversation.id if conversation is not None else None,
    )
    settings = ctx.settings
    ctx.say("chat-blocked", rule=rule, detail=verdict.detail or "-")
    began = await add_strike(
        ctx.uow,
        ctx.texts,
        ctx.user,
        threshold=strikes_threshold(settings, role),
        hours=settings.chat_suspension_hours,
        admin_ids=settings.admin_ids,
        now=now,
        role=role,
    )
    if began is not None:
        ctx.say("chat-suspended-now", until=format_moscow(began))
    return False


def strikes_threshold(settings: Settings, role: Role) -> int:
    if role is Role.ORGANIZER:
        return settings.chat_strikes_organizer
    return settings.chat_strikes_buyer


# --- the answer deadline ----------------------------------------------------------------------


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


async def start_waiting(
    uow: UnitOfWork, settings: Settings, conversation: Conversation, now: datetime
) -> None:
    """The buyer now waits for the organizer (unless already waiting): the deadline and its
    reminders are recorded as scheduled tasks in the caller's transaction."""
    conversation.last_message_at = now
    if conversation.status is ConversationStatus.OPEN:
        conversation.status = ConversationStatus.AWAITING_ORGANIZER
    if conversation.waiting_since is not None:
        return
    conversation.waiting_since = now
    days = settings.chat_answer_days
    conversation.answer_due_at = now + timedelta(days=days)
    base = {
        "conversation_id": conversation.id,
        "since": _stamp(now),
        "admins": list(settings.admin_ids),
        "strikes": settings.chat_strikes_organizer,
        "hours": settings.chat_suspension_hours,
        "days": days,
    }
    prefix = f"{ANSWER_TASK}:{conversation.id}:{_stamp(now)}"
    for day in settings.chat_reminder_days:
        if day < days:
            await uow.tasks.schedule(
                ANSWER_TASK,
                f"{prefix}:d{day}",
                now + timedelta(days=day),
                {**base, "stage": REMIND, "day": day},
            )
    await uow.tasks.schedule(
        ANSWER_TASK, f"{prefix}:due", conversation.answer_due_at, {**base, "stage": OVERDUE}
    )


def stop_waiting(conversation: Conversation, now: datetime) -> None:
    """The organizer answered: nobody waits; the wait's tasks find nothing to do."""
    conversation.waiting_since = None
    conversation.answer_due_at = None
    conversation.last_message_at = now
    if conversation.status is ConversationStatus.AWAITING_ORGANIZER:
        conversation.status = ConversationStatus.OPEN


async def run_answer_deadline(ctx: TaskContext, task: ScheduledTask) -> None:
    data = task.data
    thread = await ctx.uow.chats.thread(int(data["conversation_id"]), lock=True)
    if thread is None:
        return
    conversation = thread.conversation
    since = conversation.waiting_since
    if since is None or _stamp(since) != int(data["since"]):
        return  # answered meanwhile (or a newer wait has its own tasks)
    organizer_user = await ctx.uow.users.get(thread.organizer.user_id)
    buyer = await ctx.uow.users.get(conversation.buyer_id)
    if organizer_user is None or buyer is None:
        return
    number = thread.order.number or str(thread.order.id)
    days = int(data["days"])
    lang = organizer_user.language
    reply = Button(
        ctx.texts.get(lang, "chat-button-reply"), ChatReply(conversation_id=conversation.id).pack()
    )
    if data["stage"] == REMIND:
        day = int(data["day"])
        await ctx.uow.outbox.enqueue(
            organizer_user,
            Reply(
                text=ctx.texts.get(
                    lang,
                    "chat-deadline-reminder",
                    number=number,
                    title=thread.purchase.title,
                    waited=day,
                    left=days - day,
                    due=format_moscow(conversation.answer_due_at or ctx.now),
                ),
                buttons=[[reply]],
            ),
            OutboxKind.REMINDER,
            dedup_key=task.key,
        )
        return
    # Overdue: recorded as the organizer's violation, escalated to the service admins.
    conversation.status = ConversationStatus.ESCALATED
    conversation.escalated_at = ctx.now
    await ctx.uow.chats.add_violation(
        organizer_user.id,
        rule=DEADLINE_RULE,
        excerpt=f"#{number}: {days}",
        source="deadline",
        now=ctx.now,
        conversation_id=conversation.id,
    )
    admins = [str(entry) for entry in data.get("admins", [])]
    await add_strike(
        ctx.uow,
        ctx.texts,
        organizer_user,
        threshold=int(data["strikes"]),
        hours=int(data["hours"]),
        admin_ids=admins,
        now=ctx.now,
        role=Role.ORGANIZER,
    )
    await tell_admins(
        ctx.uow,
        ctx.texts,
        admins,
        "chat-admin-overdue",
        dedup_key=task.key,
        organizer=who(organizer_user),
        number=number,
        title=thread.purchase.title,
        days=days,
    )
    await ctx.uow.outbox.enqueue(
        organizer_user,
        Reply(
            text=ctx.texts.get(lang, "chat-deadline-overdue", number=number, days=days),
            buttons=[[reply]],
        ),
        OutboxKind.ANSWER,
        dedup_key=f"{task.key}:organizer",
    )
    await ctx.uow.outbox.enqueue(
        buyer,
        Reply(text=ctx.texts.get(buyer.language, "chat-deadline-buyer", number=number, days=days)),
        OutboxKind.ANSWER,
        dedup_key=f"{task.key}:buyer",
    )
    log.info("chat %s: answer overdue, escalated", conversation.id)
