"""Organizers' promo codes: /newpromo (step by step, or the whole code in one line),
/mypromos (the list with usage, cancelling) and /promoreport (a code's sales as CSV and XLSX).

The form's steps, in order: the code (typed or generated), the discount, the scope, start,
end, total usage limit, per-buyer limit, minimum order sum, and whether to share the code
with bloggers and affiliates (on by default). A bad value keeps the dialog at its step and
everything entered before it. The sharing choice is made here once and never changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button, Document
from bot.core.router import Role, Router
from bot.services.promo_codes import (
    cancel_code,
    code_offer,
    create_code,
    dates_text,
    form_terms,
    purchase_title,
    scope_text,
)
from domain.codes import normalize_code
from domain.exports import CSV_MIME, XLSX_MIME, file_name_part, to_csv, to_xlsx
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.money import format_amount
from domain.periods import format_day
from domain.promo_codes import (
    PromoFormError,
    ReportOrder,
    parse_code,
    parse_end,
    parse_limit,
    parse_minimum,
    parse_promo_discount,
    parse_scope,
    parse_shared,
    parse_start,
    report_table,
    report_totals,
    text_key,
    warnings,
)
from domain.referrals import DiscountKind
from handlers.kit import DbId, short
from storage.models import ApprovalStatus, PromoCode

router = Router("promo_codes")

NEW = "new_promo"
STEPS = ("code", "discount", "scope", "start", "end", "limit", "per_user", "minimum", "shared")
StepName = Literal["code", "start", "limit", "per_user", "minimum"]
SCOPE_CATEGORIES = 4  # offered as buttons, with 4 purchases and "all": 9 of VK's 10
SCOPE_PURCHASES = 4
LISTED = 10
CANCEL_BUTTONS = 5
DEFAULT_PER_USER = 1


class NewPromoDefault(Payload, prefix="npd"):
    step: StepName


class NewPromoScope(Payload, prefix="nps"):
    kind: Literal["all", "category", "purchase"]
    ref: int = 0  # the category's index in the offered list, or the purchase's id


class NewPromoShared(Payload, prefix="npsh"):
    shared: bool


class NewPromoConfirm(Payload, prefix="npc"):
    create: bool


class PromoCancel(Payload, prefix="pcx"):
    code_id: DbId
    confirmed: bool


class PromoReport(Payload, prefix="prp"):
    code_id: DbId


# --- /newpromo ---------------------------------------------------------------------------------


@router.command("newpromo", aliases=("новыйпромокод", "промокодорга"), role=Role.ORGANIZER)
async def new_promo(ctx: Context) -> None:
    typed = ctx.args.strip()
    await ctx.dialog.start(NEW, "code", {})
    if not typed:
        await ask(ctx, "code")
        return
    # The one-line form: the steps' answers separated by ";", in order. Whatever reads well
    # is kept; at the first bad value the dialog goes on from that step.
    parts = [part.strip() for part in typed.split(";")]
    if len(parts) != len(STEPS):
        await ctx.dialog.finish()
        raise UserError("promo-form-line", count=len(STEPS))
    for step, part in zip(STEPS, parts, strict=True):
        try:
            await take(ctx, step, part)
        except PromoFormError as exc:
            ctx.say(text_key(exc), **display_args(ctx, exc.args_))
            await ask(ctx, step)
            return
        except UserError as exc:
            ctx.say(exc.key, **exc.args_)
            await ask(ctx, step)
            return
    await show_confirm(ctx)


def display_args(ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Money in errors is kopecks until shown."""
    shown = dict(args)
    for name in ("discount", "minimum"):
        if isinstance(shown.get(name), int):
            shown[name] = format_amount(shown[name], ctx.lang)
    return shown


async def take(ctx: Context, step: str, text: str) -> None:
    """Read one step's answer into the dialog and move the dialog to the next step."""
    data = ctx.dialog.data
    now = ctx.now()
    updates: dict[str, Any] = {}
    if step == "code":
        code = parse_code(text)
        if code is not None and await ctx.uow.promos.code_taken(code):
            raise UserError("promo-form-code-taken", code=code)
        updates["code"] = code
    elif step == "discount":
        kind, value = parse_promo_discount(text)
        updates.update(discount_kind=kind.value, discount_value=value)
    elif step == "scope":
        assert ctx.organizer is not None
        categories, purchases = await ctx.uow.promos.scope_choices(ctx.organizer.id)
        choice = parse_scope(text, categories, [p.id for p in purchases])
        updates.update(
            scope=choice.kind.value,
            scope_purchase_id=choice.purchase_id,
            scope_category=choice.category,
        )
    elif step == "start":
        updates["starts_at"] = parse_start(text, now).isoformat()
    elif step == "end":
        starts_at = datetime.fromisoformat(data["starts_at"])
        updates["ends_at"] = parse_end(text, starts_at, now).isoformat()
    elif step == "limit":
        updates["usage_limit"] = parse_limit(text, default=None)
    elif step == "per_user":
        updates["per_user_limit"] = parse_limit(text, default=DEFAULT_PER_USER)
    elif step == "minimum":
        updates["min_order_kop"] = parse_minimum(
            text, data["discount_kind"], data["discount_value"]
        )
    elif step == "shared":
        updates["shared"] = parse_shared(text)
    index = STEPS.index(step)
    following = STEPS[index + 1] if index + 1 < len(STEPS) else "confirm"
    await ctx.dialog.goto(following, **updates)


