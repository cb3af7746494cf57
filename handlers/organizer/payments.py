"""The organizer's side of payment reports: each report as they see it, Confirm / Reject
(with a reason) and /payments, the reports awaiting a decision.

A decision locks the report row and acts only on a pending report, so a double tap, two
devices or a retried update count once; the buyer hears every decision.
"""

from __future__ import annotations

from typing import Any

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button, FileRef, Reply
from bot.core.router import Role, Router
from bot.services.money import money_state_text, tell_refunds_after_confirm
from bot.services.referrals import on_qualifying_action
from bot.texts import Translator
from domain.money import format_amount
from domain.payments import (
    COMMENT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REASON_MIN_LENGTH,
    AlreadyDecided,
    PaymentReportStatus,
    confirmed_after,
    decide,
    format_moscow,
    report_outcome,
)
from handlers.kit import DbId, PageNumber, Paging, media_photo, short
from storage.models import Media, Order, OutboxKind, PaymentAllocation, PaymentReport, User
from storage.repositories.refunds import money_of

router = Router("organizer_payments")

REJECT = "pay_reject"


REPORTS_PER_PAGE = 5
# A page of reports is one message (Telegram cuts at 4096 characters): long comments are
# shortened there; the notification of each report carries the whole comment.
LIST_COMMENT_SHOWN = 200
NAME_SHOWN = 64


class ReportConfirm(Payload, prefix="payok"):
    report_id: DbId


class ReportReject(Payload, prefix="payno"):
    report_id: DbId


class ReportsPage(Payload, prefix="paylist"):
    page: PageNumber


class PartConfirm(Payload, prefix="paypok"):
    """Confirm one order's part of a report that covers several orders."""

    allocation_id: DbId


class PartReject(Payload, prefix="paypno"):
    allocation_id: DbId


# --- small shared pieces --------------------------------------------------------------------


def money(kopecks: int, lang: str) -> str:
    return format_amount(kopecks, lang)


def buyer_label(t: Translator, user: User | None) -> str:
    """What the organizer sees of a buyer: the display name only, never contacts."""
    if user is not None and user.name.strip():
        return short(user.name.strip(), NAME_SHOWN)
    return t("payments-buyer-unnamed", id=str(user.id if user else "?"))


def state_text(t: Translator, order: Order, awaiting: int = 0) -> str:
    """Where the order's money stands, in the words every view uses (bot/services/money.py);
    needs `order.purchase`. `awaiting`: parts of reports awaiting a decision, when known."""
    return money_state_text(t, money_of(order, awaiting))


def report_text(
    t: Translator,
    report: PaymentReport,
    buyer: User | None,
    orders: dict[int, Order],
    *,
    receipt_shown: bool,
    receipt_is_file: bool = False,
    comment_limit: int = COMMENT_MAX_LENGTH,
) -> str:
    """One report as the organizer sees it (the notification and /payments alike);
    `receipt_is_file`: the receipt is a file (a PDF), not a photo."""
    lang = t.lang
    lines = [t("payments-report-head", id=str(report.id), buyer=buyer_label(t, buyer))]
    for allocation in sorted(report.allocations, key=lambda a: a.id):
        order = orders.get(allocation.order_id)
        lines.append(
            t(
                "payments-report-order",
                number=order.number if order and order.number else str(allocation.order_id),
                title=short(order.purchase.title, 40) if order else "",
                part=money(allocation.amount_kop, lang),
                state=state_text(t, order) if order else "",
            )
            + part_decision_suffix(t, allocation)
        )
    lines.append(t("payments-report-amount", amount=money(report.amount_kop, lang)))
    lines.append(t("payments-report-time", time=format_moscow(report.paid_at)))
    lines.append(t("payments-report-method", method=report.method.value))
    if report.comment:
        lines.append(t("payments-report-comment", comment=short(report.comment, comment_limit)))
    if report.receipt_id is not None:
        shown_key, elsewhere_key = (
            ("receipts-report-file", "receipts-report-file-elsewhere")
            if receipt_is_file
            else ("payments-report-receipt", "payments-report-receipt-elsewhere")
        )
        lines.append(t(shown_key if receipt_shown else elsewhere_key))
    return "\n".join(lines)


def part_decision_suffix(t: Translator, allocation: PaymentAllocation) -> str:
    """ " — ✅ подтверждено" after an order's part decided on its own ("" while pending)."""
    status = PaymentReportStatus(allocation.status or PaymentReportStatus.PENDING)
    if status is PaymentReportStatus.PENDING:
        return ""
    return t("payment-splits-part-decided", status=status.value)


