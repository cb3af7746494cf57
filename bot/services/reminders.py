"""Payment reminders: on the mornings of the day before the payment deadline and of the due day.

`schedule_payment_reminders(uow, purchase)` records the two tasks in the caller's
transaction (the move to the payment stage, or a changed deadline); the scheduler
(bot/scheduler.py) runs each once, even across restarts. A run queues one REMINDER per buyer
who still owes money and allowed notifications, while the purchase still takes payments.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from bot.core.payloads import CommandPayload
from bot.core.replies import Button, Reply
from bot.scheduler import TaskContext
from bot.services.buyouts import schedule_nonpayers
from bot.services.money import money_args
from bot.texts import Texts
from domain import clock
from domain.lifecycle import accepts_payments
from domain.payments import format_moscow
from domain.periods import MOSCOW
from storage.models import Order, OutboxKind, Purchase, ScheduledTask
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

PAY_REMINDER = "pay-reminder"
DAY_BEFORE = "day-before"
DUE_DAY = "due-day"
# Mornings in Moscow: early enough to pay that day, late enough not to wake anyone. Deadlines
# are the end of a Moscow day (domain/purchase_form.py), so "24 hours before" would be
# 23:59 the evening before: useless as a reminder, and a ping at midnight.
REMINDER_MORNING = time(10, 0)
# A due-day reminder must leave some time to pay when the deadline itself is early.
MIN_LEAD = timedelta(hours=1)


def reminder_key(purchase_id: int, when: str) -> str:
    return f"{PAY_REMINDER}:{purchase_id}:{when}"


def reminder_times(deadline: datetime) -> dict[str, datetime]:
    """When each reminder is due (UTC) for a payment deadline."""
    due_day = deadline.astimezone(MOSCOW).date()
    morning = datetime.combine(due_day, REMINDER_MORNING, tzinfo=MOSCOW)
    day_before = datetime.combine(due_day - timedelta(days=1), REMINDER_MORNING, tzinfo=MOSCOW)
    return {
        DAY_BEFORE: day_before.astimezone(deadline.tzinfo),
        DUE_DAY: min(morning, deadline - MIN_LEAD).astimezone(deadline.tzinfo),
    }


async def schedule_payment_reminders(
    uow: UnitOfWork, purchase: Purchase, *, now: datetime | None = None
) -> None:
    """Record (or move) the purchase's two reminder tasks for its `payment_due_at`.

    Idempotent by task key: calling it again with the same deadline changes nothing; with a
    new deadline the tasks move and are due again, even those already run for the old one;
    without a deadline they are cancelled. A reminder whose moment has already passed is not
    scheduled, so a short deadline does not send "tomorrow" and "today" at once. Call it in
    the same transaction as the change.
    """
    now = now or clock.now()
    deadline = purchase.payment_due_at
    for when in (DAY_BEFORE, DUE_DAY):
        key = reminder_key(purchase.id, when)
        if deadline is None:
            await uow.tasks.cancel(key)
            continue
        due_at = reminder_times(deadline)[when]
        if due_at <= now or due_at >= deadline:
            await uow.tasks.cancel(key)
            continue
        created = await uow.tasks.schedule(
            PAY_REMINDER, key, due_at, {"purchase_id": purchase.id, "when": when}
        )
        if created is None:
            # Also a reminder already sent or skipped for an earlier deadline: the new
            # deadline deserves its own.
            await uow.tasks.rearm(key, due_at)
    # Non-payers are marked at the deadline itself (bot/services/buyouts.py).
    await schedule_nonpayers(uow, purchase, now=now)


def pay_button(texts: Texts, lang: str, order: Order) -> Button:
    """/pay for the buyer's (first) unpaid order, under a reminder or a moved deadline."""
    pay = CommandPayload(name="pay", args=order.number or "").pack()
    return Button(texts.get(lang, "payments-button-pay"), pay)


async def send_payment_reminders(ctx: TaskContext, task: ScheduledTask) -> None:
    """Queue the reminders; the dedup key per purchase, reminder and buyer makes a re-run
    (a retried task, a second scheduler) queue nothing twice."""
    purchase_id = int(task.data["purchase_id"])
    when = str(task.data["when"])
    purchase = await ctx.uow.session.get(Purchase, purchase_id, populate_existing=True)
    if purchase is None or not accepts_payments(purchase.status):
        return
    deadline = purchase.payment_due_at
    if deadline is None or ctx.now >= deadline:
        return  # caught up after the deadline: a reminder now would only confuse
    key = "payments-reminder-day-before" if when == DAY_BEFORE else "payments-reminder-due-day"
    sent = 0
    for target in await ctx.uow.payments.reminder_targets(purchase.id):
        buyer = target.buyer
        lang = buyer.language
        t = ctx.texts.translator(lang)
        # Only orders with something left to pay that no awaiting report covers are here
        # (reminder_targets), each said the way /orders says it.
        orders = "\n".join(
            t(
                "money-reminder-order",
                number=order.number or str(order.id),
                **money_args(target.money[order.id], lang),
            )
            for order in target.orders
        )
        text = ctx.texts.get(
            lang, key, title=purchase.title, deadline=format_moscow(deadline), orders=orders
        )
        button = pay_button(ctx.texts, lang, target.orders[0])
        queued = await ctx.uow.outbox.enqueue(
            buyer,
            Reply(text=text, buttons=[[button]]),
            OutboxKind.REMINDER,
            # Per deadline: a moved deadline reminds again; a re-run of this one does not.
            dedup_key=f"{PAY_REMINDER}:{purchase.id}:{when}:{deadline:%Y%m%d%H%M}:{buyer.id}",
        )
        sent += queued is not None
    log.info("payment reminder %s for purchase %s: %d queued", when, purchase.id, sent)