async def ask(ctx: Context, step: str) -> None:
    buttons: list[list[Button]] = []
    args: dict[str, Any] = {}
    if step == "code":
        buttons = [[Button(ctx.t("promo-button-generate"), NewPromoDefault(step="code").pack())]]
    elif step == "scope":
        assert ctx.organizer is not None
        categories, purchases = await ctx.uow.promos.scope_choices(ctx.organizer.id)
        buttons = [[Button(ctx.t("promo-button-scope-all"), NewPromoScope(kind="all").pack())]]
        for index, category in enumerate(categories[:SCOPE_CATEGORIES]):
            label = ctx.t("promo-button-scope-category", category=short(category, 30))
            buttons.append([Button(label, NewPromoScope(kind="category", ref=index).pack())])
        for purchase in purchases[:SCOPE_PURCHASES]:
            label = ctx.t(
                "promo-button-scope-purchase", id=purchase.id, title=short(purchase.title, 30)
            )
            buttons.append([Button(label, NewPromoScope(kind="purchase", ref=purchase.id).pack())])
    elif step == "start":
        buttons = [[Button(ctx.t("promo-button-now"), NewPromoDefault(step="start").pack())]]
    elif step == "limit":
        buttons = [[Button(ctx.t("promo-button-no-limit"), NewPromoDefault(step="limit").pack())]]
    elif step == "per_user":
        label = ctx.t("promo-button-once-per-buyer")
        buttons = [[Button(label, NewPromoDefault(step="per_user").pack())]]
    elif step == "minimum":
        if ctx.dialog.data.get("discount_kind") == DiscountKind.PERCENT:
            label = ctx.t("promo-button-no-minimum")
            buttons = [[Button(label, NewPromoDefault(step="minimum").pack())]]
    elif step == "shared":
        buttons = [
            [
                Button(ctx.t("promo-button-share-yes"), NewPromoShared(shared=True).pack()),
                Button(ctx.t("promo-button-share-no"), NewPromoShared(shared=False).pack()),
            ]
        ]
    ctx.say("promo-ask-" + step.replace("_", "-"), buttons, **args)


async def on_answer(ctx: Context, step: str, text: str) -> None:
    if ctx.dialog.name != NEW or ctx.dialog.step != step:
        raise UserError("promo-form-stale")
    try:
        await take(ctx, step, text)
    except PromoFormError as exc:
        raise UserError(text_key(exc), **display_args(ctx, exc.args_)) from None
    following = ctx.dialog.step or "confirm"
    if following == "confirm":
        await show_confirm(ctx)
    else:
        await ask(ctx, following)


def _typed_step(step: str) -> Any:
    async def handler(ctx: Context) -> None:
        if ctx.organizer is None:
            await ctx.dialog.finish()
            ctx.say("need-organizer")
            return
        await on_answer(ctx, step, ctx.event.text)

    return handler


for _step in STEPS:
    router.step(NEW, _step)(_typed_step(_step))


@router.step(NEW, "confirm")
async def on_confirm_text(ctx: Context) -> None:
    raise UserError("promo-confirm-use-buttons")


DEFAULT_TEXT = {"code": "+", "start": "now", "limit": "-", "per_user": "-", "minimum": "-"}


@router.button(NewPromoDefault, role=Role.ORGANIZER)
async def on_default(ctx: Context, data: NewPromoDefault) -> None:
    await on_answer(ctx, data.step, DEFAULT_TEXT[data.step])


@router.button(NewPromoScope, role=Role.ORGANIZER)
async def on_scope(ctx: Context, data: NewPromoScope) -> None:
    assert ctx.organizer is not None
    if data.kind == "all":
        text = "all"
    elif data.kind == "purchase":
        text = f"#{data.ref}"
    else:
        categories, _ = await ctx.uow.promos.scope_choices(ctx.organizer.id)
        if data.ref >= len(categories):
            raise UserError("promo-form-stale")
        text = "category " + categories[data.ref]
    await on_answer(ctx, "scope", text)