def pending_parts_of(report: PaymentReport) -> list[PaymentAllocation]:
    return sorted(
        (a for a in report.allocations if a.status is PaymentReportStatus.PENDING),
        key=lambda a: a.id,
    )


def decision_buttons(
    t: Translator, report: PaymentReport, orders: dict[int, Order]
) -> list[list[Button]]:
    """Confirm / Reject the whole report; for a report over several orders also each
    order's part on its own (the whole-report row first, so it stays at hand)."""
    undecided = pending_parts_of(report)
    if len(report.allocations) <= 1:
        return [
            [
                Button(t("payments-button-confirm"), ReportConfirm(report_id=report.id).pack()),
                Button(t("payments-button-reject"), ReportReject(report_id=report.id).pack()),
            ]
        ]
    if not undecided:
        return []
    rows = [
        [
            Button(
                t("payment-splits-button-confirm-all"), ReportConfirm(report_id=report.id).pack()
            ),
            Button(t("payment-splits-button-reject-all"), ReportReject(report_id=report.id).pack()),
        ]
    ]
    for allocation in undecided:
        order = orders.get(allocation.order_id)
        number = order.number if order is not None and order.number else str(allocation.order_id)
        rows.append(
            [
                Button(
                    t("payment-splits-button-confirm-part", number=number),
                    PartConfirm(allocation_id=allocation.id).pack(),
                ),
                Button(
                    t("payment-splits-button-reject-part", number=number),
                    PartReject(allocation_id=allocation.id).pack(),
                ),
            ]
        )
    return rows


def is_file_receipt(media: Media | None) -> bool:
    """A receipt sent as a file (a PDF, a picture as a file), not as a photo."""
    return media is not None and media.kind == "document"


def receipt_file(media: Media | None, platform: str, name: str | None = None) -> FileRef | None:
    """A receipt file as `platform` can send it: by its own file id only. No bytes are kept,
    so another platform's file cannot be shown (the report's text says so)."""
    if media is None or not is_file_receipt(media) or media.platform != platform:
        return None
    return FileRef(
        file_id=media.file_id, platform=media.platform, file_name=name, mime_type=media.mime_type
    )


async def notify_organizer(
    ctx: Context,
    report: PaymentReport,
    orders: dict[int, Order],
    media: Media | None,
    *,
    receipt_name: str | None = None,
) -> None:
    """The organizer must act on every report, so it goes as an ANSWER: delivered whatever
    their broadcast consent says (stopping broadcasts must not hide money owed to them).
    `receipt_name`: a receipt file's name as the buyer sent it (the console shows it)."""
    organizer = await ctx.uow.payments.organizer(report.organizer_id)
    assert organizer is not None
    recipient = organizer.user
    t = ctx.texts.translator(recipient.language)
    await ctx.uow.session.refresh(report, ["allocations"])
    as_file = is_file_receipt(media)
    # A file's id cannot be sent as a photo (Telegram refuses it in sendPhoto).
    photo = None if as_file else media_photo(media, recipient.platform)
    file = receipt_file(media, recipient.platform, receipt_name)
    shown = photo is not None or file is not None
    text = (
        t("payments-report-new")
        + "\n"
        + report_text(t, report, ctx.user, orders, receipt_shown=shown, receipt_is_file=as_file)
    )
    # Not ctx.notify: the message carries the receipt next to its text and buttons.
    reply = Reply(text=text, buttons=decision_buttons(t, report, orders), photo=photo, file=file)
    await ctx.uow.outbox.enqueue(
        recipient, reply, OutboxKind.ANSWER, dedup_key=f"pay-report:{report.id}"
    )


# --- the organizer: decisions ---------------------------------------------------------------


async def own_report(ctx: Context, report_id: int) -> PaymentReport:
    """The report, locked, if it was sent to this organizer; another organizer's report is
    answered exactly like a report that does not exist."""
    assert ctx.organizer is not None
    report = await ctx.uow.payments.lock_report(report_id)
    if report is None or report.organizer_id != ctx.organizer.id:
        raise UserError("payments-report-not-found")
    return report


def decided_key(status: PaymentReportStatus) -> str:
    if status is PaymentReportStatus.CONFIRMED:
        return "payments-already-confirmed"
    return "payments-already-rejected"


def already_decided(status: PaymentReportStatus) -> UserError:
    return UserError(decided_key(status))


