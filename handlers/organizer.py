"""Becoming an organizer and the organizer's profile."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.router import Router
from bot.domain.text_rules import clean_line
from storage.models import Organizer, PickupPoint

router = Router("organizer")

REGISTER = "organizer_register"
NAME_MIN, NAME_MAX = 2, 64


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
    name = clean_line(raw_name, min_length=NAME_MIN, max_length=NAME_MAX)
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


async def show_profile(ctx: Context, profile: Organizer) -> None:
    points = await ctx.uow.session.scalar(
        select(func.count())
        .select_from(PickupPoint)
        .where(PickupPoint.organizer_id == profile.id, PickupPoint.active)
    )
    ctx.say(
        "organizer-profile",
        name=profile.name,
        status=profile.status.value,
        pickup_points=points or 0,
    )
