"""One unit of work per update or job: a session, its transaction, and the repositories."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.buyouts import BuyoutRepository
from storage.repositories.chats import ChatRepository
from storage.repositories.communities import CommunityRepository
from storage.repositories.orders import CommentRepository, OrderRepository
from storage.repositories.outbox import OutboxReader, OutboxRepository
from storage.repositories.payments import PaymentRepository
from storage.repositories.profiles import ProfileRepository
from storage.repositories.promo_codes import PromoCodeRepository
from storage.repositories.purchases import PurchaseRepository
from storage.repositories.referrals import ReferralRepository
from storage.repositories.refunds import RefundRepository
from storage.repositories.runtime import (
    DialogRepository,
    IntakeRepository,
    ProcessedUpdateRepository,
)
from storage.repositories.tasks import LeaseRepository, TaskRepository
from storage.repositories.users import UserRepository


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self.session)

    @cached_property
    def dialogs(self) -> DialogRepository:
        return DialogRepository(self.session)

    @cached_property
    def processed(self) -> ProcessedUpdateRepository:
        return ProcessedUpdateRepository(self.session)

    @cached_property
    def intake(self) -> IntakeRepository:
        """Refused updates and long-poll cursors (bot/core/intake.py)."""
        return IntakeRepository(self.session)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.session)

    @cached_property
    def delivery(self) -> OutboxReader:
        """The outbox's delivery side (bot/delivery/outbox.py): claiming and recording outcomes."""
        return OutboxReader(self.session)

    @cached_property
    def broadcasts(self) -> BroadcastRepository:
        return BroadcastRepository(self.session)

    @cached_property
    def tasks(self) -> TaskRepository:
        return TaskRepository(self.session)

    @cached_property
    def leases(self) -> LeaseRepository:
        return LeaseRepository(self.session)

    @cached_property
    def orders(self) -> OrderRepository:
        return OrderRepository(self.session)

    @cached_property
    def comments(self) -> CommentRepository:
        return CommentRepository(self.session)

    @cached_property
    def payments(self) -> PaymentRepository:
        return PaymentRepository(self.session)

    @cached_property
    def refunds(self) -> RefundRepository:
        """Orders' money states and the refunds organizers record."""
        return RefundRepository(self.session)

    @cached_property
    def purchases(self) -> PurchaseRepository:
        return PurchaseRepository(self.session)

    @cached_property
    def profiles(self) -> ProfileRepository:
        return ProfileRepository(self.session)

    @cached_property
    def communities(self) -> CommunityRepository:
        return CommunityRepository(self.session)

    @cached_property
    def referrals(self) -> ReferralRepository:
        return ReferralRepository(self.session)

    @cached_property
    def promos(self) -> PromoCodeRepository:
        """Organizers' promo codes, their approval, affiliates and their links."""
        return PromoCodeRepository(self.session)

    @cached_property
    def buyouts(self) -> BuyoutRepository:
        """The minimum's progress, non-payers, black lists, repeats (issue 21)."""
        return BuyoutRepository(self.session)

    @cached_property
    def chats(self) -> ChatRepository:
        """Buyer–organizer threads, claims and moderation records (issue 19)."""
        return ChatRepository(self.session)
