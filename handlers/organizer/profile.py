"""Becoming an organizer and the organizer's profile: name, photo, description, payment
details, pickup points (add, edit, retire) and whether buyers choose their pickup point.

Every field is edited in a small dialog started by a button; a bad value keeps the dialog at
its step with a clear message. Pickup points are never deleted: retiring hides a point from
buyers while old orders keep pointing at it.
"""

from __future__ import annotations

from typing import Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button
from bot.core.router import Role, Router
from domain import profile as rules
from handlers.kit import DbId, media_photo, photo_from_event, require_organizer
from storage.models import Organizer, PickupPoint

router = Router("organizer")

REGISTER = "organizer_register"
PROFILE = "organizer_profile"  # steps: name, photo, about, pay
POINT = "organizer_point"  # steps: name, address, hours; data: point_id (None = new)
NAME_MIN, NAME_MAX = rules.NAME_MIN, rules.NAME_MAX


class ProfileAction(Payload, prefix="opf"):
    action: Literal["show", "name", "photo", "about", "pay", "points", "choose", "add_point"]


class ProfileClear(Payload, prefix="opc"):
    """Remove an optional field (photo, description, payment details)."""

    field: Literal["photo", "about", "pay"]


class PointAction(Payload, prefix="opp"):
    point_id: DbId
    action: Literal["show", "edit", "retire", "retire_yes", "restore"]


class PointKeep(Payload, prefix="opk"):
    """Keep the current value while editing a point (or leave the hours empty)."""

    step: Literal["name", "address", "hours"]


# --- shared pieces --------------------------------------------------------------------------


def back_to_profile(ctx: Context) -> list[Button]:
    return [Button(ctx.t("organizer-button-back"), ProfileAction(action="show").pack())]


# --- registration ---------------------------------------------------------------------------


@router.command("organizer", aliases=("организатор",))
async def organizer(ctx: Context) -> None:
    if ctx.organizer is not None:
        await show_profile(ctx, ctx.organizer)
        return
    if ctx.args.strip():
        await register(ctx, ctx.args)
        return
    await ctx.dialog.start(REGISTER, "name")
    ctx.say("organizer-ask-name")


@router.step(REGISTER, "name")
async def on_name(ctx: Context) -> None:
    await register(ctx, ctx.event.text)


async def register(ctx: Context, raw_name: str) -> None:
    if ctx.organizer is not None:
        await ctx.dialog.finish()
        await show_profile(ctx, ctx.organizer)
        return
    name = rules.clean_name(raw_name)
    if name is None:
        # The dialog stays at this step: the person just types the name again.
        raise UserError("organizer-name-invalid", min=NAME_MIN, max=NAME_MAX)
    profile = Organizer(user_id=ctx.user.id, name=name)
    ctx.uow.session.add(profile)
    await ctx.uow.session.flush()
    ctx.organizer = profile
    if ctx.dialog.active:
        await ctx.dialog.finish()
    ctx.say("organizer-registered", name=name)


# --- the profile ----------------------------------------------------------------------------


async def show_profile(ctx: Context, profile: Organizer, *, edit: bool = False) -> None:
    points = await ctx.uow.profiles.count_active_points(profile.id)
    media = await ctx.uow.profiles.media(profile.photo_id)
    text = ctx.t(
        "organizer-profile",
        name=profile.name,
        status=profile.status.value,
        pickup_points=points,
        about=profile.description or "-",
        payment=profile.payment_details or "-",
        photo="yes" if profile.photo_id else "no",
        choose="yes" if profile.buyers_choose_pickup else "no",
    )
    choose_label = (
        "organizer-button-choose-off"
        if profile.buyers_choose_pickup
        else "organizer-button-choose-on"
    )
    buttons = [
        [
            Button(ctx.t("organizer-button-name"), ProfileAction(action="name").pack()),
            Button(ctx.t("organizer-button-photo"), ProfileAction(action="photo").pack()),
            Button(ctx.t("organizer-button-about"), ProfileAction(action="about").pack()),
        ],
        [
            Button(ctx.t("organizer-button-pay"), ProfileAction(action="pay").pack()),
            Button(ctx.t("organizer-button-points"), ProfileAction(action="points").pack()),
        ],
        [Button(ctx.t(choose_label), ProfileAction(action="choose").pack())],
        [
            Button(ctx.t("organizer-button-purchases"), CommandPayload(name="mypurchases").pack()),
            Button(
                ctx.t("organizer-button-new-purchase"), CommandPayload(name="newpurchase").pack()
            ),
        ],
    ]
    ctx.answer(text, buttons, photo=media_photo(media, ctx.event.platform), edit=edit)


