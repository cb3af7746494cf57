"""Referral rounds open and close by the scheduler, and a series opens the next round.

`schedule_round(uow, round_)` writes the two tasks ("round-open:<id>", "round-close:<id>")
in the caller's transaction, the one that creates the round. The scheduler runs each once,
also when it catches up after the bot was down: a round whose opening was missed opens late
(without an announcement if its end has passed too), then closes.

Closing refuses friends still waiting for their qualifying action and, for a series
(`next_round_pause_s`), creates the next round with the same settings `pause` after the end,
with its own two tasks, in the same transaction. Opening and closing are announced to
everyone who allowed notifications, in batches, with a dedup key per person.
"""

from __future__ import annotations

import logging

from bot.core.payloads import CommandPayload
from bot.core.replies import Button, Reply
from bot.scheduler import TaskContext
from bot.services.referrals import moment, round_offer
from bot.texts import LANGUAGES, Texts
from domain.referrals import RefusalReason, next_round_times
from storage.models import ReferralRound, RoundStatus, ScheduledTask
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

ROUND_OPEN = "round-open"
ROUND_CLOSE = "round-close"
ANNOUNCE_BATCH = 1000


def open_key(round_id: int) -> str:
    return f"{ROUND_OPEN}:{round_id}"


def close_key(round_id: int) -> str:
    return f"{ROUND_CLOSE}:{round_id}"


async def schedule_round(uow: UnitOfWork, round_: ReferralRound) -> list[ScheduledTask]:
    """Record (or move) the round's opening and closing; returns the tasks created."""
    created = []
    for kind, key, due_at in (
        (ROUND_OPEN, open_key(round_.id), round_.starts_at),
        (ROUND_CLOSE, close_key(round_.id), round_.ends_at),
    ):
        task = await uow.tasks.schedule(kind, key, due_at, {"round_id": round_.id})
        if task is None:
            await uow.tasks.reschedule(key, due_at)
        else:
            created.append(task)
    return created


async def cancel_round_tasks(uow: UnitOfWork, round_id: int) -> None:
    await uow.tasks.cancel(open_key(round_id))
    await uow.tasks.cancel(close_key(round_id))


class RoundMoved(RuntimeError):
    """The round's time moved later after its task was planned (an admin's edit): the task
    must stay pending until the new time. Raising keeps it so (the scheduler rolls back and
    its sweep runs the task again once it is due)."""


async def open_round(ctx: TaskContext, task: ScheduledTask) -> None:
    round_ = await ctx.uow.referrals.round(int(task.data["round_id"]), lock=True)
    if round_ is None or round_.status is not RoundStatus.SCHEDULED:
        return  # cancelled meanwhile
    if ctx.now < round_.starts_at:
        raise RoundMoved(f"round {round_.id} now opens at {round_.starts_at.isoformat()}")
    round_.status = RoundStatus.OPEN
    round_.opened_at = ctx.now
    if ctx.now >= round_.ends_at:
        log.info("round %s opened after its end (caught up): not announced", round_.id)
        return
    bodies = {
        lang: Reply(
            text=ctx.texts.get(
                lang,
                "referrals-round-opened",
                round=str(round_.id),
                threshold=round_.threshold,
                offer=round_offer(ctx.texts, lang, round_),
                ends=moment(round_.ends_at),
            ),
            buttons=[[invite_button(ctx.texts, lang)]],
        ).to_json()
        for lang in LANGUAGES
    }
    queued = await announce(ctx.uow, bodies, open_key(round_.id))
    log.info("round %s opened: %d announcements queued", round_.id, queued)


async def close_round(ctx: TaskContext, task: ScheduledTask) -> None:
    repo = ctx.uow.referrals
    round_ = await repo.round(int(task.data["round_id"]), lock=True)
    if round_ is None or round_.status not in (RoundStatus.SCHEDULED, RoundStatus.OPEN):
        return
    if ctx.now < round_.ends_at:
        raise RoundMoved(f"round {round_.id} now closes at {round_.ends_at.isoformat()}")
    round_.status = RoundStatus.CLOSED
    round_.closed_at = ctx.now
    refused = await repo.refuse_waiting(round_.id, RefusalReason.ROUND_ENDED.value)
    following = None
    if round_.next_round_pause_s is not None:
        following = await start_next_round(ctx, round_)
    bodies = {
        lang: Reply(text=closed_text(ctx.texts, lang, round_, following)).to_json()
        for lang in LANGUAGES
    }
    queued = await announce(ctx.uow, bodies, close_key(round_.id))
    log.info(
        "round %s closed: %d waiting friends refused, %d announcements queued, next %s",
        round_.id,
        refused,
        queued,
        following.id if following else None,
    )


async def start_next_round(ctx: TaskContext, previous: ReferralRound) -> ReferralRound | None:
    """The series' next round, `pause` after `previous` ends, carrying its settings."""
    assert previous.next_round_pause_s is not None
    times = next_round_times(
        previous.starts_at,
        previous.ends_at,
        previous.codes_valid_until,
        previous.next_round_pause_s,
    )
    repo = ctx.uow.referrals
    clash = await repo.overlapping(times.starts_at, times.ends_at, exclude_id=previous.id)
    if clash is not None:
        # An admin planned a round of their own there: theirs wins, the series stops.
        log.info("series after round %s stops: round %s is planned then", previous.id, clash.id)
        return None
    following = await repo.add_round(
        starts_at=times.starts_at,
        ends_at=times.ends_at,
        threshold=previous.threshold,
        discount_kind=previous.discount_kind,
        discount_value=previous.discount_value,
        min_order_kop=previous.min_order_kop,
        codes_valid_until=times.codes_until,
        qualifying_action=previous.qualifying_action,
        next_round_pause_s=previous.next_round_pause_s,
        status=RoundStatus.SCHEDULED,
        created_by_user_id=previous.created_by_user_id,
        created_at=ctx.now,
    )
    for task in await schedule_round(ctx.uow, following):
        ctx.scheduler.plan(task.id, task.due_at)
    return following


def closed_text(
    texts: Texts, lang: str, round_: ReferralRound, following: ReferralRound | None
) -> str:
    text = texts.get(lang, "referrals-round-closed", round=str(round_.id))
    if following is not None:
        text += "\n" + texts.get(
            lang,
            "referrals-round-next",
            starts=moment(following.starts_at),
            offer=round_offer(texts, lang, following),
            threshold=following.threshold,
        )
    return text


def invite_button(texts: Texts, lang: str) -> Button:
    return Button(texts.get(lang, "referrals-button-invite"), CommandPayload(name="invite").pack())


async def announce(uow: UnitOfWork, bodies: dict[str, dict[str, object]], dedup: str) -> int:
    """Queue a message to everyone who allowed notifications, a batch per insert."""
    queued = 0
    after = 0
    while True:
        batch = await uow.referrals.recipients(after_id=after, limit=ANNOUNCE_BATCH)
        if not batch:
            return queued
        queued += await uow.referrals.enqueue_batch(batch, bodies, dedup)
        after = batch[-1].id
