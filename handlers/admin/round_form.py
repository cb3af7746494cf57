"""A referral round planned step by step (start, end, threshold, discount, minimum, codes'
validity, the friend's qualifying action, a series), checked and written with its two
scheduled tasks in one transaction; and editing a round until it starts."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.core.router import Handler, Role, Router
from bot.services.referrals import moment
from bot.services.rounds import schedule_round
from domain.money import format_amount
from domain.referrals import (
    DEFAULT_THRESHOLD,
    DiscountKind,
    QualifyingAction,
    RoundFormError,
    discount_fits_minimum,
)
from handlers.admin.round_views import (
    DEFAULT_TYPED,
    EDIT,
    NEW,
    STEPS,
    RoundActionChoice,
    RoundCreate,
    RoundDefault,
    RoundEditField,
    RoundEditMenu,
    RoundNew,
    RoundSettings,
    RoundShow,
    action_text,
    existing_round,
    form_error,
    parse_field,
    show_round,
    summary_text,
)
from storage.models import ReferralRound, RoundStatus

router = Router("round_form")


# --- a new round, step by step ----------------------------------------------------------------


async def start_new(ctx: Context) -> None:
    await ctx.dialog.start(NEW, "start", RoundSettings().to_data())
    await ask(ctx, "start")


@router.button(RoundNew, role=Role.ADMIN)
async def on_new(ctx: Context, data: RoundNew) -> None:
    await start_new(ctx)


async def ask(ctx: Context, step: str) -> None:
    buttons: list[list[Button]] = []
    if step in ("threshold", "minimum", "codes", "pause"):
        label = ctx.t("referrals-admin-default-" + step, threshold=DEFAULT_THRESHOLD)
        buttons.append([Button(label, RoundDefault(step=step).pack())])  # type: ignore[arg-type]
    if step == "action":
        buttons = [
            [Button(action_text(ctx, action), RoundActionChoice(action=action).pack())]
            for action in QualifyingAction
        ]
    ctx.say("referrals-admin-ask-" + step, buttons, threshold=DEFAULT_THRESHOLD)


def current_settings(ctx: Context) -> RoundSettings:
    return RoundSettings.from_data(ctx.dialog.data)


async def on_field(ctx: Context, field: str, text: str) -> None:
    if not ctx.is_admin:
        # No longer an admin (settings changed mid-form): the form ends, nothing is saved.
        await ctx.dialog.finish()
        ctx.say("need-admin")
        return
    if ctx.dialog.name == EDIT:
        await apply_edit(ctx, field, text)
        return
    now = ctx.now()
    try:
        settings = parse_field(field, text, current_settings(ctx), now)
    except RoundFormError as exc:
        raise form_error(exc) from None
    # An overlap is told at the step that can fix it: a start inside another round at the
    # start; a round running into a later one at the end (its start is then before that one).
    if field == "start":
        await check_start_free(ctx, settings)
    if field == "end":
        await check_overlap(ctx, settings, exclude_id=None, key="small-round-end-overlap")
    if field == "minimum":
        # In a new round the discount comes before the minimum: both are known here.
        check_discount_fits(ctx, settings)
    index = STEPS.index(field)  # type: ignore[arg-type]
    following = STEPS[index + 1] if index + 1 < len(STEPS) else "confirm"
    await ctx.dialog.goto(following, **settings.to_data())
    if following == "confirm":
        await show_confirm(ctx, settings)
    else:
        await ask(ctx, following)


def check_discount_fits(ctx: Context, settings: RoundSettings) -> None:
    """A fixed discount larger than the minimum order would take orders near the minimum
    to zero at the organizer's expense: refused, and the form stays at this step."""
    if not discount_fits_minimum(
        settings.discount_kind, settings.discount_value, settings.min_order_kop
    ):
        raise UserError(
            "payment-splits-round-discount-above-minimum",
            discount=format_amount(settings.discount_value, ctx.lang),
            minimum=format_amount(settings.min_order_kop, ctx.lang),
        )


async def check_start_free(ctx: Context, settings: RoundSettings) -> None:
    """Refuse a start that falls inside a scheduled or open round, naming when it ends."""
    assert settings.starts_at is not None
    start = settings.starts_at
    clash = await ctx.uow.referrals.overlapping(start, start + timedelta(microseconds=1))
    if clash is not None:
        raise UserError(
            "small-round-start-overlap",
            id=str(clash.id),
            starts=moment(clash.starts_at),
            ends=moment(clash.ends_at),
        )


async def check_overlap(
    ctx: Context,
    settings: RoundSettings,
    *,
    exclude_id: int | None,
    key: str = "referrals-admin-overlap",
) -> None:
    assert settings.starts_at is not None and settings.ends_at is not None
    clash = await ctx.uow.referrals.overlapping(
        settings.starts_at, settings.ends_at, exclude_id=exclude_id
    )
    if clash is not None:
        raise UserError(
            key,
            id=str(clash.id),
            starts=moment(clash.starts_at),
            ends=moment(clash.ends_at),
        )


def _step_handler(field: str) -> Handler:
    # One handler per field, shared by the new-round form and the edit form.
    async def handler(ctx: Context) -> None:
        await on_field(ctx, field, ctx.event.text)

    return handler