@router.button(NewPromoShared, role=Role.ORGANIZER)
async def on_shared(ctx: Context, data: NewPromoShared) -> None:
    await on_answer(ctx, "shared", "yes" if data.shared else "no")


async def show_confirm(ctx: Context) -> None:
    data = ctx.dialog.data
    starts_at = datetime.fromisoformat(data["starts_at"])
    ends_at = datetime.fromisoformat(data["ends_at"])
    code = draft_code(data)
    title = await purchase_title(ctx.uow, code)
    lines = [ctx.t("promo-confirm-title"), "", *summary_lines(ctx, code, title)]
    for warning in warnings(
        data["discount_kind"], data["discount_value"], data["min_order_kop"], starts_at, ends_at
    ):
        lines += ["", ctx.t("promo-warning-" + warning.value)]
    lines += ["", ctx.t("promo-confirm-sharing-final")]
    buttons = [
        [
            Button(ctx.t("promo-button-create"), NewPromoConfirm(create=True).pack()),
            Button(ctx.t("promo-button-discard"), NewPromoConfirm(create=False).pack()),
        ]
    ]
    ctx.answer("\n".join(lines), buttons)


def draft_code(data: dict[str, Any]) -> PromoCode:
    """The code as the form describes it, for showing (never added to the session)."""
    return PromoCode(code=data.get("code") or "", **form_terms(data))


def summary_lines(ctx: Context, code: PromoCode, title: str | None) -> list[str]:
    return [
        ctx.t("promo-summary-code", code=code.code or ctx.t("promo-code-generated")),
        ctx.t("promo-summary-offer", offer=code_offer(ctx.texts, ctx.lang, code)),
        ctx.t("promo-summary-scope", scope=scope_text(ctx.texts, ctx.lang, code, title)),
        dates_text(ctx.texts, ctx.lang, code),
        ctx.t(
            "promo-summary-limits",
            total=code.usage_limit if code.usage_limit is not None else "-",
            per_buyer=code.per_user_limit if code.per_user_limit is not None else "-",
        ),
        ctx.t("promo-summary-shared-" + ("yes" if code.shared_with_affiliates else "no")),
    ]


@router.button(NewPromoConfirm, role=Role.ORGANIZER)
async def on_confirm(ctx: Context, data: NewPromoConfirm) -> None:
    if ctx.dialog.name != NEW or ctx.dialog.step != "confirm":
        raise UserError("promo-form-stale")
    if not data.create:
        await ctx.dialog.finish()
        ctx.say("promo-discarded")
        return
    assert ctx.organizer is not None
    code = await create_code(ctx.uow, ctx.organizer, ctx.dialog.data, ctx.now())
    await ctx.dialog.finish()
    key = "promo-created-shared" if code.shared_with_affiliates else "promo-created"
    ctx.say(key, code=code.code)


# --- /mypromos ---------------------------------------------------------------------------------


def state_key(code: PromoCode, now: datetime) -> str:
    if not code.active:
        return "promo-state-cancelled"
    if code.ends_at is not None and now >= code.ends_at:
        return "promo-state-expired"
    if code.starts_at is not None and now < code.starts_at:
        return "promo-state-not-started"
    return "promo-state-active"


def sharing_text(ctx: Context, code: PromoCode) -> str:
    if not code.shared_with_affiliates:
        return ctx.t("promo-sharing-no")
    if code.approval is ApprovalStatus.APPROVED:
        return ctx.t("promo-sharing-approved")
    if code.approval is ApprovalStatus.REJECTED:
        return ctx.t("promo-sharing-refused", reason=code.refusal_reason or "—")
    return ctx.t("promo-sharing-pending")


@router.command("mypromos", aliases=("моипромокоды",), role=Role.ORGANIZER)
async def my_promos(ctx: Context) -> None:
    assert ctx.organizer is not None
    rows = await ctx.uow.promos.codes_of(ctx.organizer.id, limit=LISTED)
    if not rows:
        ctx.say("promo-mine-none")
        return
    now = ctx.now()
    lines = [ctx.t("promo-mine-title")]
    buttons = []
    for row in rows:
        code = row.code
        title = await purchase_title(ctx.uow, code)
        lines += [
            "",
            ctx.t(
                "promo-mine-entry",
                code=code.code,
                state=ctx.t(state_key(code, now)),
                offer=code_offer(ctx.texts, ctx.lang, code),
            ),
            scope_text(ctx.texts, ctx.lang, code, title),
            dates_text(ctx.texts, ctx.lang, code),
            ctx.t(
                "promo-mine-usage",
                used=row.used,
                limit=code.usage_limit if code.usage_limit is not None else "-",
            ),
            sharing_text(ctx, code),
        ]
        if code.active and len(buttons) < CANCEL_BUTTONS:
            label = ctx.t("promo-button-cancel-code", code=code.code)
            buttons.append([Button(label, PromoCancel(code_id=code.id, confirmed=False).pack())])
    lines += ["", ctx.t("promo-mine-report-hint")]
    ctx.answer("\n".join(lines), buttons)


