from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from domain import clock
from storage.db import QueuedWrite, insert_for
from storage.models import DialogState, Organizer, User

# Built once: every update runs it, and building a statement costs more than running a
# cached one (the compiled form is cached by SQLAlchemy either way).
_FIND = select(User).where(
    User.platform == bindparam("platform"), User.external_id == bindparam("external_id")
)
# The person behind an update with their organizer profile and their dialog, in one query.
_ARRIVAL = (
    select(User, Organizer, DialogState)
    .outerjoin(Organizer, Organizer.user_id == User.id)
    .outerjoin(DialogState, DialogState.user_id == User.id)
    .where(User.platform == bindparam("platform"), User.external_id == bindparam("external_id"))
)
# A plain UPDATE of the table, not of the mapped class: no unit of work, no session sync.
_users = User.__table__
_TOUCH = QueuedWrite(
    lambda _dialect_name: (
        update(_users)
        .where(_users.c.id == bindparam("user_id"))
        .values(last_seen_at=bindparam("seen_at"))
    )
)
LAST_SEEN_PRECISION = timedelta(minutes=1)


@dataclass(slots=True)
class Arrival:
    """Who sent an update, loaded (or created) in one go: see `UserRepository.arrive`."""

    user: User
    organizer: Organizer | None
    # The user's dialog row; None when they are in no dialog.
    dialog: DialogState | None
    # True on first contact: the user was created by this call.
    created: bool


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def find(self, platform: str, external_id: str) -> User | None:
        return await self.session.scalar(_FIND, {"platform": platform, "external_id": external_id})

    async def get_or_create(
        self,
        platform: str,
        external_id: str,
        *,
        name: str,
        username: str | None,
        language: str,
        bot_key: str = "",
        now: datetime | None = None,
    ) -> tuple[User, bool]:
        """Load the user, creating them on first contact. Returns (user, created)."""
        now = now or clock.now()
        user = await self.find(platform, external_id)
        created = False
        if user is None:
            user = await self._create(platform, external_id, name, username, language, bot_key, now)
            created = user is not None
            if user is None:
                user = await self.find(platform, external_id)
                assert user is not None
        if not created:
            _refresh(user, name, username, bot_key)
            user.last_seen_at = now
        return user, created

    async def arrive(
        self,
        platform: str,
        external_id: str,
        *,
        name: str,
        username: str | None,
        language: str,
        bot_key: str = "",
        now: datetime | None = None,
    ) -> Arrival:
        """`get_or_create` plus the user's organizer profile and dialog, for the dispatcher:
        one query for someone known (and the last-seen write, deferred), two on first
        contact."""
        now = now or clock.now()
        params = {"platform": platform, "external_id": external_id}
        row = (await self.session.execute(_ARRIVAL, params)).first()
        if row is None:
            user = await self._create(platform, external_id, name, username, language, bot_key, now)
            if user is not None:
                return Arrival(user, None, None, created=True)
            # Created by a concurrent first update of the same person a moment ago.
            row = (await self.session.execute(_ARRIVAL, params)).first()
            assert row is not None
        user, organizer, dialog = row
        _refresh(user, name, username, bot_key)
        if not _seen_lately(user.last_seen_at, now):
            # Nothing reads the result: on SQLite it rides along with the update's next
            # statement.
            await _TOUCH.execute(self.session, {"user_id": user.id, "seen_at": now})
            set_committed_value(user, "last_seen_at", now)
        return Arrival(user, organizer, dialog, created=False)

    async def _create(
        self,
        platform: str,
        external_id: str,
        name: str,
        username: str | None,
        language: str,
        bot_key: str,
        now: datetime,
    ) -> User | None:
        """Insert the user; None if they exist already. ON CONFLICT DO NOTHING instead of a
        savepoint: a concurrent first contact of the same person makes this insert nothing
        rather than fail (and abort the whole update on PostgreSQL)."""
        stmt = (
            insert_for(self.session, User)
            .values(
                platform=platform,
                external_id=external_id,
                name=name,
                username=username,
                language=language,
                bot_key=bot_key,
                created_at=now,
                last_seen_at=now,
            )
            .on_conflict_do_nothing(index_elements=["platform", "external_id"])
            .returning(User)
        )
        return (await self.session.scalars(stmt)).first()

    async def organizer_of(self, user: User) -> Organizer | None:
        return await self.session.scalar(select(Organizer).where(Organizer.user_id == user.id))


def _seen_lately(last_seen_at: datetime | None, now: datetime) -> bool:
    """Whether `last_seen_at` is recent enough to leave as it is: "last seen" is kept to the
    minute, so a person tapping through a dialog costs one write a minute, not one an update."""
    return last_seen_at is not None and timedelta(0) <= now - last_seen_at < LAST_SEEN_PRECISION


def _refresh(user: User, name: str, username: str | None, bot_key: str) -> None:
    """What the platform tells us about a known user on every update."""
    if name and user.name != name:
        user.name = name
    if username != user.username:
        user.username = username
    if bot_key and user.bot_key != bot_key:
        user.bot_key = bot_key
