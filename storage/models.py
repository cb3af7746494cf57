"""The whole data model, typed SQLAlchemy 2 declarative mappings.

It has room for everything PRODUCT.md describes, so later features add behaviour, not tables.
Money is integer kopecks (`*_kop`), percentages are basis points (`*_bp`: 1250 = 12.5 %),
datetimes are timezone-aware UTC. Nothing a buyer made is ever deleted: purchases, orders and
codes change status instead.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from domain import clock
from domain.buyouts import BlacklistMode
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.payments import PaymentMethod, PaymentReportStatus
from domain.referrals import DiscountKind, InviteStatus, RoundStatus
from storage.types import UtcDateTime, str_enum

# Deterministic constraint names: Alembic's batch mode on SQLite and downgrades need them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012


def created_at_column() -> Mapped[datetime]:
    return mapped_column(UtcDateTime(), default=clock.now)


# --- enums that belong to storage (domain enums live in domain) -------------------------


class OrganizerStatus(StrEnum):
    ACTIVE = "active"  # may run purchases
    APPROVED = "approved"  # checked by a service admin: may share promo codes with affiliates
    SUSPENDED = "suspended"  # chats suspended after strikes, or by an admin


class OutboxKind(StrEnum):
    ANSWER = "answer"  # to the user's own action: always delivered
    NOTIFICATION = "notification"  # status changes etc.: only with consent
    REMINDER = "reminder"
    BROADCAST = "broadcast"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # no consent or recipient unreachable


class PromoKind(StrEnum):
    REFERRAL = "referral"  # personal code earned in a referral round
    ORGANIZER = "organizer"  # created by an organizer, maybe shared with affiliates


class PromoScope(StrEnum):
    PURCHASE = "purchase"
    CATEGORY = "category"
    ALL = "all"


class ApprovalStatus(StrEnum):
    NOT_SHARED = "not_shared"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ConversationKind(StrEnum):
    CHAT = "chat"
    CLAIM = "claim"


class ConversationStatus(StrEnum):
    OPEN = "open"
    AWAITING_ORGANIZER = "awaiting_organizer"
    RESOLVED = "resolved"
    ESCALATED = "escalated"


class ClaimDecision(StrEnum):
    FULL_REFUND = "full_refund"
    PARTIAL_COMPENSATION = "partial_compensation"
    REPLACEMENT = "replacement"
    DELIVER_MISSING = "deliver_missing"
    REJECTED = "rejected"


class ModerationVerdict(StrEnum):
    DELIVERED = "delivered"
    BLOCKED = "blocked"


class TaskStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


# --- people and places ----------------------------------------------------------------------


class Media(Base):
    """A photo or file as a platform knows it; `content` keeps bytes when we must re-upload
    to another platform (a Telegram file_id means nothing to VK)."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default="photo")
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = created_at_column()


