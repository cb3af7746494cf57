"""How a purchase really gets bought out, the organizer's side (issue 21):

* `/nonpayers <purchase>` (and the card's button once the payment deadline marked some): the
  orders still owing at the deadline, with one button that reminds them all (one reminder
  per buyer listing their orders, at most once a Moscow day; only buyers who allowed
  notifications get it);
* `/blacklist`: the organizer's own black list. A buyer is named by the number of one of
  their orders in the organizer's purchases (the organizer never sees an account), then
  "needs prepayment" or "refused" (domain/buyouts.py says what each means) and a note;
  nobody else sees the list, other organizers included;
* Repeat on the card of a stopped, closed or cancelled purchase: the next buy-out, a new
  draft with the same items, prices, photos, fee, minimum and text, and the new dates asked
  here; the previous buyers hear of it when it opens (bot/services/buyouts.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button, Reply
from bot.core.router import Role, Router
from bot.delivery.outbox import Reach
from bot.services.buyouts import minimum_of, minimum_text
from bot.services.reminders import pay_button
from domain.balance import OrderMoney
from domain.buyouts import BlacklistMode, clean_note
from domain.lifecycle import accepts_payments
from domain.money import format_amount
from domain.order_numbers import parse_order_number
from domain.periods import format_day, moscow_today
from domain.purchase_edit import is_back
from domain.purchase_form import FormError, parse_payment_deadline, parse_stop
from handlers.kit import MAX_ID, require_organizer, short
from handlers.organizer.buyouts_kit import (
    REPEATABLE,
    BlacklistAdd,
    BlacklistPick,
    BlacklistRemove,
    BlacklistSkipNote,
    BlacklistView,
    NonPayersRemind,
    NonPayersView,
    RepeatPurchase,
    RepeatStep,
)
from handlers.organizer.kit import back_to_card, form_error, own_purchase, status_label
from handlers.organizer.purchases import show_card
from storage.models import Order, OutboxKind, Purchase

router = Router("buyouts")

BLACKLIST = "blacklist"  # steps: order, mode, note; data: buyer_id, order_number, mode
REPEAT = "repeat_purchase"  # steps: stop, pay; data: purchase_id, stop_at
# Remove buttons on the list: with Add and the way back, a VK keyboard's ten.
REMOVE_BUTTONS = 8
NAME_SHOWN = 40


# --- non-payers -----------------------------------------------------------------------------


def _typed_purchase_id(ctx: Context) -> int | None:
    typed = ctx.args.strip().lstrip("#№").strip()
    if not typed:
        return None
    if not (typed.isascii() and typed.isdigit() and len(typed) <= 10 and 1 <= int(typed) <= MAX_ID):
        raise UserError("purchase-admin-bad-id")
    return int(typed)


@router.command("nonpayers", aliases=("неплательщики",), role=Role.ORGANIZER)
async def nonpayers_command(ctx: Context) -> None:
    purchase_id = _typed_purchase_id(ctx)
    if purchase_id is None:
        ctx.say("buyouts-nonpayers-which")
        return
    await show_nonpayers(ctx, await own_purchase(ctx, purchase_id))


@router.button(NonPayersView, role=Role.ORGANIZER)
async def on_nonpayers(ctx: Context, data: NonPayersView) -> None:
    await show_nonpayers(ctx, await own_purchase(ctx, data.purchase_id))


def _debt_line(ctx: Context, order: Order, buyer_name: str, money: OrderMoney) -> str:
    return ctx.t(
        "buyouts-nonpayers-entry",
        number=order.number or str(order.id),
        buyer=short(buyer_name or "-", NAME_SHOWN),
        owed=format_amount(money.to_report, ctx.lang),
    )


async def show_nonpayers(ctx: Context, purchase: Purchase) -> None:
    lang = ctx.lang
    deadline = format_day(purchase.payment_due_at, lang) if purchase.payment_due_at else "-"
    debts = await ctx.uow.buyouts.owing(purchase.id, marked_only=True)
    rows: list[list[Button]] = []
    if not debts:
        passed = purchase.payment_due_at is not None and purchase.payment_due_at <= ctx.now()
        text = ctx.t(
            "buyouts-nonpayers-none",
            title=purchase.title,
            deadline=deadline,
            passed="yes" if passed and accepts_payments(purchase.status) else "no",
        )
        ctx.answer(text, [[back_to_card(ctx, purchase.id)]])
        return
    lines = [
        ctx.t("buyouts-nonpayers-title", title=purchase.title, deadline=deadline, count=len(debts))
    ]
    lines += [_debt_line(ctx, d.order, d.buyer.name, d.money) for d in debts]
    lines.append(ctx.t("buyouts-nonpayers-hint"))
    if accepts_payments(purchase.status):
        rows.append(
            [
                Button(
                    ctx.t("buyouts-button-remind-all", count=len(debts)),
                    NonPayersRemind(purchase_id=purchase.id).pack(),
                )
            ]
        )
    rows.append(
        [
            Button(ctx.t("buyouts-button-blacklist"), BlacklistView().pack()),
            back_to_card(ctx, purchase.id),
        ]
    )
    ctx.answer("\n".join(lines), rows)


@router.button(NonPayersRemind, role=Role.ORGANIZER)
async def on_remind_all(ctx: Context, data: NonPayersRemind) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    if not accepts_payments(purchase.status):
        raise UserError("buyouts-nonpayers-not-payable", status=status_label(ctx, purchase.status))
    debts = await ctx.uow.buyouts.owing(purchase.id, marked_only=True)
    if not debts:
        raise UserError("buyouts-nonpayers-nobody")
    by_buyer = defaultdict(list)
    for debt in debts:
        by_buyer[debt.buyer.id].append(debt)
    today = moscow_today(ctx.now())
    queued = 0
    for buyer_debts in by_buyer.values():
        buyer = buyer_debts[0].buyer
        t = ctx.texts.translator(buyer.language)
        orders = "\n".join(
            t(
                "buyouts-nonpayer-reminder-order",
                number=d.order.number or str(d.order.id),
                owed=format_amount(d.money.to_report, buyer.language),
            )
            for d in buyer_debts
        )
        deadline = (
            format_day(purchase.payment_due_at, buyer.language) if purchase.payment_due_at else "-"
        )
        text = t(
            "buyouts-nonpayer-reminder", title=purchase.title, deadline=deadline, orders=orders
        )
        button = pay_button(ctx.texts, buyer.language, buyer_debts[0].order)
        # Once a Moscow day per buyer: a second press the same day reminds nobody twice.
        dedup = f"nonpayer-remind:{purchase.id}:{buyer.id}:{today:%Y%m%d}"
        message = await ctx.uow.outbox.enqueue(
            buyer, Reply(text, [[button]]), OutboxKind.REMINDER, dedup_key=dedup
        )
        queued += message is not None
    reach = Reach.of(OutboxKind.REMINDER, [d[0].buyer for d in by_buyer.values()])
    if queued == 0:
        ctx.say("buyouts-nonpayers-reminded-today", [[back_to_card(ctx, purchase.id)]])
        return
    lines = [ctx.t("buyouts-nonpayers-reminded", count=len(reach.reached))]
    lines += reach.not_reached_lines(ctx.t)
    ctx.answer("\n".join(lines), [[back_to_card(ctx, purchase.id)]])


# --- the black list -------------------------------------------------------------------------


@router.command("blacklist", aliases=("чс", "черныйсписок", "чёрныйсписок"), role=Role.ORGANIZER)
async def blacklist_command(ctx: Context) -> None:
    typed = ctx.args.strip()
    if typed:
        await ctx.dialog.start(BLACKLIST, "order")
        await _take_order_number(ctx, typed)
        return
    await show_blacklist(ctx)


@router.button(BlacklistView, role=Role.ORGANIZER)
async def on_blacklist(ctx: Context, data: BlacklistView) -> None:
    if ctx.dialog.name == BLACKLIST:
        await ctx.dialog.finish()
    await show_blacklist(ctx)


def _mode_label(ctx: Context, mode: BlacklistMode) -> str:
    return ctx.t("buyouts-blacklist-mode", mode=mode.value)


async def show_blacklist(ctx: Context) -> None:
    organizer = require_organizer(ctx)
    entries = await ctx.uow.buyouts.entries(organizer.id)
    lines = [ctx.t("buyouts-blacklist-title", count=len(entries))]
    rows: list[list[Button]] = []
    for index, (entry, buyer) in enumerate(entries, start=1):
        lines.append(
            ctx.t(
                "buyouts-blacklist-entry",
                index=index,
                buyer=short(buyer.name or "-", NAME_SHOWN),
                number=entry.order_number or "-",
                mode=_mode_label(ctx, entry.mode),
                note=entry.note or "-",
            )
        )
        if index <= REMOVE_BUTTONS:
            remove = BlacklistRemove(entry_id=entry.id, confirmed=False)
            rows.append(
                [
                    Button(
                        ctx.t(
                            "buyouts-blacklist-button-remove",
                            index=index,
                            buyer=short(buyer.name or "-"),
                        ),
                        remove.pack(),
                    )
                ]
            )
    lines.append(ctx.t("buyouts-blacklist-explain"))
    rows.append([Button(ctx.t("buyouts-blacklist-button-add"), BlacklistAdd().pack())])
    ctx.answer("\n".join(lines), rows)


@router.button(BlacklistAdd, role=Role.ORGANIZER)
async def on_blacklist_add(ctx: Context, data: BlacklistAdd) -> None:
    require_organizer(ctx)
    await ctx.dialog.start(BLACKLIST, "order")
    ctx.say("buyouts-blacklist-ask-order", [[_back_to_list(ctx)]])


def _back_to_list(ctx: Context) -> Button:
    return Button(ctx.t("buyouts-blacklist-button-list"), BlacklistView().pack())


@router.step(BLACKLIST, "order")
async def on_order_number(ctx: Context) -> None:
    await _take_order_number(ctx, ctx.event.text)


async def _take_order_number(ctx: Context, typed: str) -> None:
    organizer = require_organizer(ctx)
    order_id = parse_order_number(typed)
    if order_id is None:
        raise UserError("buyouts-blacklist-bad-number", typed=short(typed.strip(), 20))
    order = await ctx.uow.session.get(Order, order_id)
    purchase = await ctx.uow.session.get(Purchase, order.purchase_id) if order else None
    if order is None or purchase is None or purchase.organizer_id != organizer.id:
        # Another organizer's order is as unknown as one that does not exist.
        raise UserError("buyouts-blacklist-order-unknown", number=typed.strip()[:20])
    if order.buyer_id == ctx.user.id:
        raise UserError("buyouts-blacklist-self")
    number = order.number or str(order.id)
    await ctx.dialog.goto("mode", buyer_id=order.buyer_id, order_number=number)
    existing = await ctx.uow.buyouts.entry(organizer.id, order.buyer_id)
    rows = [
        [
            Button(_mode_label(ctx, mode), BlacklistPick(mode=mode).pack())
            for mode in (BlacklistMode.PREPAY, BlacklistMode.REFUSE)
        ],
        [_back_to_list(ctx)],
    ]
    ctx.say(
        "buyouts-blacklist-ask-mode",
        rows,
        number=number,
        listed="yes" if existing is not None else "no",
    )


@router.step(BLACKLIST, "mode")
async def on_mode_text(ctx: Context) -> None:
    raise UserError("buyouts-blacklist-use-buttons")


@router.button(BlacklistPick, role=Role.ORGANIZER)
async def on_mode(ctx: Context, data: BlacklistPick) -> None:
    require_organizer(ctx)
    if ctx.dialog.name != BLACKLIST or ctx.dialog.step != "mode":
        raise UserError("purchase-admin-button-stale")
    await ctx.dialog.goto("note", mode=data.mode.value)
    ctx.say(
        "buyouts-blacklist-ask-note",
        [[Button(ctx.t("purchase-admin-button-skip"), BlacklistSkipNote().pack())]],
        mode=_mode_label(ctx, data.mode),
    )


@router.step(BLACKLIST, "note")
async def on_note(ctx: Context) -> None:
    note = clean_note(ctx.event.text)
    if note is None:
        raise UserError("buyouts-blacklist-bad-note")
    await _save_entry(ctx, note)


@router.button(BlacklistSkipNote, role=Role.ORGANIZER)
async def on_skip_note(ctx: Context, data: BlacklistSkipNote) -> None:
    if ctx.dialog.name != BLACKLIST or ctx.dialog.step != "note":
        raise UserError("purchase-admin-button-stale")
    await _save_entry(ctx, "")


async def _save_entry(ctx: Context, note: str) -> None:
    organizer = require_organizer(ctx)
    data = ctx.dialog.data
    mode = BlacklistMode(data["mode"])
    await ctx.uow.buyouts.put_entry(
        organizer.id,
        int(data["buyer_id"]),
        mode,
        note,
        str(data["order_number"]),
        ctx.now(),
    )
    await ctx.dialog.finish()
    ctx.say("buyouts-blacklist-saved", number=data["order_number"], mode=_mode_label(ctx, mode))
    await show_blacklist(ctx)


@router.button(BlacklistRemove, role=Role.ORGANIZER)
async def on_remove(ctx: Context, data: BlacklistRemove) -> None:
    organizer = require_organizer(ctx)
    entries = {
        entry.id: (entry, buyer) for entry, buyer in await ctx.uow.buyouts.entries(organizer.id)
    }
    if data.entry_id not in entries:
        raise UserError("buyouts-blacklist-entry-gone")
    entry, buyer = entries[data.entry_id]
    if not data.confirmed:
        confirm = BlacklistRemove(entry_id=entry.id, confirmed=True)
        rows = [
            [
                Button(ctx.t("purchase-admin-button-yes"), confirm.pack()),
                Button(ctx.t("purchase-admin-button-no"), BlacklistView().pack()),
            ]
        ]
        ctx.say(
            "buyouts-blacklist-remove-confirm", rows, buyer=short(buyer.name or "-", NAME_SHOWN)
        )
        return
    await ctx.uow.buyouts.remove_entry(organizer.id, entry.id)
    ctx.say("buyouts-blacklist-removed", buyer=short(buyer.name or "-", NAME_SHOWN))
    await show_blacklist(ctx)


# --- the next buy-out -----------------------------------------------------------------------


@router.button(RepeatPurchase, role=Role.ORGANIZER)
async def on_repeat(ctx: Context, data: RepeatPurchase) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    if purchase.status not in REPEATABLE:
        raise UserError("buyouts-repeat-not-yet", status=status_label(ctx, purchase.status))
    await ctx.dialog.start(REPEAT, "stop", {"purchase_id": purchase.id})
    _ask_stop(ctx, purchase)


def _ask_stop(ctx: Context, purchase: Purchase) -> None:
    minimum = minimum_of(purchase)
    shown = minimum_text(ctx.t, minimum) if minimum.total_kop or minimum.pieces else "-"
    ctx.say(
        "buyouts-repeat-ask-stop",
        [[back_to_card(ctx, purchase.id)]],
        title=purchase.title,
        minimum=shown,
    )


async def _repeat_source(ctx: Context) -> Purchase:
    purchase = await own_purchase(ctx, int(ctx.dialog.data["purchase_id"]))
    return purchase


@router.step(REPEAT, "stop")
async def on_repeat_stop(ctx: Context) -> None:
    source = await _repeat_source(ctx)
    try:
        stop_at = parse_stop(ctx.event.text, ctx.now())
    except FormError as exc:
        raise form_error(ctx, exc) from None
    await ctx.dialog.goto("pay", stop_at=stop_at.isoformat())
    ctx.say(
        "buyouts-repeat-ask-pay",
        [[Button(ctx.t("purchase-edit-button-back"), RepeatStep(step="stop").pack())]],
        title=source.title,
        stop=format_day(stop_at, ctx.lang),
    )


@router.button(RepeatStep, role=Role.ORGANIZER)
async def on_repeat_back(ctx: Context, data: RepeatStep) -> None:
    if ctx.dialog.name != REPEAT:
        raise UserError("purchase-admin-button-stale")
    source = await _repeat_source(ctx)
    await ctx.dialog.goto("stop")
    _ask_stop(ctx, source)


@router.step(REPEAT, "pay")
async def on_repeat_pay(ctx: Context) -> None:
    source = await _repeat_source(ctx)
    if is_back(ctx.event.text):
        await ctx.dialog.goto("stop")
        _ask_stop(ctx, source)
        return
    stop_at = datetime.fromisoformat(ctx.dialog.data["stop_at"])
    try:
        deadline = parse_payment_deadline(ctx.event.text, ctx.now(), stop_at)
    except FormError as exc:
        raise form_error(ctx, exc) from None
    if stop_at <= ctx.now():
        # The dialog outlived its stop date: ask for it again.
        await ctx.dialog.goto("stop")
        _ask_stop(ctx, source)
        return
    copy = await ctx.uow.buyouts.copy_purchase(
        source, stop_at=stop_at, payment_due_at=deadline, actor_user_id=ctx.user.id, now=ctx.now()
    )
    await ctx.dialog.finish()
    items = await ctx.uow.purchases.count_items(copy.id)
    ctx.say("buyouts-repeat-created", id=str(copy.id), title=copy.title, items=items)
    await show_card(ctx, copy)
