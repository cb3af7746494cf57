"""Organizers' broadcasts: whom a purchase's broadcast reaches, and the Broadcast rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.lifecycle import OrderStatus
from storage.models import Broadcast, Media, Order, Purchase, User


@dataclass(frozen=True, slots=True)
class PurchaseAudience:
    purchase: Purchase
    buyers: int


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def purchases_with_buyers(
        self, organizer_id: int, limit: int = 10
    ) -> list[PurchaseAudience]:
        """The organizer's purchases that have at least one active order, newest first."""
        buyers = func.count(func.distinct(Order.buyer_id))
        stmt = (
            select(Purchase, buyers)
            .join(Order, Order.purchase_id == Purchase.id)
            .where(Purchase.organizer_id == organizer_id, Order.status == OrderStatus.ACTIVE)
            .group_by(Purchase.id)
            .order_by(Purchase.id.desc())
            .limit(limit)
        )
        rows = (await self.session.execute(stmt)).all()
        return [PurchaseAudience(purchase, int(count)) for purchase, count in rows]

    async def own_purchase(self, organizer_id: int, purchase_id: int) -> Purchase | None:
        """The purchase if this organizer runs it; None for anyone else's (or no such) id."""
        return await self.session.scalar(
            select(Purchase).where(
                Purchase.id == purchase_id, Purchase.organizer_id == organizer_id
            )
        )

    async def recipients(self, purchase_id: int) -> list[User]:
        """Every buyer with an active order in the purchase, once each, in a stable order."""
        buyer_ids = (
            select(Order.buyer_id)
            .where(Order.purchase_id == purchase_id, Order.status == OrderStatus.ACTIVE)
            .distinct()
        )
        stmt = select(User).where(User.id.in_(buyer_ids)).order_by(User.id)
        return list(await self.session.scalars(stmt))

    async def create(
        self,
        *,
        organizer_id: int,
        purchase_id: int,
        author_id: int,
        text: str,
        photo: tuple[str, str] | None,
        now: datetime,
    ) -> Broadcast:
        """A new broadcast row; `photo` is (platform, file_id) of the attached picture."""
        photo_id = None
        if photo is not None:
            media = Media(platform=photo[0], file_id=photo[1], kind="photo", created_at=now)
            self.session.add(media)
            await self.session.flush()
            photo_id = media.id
        broadcast = Broadcast(
            organizer_id=organizer_id,
            purchase_id=purchase_id,
            author_id=author_id,
            text=text,
            photo_id=photo_id,
            created_at=now,
        )
        self.session.add(broadcast)
        await self.session.flush()
        return broadcast

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return await self.session.get(Broadcast, broadcast_id)

    async def title(self, broadcast: Broadcast) -> str:
        """The title of the purchase a broadcast went to ("" if none)."""
        if broadcast.purchase_id is None:
            return ""
        purchase = await self.session.get(Purchase, broadcast.purchase_id)
        return purchase.title if purchase is not None else ""

    async def claim_report(self, broadcast_id: int) -> bool:
        """Mark the final report as due; True only for the one caller that did it first."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.reported.is_(False))
            .values(reported=True)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)