class User(Base):
    """A person on one platform. The same human on Telegram and VK is two users."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    # The bot identity the user talks to (VK community id); notifications go back through it.
    bot_key: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(String(255), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="ru")
    notifications_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    # VK: the community may message the user only after message_allow.
    messages_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_reason: Mapped[str | None] = mapped_column(String(255))
    invite_token: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_seen_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Chat moderation (issue 19): blocked messages since the last suspension, and until when
    # the person's chats are suspended.
    chat_strikes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    chat_suspended_until: Mapped[datetime | None] = mapped_column()

    organizer: Mapped[Organizer | None] = relationship(back_populates="user", uselist=False)


class Organizer(Base):
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    payment_details: Mapped[str] = mapped_column(Text, default="")
    buyers_choose_pickup: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[OrganizerStatus] = mapped_column(
        str_enum(OrganizerStatus), default=OrganizerStatus.ACTIVE
    )
    strikes: Mapped[int] = mapped_column(Integer, default=0)
    # Approval for sharing promo codes (migration 0008): asked for by creating a shared code,
    # decided by a service admin; a refusal keeps its reason for the organizer.
    approval_requested_at: Mapped[datetime | None] = mapped_column()
    approval_refusal: Mapped[str | None] = mapped_column(Text)
    # Money owed back for what the supplier did not send may stay with the organizer as the
    # buyer's credit for the next order (migration 0010, `BuyerCredit`).
    credits_allowed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(back_populates="organizer")
    pickup_points: Mapped[list[PickupPoint]] = relationship(
        back_populates="organizer", order_by="PickupPoint.id"
    )


class PickupPoint(Base):
    __tablename__ = "pickup_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(255))
    hours: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at_column()

    organizer: Mapped[Organizer] = relationship(back_populates="pickup_points")


class Community(Base):
    """A Telegram group/channel or a VK community the bot is in."""

    __tablename__ = "communities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(255), default="")
    added_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizers.id"), index=True)
    # A Telegram channel's linked discussion group, where comments to posts arrive.
    discussion_chat_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    linked_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()


# --- purchases and orders --------------------------------------------------------------------


class Purchase(Base):
    __tablename__ = "purchases"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    supplier: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    fee_bp: Mapped[int] = mapped_column(Integer, default=0)
    stop_at: Mapped[datetime | None] = mapped_column()
    payment_due_at: Mapped[datetime | None] = mapped_column()
    min_total_kop: Mapped[int | None] = mapped_column(BigInteger)
    # The minimum to buy out may be in pieces instead of a sum (migration 0011), and the
    # organizer hears once when it is reached (domain/buyouts.py, bot/services/buyouts.py).
    min_pieces: Mapped[int | None] = mapped_column(Integer)
    minimum_reached_at: Mapped[datetime | None] = mapped_column()
    # The purchase this one repeats ("the next buy-out"); a plain id: SQLite cannot add a
    # foreign key to an existing table in place.
    repeat_of_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[PurchaseStatus] = mapped_column(
        str_enum(PurchaseStatus), default=PurchaseStatus.DRAFT, index=True
    )
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    # A referral round's discount comes off what the organizer receives, so the organizer
    # may opt a purchase out of round codes (migration 0005); codes already applied stay.
    accepts_round_discounts: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    # Where and when the goods are handed out, as the organizer words it for buyers.
    pickup_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Transport costs ("ТР", migration 0012): the shipment's delivery cost as entered after
    # arrival (None: not entered), how it was split (domain.transport.SplitBasis) and when.
    transport_kop: Mapped[int | None] = mapped_column(BigInteger)
    transport_basis: Mapped[str | None] = mapped_column(String(16))
    transport_set_at: Mapped[datetime | None] = mapped_column()
    # A deleted draft: kept (nothing refers to it by then, but ids stay unique and the
    # history readable) and hidden from every lookup (storage/repositories/purchases.py).
    deleted_at: Mapped[datetime | None] = mapped_column()
    # When it became closed or cancelled: the archive's order, newest first.
    archived_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    organizer: Mapped[Organizer] = relationship()
    items: Mapped[list[PurchaseItem]] = relationship(
        back_populates="purchase", order_by="PurchaseItem.position"
    )


class PurchaseItem(Base):
    __tablename__ = "purchase_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    price_kop: Mapped[int] = mapped_column(BigInteger)
    # Sizes or variants as typed by the organizer, in order; empty list = no choice.
    sizes: Mapped[list[str]] = mapped_column(JSON, default=list)
    article: Mapped[str | None] = mapped_column(String(100))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sold by size rows (domain/size_rows.py, migration 0010): one piece of each size per
    # row, or `row_pieces` pieces of any sizes per row.
    by_rows: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    row_pieces: Mapped[int | None] = mapped_column(Integer)
    # Grams per piece, for a transport split by weight (migration 0012); None: not entered.
    weight_g: Mapped[int | None] = mapped_column(Integer)

    purchase: Mapped[Purchase] = relationship(back_populates="items")


class PurchasePhoto(Base):
    """One of a purchase's photos, in the organizer's order. The first one is the cover,
    copied to `Purchase.photo_id` by `PurchaseRepository` (community posts and the card
    read it there)."""

    __tablename__ = "purchase_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_at_column()


class PurchaseStatusChange(Base):
    __tablename__ = "purchase_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), index=True)
    from_status: Mapped[PurchaseStatus | None] = mapped_column(str_enum(PurchaseStatus))
    to_status: Mapped[PurchaseStatus] = mapped_column(str_enum(PurchaseStatus))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=clock.now)


class PurchasePost(Base):
    """A purchase posted to a community: where comments under it belong."""

    __tablename__ = "purchase_posts"
    __table_args__ = (UniqueConstraint("community_id", "external_post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    external_post_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_items.id"))
    created_at: Mapped[datetime] = created_at_column()


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_buyer_created", "buyer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short human number derived from `id` (domain.order_numbers), stored for lookups.
    number: Mapped[str | None] = mapped_column(String(16), unique=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus), default=OrderStatus.ACTIVE)
    pickup_point_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_points.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    items_total_kop: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_kop: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_kop: Mapped[int] = mapped_column(BigInteger, default=0)
    due_kop: Mapped[int] = mapped_column(BigInteger, default=0)
    confirmed_paid_kop: Mapped[int] = mapped_column(BigInteger, default=0)
    # Refunds the organizer recorded as paid back (the sum of `Refund` rows of the order).
    refunded_kop: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Claims decided with money (issue 19): lowers what the order costs (domain/balance.py).
    compensation_kop: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The order's share of the transport cost (migration 0012), already part of `due_kop`:
    # due = items + fee - discount + transport (bot/services/transport.py keeps both).
    transport_kop: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    promo_code_id: Mapped[int | None] = mapped_column(ForeignKey("promo_codes.id"))
    # Marked when the payment deadline passed with money still to pay (migration 0011).
    unpaid_marked_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    purchase: Mapped[Purchase] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", order_by="OrderLine.id")


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("purchase_items.id"), index=True)
    size: Mapped[str] = mapped_column(String(50), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    # Price at the moment of ordering, so later price edits do not rewrite history.
    price_kop: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    # Pieces that do not reach the buyer (domain/shortfalls.py, migration 0010): in a size
    # row dropped at the stop, and not sent by the supplier (`shortfall` says why, last).
    dropped_qty: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    missing_qty: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    shortfall: Mapped[str | None] = mapped_column(String(16))
    # A replacement the supplier sent for `replacement_qty` pieces ("46", "синий"), and
    # whether the buyer took it (`domain.shortfalls.Replacement`).
    replacement: Mapped[str | None] = mapped_column(String(100))
    replacement_qty: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    replacement_state: Mapped[str | None] = mapped_column(String(16))

    order: Mapped[Order] = relationship(back_populates="lines")
    item: Mapped[PurchaseItem] = relationship()


class BlacklistEntry(Base):
    """A buyer on one organizer's own black list (migration 0011): their orders with this
    organizer need prepayment or are refused (`domain.buyouts.BlacklistMode`). Nobody else
    sees it, other organizers included."""

    __tablename__ = "blacklist_entries"
    __table_args__ = (UniqueConstraint("organizer_id", "buyer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    mode: Mapped[BlacklistMode] = mapped_column(str_enum(BlacklistMode))
    note: Mapped[str] = mapped_column(Text, default="")
    # The order number the organizer named the buyer by (they never see the account).
    order_number: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = created_at_column()


# --- payments --------------------------------------------------------------------------------


class PaymentReport(Base):
    __tablename__ = "payment_reports"
    __table_args__ = (Index("ix_payment_reports_org_status", "organizer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"))
    amount_kop: Mapped[int] = mapped_column(BigInteger)
    paid_at: Mapped[datetime] = mapped_column()
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod))
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PaymentReportStatus] = mapped_column(
        str_enum(PaymentReportStatus), default=PaymentReportStatus.PENDING
    )
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    reject_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

    allocations: Mapped[list[PaymentAllocation]] = relationship(back_populates="report")


class PaymentAllocation(Base):
    """The part of one report that pays one order (a report may cover several orders)."""

    __tablename__ = "payment_allocations"
    __table_args__ = (UniqueConstraint("report_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("payment_reports.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    amount_kop: Mapped[int] = mapped_column(BigInteger)
    # Decided per order: the organizer may confirm one order's part and reject another's
    # (migration 0005); the report stays pending until every part is decided.
    status: Mapped[PaymentReportStatus] = mapped_column(
        str_enum(PaymentReportStatus),
        default=PaymentReportStatus.PENDING,
        server_default=PaymentReportStatus.PENDING.value,
    )
    decided_at: Mapped[datetime | None] = mapped_column()
    reject_reason: Mapped[str | None] = mapped_column(Text)

    report: Mapped[PaymentReport] = relationship(back_populates="allocations")


class Refund(Base):
    """Money the organizer recorded as paid back to a buyer for one order (an overpayment,
    or what was paid for a cancelled order or purchase); `Order.refunded_kop` is their sum."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    amount_kop: Mapped[int] = mapped_column(BigInteger)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()


