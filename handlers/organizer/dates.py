"""Changing a purchase's dates from its card: the stop date (in draft and while collecting)
and the payment deadline (until the goods are ordered from the supplier).

A button on the organizer's card (handlers/organizer/purchases.py `DateEdit`) starts a one-step
dialog kept in the database; the typed date is read like in /newpurchase (the end of that
Moscow day, `purchase_form.parse_stop` / `parse_payment_deadline`), and a bad one keeps the
dialog with the same messages. The payment deadline is never before the stop date, in
either direction.

What depends on a date moves with it, in the same transaction: the automatic stop task
(`bot.services.purchases.schedule_stop`) and, once buyers pay, the payment reminders
(`bot.services.reminders.schedule_payment_reminders`). Reminders are not recorded before the payment
stage: a reminder that ran while the purchase took no payments would be spent for nothing.

The purchase is looked up by the presser's organizer id on every button and step, so a
forged id of someone else's purchase finds nothing and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button, Reply
from bot.core.router import Role, Router
from bot.services.purchase_edits import tell_buyers_of_pay_date
from bot.services.purchases import schedule_stop
from bot.services.reminders import pay_button, schedule_payment_reminders
from domain.lifecycle import PurchaseStatus, accepts_payments
from domain.payments import format_moscow
from domain.periods import format_day
from domain.purchase_form import FormError, parse_payment_deadline, parse_stop
from handlers.organizer.kit import (
    PAY_DATE_EDITABLE,
    STOP_DATE_EDITABLE,
    DateEdit,
    DatesMenu,
    PurchaseEditMenu,
    form_error,
    own_purchase,
    status_label,
)
from handlers.organizer.purchases import show_card
from storage.models import OutboxKind, Purchase
from storage.repositories.outbox import Recipient

router = Router("purchase_dates")

DATES = "purchase_dates"  # steps: stop, pay; data: purchase_id

DateField = Literal["stop", "pay"]
EDITABLE = {"stop": STOP_DATE_EDITABLE, "pay": PAY_DATE_EDITABLE}


def _day(ctx: Context, moment: datetime | None) -> str:
    return format_day(moment, ctx.lang) if moment is not None else "-"


def _ensure_editable(ctx: Context, purchase: Purchase, field: DateField) -> None:
    if purchase.status not in EDITABLE[field]:
        raise UserError(
            "purchase-admin-date-locked", field=field, status=status_label(ctx, purchase.status)
        )
    if field == "stop" and _stop_has_come(ctx, purchase):
        raise UserError("purchase-admin-date-stop-passed", stop=_day(ctx, purchase.stop_at))


def _stop_has_come(ctx: Context, purchase: Purchase) -> bool:
    """The stop moment has passed but the scheduler has not stopped the purchase yet (it
    runs a sweep later, or was down). Buyers are already refused (`collecting`); moving
    the date now would quietly reopen ordering depending on the scheduler's timing."""
    return (
        purchase.status is PurchaseStatus.OPEN
        and purchase.stop_at is not None
        and purchase.stop_at <= ctx.now()
    )


@router.button(DatesMenu, role=Role.ORGANIZER)
async def on_dates_menu(ctx: Context, data: DatesMenu) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    buttons = [
        Button(
            ctx.t(f"purchase-admin-button-date-{field}"),
            DateEdit(purchase_id=purchase.id, field=field).pack(),
        )
        for field, statuses in EDITABLE.items()
        if purchase.status in statuses
    ]
    if not buttons:
        raise UserError(
            "purchase-admin-date-locked", field="pay", status=status_label(ctx, purchase.status)
        )
    menu = PurchaseEditMenu(purchase_id=purchase.id).pack()
    back = Button(ctx.t("purchase-edit-button-back"), menu)
    ctx.answer(
        ctx.t(
            "purchase-admin-dates-menu",
            title=purchase.title,
            stop=_day(ctx, purchase.stop_at),
            pay=_day(ctx, purchase.payment_due_at),
        ),
        [buttons, [back]],
    )


@router.button(DateEdit, role=Role.ORGANIZER)
async def on_date_edit(ctx: Context, data: DateEdit) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    _ensure_editable(ctx, purchase, data.field)
    await ctx.dialog.start(DATES, data.field, {"purchase_id": purchase.id})
    if data.field == "stop":
        ctx.say(
            "purchase-admin-date-ask-stop",
            title=purchase.title,
            current=_day(ctx, purchase.stop_at),
            pay=_day(ctx, purchase.payment_due_at),
        )
    else:
        ctx.say(
            "purchase-admin-date-ask-pay",
            title=purchase.title,
            current=_day(ctx, purchase.payment_due_at),
            stop=_day(ctx, purchase.stop_at),
        )