@router.button(ReportConfirm, role=Role.ORGANIZER)
async def on_report_confirm(ctx: Context, data: ReportConfirm) -> None:
    report = await own_report(ctx, data.report_id)
    try:
        decide(report.status, confirm=True)
    except AlreadyDecided as exc:
        raise already_decided(exc.status) from None
    # "Confirm all" confirms the parts still waiting; parts decided one by one stay decided.
    parts = pending_parts_of(report)
    whole = len(parts) == len(report.allocations)
    await confirm_parts(ctx, report, parts)
    if ctx.dialog.name == REJECT and ctx.dialog.data.get("report_id") == report.id:
        await ctx.dialog.finish()
    amount = sum(a.amount_kop for a in parts)
    await tell_buyer(ctx, report, "payments-decision-confirmed", amount=amount, rest=not whole)
    ctx.answer(
        ctx.t("payments-confirmed", id=str(report.id), amount=money(amount, ctx.lang))
        + "\n"
        + await order_states(ctx, ctx.t, report)
    )


@router.button(PartConfirm, role=Role.ORGANIZER)
async def on_part_confirm(ctx: Context, data: PartConfirm) -> None:
    report, part = await own_part(ctx, data.allocation_id)
    await confirm_parts(ctx, report, [part])
    if ctx.dialog.name == REJECT and ctx.dialog.data.get("report_id") == report.id:
        await ctx.dialog.finish()
    number, title = await part_order(ctx, part)
    await tell_buyer(
        ctx,
        report,
        "payment-splits-decision-part-confirmed",
        amount=report.amount_kop,
        part_id=part.id,
        number=number,
        title=title,
        part=part.amount_kop,
    )
    ctx.answer(
        ctx.t(
            "payment-splits-part-confirmed",
            id=str(report.id),
            number=number,
            part=money(part.amount_kop, ctx.lang),
        )
    )
    await show_rest(ctx, report)


async def confirm_parts(
    ctx: Context, report: PaymentReport, parts: list[PaymentAllocation]
) -> None:
    """Each part's money becomes its order's confirmed money; the report is decided once
    every part is."""
    now = ctx.now()
    orders = await ctx.uow.payments.lock_orders([a.order_id for a in parts])
    for allocation in parts:
        order = orders[allocation.order_id]
        order.confirmed_paid_kop = confirmed_after(order.confirmed_paid_kop, allocation.amount_kop)
        order.updated_at = now
        allocation.status = PaymentReportStatus.CONFIRMED
        allocation.decided_at = now
    settle(ctx, report, None)
    # Confirmed money beyond what an order costs (or on a cancelled one) is owed back.
    await tell_refunds_after_confirm(ctx.uow, ctx.texts, list(orders))
    buyer = await ctx.uow.users.get(report.buyer_id)
    if buyer is not None and parts:
        # A friend invited to the bot may count for their inviter once they have paid.
        await on_qualifying_action(ctx.uow, buyer, "first_payment", now, texts=ctx.texts)


def reject_parts(
    ctx: Context, report: PaymentReport, parts: list[PaymentAllocation], reason: str
) -> None:
    now = ctx.now()
    for allocation in parts:
        allocation.status = PaymentReportStatus.REJECTED
        allocation.decided_at = now
        allocation.reject_reason = reason
    settle(ctx, report, reason)


def settle(ctx: Context, report: PaymentReport, reason: str | None) -> None:
    """The report's own status follows its parts' (domain.payments.report_outcome)."""
    outcome = report_outcome([a.status for a in report.allocations])
    if outcome is PaymentReportStatus.PENDING:
        return
    report.status = outcome
    report.decided_by_user_id = ctx.user.id
    report.decided_at = ctx.now()
    if outcome is PaymentReportStatus.REJECTED and reason is not None:
        report.reject_reason = reason


async def own_part(ctx: Context, allocation_id: int) -> tuple[PaymentReport, PaymentAllocation]:
    """A part of one of this organizer's reports, its report locked; still undecided."""
    report_id = await ctx.uow.payments.report_of_part(allocation_id)
    if report_id is None:
        raise UserError("payments-report-not-found")
    report = await own_report(ctx, report_id)
    part = next(a for a in report.allocations if a.id == allocation_id)
    status = PaymentReportStatus(part.status)
    if status is not PaymentReportStatus.PENDING:
        number, _ = await part_order(ctx, part)
        raise UserError("payment-splits-part-already", status=status.value, number=number)
    return report, part


async def part_order(ctx: Context, part: PaymentAllocation) -> tuple[str, str]:
    """The number and title of the order a part pays."""
    order = (await ctx.uow.payments.orders([part.order_id]))[part.order_id]
    return order.number or str(order.id), order.purchase.title


