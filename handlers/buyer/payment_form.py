"""The /pay form after the orders are chosen: amount, time, method, an optional receipt (a
photo, or a PDF or picture sent as a file) and a comment, a confirmation, and "Send", which
writes the report, its allocation over the orders and the message to the organizer
(handlers/organizer/payments.py) in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.events import AttachmentKind
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button
from bot.core.router import Router
from bot.texts import Translator
from domain.lifecycle import OrderStatus, accepts_payments
from domain.money import AmountError, ErrorReason, parse_amount
from domain.payments import (
    COMMENT_MAX_LENGTH,
    MAX_RECEIPT_BYTES,
    MAX_RECEIPT_FILE_BYTES,
    Outstanding,
    PaidAtError,
    PaidAtProblem,
    SplitProblem,
    format_moscow,
    is_absurd_amount,
    is_receipt_file,
    paid_parts,
    parse_paid_at,
    propose_split,
    split_problem,
)
from domain.pricing import balance
from handlers.kit import DbId, short
from handlers.organizer.payments import money, notify_organizer, state_text
from storage.models import Media, Order, PaymentMethod
from storage.repositories.refunds import money_of

router = Router("payment_form")

PAY = "pay"

Nonce = Annotated[str, Field(pattern=r"^[0-9a-f]{8}$")]

_SKIP_WORDS = {"-", "—", "нет", "пропустить", "пропуск", "без чека", "skip", "no", "none"}
_METHOD_WORDS = {
    PaymentMethod.CARD: {"карта", "картой", "card", "перевод на карту"},
    PaymentMethod.SBP: {"сбп", "sbp", "по сбп", "система быстрых платежей"},
    PaymentMethod.CASH: {"наличные", "наличными", "нал", "cash"},
    PaymentMethod.OTHER: {"другое", "другой", "other"},
}
_AMOUNT_ERRORS = {
    ErrorReason.EMPTY: "payments-amount-not-number",
    ErrorReason.NOT_A_NUMBER: "payments-amount-not-number",
    ErrorReason.NEGATIVE: "payments-amount-negative",
    ErrorReason.ZERO: "payments-amount-zero",
    ErrorReason.TOO_LARGE: "payments-amount-too-large",
    ErrorReason.TOO_PRECISE: "payments-amount-too-precise",
}
_PAID_AT_ERRORS = {
    PaidAtProblem.FORMAT: "payments-time-format",
    PaidAtProblem.NEED_TIME: "payments-time-need-time",
    PaidAtProblem.BAD_DATE: "payments-time-bad-date",
    PaidAtProblem.FUTURE: "payments-time-future",
    PaidAtProblem.TOO_OLD: "payments-time-too-old",
}


# --- payloads and the form's state -------------------------------------------------------


class PayFull(Payload, prefix="payfull"):
    """ "Pay the whole balance" on the amount step."""


class PayNow(Payload, prefix="paynow"):
    pass


class PayMethodChoice(Payload, prefix="paymeth"):
    method: PaymentMethod


class PaySkip(Payload, prefix="payskip"):
    step: Literal["receipt", "comment"]


class PaySend(Payload, prefix="paysend"):
    # The form instance: a stale or repeated "send" finds no form with this nonce.
    nonce: Nonce


class PaySplitEdit(Payload, prefix="payspl"):
    """Change one order's part of a payment over several orders."""

    nonce: Nonce
    order_id: DbId


class PaySplitReset(Payload, prefix="paysplr"):
    """Back to the proposed split (each order's balance, oldest first)."""

    nonce: Nonce


def check_payable(order: Order) -> None:
    number = order.number or str(order.id)
    if order.status is OrderStatus.CANCELLED:
        raise UserError("payments-order-cancelled", number=number)
    if not accepts_payments(order.purchase.status):
        raise UserError(
            "payments-purchase-not-payable",
            title=order.purchase.title,
            status=order.purchase.status.value,
        )
    if money_of(order).due <= order.confirmed_paid_kop:
        raise UserError("payments-order-paid", number=number)


def require_step(ctx: Context, *steps: str) -> None:
    """Buttons of an earlier message must not act on a form that moved on or closed."""
    if ctx.dialog.name != PAY or ctx.dialog.step not in steps:
        raise UserError("payments-form-closed")


