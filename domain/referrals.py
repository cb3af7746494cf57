"""Referral rounds as pure rules: who counts for whom, bursts, codes' discounts, round forms.

No database here: bot/services/referrals.py gathers the facts under the inviter's row lock and asks
these functions; handlers turn refusal codes into messages in the user's language.

Counting. A friend counts for an inviter when they open the inviter's link and start the
bot for the very first time while a round is open. Refused, with the reason kept for the
inviter's list and the admin's stats: one's own link, a friend who already counts (or
waits) for anyone (one inviter per friend, ever), a person who used the bot before, no open
round. A round may ask the friend to act first (first order / first confirmed payment):
until then the invite waits.

Round forms. Admins type times in Moscow time ("01.12.2026 10:00", "1.12", "сейчас"),
lengths and pauses as "7", "7 дней", "12 ч", "2 weeks"; every refusal is a `RoundFormError`
whose `code` names the text to show (`referrals-form-<code>`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from domain.money import (
    AmountError,
    ErrorReason,
    PercentError,
    parse_amount,
    parse_percent,
)
from domain.periods import MOSCOW
from domain.pricing import capped_discount, percent_discount
from domain.purchase_form import FormError, parse_day

DEFAULT_THRESHOLD = 10
MAX_THRESHOLD = 1000
# A round shorter than an hour cannot be announced and used; longer than a year is a typo.
MIN_ROUND_LENGTH = timedelta(hours=1)
MAX_ROUND_LENGTH = timedelta(days=366)
MAX_START_AHEAD = timedelta(days=2 * 366)
MAX_PAUSE = timedelta(days=366)
MAX_CODES_EXTRA = timedelta(days=366)
# Bursts: this many friends of one inviter within the window look scripted. They still count
# (a real person may post the link in a busy chat); they are flagged for the service admin.
BURST_SIZE = 5
BURST_WINDOW = timedelta(minutes=10)


SKIP_WORDS = frozenset({"-", "—", "нет", "пропустить", "skip", "no", "none"})
NOW_WORDS = frozenset({"сейчас", "now", "сразу", "немедленно"})


class QualifyingAction(StrEnum):
    NONE = "none"
    FIRST_ORDER = "first_order"
    FIRST_PAYMENT = "first_payment"


class RoundStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class DiscountKind(StrEnum):
    FIXED = "fixed"  # value in kopecks
    PERCENT = "percent"  # value in basis points


class InviteStatus(StrEnum):
    """What became of an invite (a friend who opened an inviter's link)."""

    COUNTED = "counted"
    WAITING = "waiting"  # waiting for the friend's qualifying action
    REFUSED = "refused"


class RefusalReason(StrEnum):
    SELF_INVITE = "self"
    NOT_NEW = "not_new"  # used the bot before opening the link
    ALREADY_INVITED = "already_invited"  # counts (or waits) for someone already
    NO_OPEN_ROUND = "no_round"
    ROUND_ENDED = "round_ended"  # waited for the qualifying action until the round closed
    VOIDED = "voided"  # by a service admin
    UNKNOWN_TOKEN = "unknown_token"  # answered, not stored: there is no inviter to file it under


# --- counting ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arrival:
    """What is known when someone opens an invite link."""

    is_self: bool
    round_open: bool
    already_invited: bool
    first_contact: bool
    qualifying_action: QualifyingAction = QualifyingAction.NONE
    # The friend's counted or waiting invite is from this very inviter (`already_invited`).
    same_inviter: bool = False


def is_repeat(arrival: Arrival) -> bool:
    """The friend opened again the link of the inviter they already count (or wait) for.

    Not a new arrival: the first one stands, and nothing is counted, refused or recorded
    again (a refusal "already a friend of someone" would list the friend twice to the very
    inviter they count for, and add a refusal to the round's figures).
    """
    return arrival.already_invited and arrival.same_inviter and not arrival.is_self


def decide_arrival(arrival: Arrival) -> tuple[InviteStatus, RefusalReason | None]:
    """Counted, waiting for the friend's action, or refused and why.

    The most telling reason wins: one's own link first, then no round, then "already a
    friend of someone" (more precise than "not new", which is also true for them).
    """
    if arrival.is_self:
        return InviteStatus.REFUSED, RefusalReason.SELF_INVITE
    if not arrival.round_open:
        return InviteStatus.REFUSED, RefusalReason.NO_OPEN_ROUND
    if arrival.already_invited:
        return InviteStatus.REFUSED, RefusalReason.ALREADY_INVITED
    if not arrival.first_contact:
        return InviteStatus.REFUSED, RefusalReason.NOT_NEW
    if arrival.qualifying_action is QualifyingAction.NONE:
        return InviteStatus.COUNTED, None
    return InviteStatus.WAITING, None


def satisfies(required: QualifyingAction | str, done: QualifyingAction | str) -> bool:
    """Whether the friend's action is the one the round asks for.

    A confirmed payment also satisfies "first order": nobody pays without an order.
    """
    required, done = QualifyingAction(required), QualifyingAction(done)
    if required is QualifyingAction.NONE:
        return True
    if done is QualifyingAction.FIRST_PAYMENT:
        return True
    return required is done


def reached_threshold(counted: int, threshold: int) -> bool:
    return threshold > 0 and counted >= threshold


def burst_since(now: datetime) -> datetime:
    return now - BURST_WINDOW


def burst_flags(arrivals_in_window: int) -> tuple[bool, bool]:
    """(flag the new invite, flag its window's earlier idle invites too).

    `arrivals_in_window` includes the new one. The earlier ones are flagged once, when the
    window first fills up; after that each new arrival in the burst is flagged on its own.
    """
    if arrivals_in_window < BURST_SIZE:
        return False, False
    return True, arrivals_in_window == BURST_SIZE


# --- codes and discounts ----------------------------------------------------------------------


class PromoRefusal(StrEnum):
    NOT_FOUND = "not_found"  # also someone else's code: nobody learns codes by trying
    USED = "used"
    EXPIRED = "expired"
    NOT_STARTED = "not_started"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_CLOSED = "order_closed"
    ORDER_PAID = "order_paid"
    ORDER_HAS_CODE = "order_has_code"
    BELOW_MINIMUM = "below_minimum"
    # The organizer bears a round's discount, and opted this purchase out of them.
    PURCHASE_OPTED_OUT = "purchase_opted_out"


@dataclass(frozen=True, slots=True)
class CodeFacts:
    owner_matches: bool
    active: bool
    redeemed: bool
    starts_at: datetime | None
    ends_at: datetime | None


def code_refusal(code: CodeFacts, now: datetime) -> PromoRefusal | None:
    """Why a personal code cannot be used now (None: it can)."""
    if not code.owner_matches or not code.active:
        return PromoRefusal.NOT_FOUND
    if code.redeemed:
        return PromoRefusal.USED
    if code.starts_at is not None and now < code.starts_at:
        return PromoRefusal.NOT_STARTED
    if code.ends_at is not None and now >= code.ends_at:
        return PromoRefusal.EXPIRED
    return None


def code_state(code: CodeFacts, now: datetime) -> str:
    """ "open", "used" or "expired", for the /promo list."""
    refusal = code_refusal(code, now)
    if refusal is PromoRefusal.USED:
        return "used"
    if refusal is PromoRefusal.EXPIRED:
        return "expired"
    return "open"


def discount_for(kind: str, value: int, order_sum: int) -> int:
    """The discount on an order sum (items + organizer fee), never more than the sum."""
    if kind == DiscountKind.PERCENT:
        return capped_discount(percent_discount(order_sum, value), order_sum)
    if kind == DiscountKind.FIXED:
        return capped_discount(value, order_sum)
    raise ValueError(f"unknown discount kind {kind!r}")


def meets_minimum(order_sum: int, min_order: int) -> bool:
    return order_sum >= min_order


def discount_fits_minimum(kind: str, value: int, min_order: int) -> bool:
    """Whether a fixed discount is at most the minimum order sum it applies from.

    A larger one ("1 500,50 ₽ off orders from 400 ₽") would make every order near the
    minimum free: refused when a round (or a code) is set up. `discount_for` still caps a
    discount at the order's sum, so no order ever goes below zero either way. Percent
    discounts are below the sum by their nature.
    """
    return kind != DiscountKind.FIXED or value <= min_order


def codes_valid_until(ends_at: datetime, codes_until: datetime | None) -> datetime:
    """When a round's codes expire: its own setting, or the round's end by default."""
    return codes_until if codes_until is not None else ends_at


# --- rounds: forms and series -----------------------------------------------------------------


class RoundFormError(ValueError):
    """A typed round setting is not acceptable; the text key is `referrals-form-<code>`."""

    def __init__(self, code: str, **args: Any) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args


_TIME = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})")
_MOMENT = re.compile(r"(?P<day>[^\s,]+)(?:\s*,?\s+(?:в\s+|at\s+)?(?P<time>\d{1,2}:\d{2}))?")
_DURATION = re.compile(r"\+?\s*(?P<number>\d{1,6})\s*(?P<unit>[^\d\s.]*)\.?")
_UNITS = {
    timedelta(weeks=1): ("w", "week", "weeks", "нед", "неделя", "недели", "недель"),
    timedelta(days=1): ("", "d", "day", "days", "д", "дн", "день", "дня", "дней", "сут", "суток"),
    timedelta(hours=1): ("h", "hour", "hours", "ч", "час", "часа", "часов"),
    timedelta(minutes=1): ("m", "min", "mins", "minutes", "мин", "минут", "минуты", "минута"),
}
_UNIT = {word: size for size, words in _UNITS.items() for word in words}


