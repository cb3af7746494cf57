"""What the service admin's round screens share: their payloads, a round's settings (in the
form's dialog or in the database), the texts of a round, and the list and card of rounds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button
from bot.services.referrals import moment, offer_text
from domain.money import format_amount
from domain.referrals import (
    DEFAULT_THRESHOLD,
    DiscountKind,
    QualifyingAction,
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
from handlers.buyer.referrals import reason_text
from handlers.kit import DbId, PageNumber
from storage.models import ReferralRound, RoundStatus
from storage.repositories.referrals import RoundStats

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


# --- the list and the card --------------------------------------------------------------------


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