async def chosen_orders(ctx: Context) -> list[Order]:
    """The ticked orders, checked again: each still the buyer's, live, payable and owing,
    and all of one organizer. Time passes between steps, so this runs before every use."""
    orders = []
    for order_id in ctx.dialog.data.get("selected", []):
        order = await ctx.uow.payments.buyer_order(ctx.user.id, int(order_id))
        if order is None:
            raise UserError("payments-order-unavailable")
        check_payable(order)
        orders.append(order)
    if not orders:
        raise UserError("payments-select-none")
    if len({order.purchase.organizer_id for order in orders}) > 1:
        raise UserError("payments-one-organizer")
    return sorted(orders, key=lambda o: (o.created_at, o.id))


async def outstanding(ctx: Context, orders: Sequence[Order]) -> list[Outstanding]:
    pending = await ctx.uow.payments.pending_parts([o.id for o in orders])
    return [
        Outstanding(
            o.id, o.created_at, money_of(o).due - o.confirmed_paid_kop - pending.get(o.id, 0)
        )
        for o in orders
    ]


# --- amount, time, method, receipt, comment -------------------------------------------


async def ask_amount(ctx: Context) -> None:
    orders = await chosen_orders(ctx)
    pending = await ctx.uow.payments.pending_parts([o.id for o in orders])
    lang = ctx.lang
    lines = [ctx.t("payments-summary-title")]
    for order in orders:
        lines.append(
            ctx.t(
                "payments-summary-order",
                number=order.number or str(order.id),
                title=order.purchase.title,
                due=money(money_of(order).due, lang),
                paid=money(order.confirmed_paid_kop, lang),
                state=state_text(ctx.t, order),
            )
        )
        if pending.get(order.id):
            lines.append(ctx.t("payments-summary-pending", amount=money(pending[order.id], lang)))
    owed = sum(balance(money_of(o).due, o.confirmed_paid_kop) for o in orders)
    lines.append(ctx.t("payments-summary-total", amount=money(owed, lang)))
    organizer = orders[0].purchase.organizer
    lines.append("")
    if organizer.payment_details.strip():
        lines.append(
            ctx.t("payments-details", organizer=organizer.name, details=organizer.payment_details)
        )
    else:
        lines.append(ctx.t("payments-details-missing", organizer=organizer.name))
    lines += ["", ctx.t("payments-ask-amount")]
    uncovered = sum(max(o.uncovered, 0) for o in await outstanding(ctx, orders))
    buttons = []
    if uncovered > 0:
        label = ctx.t("payments-button-full", amount=money(uncovered, lang))
        buttons.append([Button(label, PayFull().pack())])
    ctx.answer("\n".join(lines), buttons)


@router.step(PAY, "amount")
async def on_amount(ctx: Context) -> None:
    try:
        amount = parse_amount(ctx.event.text)
    except AmountError as exc:
        raise UserError(_AMOUNT_ERRORS[exc.reason], example="1 500,50") from None
    orders = await chosen_orders(ctx)
    owed = sum(balance(money_of(o).due, o.confirmed_paid_kop) for o in orders)
    if is_absurd_amount(amount, owed):
        raise UserError(
            "payments-amount-absurd", amount=money(amount, ctx.lang), balance=money(owed, ctx.lang)
        )
    await amount_chosen(ctx, amount)


@router.button(PayFull)
async def on_full(ctx: Context, data: PayFull) -> None:
    require_step(ctx, "amount")
    orders = await chosen_orders(ctx)
    uncovered = sum(max(o.uncovered, 0) for o in await outstanding(ctx, orders))
    if uncovered <= 0:
        raise UserError("payments-form-closed")
    await amount_chosen(ctx, uncovered)


async def amount_chosen(ctx: Context, amount: int) -> None:
    await ctx.dialog.goto("paid_at", amount=amount)
    ctx.say(
        "payments-ask-time",
        [[Button(ctx.t("payments-button-now"), PayNow().pack())]],
        amount=money(amount, ctx.lang),
    )


@router.step(PAY, "paid_at")
async def on_paid_at(ctx: Context) -> None:
    try:
        paid_at = parse_paid_at(ctx.event.text, ctx.now())
    except PaidAtError as exc:
        raise UserError(_PAID_AT_ERRORS[exc.problem]) from None
    await paid_at_chosen(ctx, paid_at)


