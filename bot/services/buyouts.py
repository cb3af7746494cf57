"""How a purchase really gets bought out (issue 21), the work shared by handlers and tasks:

* the minimum to buy out: its progress line (the organizer's card, the buyers' card, the
  community post) and the organizer's one-time notice when it is reached (`check_minimum`,
  after every placed or changed order; `Purchase.minimum_reached_at` makes it once);
* non-payers: a "nonpayers" task due at the payment deadline (recorded with the payment
  reminders, bot/services/reminders.py) marks the orders still owing then and tells the
  organizer, with a button to the list (handlers/organizer/buyouts.py);
* the next buy-out: when a repeated purchase opens, the buyers of the one it repeats hear of
  it (`tell_previous_buyers`, from `move_purchase`), through the outbox, as notifications.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core.payloads import CommandPayload
from bot.core.replies import Button, Reply
from bot.scheduler import TaskContext
from bot.texts import Texts, Translator
from domain.buyouts import Minimum, Progress, minimum_progress
from domain.lifecycle import accepts_payments
from domain.money import format_amount
from domain.periods import format_day
from storage.models import Organizer, OutboxKind, Purchase, ScheduledTask
from storage.repositories.outbox import Recipient
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

NONPAYERS_TASK = "nonpayers"


def minimum_of(purchase: Purchase) -> Minimum:
    return Minimum(purchase.min_total_kop, purchase.min_pieces)


def minimum_text(t: Translator, minimum: Minimum) -> str:
    """ "30 000 ₽" or "50 pcs", as the organizer and buyers read a minimum."""
    if minimum.pieces:
        return t("buyouts-minimum-pieces", count=minimum.pieces)
    return format_amount(minimum.total_kop or 0, t.lang)


def _left_text(t: Translator, minimum: Minimum, progress: Progress) -> str:
    if minimum.pieces:
        return t("buyouts-minimum-pieces", count=progress.left)
    return format_amount(progress.left, t.lang)


async def progress(uow: UnitOfWork, purchase: Purchase) -> Progress | None:
    minimum = minimum_of(purchase)
    if not minimum.pieces and not minimum.total_kop:
        return None
    items_kop, pieces = await uow.buyouts.collected(purchase.id)
    return minimum_progress(minimum, items_kop=items_kop, pieces=pieces)


async def progress_line(uow: UnitOfWork, t: Translator, purchase: Purchase) -> str | None:
    """ "Собрано 72 % минималки (30 000 ₽), осталось 8 400 ₽", or None without a minimum."""
    found = await progress(uow, purchase)
    if found is None:
        return None
    minimum = minimum_of(purchase)
    return t(
        "buyouts-minimum-progress",
        percent=found.percent,
        minimum=minimum_text(t, minimum),
        left=_left_text(t, minimum, found),
        reached="yes" if found.reached else "no",
    )


async def check_minimum(uow: UnitOfWork, texts: Texts, purchase: Purchase, now: datetime) -> bool:
    """Tell the organizer, once, that the purchase reached its minimum. Returns whether this
    call told them. Call it after orders changed, in the same transaction."""
    if purchase.minimum_reached_at is not None:
        return False
    found = await progress(uow, purchase)
    if found is None or not found.reached:
        return False
    purchase.minimum_reached_at = now
    organizer = await uow.session.get(Organizer, purchase.organizer_id)
    user = await uow.users.get(organizer.user_id) if organizer is not None else None
    if user is None:
        return False
    t = texts.translator(user.language)
    card = CommandPayload(name="purchase", args=str(purchase.id)).pack()
    text = t(
        "buyouts-minimum-reached",
        title=purchase.title,
        id=str(purchase.id),
        minimum=minimum_text(t, minimum_of(purchase)),
    )
    await uow.outbox.enqueue(
        user,
        Reply(text, [[Button(t("purchase-admin-button-open-card"), card)]]),
        OutboxKind.NOTIFICATION,
        dedup_key=f"minimum-reached:{purchase.id}",
    )
    return True


# --- non-payers -------------------------------------------------------------------------------


def nonpayers_key(purchase_id: int) -> str:
    return f"{NONPAYERS_TASK}:{purchase_id}"


async def schedule_nonpayers(uow: UnitOfWork, purchase: Purchase, *, now: datetime) -> None:
    """Record (or move, or cancel without a deadline) the purchase's non-payers check at its
    payment deadline. Called with the payment reminders, in the same transaction. A deadline
    moved into the future lifts the marks of the old one: nobody is late any more."""
    key = nonpayers_key(purchase.id)
    deadline = purchase.payment_due_at
    if deadline is None or deadline > now:
        await uow.buyouts.clear_marks(purchase.id)
    if deadline is None:
        await uow.tasks.cancel(key)
        return
    created = await uow.tasks.schedule(NONPAYERS_TASK, key, deadline, {"purchase_id": purchase.id})
    if created is None:
        await uow.tasks.rearm(key, deadline)


async def mark_nonpayers(ctx: TaskContext, task: ScheduledTask) -> None:
    """The payment deadline has passed: mark the orders still owing and tell the organizer."""
    uow = ctx.uow
    purchase = await uow.session.get(
        Purchase, int(task.data["purchase_id"]), populate_existing=True
    )
    if purchase is None or not accepts_payments(purchase.status):
        return
    deadline = purchase.payment_due_at
    if deadline is None or ctx.now < deadline:
        return  # the deadline moved meanwhile; its own task comes then
    owing = await uow.buyouts.owing(purchase.id, marked_only=False)
    for debt in owing:
        if debt.order.unpaid_marked_at is None:
            debt.order.unpaid_marked_at = ctx.now
    if not owing:
        return
    organizer = await uow.session.get(Organizer, purchase.organizer_id)
    user = await uow.users.get(organizer.user_id) if organizer is not None else None
    if user is None:
        return
    t = ctx.texts.translator(user.language)
    button = Button(
        t("buyouts-button-nonpayers", count=len(owing)),
        CommandPayload(name="nonpayers", args=str(purchase.id)).pack(),
    )
    text = t(
        "buyouts-nonpayers-marked",
        title=purchase.title,
        count=len(owing),
        deadline=format_day(deadline, user.language),
    )
    await uow.outbox.enqueue(
        user,
        Reply(text, [[button]]),
        OutboxKind.NOTIFICATION,
        dedup_key=f"nonpayers:{purchase.id}:{deadline:%Y%m%d%H%M}",
    )
    log.info("purchase %s: %d orders unpaid at the deadline", purchase.id, len(owing))


# --- the next buy-out -------------------------------------------------------------------------


async def tell_previous_buyers(uow: UnitOfWork, texts: Texts, purchase: Purchase) -> int:
    """A repeated purchase opened: the buyers of the purchase it repeats hear of it (only
    those who allowed notifications: the outbox skips the others). Returns how many were
    queued; a second opening queues nothing (dedup keys)."""
    if purchase.repeat_of_id is None:
        return 0
    link = CommandPayload(name="start", args=f"p_{purchase.id}").pack()
    recipients = []
    for buyer in await uow.buyouts.previous_buyers(purchase.repeat_of_id):
        t = texts.translator(buyer.language)
        text = t(
            "buyouts-repeat-opened",
            title=purchase.title,
            stop=format_day(purchase.stop_at, buyer.language) if purchase.stop_at else "-",
        )
        recipients.append(
            Recipient(
                user=buyer,
                reply=Reply(text, [[Button(t("buyouts-button-open-purchase"), link)]]),
                dedup_key=f"repeat-opened:{purchase.id}:{buyer.id}",
            )
        )
    return await uow.outbox.enqueue_many(recipients, OutboxKind.NOTIFICATION)