def _typed(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def is_skip(text: str) -> bool:
    return _typed(text) in SKIP_WORDS


def parse_moment(
    text: str, now: datetime, *, allow_now: bool = False, end: bool = False
) -> datetime:
    """A Moscow date and time typed by an admin, in UTC.

    Without a time a start means the beginning of that day and an end its last minute.
    """
    typed = _typed(text)
    if allow_now and typed in NOW_WORDS:
        return now
    match = _MOMENT.fullmatch(typed)
    if match is None:
        raise RoundFormError("moment-format")
    try:
        day = parse_day(match["day"], now)
    except FormError as exc:
        code = "moment-invalid" if exc.code == "date-invalid" else "moment-format"
        raise RoundFormError(code) from None
    if match["time"] is None:
        clock = time(23, 59) if end else time(0, 0)
    else:
        hm = _TIME.fullmatch(match["time"])
        assert hm is not None
        hour, minute = int(hm["hour"]), int(hm["minute"])
        if hour > 23 or minute > 59:
            raise RoundFormError("moment-invalid")
        clock = time(hour, minute)
    return datetime.combine(day, clock, tzinfo=MOSCOW).astimezone(UTC)


def parse_duration(text: str, *, limit: timedelta, allow_zero: bool = True) -> timedelta:
    """ "7" (days), "7 дней", "12 ч", "2 weeks", "90 мин"."""
    match = _DURATION.fullmatch(_typed(text))
    if match is None or match["unit"] not in _UNIT:
        raise RoundFormError("duration-format")
    length = int(match["number"]) * _UNIT[match["unit"]]
    if not length and not allow_zero:
        raise RoundFormError("duration-zero")
    if length > limit:
        raise RoundFormError("duration-too-long", days=str(limit.days))
    return length


def looks_like_duration(text: str) -> bool:
    match = _DURATION.fullmatch(_typed(text))
    return match is not None and match["unit"] in _UNIT


def parse_start(text: str, now: datetime) -> datetime:
    starts_at = parse_moment(text, now, allow_now=True)
    if starts_at < now - timedelta(minutes=1):
        raise RoundFormError("start-past")
    if starts_at - now > MAX_START_AHEAD:
        raise RoundFormError("start-too-far")
    return starts_at


def parse_end(text: str, starts_at: datetime, now: datetime) -> datetime:
    """The end: a moment, or a length from the start ("7", "7 дней", "36 ч")."""
    if looks_like_duration(text):
        ends_at = starts_at + parse_duration(text, limit=MAX_ROUND_LENGTH, allow_zero=False)
    else:
        ends_at = parse_moment(text, now, end=True)
    check_round_times(starts_at, ends_at)
    return ends_at


def check_round_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at - starts_at < MIN_ROUND_LENGTH:
        raise RoundFormError("end-too-soon")
    if ends_at - starts_at > MAX_ROUND_LENGTH:
        raise RoundFormError("round-too-long", days=str(MAX_ROUND_LENGTH.days))


def parse_threshold(text: str) -> int:
    typed = _typed(text)
    if typed in SKIP_WORDS:
        return DEFAULT_THRESHOLD
    if not typed.isdigit() or len(typed) > 6:
        raise RoundFormError("threshold", max=str(MAX_THRESHOLD))
    number = int(typed)
    if not 1 <= number <= MAX_THRESHOLD:
        raise RoundFormError("threshold", max=str(MAX_THRESHOLD))
    return number


def parse_discount(text: str) -> tuple[str, int]:
    """ "399", "399 ₽" -> (fixed, kopecks); "10%", "12,5 %" -> (percent, basis points)."""
    typed = text.strip()
    if typed.endswith("%"):
        try:
            return DiscountKind.PERCENT, parse_percent(typed, allow_zero=False)
        except PercentError as exc:
            raise RoundFormError(f"percent-{exc.reason.value}") from None
    try:
        return DiscountKind.FIXED, parse_amount(typed)
    except AmountError as exc:
        raise RoundFormError(f"amount-{exc.reason.value}") from None


def parse_min_order(text: str) -> int:
    if is_skip(text):
        return 0
    try:
        return parse_amount(text, allow_zero=True)
    except AmountError as exc:
        reason = exc.reason if exc.reason is not ErrorReason.ZERO else ErrorReason.NOT_A_NUMBER
        raise RoundFormError(f"amount-{reason.value}") from None


def parse_codes_until(text: str, ends_at: datetime, now: datetime) -> datetime | None:
    """How long codes live: "-" until the round ends; "30" / "2 недели" after it; a date."""
    if is_skip(text):
        return None
    if looks_like_duration(text):
        extra = parse_duration(text, limit=MAX_CODES_EXTRA)
        return None if not extra else ends_at + extra
    until = parse_moment(text, now, end=True)
    if until < ends_at:
        raise RoundFormError("codes-before-end")
    if until - ends_at > MAX_CODES_EXTRA:
        raise RoundFormError("duration-too-long", days=str(MAX_CODES_EXTRA.days))
    return until


def parse_pause(text: str) -> int | None:
    """Seconds between the end of a round and the start of the next; None: no series."""
    if is_skip(text):
        return None
    return int(parse_duration(text, limit=MAX_PAUSE).total_seconds())


_ACTION_WORDS = {
    QualifyingAction.NONE: {"none", "без условия", "нет условия", "старт", "start", "0"},
    QualifyingAction.FIRST_ORDER: {"first_order", "order", "заказ", "первый заказ", "1"},
    QualifyingAction.FIRST_PAYMENT: {"first_payment", "payment", "оплата", "первая оплата", "2"},
}


def parse_action(text: str) -> QualifyingAction:
    typed = _typed(text)
    for action, words in _ACTION_WORDS.items():
        if typed in words:
            return action
    raise RoundFormError("action")


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True, slots=True)
class RoundTimes:
    starts_at: datetime
    ends_at: datetime
    codes_until: datetime | None


def next_round_times(
    starts_at: datetime, ends_at: datetime, codes_until: datetime | None, pause_s: int
) -> RoundTimes:
    """The next round of a series: the same length and code validity, `pause_s` later."""
    next_start = ends_at + timedelta(seconds=pause_s)
    next_end = next_start + (ends_at - starts_at)
    next_codes = None if codes_until is None else next_end + (codes_until - ends_at)
    return RoundTimes(next_start, next_end, next_codes)
