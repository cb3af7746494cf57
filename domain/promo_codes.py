"""Organizers' promo codes as pure rules: the creation form, warnings, who may redeem a code on
which order, affiliates' attribution, and the per-code sales report.

No database here: bot/services/promo_codes.py gathers the facts and asks these functions.
Every refusal of the form is a `PromoFormError` whose `code` names the text to show
(`promo-form-<code>`, or `referrals-form-<code>` for the dates, amounts and percents the
round form already words).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.balance import order_money
from domain.codes import normalize_code
from domain.exports import Money, Table
from domain.referrals import (
    DiscountKind,
    RoundFormError,
    discount_fits_minimum,
    is_skip,
    looks_like_duration,
    parse_discount,
    parse_duration,
    parse_min_order,
    parse_moment,
)

CODE_MIN_LENGTH = 4
CODE_MAX_LENGTH = 32
_CODE = re.compile(rf"[A-Z0-9]{{{CODE_MIN_LENGTH},{CODE_MAX_LENGTH}}}")
GENERATE_WORDS = frozenset({"+", "сгенерировать", "генерировать", "авто", "generate", "auto"})
RECOMMENDED_VALIDITY = timedelta(days=14)
MAX_VALIDITY = timedelta(days=366)
MAX_START_AHEAD = timedelta(days=366)
ATTRIBUTION_WINDOW = timedelta(days=30)
MAX_LIMIT = 1_000_000
SHARED_WORDS = {"да": True, "yes": True, "+": True, "нет": False, "no": False, "-": False}
ALL_WORDS = frozenset({"все", "всё", "все закупки", "all", "all purchases", "*"})
_PURCHASE_REF = re.compile(r"(?:закупка|purchase|#)\s*(\d{1,9})")
_CATEGORY_REF = re.compile(r"(?:категория|category)\s*[:]?\s*(.+)")


class PromoFormError(ValueError):
    def __init__(self, code: str, **args: Any) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args


# Codes worded by the round form (referrals-form-<code>); every other one is promo-form-<code>.
ROUND_FORM_CODES = re.compile(r"(moment-|duration-|amount-|percent-).*")


def text_key(error: PromoFormError) -> str:
    prefix = "referrals-form-" if ROUND_FORM_CODES.fullmatch(error.code) else "promo-form-"
    return prefix + error.code.replace("_", "-")


def _round_error(exc: RoundFormError) -> PromoFormError:
    return PromoFormError(exc.code, **exc.args_)


# --- the form ----------------------------------------------------------------------------------


def parse_code(text: str) -> str | None:
    """The code typed by the organizer in canonical form, or None to generate one."""
    if " ".join(text.split()).casefold() in GENERATE_WORDS:
        return None
    code = normalize_code(text)
    if not _CODE.fullmatch(code):
        raise PromoFormError("code", min=CODE_MIN_LENGTH, max=CODE_MAX_LENGTH)
    return code


def parse_promo_discount(text: str) -> tuple[DiscountKind, int]:
    try:
        kind, value = parse_discount(text)
    except RoundFormError as exc:
        raise _round_error(exc) from None
    return DiscountKind(kind), value


class ScopeKind(StrEnum):
    PURCHASE = "purchase"
    CATEGORY = "category"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class ScopeChoice:
    kind: ScopeKind
    purchase_id: int | None = None
    category: str | None = None


def parse_scope(text: str, categories: Sequence[str], purchase_ids: Sequence[int]) -> ScopeChoice:
    """ "все" / "закупка 12" / "#12" / "категория Одежда" / "Одежда": one of the organizer's
    running purchases, or a category their purchases have."""
    typed = " ".join(text.split()).casefold()
    if typed in ALL_WORDS:
        return ScopeChoice(ScopeKind.ALL)
    match = _PURCHASE_REF.fullmatch(typed)
    if match is not None:
        purchase_id = int(match[1])
        if purchase_id not in purchase_ids:
            raise PromoFormError("scope-purchase", id=str(purchase_id))
        return ScopeChoice(ScopeKind.PURCHASE, purchase_id=purchase_id)
    match = _CATEGORY_REF.fullmatch(typed)
    wanted = match[1].strip() if match is not None else typed
    for category in categories:
        if category.casefold() == wanted:
            return ScopeChoice(ScopeKind.CATEGORY, category=category)
    raise PromoFormError("scope", categories=", ".join(categories) or "—")


def parse_start(text: str, now: datetime) -> datetime:
    try:
        starts_at = parse_moment(text, now, allow_now=True)
    except RoundFormError as exc:
        raise _round_error(exc) from None
    if starts_at < now - timedelta(minutes=1):
        raise PromoFormError("start-past")
    if starts_at - now > MAX_START_AHEAD:
        raise PromoFormError("start-too-far")
    return max(starts_at, now)


def parse_end(text: str, starts_at: datetime, now: datetime) -> datetime:
    """A moment, or a length from the start ("30", "2 недели")."""
    try:
        if looks_like_duration(text):
            ends_at = starts_at + parse_duration(text, limit=MAX_VALIDITY, allow_zero=False)
        else:
            ends_at = parse_moment(text, now, end=True)
    except RoundFormError as exc:
        raise _round_error(exc) from None
    if ends_at - starts_at < timedelta(hours=1):
        raise PromoFormError("end-too-soon")
    if ends_at - starts_at > MAX_VALIDITY:
        raise PromoFormError("too-long", days=MAX_VALIDITY.days)
    return ends_at


def parse_limit(text: str, *, default: int | None) -> int | None:
    """A whole number of uses, or "-" for the default (None: no limit)."""
    if is_skip(text):
        return default
    typed = text.strip()
    if not typed.isdigit() or len(typed) > 7 or not 1 <= int(typed) <= MAX_LIMIT:
        raise PromoFormError("limit", max=MAX_LIMIT)
    return int(typed)


def parse_minimum(text: str, kind: str, value: int) -> int:
    """The minimum order sum; a fixed discount larger than it is refused (as for rounds)."""
    try:
        minimum = parse_min_order(text)
    except RoundFormError as exc:
        raise _round_error(exc) from None
    if not discount_fits_minimum(kind, value, minimum):
        raise PromoFormError("discount-above-minimum", discount=value, minimum=minimum)
    return minimum


def parse_shared(text: str) -> bool:
    typed = " ".join(text.split()).casefold()
    if typed not in SHARED_WORDS:
        raise PromoFormError("shared")
    return SHARED_WORDS[typed]


class Warning(StrEnum):
    SHORT_VALIDITY = "short-validity"  # under two weeks: bloggers need time to post
    LARGE_DISCOUNT = "large-discount"  # could take more than half an order


def warnings(
    kind: str, value: int, min_order_kop: int, starts_at: datetime, ends_at: datetime
) -> list[Warning]:
    found = []
    if ends_at - starts_at < RECOMMENDED_VALIDITY:
        found.append(Warning.SHORT_VALIDITY)
    if takes_over_half(kind, value, min_order_kop):
        found.append(Warning.LARGE_DISCOUNT)
    return found


def takes_over_half(kind: str, value: int, min_order_kop: int) -> bool:
    """Whether some order the code applies to would lose more than half its sum: a percent
    above 50 %, or a fixed discount above half the smallest order it applies from."""
    if kind == DiscountKind.PERCENT:
        return value > 5000
    return 2 * value > min_order_kop


# --- redeeming ---------------------------------------------------------------------------------


class CodeRefusal(StrEnum):
    NOT_FOUND = "not_found"
    CANCELLED = "cancelled"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    USED_UP = "used_up"  # the total usage limit is reached
    USER_LIMIT = "user_limit"  # this buyer used it as often as allowed
    OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True, slots=True)
class OrganizerCodeFacts:
    active: bool
    starts_at: datetime | None
    ends_at: datetime | None
    usage_limit: int | None
    per_user_limit: int | None
    used: int  # redemptions of the code, by everyone
    used_by_buyer: int


def code_refusal(code: OrganizerCodeFacts, now: datetime) -> CodeRefusal | None:
    """Why an organizer's code cannot go on an order of this buyer now (None: it can)."""
    if not code.active:
        return CodeRefusal.CANCELLED
    if code.starts_at is not None and now < code.starts_at:
        return CodeRefusal.NOT_STARTED
    if code.ends_at is not None and now >= code.ends_at:
        return CodeRefusal.EXPIRED
    if code.usage_limit is not None and code.used >= code.usage_limit:
        return CodeRefusal.USED_UP
    if code.per_user_limit is not None and code.used_by_buyer >= code.per_user_limit:
        return CodeRefusal.USER_LIMIT
    return None