@router.button(ProfileAction, role=Role.ORGANIZER)
async def on_profile_action(ctx: Context, data: ProfileAction) -> None:
    profile = require_organizer(ctx)
    if data.action == "show":
        await show_profile(ctx, profile)
    elif data.action == "points":
        await show_points(ctx, profile)
    elif data.action == "choose":
        profile.buyers_choose_pickup = not profile.buyers_choose_pickup
        ctx.say("organizer-choose-on" if profile.buyers_choose_pickup else "organizer-choose-off")
        await show_profile(ctx, profile)
    elif data.action == "add_point":
        await ctx.dialog.start(POINT, "name", {"point_id": None})
        ctx.say("organizer-point-ask-name", min=rules.POINT_NAME_MIN, max=rules.POINT_NAME_MAX)
    else:
        await ask_field(ctx, profile, data.action)


async def ask_field(ctx: Context, profile: Organizer, field: str) -> None:
    await ctx.dialog.start(PROFILE, field)
    if field == "name":
        ctx.say("organizer-ask-new-name", current=profile.name, min=NAME_MIN, max=NAME_MAX)
    elif field == "photo":
        clear = [
            [Button(ctx.t("organizer-button-remove-photo"), ProfileClear(field="photo").pack())]
        ]
        ctx.say("organizer-ask-photo", clear if profile.photo_id else None)
    elif field == "about":
        clear = [[Button(ctx.t("organizer-button-clear"), ProfileClear(field="about").pack())]]
        ctx.say("organizer-ask-about", clear if profile.description else None, max=rules.ABOUT_MAX)
    else:
        clear = [[Button(ctx.t("organizer-button-clear"), ProfileClear(field="pay").pack())]]
        ctx.say(
            "organizer-ask-pay",
            clear if profile.payment_details else None,
            max=rules.PAYMENT_DETAILS_MAX,
        )


@router.step(PROFILE, "name")
async def on_new_name(ctx: Context) -> None:
    profile = require_organizer(ctx)
    name = rules.clean_name(ctx.event.text)
    if name is None:
        raise UserError("organizer-name-invalid", min=NAME_MIN, max=NAME_MAX)
    profile.name = name
    await saved(ctx, profile)


@router.step(PROFILE, "photo")
async def on_photo(ctx: Context) -> None:
    profile = require_organizer(ctx)
    media = await photo_from_event(ctx)
    if media is None:
        raise UserError("organizer-photo-expected")
    profile.photo_id = media.id
    await saved(ctx, profile)


@router.step(PROFILE, "about")
async def on_about(ctx: Context) -> None:
    profile = require_organizer(ctx)
    about = rules.clean_about(ctx.event.text)
    if about is None:
        raise UserError("organizer-about-invalid", max=rules.ABOUT_MAX)
    profile.description = about
    await saved(ctx, profile)


@router.step(PROFILE, "pay")
async def on_payment_details(ctx: Context) -> None:
    profile = require_organizer(ctx)
    details = rules.clean_payment_details(ctx.event.text)
    if details is None:
        raise UserError("organizer-pay-invalid", max=rules.PAYMENT_DETAILS_MAX)
    profile.payment_details = details
    await saved(ctx, profile)