@router.button(PayNow)
async def on_now(ctx: Context, data: PayNow) -> None:
    require_step(ctx, "paid_at")
    await paid_at_chosen(ctx, ctx.now())


async def paid_at_chosen(ctx: Context, paid_at: datetime) -> None:
    await ctx.dialog.goto("method", paid_at=paid_at.isoformat())
    ctx.say("payments-ask-method", method_buttons(ctx.t), time=format_moscow(paid_at))


def method_buttons(t: Translator) -> list[list[Button]]:
    def button(method: PaymentMethod) -> Button:
        return Button(
            t("payments-method", method=method.value), PayMethodChoice(method=method).pack()
        )

    return [
        [button(PaymentMethod.CARD), button(PaymentMethod.SBP)],
        [button(PaymentMethod.CASH), button(PaymentMethod.OTHER)],
    ]


@router.step(PAY, "method")
async def on_method_text(ctx: Context) -> None:
    typed = " ".join(ctx.event.text.casefold().split())
    for method, words in _METHOD_WORDS.items():
        if typed in words:
            await method_chosen(ctx, method)
            return
    raise UserError("payments-method-unknown")


@router.button(PayMethodChoice)
async def on_method(ctx: Context, data: PayMethodChoice) -> None:
    require_step(ctx, "method")
    await method_chosen(ctx, data.method)