for _step in STEPS:
    router.step(NEW, _step)(_step_handler(_step))
    router.step(EDIT, _step)(_step_handler(_step))


def dialog_at(ctx: Context, step: str) -> bool:
    return ctx.dialog.name in (NEW, EDIT) and ctx.dialog.step == step


@router.button(RoundDefault, role=Role.ADMIN)
async def on_default(ctx: Context, data: RoundDefault) -> None:
    if not dialog_at(ctx, data.step):
        raise UserError("referrals-admin-form-gone")
    await on_field(ctx, data.step, DEFAULT_TYPED)


@router.button(RoundActionChoice, role=Role.ADMIN)
async def on_action(ctx: Context, data: RoundActionChoice) -> None:
    if not dialog_at(ctx, "action"):
        raise UserError("referrals-admin-form-gone")
    await on_field(ctx, "action", data.action.value)


async def show_confirm(ctx: Context, settings: RoundSettings) -> None:
    text = ctx.t("referrals-admin-confirm") + "\n" + summary_text(ctx, settings)
    ctx.answer(text, [[Button(ctx.t("referrals-admin-button-create"), RoundCreate().pack())]])


@router.step(NEW, "confirm")
async def on_confirm_text(ctx: Context) -> None:
    raise UserError("referrals-admin-use-create")


@router.button(RoundCreate, role=Role.ADMIN)
async def on_create(ctx: Context, data: RoundCreate) -> None:
    # The admin's row lock: a double tap on "Create" waits here, then finds the form gone.
    await ctx.uow.referrals.lock_user(ctx.user.id)
    if not dialog_at(ctx, "confirm") or ctx.dialog.name != NEW:
        raise UserError("referrals-admin-form-gone")
    settings = current_settings(ctx)
    assert settings.starts_at is not None and settings.ends_at is not None
    now = ctx.now()
    if settings.starts_at < now - timedelta(minutes=1):
        # The form waited too long: the start is past. Ask again rather than guess.
        await ctx.dialog.goto("start")
        ctx.say("referrals-admin-start-passed")
        return
    await check_overlap(ctx, settings, exclude_id=None)
    check_discount_fits(ctx, settings)
    round_ = await ctx.uow.referrals.add_round(
        starts_at=settings.starts_at,
        ends_at=settings.ends_at,
        threshold=settings.threshold,
        discount_kind=DiscountKind(settings.discount_kind),
        discount_value=settings.discount_value,
        min_order_kop=settings.min_order_kop,
        codes_valid_until=settings.codes_until,
        qualifying_action=settings.action,
        next_round_pause_s=settings.pause_s,
        status=RoundStatus.SCHEDULED,
        created_by_user_id=ctx.user.id,
        created_at=now,
    )
    await schedule_round(ctx.uow, round_)
    await ctx.dialog.finish()
    ctx.say("referrals-admin-created", id=str(round_.id), starts=moment(round_.starts_at))
    await show_round(ctx, round_.id)


# --- editing a round that has not started -----------------------------------------------------


def editable(round_: ReferralRound, now: datetime) -> bool:
    return round_.status is RoundStatus.SCHEDULED and now < round_.starts_at


@router.button(RoundEditMenu, role=Role.ADMIN)
async def on_edit_menu(ctx: Context, data: RoundEditMenu) -> None:
    round_ = await existing_round(ctx, data.round_id)
    if not editable(round_, ctx.now()):
        raise UserError("referrals-admin-not-editable", id=str(round_.id))
    rows = [
        [
            Button(
                ctx.t("referrals-admin-field-" + field),
                RoundEditField(round_id=round_.id, field=field).pack(),
            )
        ]
        for field in STEPS
    ]
    rows.append(
        [Button(ctx.t("referrals-admin-button-back"), RoundShow(round_id=round_.id).pack())]
    )
    ctx.answer(ctx.t("referrals-admin-edit-which", id=str(round_.id)), rows, edit=True)


@router.button(RoundEditField, role=Role.ADMIN)
async def on_edit_field(ctx: Context, data: RoundEditField) -> None:
    round_ = await existing_round(ctx, data.round_id)
    if not editable(round_, ctx.now()):
        raise UserError("referrals-admin-not-editable", id=str(round_.id))
    await ctx.dialog.start(EDIT, data.field, {"round_id": round_.id})
    await ask(ctx, data.field)


async def apply_edit(ctx: Context, field: str, text: str) -> None:
    round_id = int(ctx.dialog.data.get("round_id", 0))
    round_ = await ctx.uow.referrals.round(round_id, lock=True)
    now = ctx.now()
    if round_ is None or not editable(round_, now):
        # Not a refusal of the input: the round moved on, so the form ends here.
        await ctx.dialog.finish()
        ctx.say("referrals-admin-not-editable", id=str(round_id))
        return
    try:
        settings = parse_field(field, text, RoundSettings.of_round(round_), now)
    except RoundFormError as exc:
        raise form_error(exc) from None
    if field in ("start", "end"):
        await check_overlap(ctx, settings, exclude_id=round_.id)
    if field in ("discount", "minimum"):
        check_discount_fits(ctx, settings)
    settings.write_to(round_)
    await schedule_round(ctx.uow, round_)
    await ctx.dialog.finish()
    ctx.say("referrals-admin-edited", id=str(round_.id))
    await show_round(ctx, round_.id)
