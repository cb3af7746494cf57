"""Communities the bot is in (Telegram groups and channels, VK communities) and the purchase
posts published there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Community, PurchasePost

# A Telegram discussion thread of a purchase post, recorded beside the post (`add_thread`).
THREAD_KEY = "thread:"

# The kind of a community the bot itself runs as (a VK community bot's own community): the
# bot is never "added" there, it is recorded when the adapter starts listening to it.
OWN_COMMUNITY = "community"


class CommunityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, community_id: int) -> Community | None:
        return await self.session.get(Community, community_id)

    async def find(self, platform: str, external_id: str) -> Community | None:
        return await self.session.scalar(
            select(Community).where(
                Community.platform == platform, Community.external_id == external_id
            )
        )

    async def joined(
        self,
        platform: str,
        external_id: str,
        *,
        kind: str,
        title: str,
        added_by_user_id: int | None,
        now: datetime,
    ) -> tuple[Community, bool]:
        """Record that the bot is in the community (again). Returns (community, newly_added):
        newly_added is False when the bot was already there (e.g. promoted to admin)."""
        community = await self.find(platform, external_id)
        if community is None:
            community = Community(
                platform=platform,
                external_id=external_id,
                kind=kind,
                title=title,
                added_by_user_id=added_by_user_id,
                created_at=now,
            )
            try:
                async with self.session.begin_nested():
                    self.session.add(community)
            except IntegrityError:
                # The same membership change delivered twice at once: the twin recorded it.
                found = await self.find(platform, external_id)
                assert found is not None
                return found, False
            return community, True
        newly_added = not community.active
        community.kind = kind
        if title:
            community.title = title
        if newly_added:
            # Whoever brings the bot back is the one who may link it from the private chat.
            community.active = True
            community.added_by_user_id = added_by_user_id or community.added_by_user_id
        return community, newly_added

    async def own(self, platform: str, external_id: str, *, title: str, now: datetime) -> Community:
        """Record the community the bot runs as (idempotent): kind OWN_COMMUNITY, added by
        nobody, active whatever it was, its title kept up to date; a link stays."""
        community, _ = await self.joined(
            platform, external_id, kind=OWN_COMMUNITY, title=title, added_by_user_id=None, now=now
        )
        community.active = True
        return community

    async def left(self, platform: str, external_id: str) -> Community | None:
        """The bot was removed: keep the row (posts point at it), stop using it."""
        community = await self.find(platform, external_id)
        if community is not None:
            community.active = False
        return community

    async def moved(self, platform: str, old_id: str, new_id: str) -> Community | None:
        """A Telegram group became a supergroup and got a new id."""
        community = await self.find(platform, old_id)
        if community is None or await self.find(platform, new_id) is not None:
            return None
        community.external_id = new_id
        return community

    async def linkable(
        self, platform: str, user_id: int, organizer_id: int, *, own_id: str | None = None
    ) -> list[Community]:
        """Active communities this person brought the bot into or has linked, and the
        community the bot runs as (`own_id`, its platform id: nobody brings the bot there, so
        it is offered to everyone; linking it checks that the person administers it), oldest
        first."""
        offered = [Community.added_by_user_id == user_id, Community.organizer_id == organizer_id]
        if own_id:
            offered.append((Community.external_id == own_id) & (Community.kind == OWN_COMMUNITY))
        stmt = (
            select(Community)
            .where(Community.platform == platform, Community.active, or_(*offered))
            .order_by(Community.id)
            .limit(50)
        )
        return list(await self.session.scalars(stmt))

    async def linked_to(self, organizer_id: int, *, platform: str | None = None) -> list[Community]:
        """Active communities linked to the organizer, oldest first."""
        stmt = select(Community).where(Community.organizer_id == organizer_id, Community.active)
        if platform is not None:
            stmt = stmt.where(Community.platform == platform)
        return list(await self.session.scalars(stmt.order_by(Community.id).limit(50)))

    async def add_post(
        self,
        *,
        purchase_id: int,
        community_id: int,
        external_post_id: str,
        item_id: int | None = None,
        now: datetime,
    ) -> PurchasePost:
        post = PurchasePost(
            purchase_id=purchase_id,
            community_id=community_id,
            external_post_id=external_post_id,
            item_id=item_id,
            created_at=now,
        )
        self.session.add(post)
        await self.session.flush()
        return post

    async def find_post(
        self, platform: str, community_external_id: str, external_post_id: str
    ) -> tuple[PurchasePost, Community] | None:
        """The purchase post a comment replies to, by the community's and the post's platform
        ids."""
        stmt = (
            select(PurchasePost, Community)
            .join(Community, Community.id == PurchasePost.community_id)
            .where(
                Community.platform == platform,
                Community.external_id == community_external_id,
                PurchasePost.external_post_id == external_post_id,
            )
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    async def add_thread(
        self, post: PurchasePost, discussion_message_id: str, now: datetime
    ) -> bool:
        """Remember that the Telegram discussion thread opened by the post's copy (its message
        id in the discussion group) belongs to `post`: a second row of the post's purchase
        under the same community, keyed `THREAD_KEY`. Returns whether it was new."""
        key = f"{THREAD_KEY}{discussion_message_id}"[:64]
        exists = await self.session.scalar(
            select(PurchasePost.id).where(
                PurchasePost.community_id == post.community_id,
                PurchasePost.external_post_id == key,
            )
        )
        if exists is not None:
            return False
        await self.add_post(
            purchase_id=post.purchase_id,
            community_id=post.community_id,
            external_post_id=key,
            item_id=post.item_id,
            now=now,
        )
        return True

    async def find_thread_post(
        self, platform: str, discussion_chat_id: str, thread_id: str
    ) -> tuple[PurchasePost, Community] | None:
        """The purchase post whose Telegram discussion thread this is (`add_thread`)."""
        stmt = (
            select(PurchasePost, Community)
            .join(Community, Community.id == PurchasePost.community_id)
            .where(
                Community.platform == platform,
                Community.discussion_chat_id == discussion_chat_id,
                PurchasePost.external_post_id == f"{THREAD_KEY}{thread_id}"[:64],
            )
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    async def posts_of(self, purchase_id: int) -> list[PurchasePost]:
        stmt = (
            select(PurchasePost)
            .where(PurchasePost.purchase_id == purchase_id)
            .order_by(PurchasePost.id)
        )
        return list(await self.session.scalars(stmt))
