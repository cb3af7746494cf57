"""/newpurchase: step by step with buttons (skip, categories, fees), or the whole purchase
in one line (the format is in `domain.purchase_form` and in /help). A bad value keeps the
dialog at its step; the purchase is created as a draft and the items dialog starts.

Every step after the first has "Back" (a button, or the typed word "назад" / "back",
`purchase_edit.is_back`): the step before is asked again, showing what was typed there;
everything entered so far is kept until it is typed anew.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, cast

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.core.router import Role, Router
from domain.buyouts import Minimum
from domain.money import format_percent
from domain.periods import format_day, moscow_today
from domain.purchase_edit import is_back
from domain.purchase_form import (
    FormError,
    PurchaseDraft,
    clean_category,
    clean_description,
    clean_supplier,
    clean_title,
    end_of_day,
    parse_fee,
    parse_min,
    parse_payment_deadline,
    parse_quick_form,
    parse_stop,
)
from handlers.kit import require_organizer
from handlers.organizer.items import start_paste
from handlers.organizer.kit import NEW, NEW_STEPS, FormBack, FormChoice, form_error

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
    ask(ctx, "title")


def skip_button(ctx: Context, step: Literal["description", "supplier", "min"]) -> list[Button]:
    return [Button(ctx.t("purchase-admin-button-skip"), FormChoice(step=step, value=SKIP).pack())]


def back_row(ctx: Context, step: str) -> list[Button]:
    back = FormBack.model_validate({"step": step}).pack()
    return [Button(ctx.t("purchase-edit-button-back"), back)]


def typed_so_far(ctx: Context, step: str) -> str | None:
    """What the organizer gave at `step` before coming back to it, as they would read it."""
    data = ctx.dialog.data
    if step == "fee" and "fee_bp" in data:
        return format_percent(int(data["fee_bp"]), ctx.lang)
    if step in ("stop", "pay"):
        moment = data.get("stop_at" if step == "stop" else "payment_due_at")
        return format_day(datetime.fromisoformat(moment), ctx.lang) if moment else None
    if step in ("title", "description", "supplier", "category") and step in data:
        return str(data[step]) or ctx.t("purchase-edit-value-empty")
    return None


async def ask_next(ctx: Context, step: str, **updates: Any) -> None:
    """Store what was entered and ask for `step`."""
    await ctx.dialog.goto(step, **updates)
    ask(ctx, step)


def ask(ctx: Context, step: str) -> None:
    """The question of `step` with its buttons, what was typed there before (after a Back),
    and Back under every step but the first."""
    args: dict[str, Any] = {}
    rows: list[list[Button]] = []
    if step in ("description", "supplier", "min"):
        rows.append(skip_button(ctx, cast(Literal["description", "supplier", "min"], step)))
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
    elif step == "fee":
        rows.append(
            [
                Button(format_percent(bp, ctx.lang), FormChoice(step="fee", value=str(bp)).pack())
                for bp in FEE_CHOICES_BP
            ]
        )
    elif step == "pay":
        stop_at = datetime.fromisoformat(ctx.dialog.data["stop_at"])
        args["stop"] = format_day(stop_at, ctx.lang)
    text = ctx.t(f"purchase-admin-ask-{step}", **args)
    current = typed_so_far(ctx, step)
    if current is not None:
        text += "\n" + ctx.t("purchase-edit-typed-before", value=current)
    if step != "title":
        rows.append(back_row(ctx, step))
    ctx.answer(text, rows)


async def go_back(ctx: Context, step: str) -> None:
    """Ask the step before `step` again; nothing typed so far is lost."""
    index = NEW_STEPS.index(step)
    if index == 0:
        ctx.say("purchase-edit-back-first")
        ask(ctx, step)
        return
    await ask_next(ctx, NEW_STEPS[index - 1])


async def back_typed(ctx: Context) -> bool:
    """Whether the organizer typed "Back" (then the step before is asked again)."""
    if not is_back(ctx.event.text) or ctx.dialog.step is None:
        return False
    await go_back(ctx, ctx.dialog.step)
    return True


def form_value(ctx: Context, parse: Any, *args: Any) -> Any:
    try:
        return parse(*args)
    except FormError as exc:
        raise form_error(ctx, exc) from None


@router.step(NEW, "title")
async def on_title(ctx: Context) -> None:
    require_organizer(ctx)
    if await back_typed(ctx):
        return
    await ask_next(ctx, "description", title=form_value(ctx, clean_title, ctx.event.text))


@router.step(NEW, "description")
async def on_description(ctx: Context) -> None:
    require_organizer(ctx)
    if await back_typed(ctx):
        return
    description = form_value(ctx, clean_description, ctx.event.text)
    await ask_next(ctx, "supplier", description=description)


@router.step(NEW, "supplier")
async def on_supplier(ctx: Context) -> None:
    require_organizer(ctx)
    if await back_typed(ctx):
        return
    await ask_next(ctx, "category", supplier=form_value(ctx, clean_supplier, ctx.event.text))


@router.step(NEW, "category")
async def on_category(ctx: Context) -> None:
    require_organizer(ctx)
    if await back_typed(ctx):
        return
    await ask_next(ctx, "fee", category=form_value(ctx, clean_category, ctx.event.text))


@router.step(NEW, "fee")
async def on_fee(ctx: Context) -> None:
    require_organizer(ctx)
    if await back_typed(ctx):
        return
    await ask_next(ctx, "stop", fee_bp=form_value(ctx, parse_fee, ctx.event.text))


@router.step(NEW, "stop")
async def on_stop(ctx: Context) -> None:
    require_organizer(ctx)
    if await back_typed(ctx):
        return
    stop_at = form_value(ctx, parse_stop, ctx.event.text, ctx.now())
    await ask_next(ctx, "pay", stop_at=stop_at.isoformat())


@router.step(NEW, "pay")
async def on_pay(ctx: Context) -> None:
    require_organizer(ctx)
    if await back_typed(ctx):
        return
    stop_at = datetime.fromisoformat(ctx.dialog.data["stop_at"])
    deadline = form_value(ctx, parse_payment_deadline, ctx.event.text, ctx.now(), stop_at)
    await ask_next(ctx, "min", payment_due_at=deadline.isoformat())


@router.step(NEW, "min")
async def on_min(ctx: Context) -> None:
    require_organizer(ctx)
    if await back_typed(ctx):
        return
    await finish_form(ctx, form_value(ctx, parse_min, ctx.event.text))


@router.button(FormBack, role=Role.ORGANIZER)
async def on_form_back(ctx: Context, data: FormBack) -> None:
    if ctx.dialog.name != NEW or ctx.dialog.step != data.step:
        raise UserError("purchase-admin-button-stale")
    await go_back(ctx, data.step)


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
        await finish_form(ctx, Minimum())


async def finish_form(ctx: Context, minimum: Minimum) -> None:
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
        min_total_kop=minimum.total_kop,
        min_pieces=minimum.pieces,
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