class SizeRowDecision(Base):
    """The organizer's choice for an unfilled size row at the stop (domain/size_rows.py)."""

    __tablename__ = "size_row_decisions"
    __table_args__ = (UniqueConstraint("item_id", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("purchase_items.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()


class BuyerCredit(Base):
    """A buyer's credit with one organizer, as a ledger: + what an order owed back and the
    buyer chose to keep (that order's `refunded_kop` grows by it), - what a later order used
    (its `confirmed_paid_kop` grows by it). The balance is the sum."""

    __tablename__ = "buyer_credits"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    amount_kop: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = created_at_column()


# --- comments --------------------------------------------------------------------------------


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_user_created", "user_id", "created_at"),
        UniqueConstraint("source", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_items.id"))
    text: Mapped[str] = mapped_column(Text)
    # domain.comments.IN_BOT, or the platform of the post it was written under.
    source: Mapped[str] = mapped_column(String(20))
    # The platform's comment id, so a redelivered wall_reply_new is recorded once.
    external_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()
    # The organizer's answer, delivered to the buyer; a comment without one is unanswered.
    reply_text: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column()


# --- referral rounds and promo codes ---------------------------------------------------------


class ReferralRound(Base):
    __tablename__ = "referral_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    threshold: Mapped[int] = mapped_column(Integer, default=10)
    discount_kind: Mapped[DiscountKind] = mapped_column(str_enum(DiscountKind))
    discount_value: Mapped[int] = mapped_column(BigInteger)
    min_order_kop: Mapped[int] = mapped_column(BigInteger, default=0)
    codes_valid_until: Mapped[datetime | None] = mapped_column()
    # none | first_order | first_payment: what a friend must do before counting.
    qualifying_action: Mapped[str] = mapped_column(String(20), default="none")
    # Series: open the next round this many seconds after this one ends (None = no series).
    next_round_pause_s: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[RoundStatus] = mapped_column(
        str_enum(RoundStatus), default=RoundStatus.SCHEDULED, index=True
    )
    opened_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()


class Invite(Base):
    """A friend arriving through someone's invite link, counted or refused with a reason."""

    __tablename__ = "invites"
    __table_args__ = (Index("ix_invites_round_inviter", "round_id", "inviter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("referral_rounds.id"))
    inviter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    invitee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[InviteStatus] = mapped_column(str_enum(InviteStatus))
    refusal_reason: Mapped[str | None] = mapped_column(String(32))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()
    counted_at: Mapped[datetime | None] = mapped_column()


# One inviter per friend ever: a partial unique index would be neater, but must work on both
# backends, so counted/waiting invites are guarded in code under a row lock instead.


class PromoCode(Base):
    __tablename__ = "promo_codes"
    __table_args__ = (UniqueConstraint("round_id", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[PromoKind] = mapped_column(str_enum(PromoKind))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizers.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("referral_rounds.id"))
    discount_kind: Mapped[DiscountKind] = mapped_column(str_enum(DiscountKind))
    discount_value: Mapped[int] = mapped_column(BigInteger)
    min_order_kop: Mapped[int] = mapped_column(BigInteger, default=0)
    scope: Mapped[PromoScope] = mapped_column(str_enum(PromoScope), default=PromoScope.ALL)
    scope_purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchases.id"))
    scope_category: Mapped[str | None] = mapped_column(String(100))
    starts_at: Mapped[datetime | None] = mapped_column()
    ends_at: Mapped[datetime | None] = mapped_column()
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    per_user_limit: Mapped[int | None] = mapped_column(Integer, default=1)
    # Decided at creation and fixed afterwards (PRODUCT.md, journey 8).
    shared_with_affiliates: Mapped[bool] = mapped_column(Boolean, default=False)
    approval: Mapped[ApprovalStatus] = mapped_column(
        str_enum(ApprovalStatus), default=ApprovalStatus.NOT_SHARED
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at_column()
    # A service admin's decision on a shared code (migration 0008): when, and why not.
    decided_at: Mapped[datetime | None] = mapped_column()
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column()


class PromoRedemption(Base):
    __tablename__ = "promo_redemptions"
    __table_args__ = (UniqueConstraint("promo_code_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promo_code_id: Mapped[int] = mapped_column(ForeignKey("promo_codes.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    affiliate_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    discount_kop: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = created_at_column()


class AffiliateLink(Base):
    """An affiliate's personal share link for one shared promo code."""

    __tablename__ = "affiliate_links"
    __table_args__ = (UniqueConstraint("affiliate_id", "promo_code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    affiliate_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    promo_code_id: Mapped[int] = mapped_column(ForeignKey("promo_codes.id"))
    token: Mapped[str] = mapped_column(String(32), unique=True)
    # How many times people other than the affiliate opened it (migration 0008).
    visits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = created_at_column()


class Affiliate(Base):
    """Someone who applied to share promo codes: their audience, and the admin's decision."""

    __tablename__ = "affiliates"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    about: Mapped[str] = mapped_column(Text)
    status: Mapped[ApprovalStatus] = mapped_column(str_enum(ApprovalStatus))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    decided_at: Mapped[datetime | None] = mapped_column()


class AffiliateAttribution(Base):
    """A buyer who opened an affiliate's link for a code: the last link opened wins."""

    __tablename__ = "affiliate_attributions"
    __table_args__ = (UniqueConstraint("buyer_id", "promo_code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    promo_code_id: Mapped[int] = mapped_column(ForeignKey("promo_codes.id"))
    affiliate_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=clock.now)


class AffiliateFollow(Base):
    """Categories an affiliate follows, to hear about new shared codes."""

    __tablename__ = "affiliate_follows"
    __table_args__ = (UniqueConstraint("user_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(100))


# --- buyer–organizer chat and moderation -----------------------------------------------------


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ConversationKind] = mapped_column(str_enum(ConversationKind))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    status: Mapped[ConversationStatus] = mapped_column(
        str_enum(ConversationStatus), default=ConversationStatus.OPEN
    )
    answer_due_at: Mapped[datetime | None] = mapped_column()
    claim_decision: Mapped[ClaimDecision | None] = mapped_column(str_enum(ClaimDecision, 32))
    claim_amount_kop: Mapped[int | None] = mapped_column(BigInteger)
    claim_reason: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()
    # Issue 19: since when the buyer waits for the organizer (None: nobody waits), the last
    # message, and a claim's order line (no foreign key: added by a plain ALTER on SQLite),
    # problem, wish, who decided and when the buyer accepted.
    waiting_since: Mapped[datetime | None] = mapped_column()
    last_message_at: Mapped[datetime | None] = mapped_column()
    claim_line_id: Mapped[int | None] = mapped_column(Integer)
    claim_problem: Mapped[str | None] = mapped_column(String(16))
    claim_wish: Mapped[str | None] = mapped_column(String(32))
    claim_decided_by: Mapped[str | None] = mapped_column(String(16))
    claim_accepted_at: Mapped[datetime | None] = mapped_column()


class ChatMessage(Base):
    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_organizer: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    media_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    verdict: Mapped[ModerationVerdict] = mapped_column(str_enum(ModerationVerdict))
    rule: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = created_at_column()


class ModerationViolation(Base):
    __tablename__ = "moderation_violations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    rule: Mapped[str] = mapped_column(String(32))
    excerpt: Mapped[str] = mapped_column(Text)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()
    # Issue 19: where it happened (chat, claim, comment, deadline) and whether a service
    # admin marked it a false block (kept as a case for the word lists).
    source: Mapped[str] = mapped_column(String(16), default="chat", server_default="chat")
    false_block: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# --- runtime: dialogs, idempotency, outbox, scheduled work ----------------------------------


class DialogState(Base):
    """A half-filled form, kept in the database so a restart loses nothing."""

    __tablename__ = "dialog_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    dialog: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)


class ProcessedUpdate(Base):
    """Update ids already handled: a redelivered update is acknowledged and ignored."""

    __tablename__ = "processed_updates"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    bot_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    # The replies the update's transaction produced (Reply.to_json), kept with it: a polled
    # update whose process died after the commit, before its replies went out, is answered
    # from here after the restart (bot/core/intake.py).
    replies: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class RefusedUpdate(Base):
    """An update a platform sent that could not be read (malformed, of an unknown shape):
    recorded with the reason, then confirmed to the platform, so it is neither retried forever
    nor able to hold up the updates after it."""

    __tablename__ = "refused_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    bot_key: Mapped[str] = mapped_column(String(64), default="")
    update_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    # The body as received (JSON text), cut to a bound: enough to reproduce, never unbounded.
    raw: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()


class InboxUpdate(Base):
    """An update received by long polling, kept from the moment it is read until it is
    handled: the platform may then be told to forget it (Telegram's offset) without the
    update being lost if the process dies first. A restart hands the rows still here (and
    not claimed in processed_updates) to the dispatcher again."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_source", "platform", "bot_key", "seq"),)

    seq: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    bot_key: Mapped[str] = mapped_column(String(64))
    update_id: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = created_at_column()


class PollCursor(Base):
    """How far a long-poll source (VK's `ts` of one community...) is handled: the position to
    ask from after a restart or when another process takes the polling over. It moves only
    once every update before it has committed, so a crash costs a redelivery, never a loss."""

    __tablename__ = "poll_cursors"

    source: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)


class OutboxMessage(Base):
    """A message to deliver, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "platform", "status", "next_attempt_at"),
        UniqueConstraint("dedup_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    bot_key: Mapped[str] = mapped_column(String(64), default="")
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Platform chat id: the user's private chat, or a community for posts.
    chat_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[OutboxKind] = mapped_column(str_enum(OutboxKind))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedup_key: Mapped[str | None] = mapped_column(String(200))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    # The sender whose claim holds the message (until next_attempt_at); None when it waits.
    # A sender that takes the lease over gives a dead holder's claims back at once.
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None] = mapped_column()


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchases.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    total: Mapped[int] = mapped_column(Integer, default=0)
    reported: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = created_at_column()


class ScheduledTask(Base):
    """Work that must happen at a time (open a round, remind, escalate), done exactly once.

    The scheduler re-plans pending tasks from this table at start, so missed work is caught up.
    """

    __tablename__ = "scheduled_tasks"
    __table_args__ = (Index("ix_scheduled_tasks_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Unique per logical task ("round-open:7", "pay-reminder:12:day-before").
    key: Mapped[str] = mapped_column(String(200), unique=True)
    due_at: Mapped[datetime] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus), default=TaskStatus.PENDING)
    done_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()


class Lease(Base):
    """A named lease in the database: elects the one process that schedules or drains."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column()
