"""Referral services: friends arriving by invite links, qualifying actions, personal codes,
an admin's credit and void, and redeeming a code on an order.

Handlers (handlers/buyer/referrals.py, handlers/admin/rounds.py), the round tasks
(bot/services/rounds.py) and other areas call these inside their own transaction; the rules
themselves are in domain.referrals.

For other areas:
- `on_qualifying_action(uow, user, "first_order" | "first_payment", now)`: call it when a
  person places an order and when a payment of theirs is confirmed (every time is fine: it
  is one cheap query unless the person is a friend still waiting to count).
- `apply_promo(uow, user, order, code_text, now)`: put a personal code on an order.
- `refresh_promo_discount(uow, order, now)`: after an order's lines change or it is
  cancelled, so a percent discount follows the new sum and a code on an order that no
  longer qualifies is released.

Counting is serialized per inviter: the inviter's user row is locked before anything is
counted, so two friends arriving at once for the last place give exactly one code; the
unique (round_id, owner_id) of promo codes is the last guard.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from bot.core.errors import UserError
from bot.core.payloads import CommandPayload
from bot.core.replies import Button, Reply
from bot.texts import Texts
from domain.codes import is_link_token, new_link_token, new_promo_code, normalize_code
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.money import format_amount, format_percent
from domain.payments import format_moscow
from domain.pricing import fee_kopecks, order_due
from domain.referrals import (
    Arrival,
    CodeFacts,
    DiscountKind,
    InviteStatus,
    PromoRefusal,
    QualifyingAction,
    RefusalReason,
    burst_flags,
    burst_since,
    code_refusal,
    codes_valid_until,
    decide_arrival,
    discount_for,
    is_repeat,
    meets_minimum,
    reached_threshold,
    satisfies,
)
from storage.models import (
    ApprovalStatus,
    Invite,
    Order,
    OutboxKind,
    PromoCode,
    PromoKind,
    PromoScope,
    Purchase,
    ReferralRound,
    RoundStatus,
    User,
)
from storage.repositories.orders import set_due
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

INVITE_LINK_PREFIX = "inv"
TOKEN_ATTEMPTS = 5
CODE_ATTEMPTS = 5
MAX_CODE_LENGTH = 32

PROMO_ERRORS = {
    PromoRefusal.NOT_FOUND: "referrals-promo-not-found",
    PromoRefusal.USED: "referrals-promo-used",
    PromoRefusal.EXPIRED: "referrals-promo-expired",
    PromoRefusal.NOT_STARTED: "referrals-promo-not-started",
    PromoRefusal.ORDER_NOT_FOUND: "referrals-promo-order-not-found",
    PromoRefusal.ORDER_CLOSED: "referrals-promo-order-closed",
    PromoRefusal.ORDER_PAID: "referrals-promo-order-paid",
    PromoRefusal.ORDER_HAS_CODE: "referrals-promo-order-has-code",
    PromoRefusal.BELOW_MINIMUM: "referrals-promo-below-minimum",
    PromoRefusal.PURCHASE_OPTED_OUT: "payment-splits-promo-opted-out",
}


@cache
def shared_texts() -> Texts:
    """Texts for callers that have none at hand (another area's service call)."""
    return Texts()


# --- texts used by several places -------------------------------------------------------------


def offer_text(texts: Texts, lang: str, kind: str, value: int, min_order_kop: int) -> str:
    """ "скидка 399 ₽ на заказ от 400 ₽" / "скидка 10 % на любой заказ"."""
    discount = (
        format_amount(value, lang) if kind == DiscountKind.FIXED else format_percent(value, lang)
    )
    if min_order_kop:
        return texts.get(
            lang, "referrals-offer-min", discount=discount, min=format_amount(min_order_kop, lang)
        )
    return texts.get(lang, "referrals-offer", discount=discount)


def round_offer(texts: Texts, lang: str, round_: ReferralRound) -> str:
    return offer_text(
        texts, lang, round_.discount_kind, round_.discount_value, round_.min_order_kop
    )


def moment(value: datetime) -> str:
    return format_moscow(value)


def invite_payload(token: str) -> str:
    return f"{INVITE_LINK_PREFIX}_{token}"


async def ensure_invite_token(uow: UnitOfWork, user: User) -> str:
    """The person's invite token, created on first use (unique, unguessable).

    One token per person, not per round, on purpose: people paste their link once into a
    profile or a chat, and a link that died with its round would turn friends away in the
    next one. A friend always counts in the round open when they arrive; with no round open
    the arrival is refused as "round closed" (`decide_arrival`), which is what "links of a
    closed round are not counted" means here."""
    if user.invite_token:
        return user.invite_token
    for _ in range(TOKEN_ATTEMPTS):
        token = new_link_token()
        if not await uow.referrals.token_taken(token):
            user.invite_token = token
            return token
    raise RuntimeError("no free invite token found")


# --- friends arriving -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArrivalResult:
    verdict: InviteStatus
    reason: RefusalReason | None = None
    invite: Invite | None = None
    round: ReferralRound | None = None
    code: PromoCode | None = None  # issued to the inviter by this arrival
    repeat: bool = False  # the same inviter's link again: `invite` is the one that stands


async def arrive_by_token(
    uow: UnitOfWork, token: str, invitee: User, *, first_contact: bool, now: datetime, texts: Texts
) -> ArrivalResult:
    """Someone opened the invite link `inv_<token>`."""
    inviter = await uow.referrals.user_by_token(token) if is_link_token(token) else None
    if inviter is None:
        # No inviter to file a refusal under: answered, logged, not stored.
        log.info("invite link with an unknown token opened by user %s", invitee.id)
        return ArrivalResult(InviteStatus.REFUSED, RefusalReason.UNKNOWN_TOKEN)
    return await register_arrival(
        uow, inviter, invitee, first_contact=first_contact, now=now, texts=texts
    )


async def register_arrival(
    uow: UnitOfWork,
    inviter: User,
    invitee: User,
    *,
    first_contact: bool,
    now: datetime,
    texts: Texts,
) -> ArrivalResult:
    """Count, park or refuse one friend arriving by `inviter`'s link, and record it."""
    repo = uow.referrals
    await repo.lock_user(inviter.id)
    round_ = await repo.open_round(now)
    is_self = inviter.id == invitee.id
    # Someone on their very first update cannot be anybody's friend yet: no query needed.
    live = None if is_self or first_contact else await repo.live_invite_of(invitee.id)
    arrival = Arrival(
        is_self=is_self,
        round_open=round_ is not None,
        already_invited=live is not None,
        first_contact=first_contact,
        qualifying_action=QualifyingAction(round_.qualifying_action)
        if round_ is not None
        else QualifyingAction.NONE,
        same_inviter=live is not None and live.inviter_id == inviter.id,
    )
    if live is not None and is_repeat(arrival):
        live_round = await repo.round(live.round_id) if live.round_id is not None else None
        return ArrivalResult(InviteStatus(live.status), None, live, live_round, repeat=True)
    verdict, reason = decide_arrival(arrival)
    if verdict is InviteStatus.REFUSED:
        assert reason is not None
        round_id = round_.id if round_ is not None else None
        invite = None
        if not await repo.refusal_recorded(round_id, inviter.id, invitee.id, reason):
            invite = await repo.add_invite(
                round_id=round_id,
                inviter_id=inviter.id,
                invitee_id=invitee.id,
                status=InviteStatus.REFUSED,
                refusal_reason=reason.value,
                created_at=now,
            )
        return ArrivalResult(verdict, reason, invite, round_)
    assert round_ is not None
    invite = await repo.add_invite(
        round_id=round_.id,
        inviter_id=inviter.id,
        invitee_id=invitee.id,
        status=InviteStatus(verdict.value),
        created_at=now,
        counted_at=now if verdict is InviteStatus.COUNTED else None,
    )
    counted = await _flag_burst(uow, round_, inviter.id, invite, now)
    code = None
    if verdict is InviteStatus.COUNTED:
        code = await _after_counted(uow, round_, inviter, invite, now, texts, counted=counted)
    return ArrivalResult(verdict, None, invite, round_, code)


async def _flag_burst(
    uow: UnitOfWork, round_: ReferralRound, inviter_id: int, invite: Invite, now: datetime
) -> int:
    """Flag a burst of arrivals for the admin; returns the inviter's counted friends."""
    repo = uow.referrals
    since = burst_since(now)
    counts = await repo.inviter_counts(round_.id, inviter_id, since)
    flag_new, flag_window = burst_flags(counts.in_burst_window)
    if flag_new:
        invite.flagged = True
    if flag_window:
        earlier = [i for i in await repo.burst_invites(round_.id, inviter_id, since)]
        acted = await repo.has_orders([i.invitee_id for i in earlier])
        for other in earlier:
            if other.invitee_id not in acted:
                other.flagged = True
    if flag_new:
        log.info("invite burst: inviter %s, round %s, invite %s", inviter_id, round_.id, invite.id)
    return counts.counted


async def _after_counted(
    uow: UnitOfWork,
    round_: ReferralRound,
    inviter: User,
    invite: Invite,
    now: datetime,
    texts: Texts,
    *,
    counted: int | None = None,
) -> PromoCode | None:
    """A friend was counted: issue the code at the threshold, or tell the progress."""
    if counted is None:
        counted = (await uow.referrals.inviter_counts(round_.id, inviter.id, now)).counted
    if reached_threshold(counted, round_.threshold):
        return await issue_code(uow, round_, inviter, now, texts)
    lang = inviter.language
    text = texts.get(
        lang, "referrals-friend-counted-note", count=counted, threshold=round_.threshold
    )
    # No dedup key: an invite is counted once, in this very transaction.
    await uow.outbox.enqueue(
        inviter, Reply(text=text, buttons=[[_invite_button(texts, lang)]]), OutboxKind.NOTIFICATION
    )
    return None


def _invite_button(texts: Texts, lang: str) -> Button:
    return Button(texts.get(lang, "referrals-button-invite"), CommandPayload(name="invite").pack())


async def issue_code(
    uow: UnitOfWork, round_: ReferralRound, owner: User, now: datetime, texts: Texts
) -> PromoCode | None:
    """The owner's personal code for the round, announced at once; None if they have it."""
    repo = uow.referrals
    if await repo.code_of(round_.id, owner.id) is not None:
        return None
    for _ in range(CODE_ATTEMPTS):
        code = PromoCode(
            code=new_promo_code(),
            kind=PromoKind.REFERRAL,
            owner_id=owner.id,
            round_id=round_.id,
            discount_kind=round_.discount_kind,
            discount_value=round_.discount_value,
            min_order_kop=round_.min_order_kop,
            scope=PromoScope.ALL,
            starts_at=now,
            ends_at=codes_valid_until(round_.ends_at, round_.codes_valid_until),
            usage_limit=1,
            per_user_limit=1,
            shared_with_affiliates=False,
            approval=ApprovalStatus.NOT_SHARED,
            active=True,
            created_at=now,
        )
        if await repo.add_code(code):
            break
        if await repo.code_of(round_.id, owner.id) is not None:
            return None  # a concurrent count issued it first
    else:
        raise RuntimeError("no free promo code found")
    lang = owner.language
    text = texts.get(
        lang,
        "referrals-code-issued",
        threshold=round_.threshold,
        code=code.code,
        offer=round_offer(texts, lang, round_),
        until=moment(code.ends_at or round_.ends_at),
    )
    promo = Button(
        texts.get(lang, "referrals-button-my-codes"), CommandPayload(name="promo").pack()
    )
    await uow.outbox.enqueue(
        owner,
        Reply(text=text, buttons=[[promo]]),
        OutboxKind.ANSWER,
        dedup_key=f"ref-code:{code.id}",
    )
    return code


async def on_qualifying_action(
    uow: UnitOfWork, user: User, action: str, now: datetime, *, texts: Texts | None = None
) -> None:
    """The person placed an order ("first_order") or had a payment confirmed
    ("first_payment"): a friend waiting for that now counts, and a flagged friend who acts
    is no longer suspicious."""
    done = QualifyingAction(action)
    repo = uow.referrals
    invite = await repo.live_invite_of(user.id)
    if invite is None:
        return
    if invite.flagged:
        invite.flagged = False
    if invite.status is not InviteStatus.WAITING or invite.round_id is None:
        return
    await repo.lock_user(invite.inviter_id)
    invite = await repo.invite(invite.id, lock=True)
    if invite is None or invite.status is not InviteStatus.WAITING or invite.round_id is None:
        return
    round_ = await repo.round(invite.round_id)
    if round_ is None or round_.status is not RoundStatus.OPEN or now >= round_.ends_at:
        return  # too late: closing the round refuses it
    if not satisfies(round_.qualifying_action, done):
        return
    inviter = await uow.users.get(invite.inviter_id)
    assert inviter is not None
    invite.status = InviteStatus.COUNTED
    invite.counted_at = now
    await uow.session.flush()
    await _after_counted(uow, round_, inviter, invite, now, texts or shared_texts())


# --- the service admin's hand -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdminChange:
    invite: Invite
    code: PromoCode | None  # the inviter's code in the invite's round, if any
    code_issued: bool = False
    only_unflagged: bool = False


async def _locked_invite(uow: UnitOfWork, invite_id: int) -> Invite:
    repo = uow.referrals
    invite = await repo.invite(invite_id)
    if invite is None:
        raise UserError("referrals-admin-invite-not-found", id=str(invite_id))
    # Both people's rows, lowest id first: a credit never deadlocks with another.
    for user_id in sorted({invite.inviter_id, invite.invitee_id}):
        await repo.lock_user(user_id)
    invite = await repo.invite(invite_id, lock=True)
    assert invite is not None
    return invite


async def credit_invite(
    uow: UnitOfWork, invite_id: int, now: datetime, texts: Texts
) -> AdminChange:
    """Count an invite by hand (a flagged one is kept and unflagged)."""
    repo = uow.referrals
    invite = await _locked_invite(uow, invite_id)
    if invite.status is InviteStatus.COUNTED:
        if not invite.flagged:
            raise UserError("referrals-admin-already-counted", id=str(invite.id))
        invite.flagged = False
        code = await repo.code_of(invite.round_id, invite.inviter_id) if invite.round_id else None
        return AdminChange(invite, code, only_unflagged=True)
    if invite.round_id is None:
        raise UserError("referrals-admin-no-round", id=str(invite.id))
    if invite.inviter_id == invite.invitee_id:
        raise UserError("referrals-admin-self", id=str(invite.id))
    other = await repo.live_invite_of(invite.invitee_id)
    if other is not None and other.id != invite.id:
        raise UserError("referrals-admin-friend-taken", id=str(invite.id), other=str(other.id))
    round_ = await repo.round(invite.round_id)
    if round_ is None or round_.status is RoundStatus.CANCELLED:
        raise UserError("referrals-admin-round-cancelled", id=str(invite.id))
    invite.status = InviteStatus.COUNTED
    invite.refusal_reason = None
    invite.flagged = False
    invite.counted_at = now
    await uow.session.flush()
    inviter = await uow.users.get(invite.inviter_id)
    assert inviter is not None
    issued = await _after_counted(uow, round_, inviter, invite, now, texts)
    code = issued or await repo.code_of(round_.id, inviter.id)
    return AdminChange(invite, code, code_issued=issued is not None)


async def void_invite(uow: UnitOfWork, invite_id: int, now: datetime) -> AdminChange:
    """Take an invite out of the count. A code already issued stays: it was announced."""
    repo = uow.referrals
    invite = await _locked_invite(uow, invite_id)
    if invite.status is InviteStatus.REFUSED:
        raise UserError("referrals-admin-already-refused", id=str(invite.id))
    invite.status = InviteStatus.REFUSED
    invite.refusal_reason = RefusalReason.VOIDED.value
    invite.flagged = False
    invite.counted_at = None
    code = await repo.code_of(invite.round_id, invite.inviter_id) if invite.round_id else None
    return AdminChange(invite, code)


# --- redeeming --------------------------------------------------------------------------------


def promo_error(refusal: PromoRefusal, **args: str) -> UserError:
    return UserError(PROMO_ERRORS[refusal], **args)


def sum_before_discount(order: Order, fee_bp: int) -> int:
    """Items plus the organizer fee: what a code's minimum and percent apply to."""
    return order.items_total_kop + fee_kopecks(order.items_total_kop, fee_bp)


async def order_open_for_code(
    uow: UnitOfWork, user: User, order_id: int
) -> tuple[Order, Purchase, str]:
    """The buyer's order, locked, with its purchase and shown number, refused unless it is
    live in a purchase still running and carries no code yet: the checks a referral code
    and an organizer's code share before their own."""
    order = await uow.referrals.lock_order(order_id)
    if order is None or order.buyer_id != user.id:
        raise promo_error(PromoRefusal.ORDER_NOT_FOUND)
    purchase = await uow.referrals.purchase(order.purchase_id)
    assert purchase is not None
    number = order.number or str(order.id)
    if order.status is not OrderStatus.ACTIVE or purchase.status in (
        PurchaseStatus.CLOSED,
        PurchaseStatus.CANCELLED,
    ):
        raise promo_error(PromoRefusal.ORDER_CLOSED, number=number)
    if order.promo_code_id is not None:
        raise promo_error(PromoRefusal.ORDER_HAS_CODE, number=number)
    return order, purchase, number


def sum_meeting_minimum(
    code: PromoCode, order: Order, purchase: Purchase, user: User, number: str
) -> int:
    """The order's sum before any discount, refused when below the code's minimum."""
    order_sum = sum_before_discount(order, purchase.fee_bp)
    if not meets_minimum(order_sum, code.min_order_kop):
        raise promo_error(
            PromoRefusal.BELOW_MINIMUM,
            number=number,
            min=format_amount(code.min_order_kop, user.language),
            sum=format_amount(order_sum, user.language),
        )
    return order_sum


def put_code_on(
    order: Order, purchase: Purchase, code: PromoCode, order_sum: int, now: datetime
) -> int:
    """Put the code's discount on the order and recount its due; returns the discount."""
    discount = discount_for(code.discount_kind, code.discount_value, order_sum)
    order.discount_kop = discount
    order.promo_code_id = code.id
    set_due(order, order_due(order.items_total_kop, purchase.fee_bp, discount))
    order.updated_at = now
    return discount


async def apply_promo(
    uow: UnitOfWork, user: User, order: Order, code_text: str, now: datetime
) -> int:
    """Put the user's personal code on their order; returns the discount in kopecks.

    Sets the order's discount, code and due sum (domain.pricing.order_due) and records
    the redemption. Raises `UserError` with a `referrals-promo-*` key when the code is not
    the user's, used, expired, or the order cannot take it (see `PROMO_ERRORS`).
    """
    text = normalize_code(code_text)
    if not text or len(text) > MAX_CODE_LENGTH:
        raise promo_error(PromoRefusal.NOT_FOUND)
    code = await uow.referrals.code_by_text(text, lock=True)
    if code is None:
        raise promo_error(PromoRefusal.NOT_FOUND)
    return await redeem(uow, user, code, order.id, now)


async def redeem(uow: UnitOfWork, user: User, code: PromoCode, order_id: int, now: datetime) -> int:
    """`apply_promo` for a code already found (and locked) by the caller."""
    repo = uow.referrals
    redeemed = await repo.redemption_of(code.id) is not None
    facts = CodeFacts(
        owner_matches=code.owner_id == user.id and code.kind is PromoKind.REFERRAL,
        active=code.active,
        redeemed=redeemed,
        starts_at=code.starts_at,
        ends_at=code.ends_at,
    )
    refusal = code_refusal(facts, now)
    if refusal is not None:
        until = moment(code.ends_at) if code.ends_at else ""
        raise promo_error(refusal, code=code.code, until=until)
    order, purchase, number = await order_open_for_code(uow, user, order_id)
    if code.kind is PromoKind.REFERRAL and not purchase.accepts_round_discounts:
        # Refused before anything is written: the code stays unused for another order.
        raise promo_error(
            PromoRefusal.PURCHASE_OPTED_OUT, number=number, code=code.code, title=purchase.title
        )
    if order.due_kop <= order.confirmed_paid_kop:
        raise promo_error(PromoRefusal.ORDER_PAID, number=number)
    order_sum = sum_meeting_minimum(code, order, purchase, user, number)
    discount = put_code_on(order, purchase, code, order_sum, now)
    await repo.add_redemption(
        promo_code_id=code.id,
        order_id=order.id,
        user_id=user.id,
        discount_kop=discount,
        created_at=now,
    )
    return discount


async def codes_for_order(
    uow: UnitOfWork, user: User, order: Order, fee_bp: int, now: datetime
) -> list[tuple[PromoCode, int]]:
    """The user's unused referral codes that this order can take now, with the discount
    each would give, best first: offered right after ordering, so nobody has to remember
    /promo. Empty when the order already carries a code or is paid."""
    if order.promo_code_id is not None or order.due_kop <= order.confirmed_paid_kop:
        return []
    purchase = await uow.referrals.purchase(order.purchase_id)
    if purchase is not None and not purchase.accepts_round_discounts:
        return []  # the organizer does not take round codes on this purchase
    order_sum = sum_before_discount(order, fee_bp)
    fitting = [
        (code, discount_for(code.discount_kind, code.discount_value, order_sum))
        for code in await uow.referrals.unused_codes(user.id, now)
        if meets_minimum(order_sum, code.min_order_kop)
    ]
    return sorted(fitting, key=lambda pair: -pair[1])


async def refresh_promo_discount(uow: UnitOfWork, order: Order, now: datetime) -> int:
    """Follow an order's new sum: recompute its referral discount, or release the code
    (free to use again while valid) when the order is cancelled or below the minimum.
    Returns the discount now on the order. An organizer's code follows the same rules."""
    if order.promo_code_id is None:
        return order.discount_kop
    repo = uow.referrals
    code = await repo.code(order.promo_code_id)
    if code is None:
        return order.discount_kop
    purchase = await repo.purchase(order.purchase_id)
    assert purchase is not None
    order_sum = sum_before_discount(order, purchase.fee_bp)
    redemption = await repo.redemption_for_order(order.id)
    if order.status is OrderStatus.CANCELLED or not meets_minimum(order_sum, code.min_order_kop):
        if redemption is not None:
            await repo.delete_redemption(redemption)
        order.promo_code_id = None
        discount = 0
    else:
        discount = discount_for(code.discount_kind, code.discount_value, order_sum)
        if redemption is not None:
            redemption.discount_kop = discount
    order.discount_kop = discount
    set_due(order, order_due(order.items_total_kop, purchase.fee_bp, discount))
    order.updated_at = now
    return discount