async def method_chosen(ctx: Context, method: PaymentMethod) -> None:
    await ctx.dialog.goto("receipt", method=method.value)
    ctx.say(
        "receipts-ask",
        skip_button(ctx.t, "receipt"),
        limit=str(MAX_RECEIPT_BYTES // 2**20),
        file_limit=str(MAX_RECEIPT_FILE_BYTES // 2**20),
    )


def skip_button(t: Translator, step: Literal["receipt", "comment"]) -> list[list[Button]]:
    return [[Button(t("payments-button-skip"), PaySkip(step=step).pack())]]


@router.step(PAY, "receipt")
async def on_receipt(ctx: Context) -> None:
    attachments = ctx.event.attachments
    if not attachments:
        if ctx.event.text.strip().casefold() in _SKIP_WORDS:
            await receipt_chosen(ctx, None)
            return
        raise UserError("payments-receipt-expected")
    attachment = attachments[0]
    if attachment.kind is AttachmentKind.DOCUMENT:
        await on_receipt_file(ctx)
        return
    if attachment.kind is not AttachmentKind.PHOTO:
        raise UserError("receipts-attachment-refused", file_limit=_file_limit())
    if attachment.size is not None and attachment.size > MAX_RECEIPT_BYTES:
        raise UserError("payments-receipt-too-big", limit=str(MAX_RECEIPT_BYTES // 2**20))
    await receipt_chosen(
        ctx,
        {
            "file_id": attachment.file_id,
            "size": attachment.size,
            "mime": attachment.mime_type,
            "platform": ctx.event.platform,
        },
    )


def _file_limit() -> str:
    return str(MAX_RECEIPT_FILE_BYTES // 2**20)


async def on_receipt_file(ctx: Context) -> None:
    """A receipt sent as a file: banks send PDFs, and phones send screenshots as files. It
    goes to the organizer as the same file, by the platform's file id (a document's file id
    cannot be re-sent as a photo), so only its type and size are checked here."""
    attachment = ctx.event.attachments[0]
    name = attachment.file_name or ""
    if not is_receipt_file(attachment.mime_type, name):
        raise UserError(
            "receipts-file-refused", name=short(name, 40) or "?", file_limit=_file_limit()
        )
    if attachment.size is not None and attachment.size > MAX_RECEIPT_FILE_BYTES:
        raise UserError("receipts-file-too-big", file_limit=_file_limit())
    await receipt_chosen(
        ctx,
        {
            "file_id": attachment.file_id,
            "size": attachment.size,
            "mime": attachment.mime_type,
            "platform": ctx.event.platform,
            "kind": "document",
            "name": name or None,
        },
    )


@router.button(PaySkip)
async def on_skip(ctx: Context, data: PaySkip) -> None:
    require_step(ctx, data.step)
    if data.step == "receipt":
        await receipt_chosen(ctx, None)
    else:
        await comment_chosen(ctx, "")


async def receipt_chosen(ctx: Context, receipt: dict[str, Any] | None) -> None:
    # Only remembered in the form: nothing is stored until the report is sent.
    await ctx.dialog.goto("comment", receipt=receipt)
    key = "payments-receipt-saved" if receipt else "payments-receipt-skipped"
    ctx.answer(
        ctx.t(key) + "\n" + ctx.t("payments-ask-comment", max=str(COMMENT_MAX_LENGTH)),
        skip_button(ctx.t, "comment"),
    )


@router.step(PAY, "comment")
async def on_comment(ctx: Context) -> None:
    text = ctx.event.text.strip()
    if not text:
        raise UserError("payments-comment-text-only")
    if text.casefold() in _SKIP_WORDS:
        text = ""
    if len(text) > COMMENT_MAX_LENGTH:
        raise UserError("payments-comment-too-long", max=str(COMMENT_MAX_LENGTH))
    await comment_chosen(ctx, text)


async def comment_chosen(ctx: Context, comment: str) -> None:
    await ctx.dialog.goto("confirm", comment=comment)
    await show_confirmation(ctx)


async def current_split(ctx: Context, orders: Sequence[Order], amount: int) -> dict[int, int]:
    """Each chosen order's part: as the buyer edited it, else as proposed (each order's
    balance, oldest first; domain.payments.propose_split)."""
    edited = ctx.dialog.data.get("split")
    if edited is None:
        return propose_split(amount, await outstanding(ctx, orders))
    return {order.id: int(edited.get(str(order.id), 0)) for order in orders}


def split_error(problem: SplitProblem, amount: int, parts: dict[int, int], lang: str) -> UserError:
    total = sum(parts.values())
    return UserError(
        "payment-splits-problem",
        problem=problem.value,
        amount=money(amount, lang),
        total=money(total, lang),
        difference=money(abs(amount - total), lang),
        direction="more" if total > amount else "less",
    )


async def show_confirmation(ctx: Context) -> None:
    data = ctx.dialog.data
    orders = await chosen_orders(ctx)
    amount = int(data["amount"])
    parts = await current_split(ctx, orders, amount)
    several = len(orders) > 1
    lang = ctx.lang
    lines = [ctx.t("payments-confirm-title")]
    for order in orders:
        part = parts.get(order.id, 0)
        key = "payments-confirm-order" if part or not several else "payment-splits-order-none"
        lines.append(
            ctx.t(
                key,
                number=order.number or str(order.id),
                title=order.purchase.title,
                part=money(part, lang),
            )
        )
    lines.append(ctx.t("payments-report-amount", amount=money(amount, lang)))
    problem = split_problem(amount, parts) if several else None
    if problem is not None:
        refusal = split_error(problem, amount, parts, lang)
        lines.append(ctx.t(refusal.key, **refusal.args_))
    owed = sum(balance(money_of(o).due, o.confirmed_paid_kop) for o in orders)
    if amount > owed:
        lines.append(ctx.t("payments-confirm-overpaid", amount=money(amount - owed, lang)))
    lines.append(
        ctx.t("payments-report-time", time=format_moscow(datetime.fromisoformat(data["paid_at"])))
    )
    lines.append(ctx.t("payments-report-method", method=data["method"]))
    lines.append(ctx.t("payments-confirm-receipt", attached="yes" if data.get("receipt") else "no"))
    if data.get("comment"):
        lines.append(ctx.t("payments-report-comment", comment=data["comment"]))
    buttons = [
        [
            Button(ctx.t("payments-button-send"), PaySend(nonce=data["nonce"]).pack()),
            Button(ctx.t("payments-button-cancel"), CommandPayload(name="cancel").pack()),
        ]
    ]
    if several:
        # Send stays the first button; the split's buttons come under it.
        lines.append(ctx.t("payment-splits-hint"))
        for order in orders:
            label = ctx.t(
                "payment-splits-button-edit",
                number=order.number or str(order.id),
                part=money(parts.get(order.id, 0), lang),
            )
            edit = PaySplitEdit(nonce=data["nonce"], order_id=order.id)
            buttons.append([Button(label, edit.pack())])
        if data.get("split") is not None:
            reset = PaySplitReset(nonce=data["nonce"])
            buttons.append([Button(ctx.t("payment-splits-button-reset"), reset.pack())])
    ctx.answer("\n".join(lines), buttons)


# --- the split of a payment over several orders ----------------------------------------


def require_form(ctx: Context, nonce: str, *steps: str) -> None:
    require_step(ctx, *steps)
    if ctx.dialog.data.get("nonce") != nonce:
        raise UserError("payments-form-closed")


@router.button(PaySplitEdit)
async def on_split_edit(ctx: Context, data: PaySplitEdit) -> None:
    require_form(ctx, data.nonce, "confirm", "split")
    orders = await chosen_orders(ctx)
    order = next((o for o in orders if o.id == data.order_id), None)
    if order is None:
        raise UserError("payments-order-unavailable")
    amount = int(ctx.dialog.data["amount"])
    parts = await current_split(ctx, orders, amount)
    await ctx.dialog.goto("split", editing=order.id)
    ctx.say(
        "payment-splits-ask-part",
        amount=money(amount, ctx.lang),
        number=order.number or str(order.id),
        title=order.purchase.title,
        part=money(parts.get(order.id, 0), ctx.lang),
        balance=money(balance(money_of(order).due, order.confirmed_paid_kop), ctx.lang),
    )


@router.step(PAY, "split")
async def on_split_part(ctx: Context) -> None:
    try:
        part = parse_amount(ctx.event.text, allow_zero=True)
    except AmountError as exc:
        raise UserError(_AMOUNT_ERRORS[exc.reason], example="1 000") from None
    orders = await chosen_orders(ctx)
    amount = int(ctx.dialog.data["amount"])
    if part > amount:
        raise UserError("payment-splits-part-above-amount", amount=money(amount, ctx.lang))
    editing = int(ctx.dialog.data.get("editing", 0))
    parts = await current_split(ctx, orders, amount)
    if editing not in parts:
        raise UserError("payments-form-closed")
    parts[editing] = part
    await ctx.dialog.goto("confirm", split={str(k): v for k, v in parts.items()}, editing=None)
    await show_confirmation(ctx)


@router.button(PaySplitReset)
async def on_split_reset(ctx: Context, data: PaySplitReset) -> None:
    require_form(ctx, data.nonce, "confirm", "split")
    await ctx.dialog.goto("confirm", split=None, editing=None)
    await show_confirmation(ctx)


@router.step(PAY, "confirm")
async def on_confirm_text(ctx: Context) -> None:
    ctx.say("payments-confirm-use-buttons")
    await show_confirmation(ctx)


# --- sending --------------------------------------------------------------------------


@router.button(PaySend)
async def on_send(ctx: Context, data: PaySend) -> None:
    # Lock the form first: a second press (double tap, two devices) waits here and then
    # finds the form gone, so one form makes one report.
    state = await ctx.uow.payments.lock_dialog(ctx.user.id)
    if (
        state is None
        or state.dialog != PAY
        or state.step != "confirm"
        or state.data.get("nonce") != data.nonce
    ):
        raise UserError("payments-send-stale")
    ctx.dialog.data = dict(state.data)
    form = ctx.dialog.data
    orders = await chosen_orders(ctx)
    amount = int(form["amount"])
    split = await current_split(ctx, orders, amount)
    problem = split_problem(amount, split)
    if problem is not None:
        raise split_error(problem, amount, split, ctx.lang)
    parts = paid_parts(split)
    organizer_id = orders[0].purchase.organizer_id
    receipt = form.get("receipt")
    media = (
        Media(
            platform=receipt["platform"],
            file_id=receipt["file_id"],
            # Forms begun before receipts could be files hold photos only.
            kind=receipt.get("kind", "photo"),
            mime_type=receipt.get("mime"),
            size=receipt.get("size"),
        )
        if receipt
        else None
    )
    report = await ctx.uow.payments.create_report(
        buyer_id=ctx.user.id,
        organizer_id=organizer_id,
        amount_kop=amount,
        paid_at=datetime.fromisoformat(form["paid_at"]),
        method=PaymentMethod(form["method"]),
        comment=form.get("comment", ""),
        receipt=media,
        parts=parts,
        now=ctx.now(),
    )
    await ctx.dialog.finish()
    await notify_organizer(
        ctx, report, {o.id: o for o in orders}, media, receipt_name=(receipt or {}).get("name")
    )
    ctx.say(
        "payments-sent",
        id=str(report.id),
        amount=money(amount, ctx.lang),
        organizer=orders[0].purchase.organizer.name,
    )