async def show_rest(ctx: Context, report: PaymentReport) -> None:
    """After one part's decision: the report again with what is left to decide, or its end."""
    orders = await ctx.uow.payments.orders([a.order_id for a in report.allocations])
    buyer = await ctx.uow.users.get(report.buyer_id)
    # The receipt came with the report's own message, which this one answers.
    as_file = is_file_receipt(await ctx.uow.payments.media(report.receipt_id))
    text = report_text(ctx.t, report, buyer, orders, receipt_shown=True, receipt_is_file=as_file)
    if report.status is not PaymentReportStatus.PENDING:
        ctx.answer(text + "\n" + ctx.t("payment-splits-all-decided"))
        return
    ctx.answer(text, decision_buttons(ctx.t, report, orders))


@router.button(ReportReject, role=Role.ORGANIZER)
async def on_report_reject(ctx: Context, data: ReportReject) -> None:
    report = await own_report(ctx, data.report_id)
    if report.status is not PaymentReportStatus.PENDING:
        raise already_decided(PaymentReportStatus(report.status))
    await ctx.dialog.start(REJECT, "reason", {"report_id": report.id})
    ctx.say(
        "payments-ask-reason",
        id=str(report.id),
        min=str(REASON_MIN_LENGTH),
        max=str(REASON_MAX_LENGTH),
    )


@router.button(PartReject, role=Role.ORGANIZER)
async def on_part_reject(ctx: Context, data: PartReject) -> None:
    report, part = await own_part(ctx, data.allocation_id)
    await ctx.dialog.start(REJECT, "reason", {"report_id": report.id, "part_id": part.id})
    number, _ = await part_order(ctx, part)
    ctx.say(
        "payment-splits-ask-part-reason",
        id=str(report.id),
        number=number,
        min=str(REASON_MIN_LENGTH),
        max=str(REASON_MAX_LENGTH),
    )


@router.step(REJECT, "reason")
async def on_reject_reason(ctx: Context) -> None:
    if ctx.organizer is None:
        await ctx.dialog.finish()
        raise UserError("need-organizer")
    reason = ctx.event.text.strip()
    if not REASON_MIN_LENGTH <= len(reason) <= REASON_MAX_LENGTH:
        raise UserError(
            "payments-reason-length", min=str(REASON_MIN_LENGTH), max=str(REASON_MAX_LENGTH)
        )
    part_id = ctx.dialog.data.get("part_id")
    if part_id is not None:
        await reject_one_part(ctx, int(part_id), reason)
        return
    report = await own_report(ctx, int(ctx.dialog.data["report_id"]))
    await ctx.dialog.finish()
    try:
        decide(report.status, confirm=False)
    except AlreadyDecided as exc:
        # Decided on another device meanwhile: the form ends, the decision stands.
        ctx.say(decided_key(exc.status))
        return
    parts = pending_parts_of(report)
    whole = len(parts) == len(report.allocations)
    reject_parts(ctx, report, parts, reason)
    await tell_buyer(
        ctx,
        report,
        "payments-decision-rejected",
        amount=sum(a.amount_kop for a in parts),
        rest=not whole,
        reason=reason,
    )
    ctx.say("payments-rejected", id=str(report.id))


async def reject_one_part(ctx: Context, part_id: int, reason: str) -> None:
    await ctx.dialog.finish()
    try:
        report, part = await own_part(ctx, part_id)
    except UserError as exc:
        # Decided on another device meanwhile: the form ends, the decision stands.
        ctx.say(exc.key, **exc.args_)
        return
    reject_parts(ctx, report, [part], reason)
    number, title = await part_order(ctx, part)
    await tell_buyer(
        ctx,
        report,
        "payment-splits-decision-part-rejected",
        amount=report.amount_kop,
        part_id=part.id,
        number=number,
        title=title,
        part=part.amount_kop,
        reason=reason,
    )
    ctx.say("payment-splits-part-rejected", id=str(report.id), number=number)
    await show_rest(ctx, report)


async def order_states(ctx: Context, t: Translator, report: PaymentReport) -> str:
    orders = await ctx.uow.payments.orders([a.order_id for a in report.allocations])
    lines = []
    for allocation in sorted(report.allocations, key=lambda a: a.id):
        order = orders[allocation.order_id]
        lines.append(
            t(
                "payments-order-state",
                number=order.number or str(order.id),
                title=order.purchase.title,
                state=state_text(t, order),
            )
        )
    return "\n".join(lines)