@router.button(ProfileClear, role=Role.ORGANIZER)
async def on_clear(ctx: Context, data: ProfileClear) -> None:
    profile = require_organizer(ctx)
    if data.field == "photo":
        profile.photo_id = None
    elif data.field == "about":
        profile.description = ""
    else:
        profile.payment_details = ""
    await saved(ctx, profile)


async def saved(ctx: Context, profile: Organizer) -> None:
    if ctx.dialog.name == PROFILE:
        await ctx.dialog.finish()
    await ctx.uow.session.flush()
    ctx.say("organizer-saved")
    await show_profile(ctx, profile)


# --- pickup points --------------------------------------------------------------------------


async def show_points(ctx: Context, profile: Organizer, *, edit: bool = False) -> None:
    points = await ctx.uow.profiles.pickup_points(profile.id, include_retired=True)
    lines = [ctx.t("organizer-points-title", count=sum(p.active for p in points))]
    rows: list[list[Button]] = []
    for number, point in enumerate(points, start=1):
        description = rules.describe_point(point.name, point.address, point.hours)
        key = "organizer-point-entry" if point.active else "organizer-point-entry-retired"
        lines.append(ctx.t(key, number=str(number), point=description))
        rows.append(
            [
                Button(
                    f"{number}. {point.name}"[:40],
                    PointAction(point_id=point.id, action="show").pack(),
                )
            ]
        )
    if not points:
        lines.append(ctx.t("organizer-points-empty"))
    choose = (
        "organizer-points-buyers-choose"
        if profile.buyers_choose_pickup
        else "organizer-points-buyers-assigned"
    )
    lines += ["", ctx.t(choose)]
    rows.append(
        [Button(ctx.t("organizer-button-add-point"), ProfileAction(action="add_point").pack())]
    )
    rows.append(back_to_profile(ctx))
    ctx.answer("\n".join(lines), rows, edit=edit)


async def own_point(ctx: Context, point_id: int) -> PickupPoint:
    point = await ctx.uow.profiles.pickup_point(require_organizer(ctx).id, point_id)
    if point is None:
        raise UserError("organizer-point-not-found")
    return point


def show_point(ctx: Context, point: PickupPoint) -> None:
    text = ctx.t(
        "organizer-point-card",
        name=point.name,
        address=point.address,
        hours=point.hours or "-",
        active="yes" if point.active else "no",
    )
    if point.active:
        actions = [
            Button(
                ctx.t("organizer-button-edit"), PointAction(point_id=point.id, action="edit").pack()
            ),
            Button(
                ctx.t("organizer-button-retire"),
                PointAction(point_id=point.id, action="retire").pack(),
            ),
        ]
    else:
        actions = [
            Button(
                ctx.t("organizer-button-restore"),
                PointAction(point_id=point.id, action="restore").pack(),
            )
        ]
    ctx.answer(
        text,
        [actions, [Button(ctx.t("organizer-button-back"), ProfileAction(action="points").pack())]],
    )


@router.button(PointAction, role=Role.ORGANIZER)
async def on_point_action(ctx: Context, data: PointAction) -> None:
    point = await own_point(ctx, data.point_id)
    if data.action == "show":
        show_point(ctx, point)
    elif data.action == "edit":
        await ctx.dialog.start(POINT, "name", {"point_id": point.id})
        ctx.say(
            "organizer-point-ask-name-edit",
            keep_button(ctx, "name"),
            current=point.name,
            min=rules.POINT_NAME_MIN,
            max=rules.POINT_NAME_MAX,
        )
    elif data.action == "retire":
        confirm = [
            [
                Button(
                    ctx.t("organizer-button-retire-yes"),
                    PointAction(point_id=point.id, action="retire_yes").pack(),
                ),
                Button(
                    ctx.t("organizer-button-no"),
                    PointAction(point_id=point.id, action="show").pack(),
                ),
            ]
        ]
        ctx.say("organizer-point-retire-confirm", confirm, name=point.name)
    elif data.action == "retire_yes":
        point.active = False
        ctx.say("organizer-point-retired", name=point.name)
        await show_points(ctx, require_organizer(ctx))
    else:
        point.active = True
        ctx.say("organizer-point-restored", name=point.name)
        await show_points(ctx, require_organizer(ctx))


