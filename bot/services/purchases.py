"""A purchase's status changes and what goes with them, for the organizer's buttons
(handlers/organizer/purchases.py) and for the bot itself (the automatic stop below).

`move_purchase` records the move in the status history, keeps the scheduled work that
depends on the status in step (payment reminders from the payment stage, the automatic stop
while open) and queues the buyers' notifications, all in the caller's transaction.

The automatic stop. Opening a purchase that has a stop date records a "purchase-stop" task
due at that moment (`schedule_stop`, one task per purchase by its key; a changed stop date
moves it, leaving `open` cancels it). When the scheduler (bot/scheduler.py) runs it and the
purchase is still open, the purchase moves to `stopped` exactly as the organizer's Stop
would move it (same history row, same buyer notifications), and the organizer gets a
summary with a button to the card; a purchase no longer open is left alone. The scheduler
runs a task once, even across restarts and with several processes.

History convention: `PurchaseStatusChange.actor_user_id` is None when the bot itself made
the change (the automatic stop); otherwise it is the organizer's user id.

Buyers do not wait for the task: `lifecycle.collecting` refuses ordering, changing and
cancelling from the stop moment on, so a late or down scheduler lets nothing through.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.core.payloads import CommandPayload
from bot.core.replies import Button, Reply
from bot.delivery.outbox import Reach
from bot.scheduler import TaskContext
from bot.services.buyouts import tell_previous_buyers
from bot.services.money import tell_refunds_of_cancelled_purchase
from bot.services.reminders import schedule_payment_reminders
from bot.texts import Texts
from domain.balance import order_money
from domain.lifecycle import PurchaseStatus
from domain.money import format_amount
from domain.periods import format_day
from domain.pickup import unassigned_shows_all_points
from domain.profile import describe_point
from storage.models import Organizer, OutboxKind, Purchase, ScheduledTask
from storage.repositories.outbox import Recipient
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

STOP_TASK = "purchase-stop"
# Buyers are told where to pick up from these stages on.
PICKUP_STATUSES = (PurchaseStatus.ARRIVED, PurchaseStatus.DISTRIBUTION)


def stop_key(purchase_id: int) -> str:
    return f"{STOP_TASK}:{purchase_id}"


async def schedule_stop(uow: UnitOfWork, purchase: Purchase) -> None:
    """Record, move or cancel the purchase's automatic stop to match its status and date.

    Open with a stop date: the task is due at `stop_at` (created once, moved if the date
    changed). Anything else: a pending task is cancelled. Call it in the same transaction as
    the change of status or date.
    """
    key = stop_key(purchase.id)
    if purchase.status is not PurchaseStatus.OPEN or purchase.stop_at is None:
        # The caller holds the purchase, which a running stop task locks next: skip a task
        # being run instead of waiting for it (a deadlock); it finds the purchase moved on.
        await uow.tasks.cancel(key, unless_running=True)
        return
    created = await uow.tasks.schedule(
        STOP_TASK, key, purchase.stop_at, {"purchase_id": purchase.id}
    )
    if created is None and not await uow.tasks.reschedule(key, purchase.stop_at):
        # Only a task already done or cancelled keeps its key; an open purchase never has
        # one (the task runs once the purchase is stopped). The buyers' guard still holds.
        log.warning("stop task %s is no longer pending; not moved", key)


async def move_purchase(
    uow: UnitOfWork,
    texts: Texts,
    purchase: Purchase,
    target: PurchaseStatus,
    *,
    actor_user_id: int | None,
    now: datetime,
) -> Reach:
    """Move `purchase` (locked; the caller checked the move is allowed) to `target`, with its
    history row, scheduled tasks and buyer notifications. Returns whom the notification
    reaches (and whom not, and why).

    `actor_user_id` None means the bot did it (see the module doc)."""
    was_open = purchase.status is PurchaseStatus.OPEN
    await uow.purchases.change_status(purchase, target, actor_user_id=actor_user_id, now=now)
    if target is PurchaseStatus.PAYMENT:
        # In the same transaction as the status: reminders exist exactly when payment opens.
        await schedule_payment_reminders(uow, purchase, now=now)
    if was_open or target is PurchaseStatus.OPEN:
        await schedule_stop(uow, purchase)
    if target is PurchaseStatus.OPEN and not was_open:
        # The next buy-out opened: the previous one's buyers hear of it (services/buyouts.py).
        await tell_previous_buyers(uow, texts, purchase)
    if target is PurchaseStatus.CANCELLED:
        # Money confirmed for a cancelled purchase is owed back: each such buyer hears it.
        await tell_refunds_of_cancelled_purchase(uow, texts, purchase)
    return await notify_buyers(uow, texts, purchase, target)


async def notify_buyers(
    uow: UnitOfWork, texts: Texts, purchase: Purchase, status: PurchaseStatus
) -> Reach:
    """Tell every buyer with an active order, once each, in their language.

    Through the transactional outbox, queued in bulk (`enqueue_many`): a purchase may have
    thousands of buyers. The dedup key per purchase, status and buyer makes a retried move
    queue nothing twice.
    """
    targets = await uow.purchases.buyers_to_notify(purchase.id)
    if not targets:
        return Reach.of(OutboxKind.NOTIFICATION, [])
    points = {}
    active_points = ""
    if status in PICKUP_STATUSES:
        for point in await uow.profiles.pickup_points(purchase.organizer_id, include_retired=True):
            points[point.id] = point
        active = [p for p in points.values() if p.active]
        organizer = await uow.session.get(Organizer, purchase.organizer_id)
        choose = organizer is None or organizer.buyers_choose_pickup
        # An order without a point: every active point, unless the organizer assigns one of
        # several (handlers/organizer/pickup.py); then "the organizer will tell you where".
        if unassigned_shows_all_points(choose, len(active)):
            active_points = "\n".join(describe_point(p.name, p.address, p.hours) for p in active)
    key = f"purchase-admin-notify-{status.value}"
    notifications = []
    for target in targets:
        buyer = target.buyer
        args: dict[str, Any] = {
            "title": purchase.title,
            "purchase": str(purchase.id),
            "numbers": ", ".join(target.numbers) or "-",
        }
        if status is PurchaseStatus.PAYMENT:
            # The same figure /orders and /pay show (domain/balance.py); the buyer's live
            # orders are summed, which is what one payment for them would be.
            owed = order_money(target.due_kop, target.paid_kop).owed
            args["due"] = format_amount(owed, buyer.language)
            args["deadline"] = (
                format_day(purchase.payment_due_at, buyer.language)
                if purchase.payment_due_at
                else "-"
            )
        if status in PICKUP_STATUSES:
            own = [points[i] for i in target.pickup_point_ids if i in points]
            pickup = (
                "\n".join(describe_point(p.name, p.address, p.hours) for p in own) or active_points
            )
            args["pickup"] = pickup or "-"
            args["pickup_known"] = "yes" if pickup else "no"
        notifications.append(
            Recipient(
                user=buyer,
                reply=Reply(texts.get(buyer.language, key, **args)),
                dedup_key=f"purchase-status:{purchase.id}:{status.value}:{buyer.id}",
            )
        )
    await uow.outbox.enqueue_many(notifications, OutboxKind.NOTIFICATION)
    # Queued for all (the outbox records each skip); counted only for those it will reach.
    return Reach.of(OutboxKind.NOTIFICATION, [target.buyer for target in targets])


async def stop_at_date(ctx: TaskContext, task: ScheduledTask) -> None:
    """The stop date has come: stop the purchase if it still collects, tell everyone."""
    uow = ctx.uow
    purchase_id = int(task.data["purchase_id"])
    # Locked like the organizer's Stop: an order being confirmed now waits for this.
    purchase = await uow.session.get(
        Purchase, purchase_id, populate_existing=True, with_for_update=True
    )
    if purchase is None or purchase.status is not PurchaseStatus.OPEN:
        return  # stopped or cancelled by the organizer meanwhile: nothing to do
    if purchase.stop_at is None or ctx.now < purchase.stop_at:
        # A moved date reschedules this task in the same transaction, so this is not
        # expected; stopping early would be worse than a warning.
        log.warning("stop task for purchase %s ran before its stop date", purchase.id)
        return
    notified = await move_purchase(
        uow, ctx.texts, purchase, PurchaseStatus.STOPPED, actor_user_id=None, now=ctx.now
    )
    organizer = await uow.session.get(Organizer, purchase.organizer_id)
    user = await uow.users.get(organizer.user_id) if organizer is not None else None
    if user is not None:
        summary = await uow.purchases.summary(purchase.id)
        lang = user.language
        card = CommandPayload(name="purchase", args=str(purchase.id)).pack()
        text = ctx.texts.get(
            lang,
            "purchase-admin-auto-stopped",
            title=purchase.title,
            id=str(purchase.id),
            stop=format_day(purchase.stop_at, lang),
            orders=summary.orders,
            buyers=summary.buyers,
            items_sum=format_amount(summary.items_kop, lang),
        )
        button = Button(ctx.texts.get(lang, "purchase-admin-button-open-card"), card)
        await uow.outbox.enqueue(
            user,
            Reply(text=text, buttons=[[button]]),
            OutboxKind.NOTIFICATION,
            dedup_key=f"purchase-auto-stop:{purchase.id}",
        )
    log.info(
        "purchase %s stopped at its stop date; %d buyers notified, %d not reached",
        purchase.id,
        len(notified.reached),
        len(notified.muted) + len(notified.unreachable),
    )


async def plan_missing_stops(uow: UnitOfWork) -> int:
    """Record the automatic stop of every open purchase with a stop date that has none:
    purchases opened before this feature existed, or by a process that died between. Run at
    scheduler start; a purchase already planned is left alone. Returns how many were added."""
    planned = set(
        await uow.session.scalars(select(ScheduledTask.key).where(ScheduledTask.kind == STOP_TASK))
    )
    missing = [
        purchase
        for purchase in await uow.session.scalars(
            select(Purchase).where(
                Purchase.status == PurchaseStatus.OPEN, Purchase.stop_at.is_not(None)
            )
        )
        if stop_key(purchase.id) not in planned
    ]
    for purchase in missing:
        await schedule_stop(uow, purchase)
    if missing:
        log.info("planned the automatic stop of %d open purchases", len(missing))
    return len(missing)
