from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Organizer, User
from storage.types import utcnow


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def find(self, platform: str, external_id: str) -> User | None:
        return await self.session.scalar(
            select(User).where(User.platform == platform, User.external_id == external_id)
        )

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
        now = now or utcnow()
        user = await self.find(platform, external_id)
        if user is None:
            user = User(
                platform=platform,
                external_id=external_id,
                name=name,
                username=username,
                language=language,
                bot_key=bot_key,
                created_at=now,
                last_seen_at=now,
            )
            try:
                # A savepoint: a concurrent first contact of the same person must not abort
                # the whole update, only this insert.
                async with self.session.begin_nested():
                    self.session.add(user)
            except IntegrityError:
                user = await self.find(platform, external_id)
                assert user is not None
                return user, False
            return user, True
        if name and user.name != name:
            user.name = name
        if username != user.username:
            user.username = username
        if bot_key and user.bot_key != bot_key:
            user.bot_key = bot_key
        user.last_seen_at = now
        return user, False

    async def organizer_of(self, user: User) -> Organizer | None:
        return await self.session.scalar(select(Organizer).where(Organizer.user_id == user.id))
