"""The organizer's profile: photos and pickup points.

Every pickup point lookup takes the organizer's id, so a forged point id of another
organizer simply finds nothing.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Media, PickupPoint


class ProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_media(
        self,
        platform: str,
        file_id: str,
        *,
        kind: str = "photo",
        mime_type: str | None = None,
        size: int | None = None,
    ) -> Media:
        media = Media(platform=platform, file_id=file_id, kind=kind, mime_type=mime_type, size=size)
        self.session.add(media)
        await self.session.flush()
        return media

    async def media(self, media_id: int | None) -> Media | None:
        return None if media_id is None else await self.session.get(Media, media_id)

    async def pickup_points(
        self, organizer_id: int, *, include_retired: bool = False
    ) -> list[PickupPoint]:
        """The organizer's points, oldest first (active ones first when retired are shown)."""
        stmt = select(PickupPoint).where(PickupPoint.organizer_id == organizer_id)
        if not include_retired:
            stmt = stmt.where(PickupPoint.active)
        stmt = stmt.order_by(PickupPoint.active.desc(), PickupPoint.id)
        return list(await self.session.scalars(stmt))

    async def count_active_points(self, organizer_id: int) -> int:
        stmt = (
            select(func.count())
            .select_from(PickupPoint)
            .where(PickupPoint.organizer_id == organizer_id, PickupPoint.active)
        )
        return await self.session.scalar(stmt) or 0

    async def pickup_point(self, organizer_id: int, point_id: int) -> PickupPoint | None:
        """The point if it is this organizer's (retired ones included)."""
        return await self.session.scalar(
            select(PickupPoint).where(
                PickupPoint.id == point_id, PickupPoint.organizer_id == organizer_id
            )
        )

    async def add_pickup_point(
        self, organizer_id: int, *, name: str, address: str, hours: str
    ) -> PickupPoint:
        point = PickupPoint(organizer_id=organizer_id, name=name, address=address, hours=hours)
        self.session.add(point)
        await self.session.flush()
        return point