async def tell_buyer(
    ctx: Context,
    report: PaymentReport,
    key: str,
    *,
    amount: int,
    rest: bool = False,
    part_id: int | None = None,
    part: int | None = None,
    **args: Any,
) -> None:
    """The decision answers the buyer's own report, so it is an ANSWER: always delivered.

    One message per decision: of the whole report, of one order's part (`part_id`), or of
    the parts left after some were decided one by one (`rest`)."""
    buyer = await ctx.uow.users.get(report.buyer_id)
    if buyer is None:
        return
    t = ctx.texts.translator(buyer.language)
    assert ctx.organizer is not None
    dedup = f"pay-decision:{report.id}"
    if part_id is not None:
        dedup += f":{part_id}"
        args["part"] = money(part or 0, buyer.language)
    elif rest:
        dedup += ":rest"
    await ctx.notify(
        buyer,
        key,
        kind=OutboxKind.ANSWER,
        dedup_key=dedup,
        organizer=ctx.organizer.name,
        amount=money(amount, buyer.language),
        time=format_moscow(report.paid_at),
        orders=await order_states(ctx, t, report),
        **args,
    )


def part_rows(t: Translator, report: PaymentReport, orders: dict[int, Order]) -> list[list[Button]]:
    """In /payments, each undecided part of a report over several orders, on its own."""
    rows = []
    for allocation in pending_parts_of(report):
        order = orders.get(allocation.order_id)
        number = order.number if order is not None and order.number else str(allocation.order_id)
        rows.append(
            [
                Button(
                    t("payment-splits-button-confirm-part-n", id=str(report.id), number=number),
                    PartConfirm(allocation_id=allocation.id).pack(),
                ),
                Button(
                    t("payment-splits-button-reject-part-n", id=str(report.id), number=number),
                    PartReject(allocation_id=allocation.id).pack(),
                ),
            ]
        )
    return rows


# --- the organizer: /payments ---------------------------------------------------------------


@router.command("payments", aliases=("оплаты", "платежи"), role=Role.ORGANIZER)
async def payments(ctx: Context) -> None:
    await show_reports(ctx, 0)


@router.button(ReportsPage, role=Role.ORGANIZER)
async def on_reports_page(ctx: Context, data: ReportsPage) -> None:
    await show_reports(ctx, data.page)


async def show_reports(ctx: Context, page: int) -> None:
    """Reports awaiting a decision, oldest first: receipts as photos, then one list with
    Confirm / Reject buttons per report (the list comes last, so its buttons are at hand)."""
    assert ctx.organizer is not None
    total = await ctx.uow.payments.count_pending(ctx.organizer.id)
    if total == 0:
        ctx.say("payments-none-pending")
        return
    paging = Paging.of(total, REPORTS_PER_PAGE, page)
    page, pages = paging.page, paging.pages
    reports = await ctx.uow.payments.pending_reports(
        ctx.organizer.id, offset=paging.start, limit=REPORTS_PER_PAGE
    )
    buyers = await ctx.uow.payments.users([r.buyer_id for r in reports])
    orders = await ctx.uow.payments.orders([a.order_id for r in reports for a in r.allocations])
    blocks = [ctx.t("payments-list-title", total=total, page=str(page + 1), pages=str(pages))]
    rows: list[list[Button]] = []
    for report in reports:
        media = await ctx.uow.payments.media(report.receipt_id)
        as_file = is_file_receipt(media)
        photo = None if as_file else media_photo(media, ctx.event.platform)
        file = receipt_file(media, ctx.event.platform)
        if photo is not None or file is not None:
            caption = ctx.t("payments-receipt-caption", id=str(report.id))
            ctx.answer(caption, photo=photo, file=file)
        blocks.append(
            report_text(
                ctx.t,
                report,
                buyers.get(report.buyer_id),
                orders,
                receipt_shown=photo is not None or file is not None,
                receipt_is_file=as_file,
                comment_limit=LIST_COMMENT_SHOWN,
            )
        )
        rows.append(
            [
                Button(
                    ctx.t("payments-button-confirm-n", id=str(report.id)),
                    ReportConfirm(report_id=report.id).pack(),
                ),
                Button(
                    ctx.t("payments-button-reject-n", id=str(report.id)),
                    ReportReject(report_id=report.id).pack(),
                ),
            ]
        )
        if len(report.allocations) > 1:
            rows += part_rows(ctx.t, report, orders)
    nav = paging.nav(ctx.t, lambda p: ReportsPage(page=p).pack())
    if nav:
        rows.append(nav)
    ctx.answer("\n\n".join(blocks), rows)