def keep_button(
    ctx: Context, step: Literal["name", "address", "hours"], *, skip: bool = False
) -> list[list[Button]]:
    label = ctx.t("organizer-button-skip" if skip else "organizer-button-keep")
    return [[Button(label, PointKeep(step=step).pack())]]


async def editing_point(ctx: Context) -> PickupPoint | None:
    """The point being edited (None when adding a new one), re-checked for ownership."""
    point_id = ctx.dialog.data.get("point_id")
    return None if point_id is None else await own_point(ctx, int(point_id))


@router.step(POINT, "name")
async def on_point_name(ctx: Context) -> None:
    name = rules.clean_point_name(ctx.event.text)
    if name is None:
        raise UserError(
            "organizer-point-name-invalid", min=rules.POINT_NAME_MIN, max=rules.POINT_NAME_MAX
        )
    await point_name_done(ctx, name)


async def point_name_done(ctx: Context, name: str) -> None:
    await ctx.dialog.goto("address", name=name)
    point = await editing_point(ctx)
    if point is None:
        ctx.say("organizer-point-ask-address")
    else:
        ctx.say(
            "organizer-point-ask-address-edit", keep_button(ctx, "address"), current=point.address
        )


@router.step(POINT, "address")
async def on_point_address(ctx: Context) -> None:
    address = rules.clean_address(ctx.event.text)
    if address is None:
        raise UserError(
            "organizer-point-address-invalid", min=rules.ADDRESS_MIN, max=rules.ADDRESS_MAX
        )
    await point_address_done(ctx, address)


async def point_address_done(ctx: Context, address: str) -> None:
    await ctx.dialog.goto("hours", address=address)
    point = await editing_point(ctx)
    if point is None:
        ctx.say("organizer-point-ask-hours", keep_button(ctx, "hours", skip=True))
    else:
        ctx.say(
            "organizer-point-ask-hours-edit", keep_button(ctx, "hours"), current=point.hours or "-"
        )


@router.step(POINT, "hours")
async def on_point_hours(ctx: Context) -> None:
    hours = rules.clean_hours(ctx.event.text)
    if hours is None:
        raise UserError("organizer-point-hours-invalid", max=rules.HOURS_MAX)
    await save_point(ctx, hours)


@router.button(PointKeep, role=Role.ORGANIZER)
async def on_point_keep(ctx: Context, data: PointKeep) -> None:
    if ctx.dialog.name != POINT or ctx.dialog.step != data.step:
        raise UserError("organizer-button-stale")
    point = await editing_point(ctx)
    if data.step == "name":
        if point is None:
            raise UserError("organizer-button-stale")
        await point_name_done(ctx, point.name)
    elif data.step == "address":
        if point is None:
            raise UserError("organizer-button-stale")
        await point_address_done(ctx, point.address)
    else:
        # Adding: "skip" leaves the hours empty; editing: keeps the current hours.
        await save_point(ctx, "" if point is None else point.hours)


async def save_point(ctx: Context, hours: str) -> None:
    profile = require_organizer(ctx)
    data = ctx.dialog.data
    point = await editing_point(ctx)
    if point is None:
        point = await ctx.uow.profiles.add_pickup_point(
            profile.id, name=data["name"], address=data["address"], hours=hours
        )
        ctx.say("organizer-point-added", name=point.name)
    else:
        point.name, point.address, point.hours = data["name"], data["address"], hours
        ctx.say("organizer-point-updated", name=point.name)
    await ctx.dialog.finish()
    await show_points(ctx, profile)
