"""/newpurchase: step by step with buttons (skip, categories, fees), or the whole purchase
in one line (the format is in `domain.purchase_form` and in /help). A bad value keeps the
dialog at its step; the purchase is created as a draft and the items dialog starts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.core.router import Role, Router
from domain.money import format_percent
from domain.periods import format_day, moscow_today
from domain.purchase_form import (
    FormError,
    PurchaseDraft,
    clean_category,
    clean_description,
    clean_supplier,
    clean_title,
    end_of_day,
    parse_fee,
    parse_min_total,
    parse_payment_deadline,
    parse_quick_form,
    parse_stop,
)
from handlers.kit import require_organizer
from handlers.organizer.items import start_paste
from handlers.organizer.kit import NEW, FormChoice, form_error

router = Router("new_purchase")

# Offered as buttons; the organizer may type any other category or fee.
CATEGORY_SLUGS = ("clothes", "shoes", "kids", "beauty", "home", "food", "other")
FEE_CHOICES_BP = (0, 1000, 1500, 2000)
SKIP = "skip"


@router.command("newpurchase", aliases=("новаяпокупка",), role=Role.ORGANIZER)
async def new_purchase(ctx: Context) -> None:
    if ctx.args.strip():
        try:
            draft = parse_quick_form(ctx.args, ctx.now())
        except FormError as exc:
            raise form_error(ctx, exc) from None
        await create_purchase(ctx, draft)
        return
    await ctx.dialog.start(NEW, "title")
    ctx.say("purchase-admin-ask-title")


def skip_button(ctx: Context, step: Literal["description", "supplier", "min"]) -> list[Button]:
    return [Button(ctx.t("purchase-admin-button-skip"), FormChoice(step=step, value=SKIP).pack())]


async def ask_next(ctx: Context, step: str, **updates: Any) -> None:
    """Store what was entered and ask for `step`."""
    await ctx.dialog.goto(step, **updates)
    if step == "description":
        ctx.say("purchase-admin-ask-description", [skip_button(ctx, "description")])
    elif step == "supplier":
        ctx.say("purchase-admin-ask-supplier", [skip_button(ctx, "supplier")])
    elif step == "category":
        labels = [
            Button(
                ctx.t(f"purchase-admin-category-{slug}"),
                FormChoice(step="category", value=slug).pack(),
            )
            for slug in CATEGORY_SLUGS
        ]
        rows = [labels[i : i + 3] for i in range(0, len(labels), 3)]
        rows.append(
            [
                Button(
                    ctx.t("purchase-admin-button-skip"),
                    FormChoice(step="category", value=SKIP).pack(),
                )
            ]
        )
        ctx.say("purchase-admin-ask-category", rows)
    elif step == "fee":
        fees = [
            Button(format_percent(bp, ctx.lang), FormChoice(step="fee", value=str(bp)).pack())
            for bp in FEE_CHOICES_BP
        ]
        ctx.say("purchase-admin-ask-fee", [fees])
    elif step == "stop":
        ctx.say("purchase-admin-ask-stop")
    elif step == "pay":
        stop_at = datetime.fromisoformat(ctx.dialog.data["stop_at"])
        ctx.say("purchase-admin-ask-pay", stop=format_day(stop_at, ctx.lang))
    elif step == "min":
        ctx.say("purchase-admin-ask-min", [skip_button(ctx, "min")])


def form_value(ctx: Context, parse: Any, *args: Any) -> Any:
    try:
        return parse(*args)
    except FormError as exc:
        raise form_error(ctx, exc) from None


@router.step(NEW, "title")
async def on_title(ctx: Context) -> None:
    require_organizer(ctx)
    await ask_next(ctx, "description", title=form_value(ctx, clean_title, ctx.event.text))


@router.step(NEW, "description")
async def on_description(ctx: Context) -> None:
    require_organizer(ctx)
    description = form_value(ctx, clean_description, ctx.event.text)
    await ask_next(ctx, "supplier", description=description)


@router.step(NEW, "supplier")
async def on_supplier(ctx: Context) -> None:
    require_organizer(ctx)
    await ask_next(ctx, "category", supplier=form_value(ctx, clean_supplier, ctx.event.text))


@router.step(NEW, "category")
async def on_category(ctx: Context) -> None:
    require_organizer(ctx)
    await ask_next(ctx, "fee", category=form_value(ctx, clean_category, ctx.event.text))


@router.step(NEW, "fee")
async def on_fee(ctx: Context) -> None:
    require_organizer(ctx)
    await ask_next(ctx, "stop", fee_bp=form_value(ctx, parse_fee, ctx.event.text))


@router.step(NEW, "stop")
async def on_stop(ctx: Context) -> None:
    require_organizer(ctx)
    stop_at = form_value(ctx, parse_stop, ctx.event.text, ctx.now())
    await ask_next(ctx, "pay", stop_at=stop_at.isoformat())


@router.step(NEW, "pay")
async def on_pay(ctx: Context) -> None:
    require_organizer(ctx)
    stop_at = datetime.fromisoformat(ctx.dialog.data["stop_at"])
    deadline = form_value(ctx, parse_payment_deadline, ctx.event.text, ctx.now(), stop_at)
    await ask_next(ctx, "min", payment_due_at=deadline.isoformat())


@router.step(NEW, "min")
async def on_min(ctx: Context) -> None:
    require_organizer(ctx)
    await finish_form(ctx, form_value(ctx, parse_min_total, ctx.event.text))


@router.button(FormChoice, role=Role.ORGANIZER)
async def on_form_choice(ctx: Context, data: FormChoice) -> None:
    if ctx.dialog.name != NEW or ctx.dialog.step != data.step:
        raise UserError("purchase-admin-button-stale")
    value = "" if data.value == SKIP else data.value
    if data.step == "description":
        await ask_next(ctx, "supplier", description="")
    elif data.step == "supplier":
        await ask_next(ctx, "category", supplier="")
    elif data.step == "category":
        if value and value not in CATEGORY_SLUGS:
            raise UserError("purchase-admin-button-stale")
        category = ctx.t(f"purchase-admin-category-{value}") if value else ""
        await ask_next(ctx, "fee", category=category)
    elif data.step == "fee":
        if not value.isdigit() or int(value) not in FEE_CHOICES_BP:
            raise UserError("purchase-admin-button-stale")
        await ask_next(ctx, "stop", fee_bp=int(value))
    else:
        await finish_form(ctx, None)


async def finish_form(ctx: Context, min_total_kop: int | None) -> None:
    data = ctx.dialog.data
    if datetime.fromisoformat(data["stop_at"]) <= ctx.now():
        # The form was left half-filled until its stop date passed: ask for the dates again.
        today = end_of_day(moscow_today(ctx.now()))
        ctx.say("purchase-admin-error-date-past", today=format_day(today, ctx.lang))
        await ask_next(ctx, "stop")
        return
    draft = PurchaseDraft(
        title=data["title"],
        description=data.get("description", ""),
        supplier=data.get("supplier", ""),
        category=data.get("category", ""),
        fee_bp=int(data["fee_bp"]),
        stop_at=datetime.fromisoformat(data["stop_at"]),
        payment_due_at=datetime.fromisoformat(data["payment_due_at"]),
        min_total_kop=min_total_kop,
    )
    await create_purchase(ctx, draft)


async def create_purchase(ctx: Context, draft: PurchaseDraft) -> None:
    organizer = require_organizer(ctx)
    purchase = await ctx.uow.purchases.create(
        organizer.id, draft, actor_user_id=ctx.user.id, now=ctx.now()
    )
    ctx.say(
        "purchase-admin-created",
        id=str(purchase.id),
        title=purchase.title,
        fee=format_percent(purchase.fee_bp, ctx.lang),
        stop=format_day(draft.stop_at, ctx.lang),
        pay=format_day(draft.payment_due_at, ctx.lang),
    )
    await start_paste(ctx, purchase)