def in_scope(
    scope: str,
    scope_purchase_id: int | None,
    scope_category: str | None,
    *,
    code_organizer_id: int | None,
    purchase_id: int,
    purchase_organizer_id: int,
    purchase_category: str,
) -> bool:
    if code_organizer_id != purchase_organizer_id:
        return False
    if scope == ScopeKind.PURCHASE:
        return scope_purchase_id == purchase_id
    if scope == ScopeKind.CATEGORY:
        return (scope_category or "").casefold() == purchase_category.casefold()
    return True


def attribution_live(opened_at: datetime, now: datetime) -> bool:
    return now - opened_at < ATTRIBUTION_WINDOW


# --- the report --------------------------------------------------------------------------------


def buyer_pseudonym(code_id: int, buyer_id: int) -> str:
    """The same buyer reads the same in every report of one code, and differently in
    another code's report; their name or account never appears."""
    digest = hashlib.sha256(f"promo-buyer:{code_id}:{buyer_id}".encode()).hexdigest()
    return "B-" + digest[:8].upper()


@dataclass(frozen=True, slots=True)
class ReportOrder:
    number: str
    placed: str  # the date, as the caller formats it
    purchase: str
    items_kop: int
    discount_kop: int
    due_kop: int
    confirmed_kop: int
    status: str  # translated
    cancelled: bool
    buyer_id: int
    affiliate: bool


