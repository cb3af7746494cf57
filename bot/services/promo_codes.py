"""Organizers' promo codes: creating one, approving codes, organizers and affiliates, telling
followers of a category about a new code, affiliate links and attribution, and redeeming a
code on an order through the same checks as the personal referral codes.

Handlers (handlers/organizer/promo_codes.py, handlers/admin/approvals.py,
handlers/buyer/affiliates.py) call these inside their own transaction; the rules are in
domain.promo_codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.errors import UserError
from bot.core.payloads import CommandPayload
from bot.core.replies import Button, Reply
from bot.services.referrals import (
    PROMO_ERRORS,
    moment,
    offer_text,
    order_open_for_code,
    promo_error,
    put_code_on,
    sum_before_discount,
    sum_meeting_minimum,
)
from bot.texts import Texts
from domain.codes import is_link_token, new_link_token, new_promo_code
from domain.promo_codes import (
    ATTRIBUTION_WINDOW,
    CodeRefusal,
    OrganizerCodeFacts,
    attribution_live,
    code_refusal,
    in_scope,
)
from domain.referrals import DiscountKind, PromoRefusal, discount_for, meets_minimum
from storage.models import (
    Affiliate,
    AffiliateLink,
    ApprovalStatus,
    Order,
    Organizer,
    OrganizerStatus,
    OutboxKind,
    PromoCode,
    PromoKind,
    PromoScope,
    Purchase,
    User,
)
from storage.uow import UnitOfWork

AFFILIATE_LINK_PREFIX = "aff"
CODE_ATTEMPTS = 5
TOKEN_ATTEMPTS = 5

REFUSALS = {
    CodeRefusal.NOT_FOUND: PROMO_ERRORS[PromoRefusal.NOT_FOUND],
    CodeRefusal.CANCELLED: PROMO_ERRORS[PromoRefusal.NOT_FOUND],
    CodeRefusal.NOT_STARTED: "promo-refused-not-started",
    CodeRefusal.EXPIRED: "promo-refused-expired",
    CodeRefusal.USED_UP: "promo-refused-used-up",
    CodeRefusal.USER_LIMIT: "promo-refused-user-limit",
    CodeRefusal.OUT_OF_SCOPE: "promo-refused-out-of-scope",
}


# --- texts -------------------------------------------------------------------------------------


def code_offer(texts: Texts, lang: str, code: PromoCode) -> str:
    return offer_text(texts, lang, code.discount_kind, code.discount_value, code.min_order_kop)


def scope_text(texts: Texts, lang: str, code: PromoCode, purchase_title: str | None) -> str:
    if code.scope is PromoScope.PURCHASE:
        return texts.get(lang, "promo-scope-purchase", title=purchase_title or "—")
    if code.scope is PromoScope.CATEGORY:
        return texts.get(lang, "promo-scope-category", category=code.scope_category or "—")
    return texts.get(lang, "promo-scope-all")


def dates_text(texts: Texts, lang: str, code: PromoCode) -> str:
    return texts.get(
        lang,
        "promo-dates",
        starts=moment(code.starts_at) if code.starts_at else "—",
        ends=moment(code.ends_at) if code.ends_at else "—",
    )


async def purchase_title(uow: UnitOfWork, code: PromoCode) -> str | None:
    if code.scope_purchase_id is None:
        return None
    purchase = await uow.promos.purchase(code.scope_purchase_id)
    return purchase.title if purchase is not None else None


# --- creating ----------------------------------------------------------------------------------


def form_terms(form: dict[str, Any]) -> dict[str, Any]:
    """The code's terms as the creation form keeps them (plain values in the dialog's
    state), as PromoCode fields: one reading for the preview and the code written."""
    return {
        "discount_kind": DiscountKind(form["discount_kind"]),
        "discount_value": form["discount_value"],
        "min_order_kop": form["min_order_kop"],
        "scope": PromoScope(form["scope"]),
        "scope_purchase_id": form.get("scope_purchase_id"),
        "scope_category": form.get("scope_category"),
        "starts_at": datetime.fromisoformat(form["starts_at"]),
        "ends_at": datetime.fromisoformat(form["ends_at"]),
        "usage_limit": form.get("usage_limit"),
        "per_user_limit": form.get("per_user_limit"),
        "shared_with_affiliates": bool(form["shared"]),
    }


async def create_code(
    uow: UnitOfWork, organizer: Organizer, form: dict[str, Any], now: datetime
) -> PromoCode:
    """Write the code the form describes. A shared code waits for a service admin (and so
    does its organizer, unless approved already); the sharing choice is final."""
    shared = bool(form["shared"])
    text = form.get("code")
    for _ in range(CODE_ATTEMPTS):
        candidate = text or new_promo_code()
        if text and await uow.promos.code_taken(candidate):
            raise UserError("promo-form-code-taken", code=candidate)
        code = PromoCode(
            code=candidate,
            kind=PromoKind.ORGANIZER,
            organizer_id=organizer.id,
            **form_terms(form),
            approval=ApprovalStatus.PENDING if shared else ApprovalStatus.NOT_SHARED,
            active=True,
            created_at=now,
        )
        if await uow.promos.add_code(code):
            break
        if text:
            raise UserError("promo-form-code-taken", code=candidate)
    else:
        raise RuntimeError("no free promo code found")
    if shared and organizer.status is OrganizerStatus.ACTIVE:
        organizer.approval_requested_at = organizer.approval_requested_at or now
    return code


async def cancel_code(uow: UnitOfWork, code: PromoCode, now: datetime) -> None:
    """It stops redeeming and leaves the catalogue; orders that used it keep their discount.
    Sharing stays as chosen."""
    code.active = False
    code.cancelled_at = now


# --- approval ----------------------------------------------------------------------------------


async def announce_code(uow: UnitOfWork, code: PromoCode, texts: Texts, now: datetime) -> int:
    """Tell the approved affiliates following the code's category about it, once (through
    the outbox, as a notification: only those who allow them get it). Returns how many
    messages were queued."""
    if await uow.promos.visible_code(code.id, now) is None:
        return 0
    category = await uow.promos.code_category(code)
    organizer = await uow.promos.organizer(code.organizer_id or 0)
    title = await purchase_title(uow, code)
    queued = 0
    for follower in await uow.promos.followers(category):
        lang = follower.language
        text = texts.get(
            lang,
            "promo-follow-new-code",
            category=category or texts.get(lang, "promo-category-any"),
            code=code.code,
            offer=code_offer(texts, lang, code),
            scope=scope_text(texts, lang, code, title),
            dates=dates_text(texts, lang, code),
            organizer=organizer.name if organizer is not None else "—",
        )
        button = Button(
            texts.get(lang, "promo-button-catalogue"), CommandPayload(name="affiliate").pack()
        )
        message = await uow.outbox.enqueue(
            follower,
            Reply(text=text, buttons=[[button]]),
            OutboxKind.NOTIFICATION,
            dedup_key=f"promo-follow:{code.id}:{follower.id}",
        )
        queued += message is not None
    return queued


async def decide_code(
    uow: UnitOfWork, code: PromoCode, approve: bool, reason: str | None, now: datetime, texts: Texts
) -> None:
    code.approval = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    code.refusal_reason = None if approve else reason
    code.decided_at = now
    organizer = await uow.promos.organizer(code.organizer_id or 0)
    if organizer is None:
        return
    owner = await uow.users.get(organizer.user_id)
    if owner is not None:
        key = "promo-code-approved" if approve else "promo-code-refused"
        text = texts.get(owner.language, key, code=code.code, reason=reason or "")
        await uow.outbox.enqueue(owner, Reply(text=text), OutboxKind.ANSWER)
    if approve:
        await uow.session.flush()
        await announce_code(uow, code, texts, now)


async def decide_organizer(
    uow: UnitOfWork,
    organizer: Organizer,
    approve: bool,
    reason: str | None,
    now: datetime,
    texts: Texts,
) -> None:
    organizer.approval_requested_at = None
    if approve:
        organizer.status = OrganizerStatus.APPROVED
        organizer.approval_refusal = None
    else:
        organizer.approval_refusal = reason
    owner = await uow.users.get(organizer.user_id)
    if owner is not None:
        key = "promo-organizer-approved" if approve else "promo-organizer-refused"
        text = texts.get(owner.language, key, reason=reason or "")
        await uow.outbox.enqueue(owner, Reply(text=text), OutboxKind.ANSWER)
    if approve:
        await uow.session.flush()
        for code in await uow.promos.approved_codes_of(organizer.id):
            await announce_code(uow, code, texts, now)


# --- affiliate links ---------------------------------------------------------------------------


def affiliate_payload(token: str) -> str:
    return f"{AFFILIATE_LINK_PREFIX}_{token}"


async def ensure_link(uow: UnitOfWork, affiliate: User, code: PromoCode) -> AffiliateLink:
    link = await uow.promos.link_of(affiliate.id, code.id)
    if link is not None:
        return link
    for _ in range(TOKEN_ATTEMPTS):
        token = new_link_token()
        if not await uow.promos.token_taken(token):
            link = AffiliateLink(affiliate_id=affiliate.id, promo_code_id=code.id, token=token)
            await uow.promos.add_link(link)
            return link
    raise RuntimeError("no free affiliate link token found")


@dataclass(frozen=True, slots=True)
class Visit:
    code: PromoCode | None  # None: the link is unknown, or its code no longer shared
    own: bool = False  # the affiliate opened their own link


async def open_link(uow: UnitOfWork, token: str, buyer: User, now: datetime) -> Visit:
    """A buyer opened an affiliate link: attributed to that affiliate for the code."""
    link = await uow.promos.link_by_token(token) if is_link_token(token) else None
    if link is None:
        return Visit(None)
    code = await uow.promos.visible_code(link.promo_code_id, now)
    if code is None:
        return Visit(None)
    if link.affiliate_id == buyer.id:
        return Visit(code, own=True)
    link.visits += 1
    await uow.promos.attribute(buyer.id, code.id, link.affiliate_id, now)
    return Visit(code)


# --- redeeming ---------------------------------------------------------------------------------


def refusal_error(refusal: CodeRefusal, code: PromoCode) -> UserError:
    return UserError(
        REFUSALS[refusal],
        code=code.code,
        starts=moment(code.starts_at) if code.starts_at else "",
        until=moment(code.ends_at) if code.ends_at else "",
    )


async def check_code(uow: UnitOfWork, user: User, code: PromoCode, now: datetime) -> None:
    """Refuse a code this buyer cannot use now (dates, cancelled, limits)."""
    facts = OrganizerCodeFacts(
        active=code.active,
        starts_at=code.starts_at,
        ends_at=code.ends_at,
        usage_limit=code.usage_limit,
        per_user_limit=code.per_user_limit,
        used=await uow.promos.uses(code.id),
        used_by_buyer=await uow.promos.uses(code.id, user.id),
    )
    refusal = code_refusal(facts, now)
    if refusal is not None:
        raise refusal_error(refusal, code)


def fits(code: PromoCode, purchase: Purchase) -> bool:
    return in_scope(
        code.scope,
        code.scope_purchase_id,
        code.scope_category,
        code_organizer_id=code.organizer_id,
        purchase_id=purchase.id,
        purchase_organizer_id=purchase.organizer_id,
        purchase_category=purchase.category,
    )


async def redeem_code(
    uow: UnitOfWork,
    user: User,
    code_id: int,
    order_id: int,
    now: datetime,
    *,
    by_link: bool,
) -> tuple[PromoCode, Order, int]:
    """Put an organizer's code on the buyer's order; returns the code, order and discount.

    `by_link`: offered because the buyer came by an affiliate's link; the redemption
    records that affiliate while the attribution lives. A typed code records none.
    """
    code = await uow.promos.code(code_id, lock=True)
    if code is None:
        raise promo_error(PromoRefusal.NOT_FOUND)
    await check_code(uow, user, code, now)
    order, purchase, number = await order_open_for_code(uow, user, order_id)
    if order.due_kop <= order.confirmed_paid_kop:
        raise promo_error(PromoRefusal.ORDER_PAID, number=number)
    if not fits(code, purchase):
        raise refusal_error(CodeRefusal.OUT_OF_SCOPE, code)
    order_sum = sum_meeting_minimum(code, order, purchase, user, number)
    affiliate_id = None
    if by_link:
        attribution = await uow.promos.attribution(user.id, code.id)
        if attribution is not None and attribution_live(attribution.opened_at, now):
            affiliate_id = attribution.affiliate_id
    discount = put_code_on(order, purchase, code, order_sum, now)
    await uow.referrals.add_redemption(
        promo_code_id=code.id,
        order_id=order.id,
        user_id=user.id,
        affiliate_id=affiliate_id,
        discount_kop=discount,
        created_at=now,
    )
    return code, order, discount


async def linked_offers(
    uow: UnitOfWork, user: User, order: Order, purchase: Purchase, now: datetime
) -> list[tuple[PromoCode, int]]:
    """Codes the buyer came for by an affiliate's link (the last 30 days) that this order
    can take now, with their discount: offered with one button right after ordering."""
    if order.promo_code_id is not None or order.due_kop <= order.confirmed_paid_kop:
        return []
    order_sum = sum_before_discount(order, purchase.fee_bp)
    offers = []
    for attribution in await uow.promos.attributions_of(user.id, now - ATTRIBUTION_WINDOW):
        code = await uow.promos.code(attribution.promo_code_id)
        if code is None or not fits(code, purchase):
            continue
        if not meets_minimum(order_sum, code.min_order_kop):
            continue
        try:
            await check_code(uow, user, code, now)
        except UserError:
            continue
        offers.append((code, discount_for(code.discount_kind, code.discount_value, order_sum)))
    return offers


async def orders_for_code(
    uow: UnitOfWork, user: User, code: PromoCode, *, limit: int
) -> list[Order]:
    """The buyer's open orders a typed code may go on (in its scope), newest first."""
    orders = await uow.promos.open_orders(user.id, code.organizer_id or 0)
    return [order for order in orders if fits(code, order.purchase)][:limit]


async def decide_affiliate(
    uow: UnitOfWork,
    affiliate: Affiliate,
    approve: bool,
    reason: str | None,
    now: datetime,
    texts: Texts,
) -> None:
    affiliate.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    affiliate.refusal_reason = None if approve else reason
    affiliate.decided_at = now
    person = await uow.users.get(affiliate.user_id)
    if person is not None:
        key = "promo-affiliate-approved" if approve else "promo-affiliate-refused"
        button = Button(
            texts.get(person.language, "promo-button-catalogue"),
            CommandPayload(name="affiliate").pack(),
        )
        text = texts.get(person.language, key, reason=reason or "")
        await uow.outbox.enqueue(person, Reply(text=text, buttons=[[button]]), OutboxKind.ANSWER)
