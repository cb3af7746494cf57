"""Referral rounds as /rounds makes them, opened by the scheduler; invite links as /invite
gives them; the invites and codes they lead to."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.scheduler import Scheduler
from bot.services.rounds import schedule_round
from bot.services.tasks import TASKS
from domain.clock import FrozenClock
from storage.models import DiscountKind, Invite, PromoCode, RoundStatus, User
from storage.uow import UnitOfWork
from tests.support.drivers import ConsoleSession


async def make_round(
    app: App,
    clock: FrozenClock,
    *,
    starts_in: timedelta = timedelta(0),
    length: timedelta = timedelta(days=7),
    threshold: int = 3,
    discount: tuple[str, int] = (DiscountKind.FIXED, 39_900),
    min_order_kop: int = 40_000,
    codes_until: datetime | None = None,
    action: str = "none",
    pause_s: int | None = None,
) -> int:
    """A scheduled round with its two tasks, as /rounds creates it."""
    async with app.session_factory() as session, session.begin():
        uow = UnitOfWork(session)
        round_ = await uow.referrals.add_round(
            starts_at=clock() + starts_in,
            ends_at=clock() + starts_in + length,
            threshold=threshold,
            discount_kind=DiscountKind(discount[0]),
            discount_value=discount[1],
            min_order_kop=min_order_kop,
            codes_valid_until=codes_until,
            qualifying_action=action,
            next_round_pause_s=pause_s,
            status=RoundStatus.SCHEDULED,
            created_at=clock(),
        )
        await schedule_round(uow, round_)
        return round_.id


def scheduler(app: App, clock: FrozenClock) -> Scheduler:
    return Scheduler(app.session_factory, app.texts, handlers=TASKS)


async def open_round(app: App, clock: FrozenClock, **kw: Any) -> int:
    """A round that is open now (its opening task run by the scheduler)."""
    round_id = await make_round(app, clock, **kw)
    runner = scheduler(app, clock)
    assert await runner.run_due() == 1
    await runner.release_lease()
    return round_id


async def token_of(app: App, name: str) -> str:
    async with app.session_factory() as session:
        user = await session.scalar(select(User).where(User.external_id == name))
    assert user is not None and user.invite_token
    return user.invite_token


async def get_user(app: App, name: str) -> User:
    async with app.session_factory() as session:
        user = await session.scalar(select(User).where(User.external_id == name))
    assert user is not None
    return user


async def invite_link_of(console: ConsoleSession, app: App, name: str) -> str:
    await console.say(f":as {name}", "/invite")
    return f"/start inv_{await token_of(app, name)}"


async def all_invites(app: App) -> list[Invite]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(Invite).order_by(Invite.id)))


async def codes(app: App) -> list[PromoCode]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(PromoCode).order_by(PromoCode.id)))