def report_totals(orders: Sequence[ReportOrder]) -> tuple[int, int, int]:
    """(orders, revenue: their sum due, discount in total), as the report's summary row."""
    revenue = sum(
        order_money(o.due_kop, o.confirmed_kop, cancelled=o.cancelled).due for o in orders
    )
    return len(orders), revenue, sum(o.discount_kop for o in orders)


def report_table(
    orders: Sequence[ReportOrder],
    *,
    code_id: int,
    shared: bool,
    title: str,
    headers: Sequence[str],
    referred_header: str,
    yes_no: tuple[str, str],
    paid_words: tuple[str, str],
    total_label: str,
) -> Table:
    """One row per order that used the code, oldest first; "Referred by affiliate" (Y/N)
    only for codes shared with affiliates; a summary row: orders, revenue (sum due) and
    discount in total. `headers`: number, date, purchase, items, discount, due, status,
    paid, buyer."""
    table = Table(title=title, headers=[*headers, *([referred_header] if shared else [])])
    for order in orders:
        money = order_money(order.due_kop, order.confirmed_kop, cancelled=order.cancelled)
        paid = money.owed == 0 and money.confirmed > 0
        row: list[Any] = [
            order.number,
            order.placed,
            order.purchase,
            Money(order.items_kop),
            Money(order.discount_kop),
            Money(money.due),
            order.status,
            paid_words[0] if paid else paid_words[1],
            buyer_pseudonym(code_id, order.buyer_id),
        ]
        if shared:
            row.append(yes_no[0] if order.affiliate else yes_no[1])
        table.rows.append(row)
    count, revenue, discount = report_totals(orders)
    summary: list[Any] = [
        total_label,
        count,
        "",
        None,
        Money(discount),
        Money(revenue),
        "",
        "",
        "",
    ]
    if shared:
        summary.append("")
    table.rows.append(summary)
    return table
