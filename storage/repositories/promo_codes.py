"""Organizers' promo codes, their approval, affiliates, their links and attributions: the
database side. Rules live in domain.promo_codes, the services in bot/services/promo_codes.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from domain.lifecycle import OrderStatus, PurchaseStatus
from storage.models import (
    Affiliate,
    AffiliateAttribution,
    AffiliateFollow,
    AffiliateLink,
    ApprovalStatus,
    Order,
    Organizer,
    OrganizerStatus,
    PromoCode,
    PromoKind,
    PromoRedemption,
    Purchase,
    User,
)
from storage.repositories.orders import still_owes
from storage.repositories.savepoint import add_unless_refused

RUNNING = (
    PurchaseStatus.DRAFT,
    PurchaseStatus.OPEN,
    PurchaseStatus.STOPPED,
    PurchaseStatus.PAYMENT,
)


@dataclass(frozen=True, slots=True)
class CodeUsage:
    code: PromoCode
    used: int


@dataclass(frozen=True, slots=True)
class CatalogueCode:
    code: PromoCode
    organizer_name: str
    purchase_title: str | None


@dataclass(frozen=True, slots=True)
class ReportRow:
    order: Order
    purchase_title: str
    purchase_status: PurchaseStatus
    affiliate_id: int | None


@dataclass(frozen=True, slots=True)
class LinkFigures:
    link: AffiliateLink
    code: PromoCode
    orders: int
    due_kop: int


class PromoCodeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- codes -------------------------------------------------------------------------------

    async def code_taken(self, text: str) -> bool:
        found = await self.session.scalar(select(PromoCode.id).where(PromoCode.code == text))
        return found is not None

    async def add_code(self, code: PromoCode) -> bool:
        """Insert in a savepoint; False when the code text is taken meanwhile."""
        return await add_unless_refused(self.session, code)

    async def code(self, code_id: int, *, lock: bool = False) -> PromoCode | None:
        stmt = (
            select(PromoCode)
            .where(PromoCode.id == code_id, PromoCode.kind == PromoKind.ORGANIZER)
            .execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def code_by_text(self, text: str) -> PromoCode | None:
        stmt = select(PromoCode).where(
            PromoCode.code == text, PromoCode.kind == PromoKind.ORGANIZER
        )
        return await self.session.scalar(stmt)

    async def codes_of(self, organizer_id: int, *, limit: int = 20) -> list[CodeUsage]:
        """An organizer's codes, newest first, with how many orders used each."""
        used = (
            select(func.count(PromoRedemption.id))
            .where(PromoRedemption.promo_code_id == PromoCode.id)
            .scalar_subquery()
        )
        stmt = (
            select(PromoCode, used)
            .where(PromoCode.organizer_id == organizer_id, PromoCode.kind == PromoKind.ORGANIZER)
            .order_by(PromoCode.id.desc())
            .limit(limit)
        )
        return [CodeUsage(code, int(n or 0)) for code, n in await self.session.execute(stmt)]

    async def uses(self, code_id: int, user_id: int | None = None) -> int:
        stmt = select(func.count(PromoRedemption.id)).where(
            PromoRedemption.promo_code_id == code_id
        )
        if user_id is not None:
            stmt = stmt.where(PromoRedemption.user_id == user_id)
        return await self.session.scalar(stmt) or 0

    async def scope_choices(self, organizer_id: int) -> tuple[list[str], list[Purchase]]:
        """The categories of the organizer's purchases and their running purchases."""
        categories = list(
            await self.session.scalars(
                select(Purchase.category)
                .where(
                    Purchase.organizer_id == organizer_id,
                    Purchase.deleted_at.is_(None),
                    Purchase.category != "",
                )
                .distinct()
                .order_by(Purchase.category)
            )
        )
        purchases = list(
            await self.session.scalars(
                select(Purchase)
                .where(
                    Purchase.organizer_id == organizer_id,
                    Purchase.deleted_at.is_(None),
                    Purchase.status.in_(RUNNING),
                )
                .order_by(Purchase.id.desc())
            )
        )
        return categories, purchases

    async def purchase(self, purchase_id: int) -> Purchase | None:
        return await self.session.get(Purchase, purchase_id)

    async def open_orders(self, buyer_id: int, organizer_id: int) -> list[Order]:
        """A buyer's orders in an organizer's purchases a code may still go on: live, the
        purchase not over, not fully paid, no code yet; newest first."""
        stmt = (
            select(Order)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .where(
                Order.buyer_id == buyer_id,
                Purchase.organizer_id == organizer_id,
                Order.status == OrderStatus.ACTIVE,
                Purchase.status.not_in((PurchaseStatus.CLOSED, PurchaseStatus.CANCELLED)),
                still_owes(),
                Order.promo_code_id.is_(None),
            )
            .options(joinedload(Order.purchase))
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(50)
        )
        return list(await self.session.scalars(stmt))

    # --- approval ----------------------------------------------------------------------------

    async def pending_organizers(self, *, limit: int) -> list[Organizer]:
        stmt = (
            select(Organizer)
            .where(
                Organizer.approval_requested_at.is_not(None),
                Organizer.status == OrganizerStatus.ACTIVE,
            )
            .order_by(Organizer.approval_requested_at, Organizer.id)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))

    async def pending_codes(self, *, limit: int) -> list[tuple[PromoCode, Organizer]]:
        stmt = (
            select(PromoCode, Organizer)
            .join(Organizer, Organizer.id == PromoCode.organizer_id)
            .where(
                PromoCode.kind == PromoKind.ORGANIZER,
                PromoCode.approval == ApprovalStatus.PENDING,
                PromoCode.active.is_(True),
            )
            .order_by(PromoCode.id)
            .limit(limit)
        )
        return [(code, organizer) for code, organizer in await self.session.execute(stmt)]

    async def pending_affiliates(self, *, limit: int) -> list[tuple[Affiliate, User]]:
        stmt = (
            select(Affiliate, User)
            .join(User, User.id == Affiliate.user_id)
            .where(Affiliate.status == ApprovalStatus.PENDING)
            .order_by(Affiliate.id)
            .limit(limit)
        )
        return [(a, u) for a, u in await self.session.execute(stmt)]

    async def organizer(self, organizer_id: int) -> Organizer | None:
        return await self.session.get(Organizer, organizer_id, populate_existing=True)

    async def approved_codes_of(self, organizer_id: int) -> list[PromoCode]:
        stmt = select(PromoCode).where(
            PromoCode.organizer_id == organizer_id,
            PromoCode.kind == PromoKind.ORGANIZER,
            PromoCode.approval == ApprovalStatus.APPROVED,
            PromoCode.active.is_(True),
        )
        return list(await self.session.scalars(stmt))

    # --- affiliates --------------------------------------------------------------------------

    async def affiliate_of(self, user_id: int) -> Affiliate | None:
        stmt = (
            select(Affiliate)
            .where(Affiliate.user_id == user_id)
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def affiliate(self, affiliate_id: int) -> Affiliate | None:
        return await self.session.get(Affiliate, affiliate_id, populate_existing=True)

    async def add_affiliate(self, affiliate: Affiliate) -> None:
        self.session.add(affiliate)
        await self.session.flush()

    def _visible(self, now: datetime) -> list[object]:
        """A code affiliates may find: shared, approved, of an approved organizer, live."""
        return [
            PromoCode.kind == PromoKind.ORGANIZER,
            PromoCode.shared_with_affiliates.is_(True),
            PromoCode.approval == ApprovalStatus.APPROVED,
            PromoCode.active.is_(True),
            Organizer.status == OrganizerStatus.APPROVED,
            (PromoCode.ends_at.is_(None)) | (PromoCode.ends_at > now),
        ]

    async def catalogue_categories(self, now: datetime) -> list[tuple[str, int]]:
        """Categories of the codes affiliates may share now, with their counts. A code for
        one purchase is filed under that purchase's category; a code for all purchases of
        an organizer under "" (any category)."""
        category = func.coalesce(PromoCode.scope_category, Purchase.category, "")
        stmt = (
            select(category, func.count(PromoCode.id))
            .join(Organizer, Organizer.id == PromoCode.organizer_id)
            .outerjoin(Purchase, Purchase.id == PromoCode.scope_purchase_id)
            .where(*self._visible(now))  # type: ignore[arg-type]
            .group_by(category)
            .order_by(category)
        )
        return [(name, int(n)) for name, n in await self.session.execute(stmt)]

    async def catalogue(
        self, category: str, now: datetime, *, offset: int, limit: int
    ) -> list[CatalogueCode]:
        """Visible codes of one category ("" = codes for all of an organizer's purchases),
        newest approval first."""
        cat = func.coalesce(PromoCode.scope_category, Purchase.category, "")
        stmt = (
            select(PromoCode, Organizer.name, Purchase.title)
            .join(Organizer, Organizer.id == PromoCode.organizer_id)
            .outerjoin(Purchase, Purchase.id == PromoCode.scope_purchase_id)
            .where(*self._visible(now), cat == category)  # type: ignore[arg-type]
            .order_by(PromoCode.decided_at.desc(), PromoCode.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [CatalogueCode(c, n, t) for c, n, t in await self.session.execute(stmt)]

    async def visible_code(self, code_id: int, now: datetime) -> PromoCode | None:
        stmt = (
            select(PromoCode)
            .join(Organizer, Organizer.id == PromoCode.organizer_id)
            .where(PromoCode.id == code_id, *self._visible(now))  # type: ignore[arg-type]
        )
        return await self.session.scalar(stmt)

    async def code_category(self, code: PromoCode) -> str:
        if code.scope_category is not None:
            return code.scope_category
        if code.scope_purchase_id is not None:
            purchase = await self.session.get(Purchase, code.scope_purchase_id)
            return purchase.category if purchase is not None else ""
        return ""

    async def follows(self, user_id: int) -> list[str]:
        stmt = (
            select(AffiliateFollow.category)
            .where(AffiliateFollow.user_id == user_id)
            .order_by(AffiliateFollow.category)
        )
        return list(await self.session.scalars(stmt))

    async def set_follow(self, user_id: int, category: str, follow: bool) -> None:
        existing = await self.session.scalar(
            select(AffiliateFollow).where(
                AffiliateFollow.user_id == user_id, AffiliateFollow.category == category
            )
        )
        if follow and existing is None:
            self.session.add(AffiliateFollow(user_id=user_id, category=category))
            await self.session.flush()
        elif not follow and existing is not None:
            await self.session.delete(existing)
            await self.session.flush()

    async def followers(self, category: str) -> list[User]:
        """Approved affiliates following the category."""
        stmt = (
            select(User)
            .join(AffiliateFollow, AffiliateFollow.user_id == User.id)
            .join(Affiliate, Affiliate.user_id == User.id)
            .where(
                AffiliateFollow.category == category,
                Affiliate.status == ApprovalStatus.APPROVED,
            )
            .order_by(User.id)
        )
        return list(await self.session.scalars(stmt))

    # --- links and attribution ---------------------------------------------------------------

    async def link_of(self, affiliate_id: int, code_id: int) -> AffiliateLink | None:
        stmt = select(AffiliateLink).where(
            AffiliateLink.affiliate_id == affiliate_id, AffiliateLink.promo_code_id == code_id
        )
        return await self.session.scalar(stmt)

    async def token_taken(self, token: str) -> bool:
        stmt = select(AffiliateLink.id).where(AffiliateLink.token == token)
        return await self.session.scalar(stmt) is not None

    async def add_link(self, link: AffiliateLink) -> None:
        self.session.add(link)
        await self.session.flush()

    async def link_by_token(self, token: str) -> AffiliateLink | None:
        stmt = (
            select(AffiliateLink)
            .where(AffiliateLink.token == token)
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def attribute(
        self, buyer_id: int, code_id: int, affiliate_id: int, now: datetime
    ) -> None:
        """The buyer opened `affiliate_id`'s link for the code: the last link opened wins."""
        found = await self.session.scalar(
            select(AffiliateAttribution).where(
                AffiliateAttribution.buyer_id == buyer_id,
                AffiliateAttribution.promo_code_id == code_id,
            )
        )
        if found is None:
            self.session.add(
                AffiliateAttribution(
                    buyer_id=buyer_id,
                    promo_code_id=code_id,
                    affiliate_id=affiliate_id,
                    opened_at=now,
                )
            )
        else:
            found.affiliate_id = affiliate_id
            found.opened_at = now
        await self.session.flush()

    async def attributions_of(self, buyer_id: int, since: datetime) -> list[AffiliateAttribution]:
        stmt = (
            select(AffiliateAttribution)
            .where(
                AffiliateAttribution.buyer_id == buyer_id,
                AffiliateAttribution.opened_at > since,
            )
            .order_by(AffiliateAttribution.opened_at.desc())
        )
        return list(await self.session.scalars(stmt))

    async def attribution(self, buyer_id: int, code_id: int) -> AffiliateAttribution | None:
        stmt = select(AffiliateAttribution).where(
            AffiliateAttribution.buyer_id == buyer_id,
            AffiliateAttribution.promo_code_id == code_id,
        )
        return await self.session.scalar(stmt)

    async def links_figures(self, affiliate_id: int) -> list[LinkFigures]:
        """An affiliate's links, newest first, with the orders placed with each code through
        them and those orders' sum due (cancelled orders count nothing)."""
        orders = (
            select(
                PromoRedemption.promo_code_id.label("code_id"),
                func.count(Order.id).label("orders"),
                func.coalesce(func.sum(Order.due_kop), 0).label("due"),
            )
            .join(Order, Order.id == PromoRedemption.order_id)
            .where(
                PromoRedemption.affiliate_id == affiliate_id,
                Order.status != OrderStatus.CANCELLED,
            )
            .group_by(PromoRedemption.promo_code_id)
            .subquery()
        )
        stmt = (
            select(AffiliateLink, PromoCode, orders.c.orders, orders.c.due)
            .join(PromoCode, PromoCode.id == AffiliateLink.promo_code_id)
            .outerjoin(orders, orders.c.code_id == AffiliateLink.promo_code_id)
            .where(AffiliateLink.affiliate_id == affiliate_id)
            .order_by(AffiliateLink.id.desc())
        )
        return [
            LinkFigures(link, code, int(n or 0), int(due or 0))
            for link, code, n, due in await self.session.execute(stmt)
        ]

    # --- the report --------------------------------------------------------------------------

    async def report_rows(self, code_id: int) -> list[ReportRow]:
        stmt = (
            select(Order, Purchase.title, Purchase.status, PromoRedemption.affiliate_id)
            .join(PromoRedemption, PromoRedemption.order_id == Order.id)
            .join(Purchase, Purchase.id == Order.purchase_id)
            .where(PromoRedemption.promo_code_id == code_id)
            .order_by(Order.created_at, Order.id)
        )
        return [ReportRow(*row) for row in await self.session.execute(stmt)]

    async def users(self, user_ids: Sequence[int]) -> dict[int, User]:
        if not user_ids:
            return {}
        stmt = select(User).where(User.id.in_(set(user_ids)))
        return {user.id: user for user in await self.session.scalars(stmt)}
