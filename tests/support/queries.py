"""Reading the database back: what the tests check after the bot has done its work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.app import App
from storage.models import (
    Order,
    Organizer,
    OutboxMessage,
    Purchase,
    ScheduledTask,
    TaskStatus,
    User,
)


async def count(app: App, model: type, *where: Any) -> int:
    """How many rows of `model` there are (those matching `where`, if given)."""
    async with app.session_factory() as session:
        stmt = select(func.count()).select_from(model)
        if where:
            stmt = stmt.where(*where)
        return await session.scalar(stmt) or 0


async def rows(app: App, model: Any) -> list[Any]:
    """Every row of `model`, oldest first."""
    async with app.session_factory() as session:
        return list(await session.scalars(select(model).order_by(model.id)))


async def purchases_in_db(app: App) -> list[Purchase]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(Purchase).order_by(Purchase.id)))


async def orders_in_db(app: App) -> list[Order]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(Order).order_by(Order.id)))


async def outbox(app: App) -> list[OutboxMessage]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def tasks(app: App) -> dict[str, tuple[datetime, TaskStatus]]:
    """The scheduled tasks by key: when each is due and where it stands."""
    async with app.session_factory() as session:
        found = await session.scalars(select(ScheduledTask).order_by(ScheduledTask.key))
        return {task.key: (task.due_at, task.status) for task in found}


async def organizer_row(app: App, user: str = "organizer") -> Organizer:
    """The organizer profile of the user with that external id."""
    async with app.session_factory() as session:
        found = await session.scalar(
            select(Organizer)
            .join(User, User.id == Organizer.user_id)
            .where(User.external_id == user)
        )
        assert found is not None
        return found