async def dialog_purchase(ctx: Context, field: DateField) -> Purchase | None:
    """The dialog's purchase, locked and re-checked: it may have moved on since the button
    (stopped at its date, say). Then the dialog ends with a word and None is returned."""
    purchase = await own_purchase(ctx, int(ctx.dialog.data["purchase_id"]), lock=True)
    if field == "stop" and _stop_has_come(ctx, purchase):
        await ctx.dialog.finish()
        ctx.say("purchase-admin-date-stop-passed", stop=_day(ctx, purchase.stop_at))
        return None
    if purchase.status not in EDITABLE[field]:
        # Not a UserError: ending the dialog must be kept, not rolled back.
        await ctx.dialog.finish()
        ctx.say(
            "purchase-admin-date-locked", field=field, status=status_label(ctx, purchase.status)
        )
        return None
    return purchase


def _parse(ctx: Context, parse: Any, *args: Any) -> datetime:
    try:
        return parse(*args)
    except FormError as exc:
        raise form_error(ctx, exc) from None


@router.step(DATES, "stop")
async def on_stop_date(ctx: Context) -> None:
    purchase = await dialog_purchase(ctx, "stop")
    if purchase is None:
        return
    now = ctx.now()
    stop_at = _parse(ctx, parse_stop, ctx.event.text, now)
    if purchase.payment_due_at is not None and stop_at > purchase.payment_due_at:
        raise UserError(
            "purchase-admin-date-stop-after-pay", pay=_day(ctx, purchase.payment_due_at)
        )
    purchase.stop_at = stop_at
    purchase.updated_at = now
    await schedule_stop(ctx.uow, purchase)
    if purchase.status is PurchaseStatus.OPEN:
        await tell_buyers_of_stop(ctx, purchase, stop_at)
    await ctx.dialog.finish()
    ctx.say("purchase-admin-date-stop-saved", title=purchase.title, stop=_day(ctx, stop_at))
    await show_card(ctx, purchase)


@router.step(DATES, "pay")
async def on_pay_date(ctx: Context) -> None:
    purchase = await dialog_purchase(ctx, "pay")
    if purchase is None:
        return
    now = ctx.now()
    # After the stop the stop date is in the past, and any future deadline is after it.
    deadline = _parse(ctx, parse_payment_deadline, ctx.event.text, now, purchase.stop_at or now)
    purchase.payment_due_at = deadline
    purchase.updated_at = now
    if accepts_payments(purchase.status):
        await schedule_payment_reminders(ctx.uow, purchase, now=now)
        await tell_payers(ctx, purchase, deadline)
    elif purchase.status is not PurchaseStatus.DRAFT:
        # Buyers who ordered plan their money by this date, though they cannot pay yet.
        await tell_buyers_of_pay_date(ctx.uow, ctx.texts, purchase, deadline)
    await ctx.dialog.finish()
    ctx.say("purchase-admin-date-pay-saved", title=purchase.title, pay=_day(ctx, deadline))
    await show_card(ctx, purchase)


async def tell_payers(ctx: Context, purchase: Purchase, deadline: datetime) -> None:
    """Buyers who still owe hear of a moved payment deadline at once, not from a reminder
    they would otherwise get on the old date's schedule. Once per buyer and new deadline."""
    for target in await ctx.uow.payments.reminder_targets(purchase.id):
        buyer = target.buyer
        text = ctx.texts.get(
            buyer.language,
            "payments-deadline-moved",
            title=purchase.title,
            deadline=format_moscow(deadline),
        )
        pay = pay_button(ctx.texts, buyer.language, target.orders[0])
        await ctx.uow.outbox.enqueue(
            buyer,
            Reply(text=text, buttons=[[pay]]),
            OutboxKind.NOTIFICATION,
            dedup_key=f"pay-deadline:{purchase.id}:{deadline.isoformat()}:{buyer.id}",
        )


async def tell_buyers_of_stop(ctx: Context, purchase: Purchase, stop_at: datetime) -> None:
    """Buyers with orders learn until when they may still change them (a draft has none).
    Once per buyer and new date."""
    recipients = [
        Recipient(
            user=target.buyer,
            reply=Reply(
                ctx.texts.get(
                    target.buyer.language,
                    "purchase-admin-stop-moved",
                    title=purchase.title,
                    stop=format_day(stop_at, target.buyer.language),
                )
            ),
            dedup_key=f"stop-moved:{purchase.id}:{stop_at:%Y%m%d}:{target.buyer.id}",
        )
        for target in await ctx.uow.purchases.buyers_to_notify(purchase.id)
    ]
    await ctx.uow.outbox.enqueue_many(recipients, OutboxKind.NOTIFICATION)