async def own_code(ctx: Context, code_id: int) -> PromoCode:
    assert ctx.organizer is not None
    code = await ctx.uow.promos.code(code_id)
    if code is None or code.organizer_id != ctx.organizer.id:
        raise UserError("promo-not-yours")
    return code


@router.button(PromoCancel, role=Role.ORGANIZER)
async def on_cancel(ctx: Context, data: PromoCancel) -> None:
    code = await own_code(ctx, data.code_id)
    if not code.active:
        ctx.say("promo-cancel-already", code=code.code)
        return
    if not data.confirmed:
        buttons = [
            [
                Button(
                    ctx.t("promo-button-cancel-yes"),
                    PromoCancel(code_id=code.id, confirmed=True).pack(),
                )
            ]
        ]
        ctx.say("promo-cancel-ask", buttons, code=code.code)
        return
    await cancel_code(ctx.uow, code, ctx.now())
    ctx.say("promo-cancelled", code=code.code)


# --- /promoreport ------------------------------------------------------------------------------


@router.command("promoreport", aliases=("отчётпромокода", "отчетпромокода"), role=Role.ORGANIZER)
async def promo_report(ctx: Context) -> None:
    assert ctx.organizer is not None
    typed = ctx.args.strip()
    if typed:
        code = await ctx.uow.promos.code_by_text(normalize_code(typed)[:32])
        if code is None or code.organizer_id != ctx.organizer.id:
            raise UserError("promo-not-yours")
        await send_report(ctx, code)
        return
    rows = await ctx.uow.promos.codes_of(ctx.organizer.id, limit=8)
    if not rows:
        ctx.say("promo-mine-none")
        return
    buttons = [
        [
            Button(
                ctx.t("promo-button-report", code=row.code.code, used=row.used),
                PromoReport(code_id=row.code.id).pack(),
            )
        ]
        for row in rows
    ]
    ctx.say("promo-report-choose", buttons)


@router.button(PromoReport, role=Role.ORGANIZER)
async def on_report(ctx: Context, data: PromoReport) -> None:
    await send_report(ctx, await own_code(ctx, data.code_id))


async def send_report(ctx: Context, code: PromoCode) -> None:
    rows = await ctx.uow.promos.report_rows(code.id)
    t = ctx.t
    orders = [
        ReportOrder(
            number=row.order.number or str(row.order.id),
            placed=format_day(row.order.created_at, ctx.lang),
            purchase=row.purchase_title,
            items_kop=row.order.items_total_kop,
            discount_kop=row.order.discount_kop,
            due_kop=row.order.due_kop,
            confirmed_kop=row.order.confirmed_paid_kop,
            status=t("promo-report-status-" + status_of(row.order.status, row.purchase_status)),
            cancelled=row.order.status is OrderStatus.CANCELLED
            or row.purchase_status is PurchaseStatus.CANCELLED,
            buyer_id=row.order.buyer_id,
            affiliate=row.affiliate_id is not None,
        )
        for row in rows
    ]
    headers = [
        t("promo-report-col-" + name)
        for name in (
            "number",
            "date",
            "purchase",
            "items",
            "discount",
            "due",
            "status",
            "paid",
            "buyer",
        )
    ]
    table = report_table(
        orders,
        code_id=code.id,
        shared=code.shared_with_affiliates,
        title=t("promo-report-sheet", code=code.code),
        headers=headers,
        referred_header=t("promo-report-col-referred"),
        yes_no=("Y", "N"),
        paid_words=(t("promo-report-paid-yes"), t("promo-report-paid-no")),
        total_label=t("promo-report-total"),
    )
    count, revenue, discount = report_totals(orders)
    ctx.say(
        "promo-report-summary",
        code=code.code,
        orders=count,
        revenue=format_amount(revenue, ctx.lang),
        discount=format_amount(discount, ctx.lang),
    )
    base = f"promo-{file_name_part(code.code)}"
    ctx.answer(
        t("promo-report-file-csv"),
        document=Document(f"{base}.csv", to_csv(table, ctx.lang), CSV_MIME),
    )
    ctx.answer(
        t("promo-report-file-xlsx"), document=Document(f"{base}.xlsx", to_xlsx(table), XLSX_MIME)
    )


def status_of(order_status: OrderStatus, purchase_status: PurchaseStatus) -> str:
    if order_status is OrderStatus.CANCELLED or purchase_status is PurchaseStatus.CANCELLED:
        return "cancelled"
    return "active"
