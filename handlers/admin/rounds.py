"""/rounds for service admins: referral rounds planned step by step, edited until they
start, cancelled; each round's stats, top inviters and flagged bursts, and invites credited
or voided by hand (buttons, or `/rounds credit <id>` / `/rounds void <id>`).

A round and its two scheduled tasks (opening, closing) are written in one transaction, so
a round exists exactly when the scheduler knows about it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.core.router import Handler, Role, Router
from bot.services.referrals import credit_invite, moment, offer_text, void_invite
from bot.services.rounds import cancel_round_tasks, schedule_round
from domain.money import format_amount
from domain.referrals import (
    DEFAULT_THRESHOLD,
    DiscountKind,
    QualifyingAction,
    RefusalReason,
    RoundFormError,
    check_round_times,
    parse_action,
    parse_codes_until,
    parse_discount,
    parse_end,
    parse_min_order,
    parse_pause,
    parse_start,
    parse_threshold,
)
from handlers.buyer.referrals import invite_line, reason_text
from handlers.kit import DbId, PageNumber, Paging, short
from storage.models import Invite, InviteStatus, ReferralRound, RoundStatus
from storage.repositories.referrals import RoundStats

router = Router("rounds_admin")

NEW = "round_new"
EDIT = "round_edit"
FieldName = Literal["start", "end", "threshold", "discount", "minimum", "codes", "action", "pause"]
STEPS: tuple[FieldName, ...] = (
    "start",
    "end",
    "threshold",
    "discount",
    "minimum",
    "codes",
    "action",
    "pause",
)
DefaultStep = Literal["threshold", "minimum", "codes", "pause"]
DEFAULT_TYPED = "-"

ROUNDS_SHOWN = 10
TOP_SHOWN = 10
INVITES_PER_PAGE = 8
NAME_SHOWN = 24


# --- payloads ---------------------------------------------------------------------------------


class RoundList(Payload, prefix="rfrl"):
    pass


class RoundShow(Payload, prefix="rfr"):
    round_id: DbId


class RoundNew(Payload, prefix="rfrn"):
    pass


class RoundDefault(Payload, prefix="rfrd"):
    step: DefaultStep


class RoundActionChoice(Payload, prefix="rfrq"):
    action: QualifyingAction


class RoundCreate(Payload, prefix="rfrok"):
    pass


class RoundEditMenu(Payload, prefix="rfrm"):
    round_id: DbId


class RoundEditField(Payload, prefix="rfre"):
    round_id: DbId
    field: FieldName


class RoundCancel(Payload, prefix="rfrc"):
    round_id: DbId
    sure: bool = False


class RoundTop(Payload, prefix="rfrt"):
    round_id: DbId


class RoundFlagged(Payload, prefix="rfrf"):
    round_id: DbId
    page: PageNumber = 0


class RoundUserInvites(Payload, prefix="rfru"):
    round_id: DbId
    user_id: DbId
    page: PageNumber = 0


class InviteCredit(Payload, prefix="rfic"):
    invite_id: DbId


class InviteVoid(Payload, prefix="rfiv"):
    invite_id: DbId


# --- a round's settings, in a form or in the database -----------------------------------------


@dataclass(frozen=True, slots=True)
class RoundSettings:
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    threshold: int = DEFAULT_THRESHOLD
    discount_kind: str = DiscountKind.FIXED
    discount_value: int = 0
    min_order_kop: int = 0
    codes_until: datetime | None = None
    action: str = QualifyingAction.NONE.value
    pause_s: int | None = None

    def to_data(self) -> dict[str, Any]:
        """JSON for the dialog row."""
        return {
            "starts_at": _iso(self.starts_at),
            "ends_at": _iso(self.ends_at),
            "threshold": self.threshold,
            "discount_kind": self.discount_kind,
            "discount_value": self.discount_value,
            "min_order_kop": self.min_order_kop,
            "codes_until": _iso(self.codes_until),
            "action": self.action,
            "pause_s": self.pause_s,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RoundSettings:
        return cls(
            starts_at=_moment(data.get("starts_at")),
            ends_at=_moment(data.get("ends_at")),
            threshold=int(data.get("threshold", DEFAULT_THRESHOLD)),
            discount_kind=str(data.get("discount_kind", DiscountKind.FIXED)),
            discount_value=int(data.get("discount_value", 0)),
            min_order_kop=int(data.get("min_order_kop", 0)),
            codes_until=_moment(data.get("codes_until")),
            action=str(data.get("action", QualifyingAction.NONE.value)),
            pause_s=None if data.get("pause_s") is None else int(data["pause_s"]),
        )

    @classmethod
    def of_round(cls, round_: ReferralRound) -> RoundSettings:
        return cls(
            starts_at=round_.starts_at,
            ends_at=round_.ends_at,
            threshold=round_.threshold,
            discount_kind=round_.discount_kind.value,
            discount_value=round_.discount_value,
            min_order_kop=round_.min_order_kop,
            codes_until=round_.codes_valid_until,
            action=round_.qualifying_action,
            pause_s=round_.next_round_pause_s,
        )

    def write_to(self, round_: ReferralRound) -> None:
        assert self.starts_at is not None and self.ends_at is not None
        round_.starts_at = self.starts_at
        round_.ends_at = self.ends_at
        round_.threshold = self.threshold
        round_.discount_kind = DiscountKind(self.discount_kind)
        round_.discount_value = self.discount_value
        round_.min_order_kop = self.min_order_kop
        round_.codes_valid_until = self.codes_until
        round_.qualifying_action = self.action
        round_.next_round_pause_s = self.pause_s


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: Any) -> datetime | None:
    return None if not value else datetime.fromisoformat(str(value))


def parse_field(field: str, text: str, current: RoundSettings, now: datetime) -> RoundSettings:
    """The settings with one field changed as typed. Raises `RoundFormError`."""
    if field == "start":
        starts_at = parse_start(text, now)
        if current.ends_at is not None:
            check_round_times(starts_at, current.ends_at)
        return replace(current, starts_at=starts_at)
    if field == "end":
        assert current.starts_at is not None
        ends_at = parse_end(text, current.starts_at, now)
        codes_until = current.codes_until
        if codes_until is not None and current.ends_at is not None:
            # Codes keep their time after the round: the end moved, so does their expiry.
            codes_until += ends_at - current.ends_at
        return replace(current, ends_at=ends_at, codes_until=codes_until)
    if field == "threshold":
        return replace(current, threshold=parse_threshold(text))
    if field == "discount":
        kind, value = parse_discount(text)
        return replace(current, discount_kind=kind, discount_value=value)
    if field == "minimum":
        return replace(current, min_order_kop=parse_min_order(text))
    if field == "codes":
        assert current.ends_at is not None
        return replace(current, codes_until=parse_codes_until(text, current.ends_at, now))
    if field == "action":
        return replace(current, action=parse_action(text).value)
    if field == "pause":
        return replace(current, pause_s=parse_pause(text))
    raise ValueError(f"unknown round field {field!r}")


def form_error(exc: RoundFormError) -> UserError:
    return UserError("referrals-form-" + exc.code.replace("_", "-"), **exc.args_)


# --- texts ------------------------------------------------------------------------------------


def status_text(ctx: Context, status: RoundStatus) -> str:
    return ctx.t("referrals-status-" + status.value)


def action_text(ctx: Context, action: str) -> str:
    return ctx.t("referrals-action-" + QualifyingAction(action).value.replace("_", "-"))


def duration_text(ctx: Context, seconds: int) -> str:
    if seconds <= 0:
        return ctx.t("referrals-duration-zero")
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = []
    for count, key in ((days, "days"), (hours, "hours"), (minutes, "minutes")):
        if count:
            parts.append(ctx.t("referrals-duration-" + key, count=count))
    return " ".join(parts) or ctx.t("referrals-duration-zero")


def summary_text(ctx: Context, settings: RoundSettings) -> str:
    assert settings.starts_at is not None and settings.ends_at is not None
    codes = settings.codes_until or settings.ends_at
    series = (
        ctx.t("referrals-series-none")
        if settings.pause_s is None
        else ctx.t("referrals-series-pause", pause=duration_text(ctx, settings.pause_s))
    )
    return ctx.t(
        "referrals-admin-summary",
        starts=moment(settings.starts_at),
        ends=moment(settings.ends_at),
        threshold=settings.threshold,
        offer=offer_text(
            ctx.texts,
            ctx.lang,
            settings.discount_kind,
            settings.discount_value,
            settings.min_order_kop,
        ),
        codes=moment(codes),
        action=action_text(ctx, settings.action),
        series=series,
    )


def stats_text(ctx: Context, stats: RoundStats) -> str:
    refused = ", ".join(
        ctx.t("referrals-admin-refused-entry", reason=reason_text(ctx, reason), count=count)
        for reason, count in sorted(stats.refused.items())
    )
    return ctx.t(
        "referrals-admin-stats",
        participants=stats.participants,
        counted=stats.counted,
        waiting=stats.waiting,
        flagged=stats.flagged,
        refused=refused or ctx.t("referrals-admin-refused-none"),
        codes=stats.codes,
        redeemed=stats.redeemed,
        discount=format_amount(stats.discount_kop, ctx.lang),
    )


# --- /rounds ----------------------------------------------------------------------------------


@router.command("rounds", aliases=("раунды",), role=Role.ADMIN)
async def rounds(ctx: Context) -> None:
    words = ctx.args.split()
    if not words:
        await show_list(ctx)
        return
    head = words[0].casefold()
    if head in ("new", "новый") and len(words) == 1:
        await start_new(ctx)
    elif head in ("credit", "засчитать") and len(words) == 2:
        await credit(ctx, parse_id(words[1]))
    elif head in ("void", "аннулировать") and len(words) == 2:
        await void(ctx, parse_id(words[1]))
    elif len(words) == 1 and head.lstrip("#№").isdigit():
        await show_round(ctx, parse_id(head))
    else:
        raise UserError("referrals-admin-usage")


def parse_id(text: str) -> int:
    digits = text.lstrip("#№")
    if not digits.isdigit() or len(digits) > 9 or int(digits) == 0:
        raise UserError("referrals-admin-bad-id", id=short(text, 20))
    return int(digits)


async def show_list(ctx: Context, *, edit: bool = False) -> None:
    found = await ctx.uow.referrals.rounds(limit=ROUNDS_SHOWN)
    rows = [[Button(ctx.t("referrals-admin-button-new"), RoundNew().pack())]]
    if not found:
        ctx.answer(ctx.t("referrals-admin-list-empty"), rows, edit=edit)
        return
    lines = [ctx.t("referrals-admin-list-title")]
    for round_ in found:
        lines.append(
            ctx.t(
                "referrals-admin-list-entry",
                id=str(round_.id),
                status=status_text(ctx, round_.status),
                starts=moment(round_.starts_at),
                ends=moment(round_.ends_at),
            )
        )
        label = f"№{round_.id} · {status_text(ctx, round_.status)}"
        rows.insert(-1, [Button(label, RoundShow(round_id=round_.id).pack())])
    ctx.answer("\n".join(lines), rows, edit=edit)


@router.button(RoundList, role=Role.ADMIN)
async def on_list(ctx: Context, data: RoundList) -> None:
    await show_list(ctx, edit=True)


async def existing_round(ctx: Context, round_id: int, *, lock: bool = False) -> ReferralRound:
    round_ = await ctx.uow.referrals.round(round_id, lock=lock)
    if round_ is None:
        raise UserError("referrals-admin-round-not-found", id=str(round_id))
    return round_


async def show_round(ctx: Context, round_id: int, *, edit: bool = False) -> None:
    round_ = await existing_round(ctx, round_id)
    stats = await ctx.uow.referrals.stats(round_.id)
    text = "\n".join(
        [
            ctx.t(
                "referrals-admin-card-title",
                id=str(round_.id),
                status=status_text(ctx, round_.status),
            ),
            summary_text(ctx, RoundSettings.of_round(round_)),
            "",
            stats_text(ctx, stats),
        ]
    )
    rows: list[list[Button]] = []
    manage = []
    if round_.status is RoundStatus.SCHEDULED:
        manage.append(
            Button(ctx.t("referrals-admin-button-edit"), RoundEditMenu(round_id=round_.id).pack())
        )
    if round_.status in (RoundStatus.SCHEDULED, RoundStatus.OPEN):
        manage.append(
            Button(ctx.t("referrals-admin-button-cancel"), RoundCancel(round_id=round_.id).pack())
        )
    if manage:
        rows.append(manage)
    rows.append(
        [
            Button(ctx.t("referrals-admin-button-top"), RoundTop(round_id=round_.id).pack()),
            Button(
                ctx.t("referrals-admin-button-flagged", count=stats.flagged),
                RoundFlagged(round_id=round_.id).pack(),
            ),
        ]
    )
    rows.append([Button(ctx.t("referrals-admin-button-list"), RoundList().pack())])
    ctx.answer(text, rows, edit=edit)


@router.button(RoundShow, role=Role.ADMIN)
async def on_show(ctx: Context, data: RoundShow) -> None:
    await show_round(ctx, data.round_id, edit=True)


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
    if field == "end":
        await check_overlap(ctx, settings, exclude_id=None)
    index = STEPS.index(field)  # type: ignore[arg-type]
    following = STEPS[index + 1] if index + 1 < len(STEPS) else "confirm"
    await ctx.dialog.goto(following, **settings.to_data())
    if following == "confirm":
        await show_confirm(ctx, settings)
    else:
        await ask(ctx, following)


async def check_overlap(ctx: Context, settings: RoundSettings, *, exclude_id: int | None) -> None:
    assert settings.starts_at is not None and settings.ends_at is not None
    clash = await ctx.uow.referrals.overlapping(
        settings.starts_at, settings.ends_at, exclude_id=exclude_id
    )
    if clash is not None:
        raise UserError(
            "referrals-admin-overlap",
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
    settings.write_to(round_)
    await schedule_round(ctx.uow, round_)
    await ctx.dialog.finish()
    ctx.say("referrals-admin-edited", id=str(round_.id))
    await show_round(ctx, round_.id)


# --- cancelling -------------------------------------------------------------------------------


@router.button(RoundCancel, role=Role.ADMIN)
async def on_cancel(ctx: Context, data: RoundCancel) -> None:
    round_ = await existing_round(ctx, data.round_id, lock=data.sure)
    if round_.status not in (RoundStatus.SCHEDULED, RoundStatus.OPEN):
        ctx.say(
            "referrals-admin-cancel-not-possible",
            id=str(round_.id),
            status=status_text(ctx, round_.status),
        )
        return
    if not data.sure:
        rows = [
            [
                Button(
                    ctx.t("referrals-admin-button-cancel-sure"),
                    RoundCancel(round_id=round_.id, sure=True).pack(),
                ),
                Button(ctx.t("referrals-admin-button-back"), RoundShow(round_id=round_.id).pack()),
            ]
        ]
        key = (
            "referrals-admin-cancel-open"
            if round_.status is RoundStatus.OPEN
            else "referrals-admin-cancel-scheduled"
        )
        ctx.say(key, rows, id=str(round_.id))
        return
    was_open = round_.status is RoundStatus.OPEN
    round_.status = RoundStatus.CANCELLED
    if was_open:
        round_.closed_at = ctx.now()
        await ctx.uow.referrals.refuse_waiting(round_.id, RefusalReason.ROUND_ENDED.value)
    await cancel_round_tasks(ctx.uow, round_.id)
    if ctx.dialog.name == EDIT and ctx.dialog.data.get("round_id") == round_.id:
        await ctx.dialog.finish()
    ctx.say("referrals-admin-cancelled", id=str(round_.id))


# --- people: top inviters, flagged bursts, one inviter's friends ------------------------------


@router.button(RoundTop, role=Role.ADMIN)
async def on_top(ctx: Context, data: RoundTop) -> None:
    round_ = await existing_round(ctx, data.round_id)
    top = await ctx.uow.referrals.top_inviters(round_.id, limit=TOP_SHOWN)
    back = [Button(ctx.t("referrals-admin-button-back"), RoundShow(round_id=round_.id).pack())]
    if not top:
        ctx.answer(ctx.t("referrals-admin-top-empty", id=str(round_.id)), [back])
        return
    lines = [ctx.t("referrals-admin-top-title", id=str(round_.id))]
    rows = []
    for place, inviter in enumerate(top, start=1):
        name = short(inviter.name.strip(), NAME_SHOWN) or ctx.t("referrals-friend-unnamed")
        entry = ctx.t(
            "referrals-admin-top-entry",
            place=str(place),
            name=name,
            counted=inviter.counted,
            waiting=inviter.waiting,
        )
        if inviter.has_code:
            entry += " " + ctx.t("referrals-admin-top-has-code")
        lines.append(entry)
        payload = RoundUserInvites(round_id=round_.id, user_id=inviter.user_id).pack()
        rows.append([Button(f"{place}. {name}", payload)])
    rows.append(back)
    ctx.answer("\n".join(lines), rows)


@router.button(RoundUserInvites, role=Role.ADMIN)
async def on_user_invites(ctx: Context, data: RoundUserInvites) -> None:
    round_ = await existing_round(ctx, data.round_id)
    repo = ctx.uow.referrals
    found = await repo.invites_of(
        data.user_id,
        round_id=round_.id,
        offset=data.page * INVITES_PER_PAGE,
        limit=INVITES_PER_PAGE + 1,
    )
    inviter = (await repo.users([data.user_id])).get(data.user_id)
    if inviter is None:
        raise UserError("referrals-admin-user-not-found")
    has_more, found = len(found) > INVITES_PER_PAGE, found[:INVITES_PER_PAGE]
    name = short(inviter.name.strip(), NAME_SHOWN) or ctx.t("referrals-friend-unnamed")
    lines = [ctx.t("referrals-admin-user-title", name=name, id=str(round_.id))]
    rows = []
    for row in found:
        friend = short(row.friend_name.strip(), NAME_SHOWN) or ctx.t("referrals-friend-unnamed")
        lines.append(admin_invite_line(ctx, row.invite.id, row.invite, friend, round_))
        rows.append(invite_buttons(ctx, row.invite))
    nav = Paging.of_more(data.page, INVITES_PER_PAGE, has_more).nav(
        ctx.t,
        lambda p: RoundUserInvites(round_id=round_.id, user_id=data.user_id, page=p).pack(),
    )
    rows = [row for row in rows if row]
    if nav:
        rows.append(nav)
    rows.append(
        [Button(ctx.t("referrals-admin-button-back"), RoundShow(round_id=round_.id).pack())]
    )
    ctx.answer("\n".join(lines), rows)


@router.button(RoundFlagged, role=Role.ADMIN)
async def on_flagged(ctx: Context, data: RoundFlagged) -> None:
    round_ = await existing_round(ctx, data.round_id)
    repo = ctx.uow.referrals
    found = await repo.flagged_invites(
        round_.id, offset=data.page * INVITES_PER_PAGE, limit=INVITES_PER_PAGE + 1
    )
    back = [Button(ctx.t("referrals-admin-button-back"), RoundShow(round_id=round_.id).pack())]
    if not found:
        ctx.answer(ctx.t("referrals-admin-flagged-empty", id=str(round_.id)), [back])
        return
    has_more, found = len(found) > INVITES_PER_PAGE, found[:INVITES_PER_PAGE]
    inviters = await repo.users([row.invite.inviter_id for row in found])
    lines = [ctx.t("referrals-admin-flagged-title", id=str(round_.id))]
    rows = []
    for row in found:
        inviter = inviters.get(row.invite.inviter_id)
        inviter_name = short(inviter.name.strip(), NAME_SHOWN) if inviter else ""
        friend = short(row.friend_name.strip(), NAME_SHOWN) or ctx.t("referrals-friend-unnamed")
        line = admin_invite_line(ctx, row.invite.id, row.invite, friend, round_)
        lines.append(ctx.t("referrals-admin-flagged-entry", inviter=inviter_name or "—", line=line))
        rows.append(invite_buttons(ctx, row.invite))
    rows = [row for row in rows if row]
    nav = Paging.of_more(data.page, INVITES_PER_PAGE, has_more).nav(
        ctx.t, lambda p: RoundFlagged(round_id=round_.id, page=p).pack()
    )
    if nav:
        rows.append(nav)
    rows.append(back)
    ctx.answer("\n".join(lines), rows)


def admin_invite_line(
    ctx: Context, invite_id: int, invite: Invite, friend: str, round_: ReferralRound
) -> str:
    line = f"№{invite_id} " + invite_line(ctx, invite.status, invite.refusal_reason, friend, round_)
    if invite.flagged:
        line += " " + ctx.t("referrals-admin-flag-mark")
    return line


def invite_buttons(ctx: Context, invite: Invite) -> list[Button]:
    buttons = []
    if invite.status is not InviteStatus.COUNTED or invite.flagged:
        buttons.append(
            Button(
                ctx.t("referrals-admin-button-credit", id=str(invite.id)),
                InviteCredit(invite_id=invite.id).pack(),
            )
        )
    if invite.status is not InviteStatus.REFUSED:
        buttons.append(
            Button(
                ctx.t("referrals-admin-button-void", id=str(invite.id)),
                InviteVoid(invite_id=invite.id).pack(),
            )
        )
    return buttons


# --- credit and void --------------------------------------------------------------------------


async def credit(ctx: Context, invite_id: int) -> None:
    change = await credit_invite(ctx.uow, invite_id, ctx.now(), ctx.texts)
    if change.only_unflagged:
        key = "referrals-admin-unflagged"
    elif change.code_issued:
        key = "referrals-admin-credited-code"
    else:
        key = "referrals-admin-credited"
    ctx.say(key, id=str(change.invite.id))


async def void(ctx: Context, invite_id: int) -> None:
    change = await void_invite(ctx.uow, invite_id, ctx.now())
    key = (
        "referrals-admin-voided-code-kept" if change.code is not None else "referrals-admin-voided"
    )
    ctx.say(key, id=str(change.invite.id))


@router.button(InviteCredit, role=Role.ADMIN)
async def on_credit(ctx: Context, data: InviteCredit) -> None:
    await credit(ctx, data.invite_id)


@router.button(InviteVoid, role=Role.ADMIN)
async def on_void(ctx: Context, data: InviteVoid) -> None:
    await void(ctx, data.invite_id)
