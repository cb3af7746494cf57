"""The fields of a new purchase: what an organizer may type, in the dialog or in one line.

Dates. Organizers and buyers live by Moscow time, the way joint purchases announce their
deadlines ("стоп 1 декабря"), so a typed date means the END of that day in Moscow
(23:59:59 Europe/Moscow), stored in UTC. Accepted spellings: "01.12.2026", "1.12.26",
"1.12" (the next 1 December, today included), "01/12/2026" and "2026-12-01".

The one-line form (documented in the help text):

    /newpurchase Title; Supplier; Category; fee 15%; stop 01.12.2026; pay 05.12.2026; min 30000

The first three parts are title, supplier and category (a "-" leaves supplier or category
empty); the rest are `keyword value` pairs in any order: fee/сбор, stop/стоп,
pay/оплата, min/минимум (Russian and English keywords alike). Title, fee, stop and pay are
required; the minimum is optional, a sum ("min 30000") or pieces ("min 50 шт").

Every refusal is a `FormError` with a stable `code` (see `ERROR_CODES`) that the UI turns
into a message in the organizer's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain.buyouts import Minimum, MinimumError, parse_minimum
from domain.money import (
    BP_PER_PERCENT,
    MAX_AMOUNT_KOPECKS,
    AmountError,
    PercentError,
    parse_amount,
    parse_percent,
)
from domain.periods import MOSCOW, moscow_today
from domain.text_rules import clean_line

END_OF_DAY = time(23, 59, 59)
# A stop date further away than this is a typo (a year typed wrong), not a plan.
MAX_DAYS_AHEAD = 2 * 366

TITLE_MIN, TITLE_MAX = 2, 200
SUPPLIER_MAX = 200
CATEGORY_MAX = 100
DESCRIPTION_MAX = 2000
PICKUP_NOTE_MAX = 1000
# An organizer fee above half the price is a typo ("150" for "15"), not a business.
MAX_FEE_BP = 50 * BP_PER_PERCENT
MAX_MIN_TOTAL_KOP = MAX_AMOUNT_KOPECKS  # 10 000 000 ₽, the product's absurd-sum line

EMPTY_MARK = "-"

FIELD_KEYWORDS = {
    "fee": ("fee", "сбор", "оргсбор", "орг"),
    "stop": ("stop", "стоп"),
    "pay": ("pay", "payment", "оплата", "оплатить"),
    "min": ("min", "minimum", "мин", "минимум"),
}
_KEYWORD_FIELD = {word: field for field, words in FIELD_KEYWORDS.items() for word in words}

ERROR_CODES = (
    "title",
    "supplier",
    "category",
    "description",
    "pickup",
    "fee-empty",
    "fee-not_a_number",
    "fee-negative",
    "fee-too_large",
    "fee-too_precise",
    "fee-zero",
    "min-empty",
    "min-not_a_number",
    "min-negative",
    "min-zero",
    "min-too_large",
    "min-too_precise",
    "date-format",
    "date-invalid",
    "date-past",
    "date-too-far",
    "pay-before-stop",
    "form-parts",
    "form-unknown",
    "form-missing",
    "form-twice",
)

_DOTTED = re.compile(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?\.?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SPACES = re.compile(r"\s+")


class FormError(ValueError):
    """A field of the purchase form is not acceptable; `code` is one of `ERROR_CODES`.

    Dates in `args_` stay datetimes: the UI formats them in the reader's language.
    """

    def __init__(self, code: str, **args: Any) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args


# --- dates ------------------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """23:59:59 Moscow time on `day`, in UTC."""
    return datetime.combine(day, END_OF_DAY, tzinfo=MOSCOW).astimezone(UTC)


def parse_day(text: str, now: datetime) -> date:
    """A calendar day typed by an organizer (see the module doc). Raises `FormError`."""
    typed = unicodedata.normalize("NFKC", text).strip()
    today = moscow_today(now)
    iso = _ISO.fullmatch(typed)
    dotted = _DOTTED.fullmatch(typed)
    if iso is not None:
        year, month, day = (int(part) for part in iso.groups())
        return _make_day(year, month, day)
    if dotted is None:
        raise FormError("date-format")
    day, month = int(dotted[1]), int(dotted[2])
    if dotted[3] is not None:
        year = int(dotted[3])
        return _make_day(year + 2000 if year < 100 else year, month, day)
    # No year: the next such day, so "1.01" typed in November means the coming January.
    candidate = _make_day(today.year, month, day, leap_fallback=today.year + 1)
    if candidate < today:
        candidate = _make_day(today.year + 1, month, day)
    return candidate


def _make_day(year: int, month: int, day: int, *, leap_fallback: int | None = None) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        # 29.02 typed without a year in a common year means the next leap year's day.
        if leap_fallback is not None and (month, day) == (2, 29):
            for offset in range(4):
                try:
                    return date(leap_fallback + offset, 2, 29)
                except ValueError:
                    continue
        raise FormError("date-invalid") from None


def parse_stop(text: str, now: datetime) -> datetime:
    """The stop date: end of the typed Moscow day; not in the past, not absurdly far."""
    return _future_deadline(parse_day(text, now), now)


def parse_payment_deadline(text: str, now: datetime, stop_at: datetime) -> datetime:
    """The payment deadline: like the stop date, and not before it (the same day is fine)."""
    deadline = _future_deadline(parse_day(text, now), now)
    if deadline < stop_at:
        raise FormError("pay-before-stop", stop=stop_at)
    return deadline


def _future_deadline(day: date, now: datetime) -> datetime:
    deadline = end_of_day(day)
    if deadline <= now:
        raise FormError("date-past", today=end_of_day(moscow_today(now)))
    if deadline - now > timedelta(days=MAX_DAYS_AHEAD):
        raise FormError("date-too-far")
    return deadline


# --- text fields ------------------------------------------------------------------------------


def clean_title(text: str) -> str:
    title = clean_line(text, min_length=TITLE_MIN, max_length=TITLE_MAX)
    if title is None:
        raise FormError("title", min=TITLE_MIN, max=TITLE_MAX)
    return title


def clean_supplier(text: str) -> str:
    """A supplier's name; links are fine here (organizers name suppliers by their site)."""
    supplier = clean_line(text, min_length=1, max_length=SUPPLIER_MAX, allow_links=True)
    if supplier is None:
        raise FormError("supplier", max=SUPPLIER_MAX)
    return supplier


def clean_category(text: str) -> str:
    category = clean_line(text, min_length=1, max_length=CATEGORY_MAX)
    if category is None:
        raise FormError("category", max=CATEGORY_MAX)
    return category


def clean_block(text: str, *, max_length: int) -> str | None:
    """Multi-line free text (descriptions, payment details), trimmed; None if unacceptable.

    Line breaks and tabs are kept; other control and format characters are refused because
    they break layouts in messages and exports. Runs of blank lines shrink to one.
    """
    block = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    block = re.sub(r"\n{3,}", "\n\n", block)
    if not 1 <= len(block) <= max_length:
        return None
    for ch in block:
        if ch in "\n\t\u200d":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf"):
            return None
    return block


def clean_description(text: str) -> str:
    description = clean_block(text, max_length=DESCRIPTION_MAX)
    if description is None:
        raise FormError("description", max=DESCRIPTION_MAX)
    return description


def clean_pickup_note(text: str) -> str:
    """Where and when the goods are handed out, as buyers will read it."""
    note = clean_block(text, max_length=PICKUP_NOTE_MAX)
    if note is None:
        raise FormError("pickup", max=PICKUP_NOTE_MAX)
    return note


# --- numbers ----------------------------------------------------------------------------------


def parse_fee(text: str) -> int:
    """The organizer fee in basis points: "15", "15 %", "12,5%"; 0 % is allowed."""
    try:
        return parse_percent(text.strip(), max_bp=MAX_FEE_BP)
    except PercentError as exc:
        raise FormError(f"fee-{exc.reason.value}", max=MAX_FEE_BP // BP_PER_PERCENT) from None


def parse_min(text: str) -> Minimum:
    """The minimum to buy out: a sum ("30 000") or pieces ("50 шт"), `domain.buyouts`."""
    try:
        return parse_minimum(text)
    except MinimumError as exc:
        raise FormError(f"min-{exc.code}", max_kop=MAX_MIN_TOTAL_KOP) from None


def parse_min_total(text: str) -> int:
    """The supplier's minimum for the whole purchase, in kopecks."""
    try:
        return parse_amount(text, max_kopecks=MAX_MIN_TOTAL_KOP)
    except AmountError as exc:
        raise FormError(f"min-{exc.reason.value}", max_kop=MAX_MIN_TOTAL_KOP) from None


# --- the one-line form ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PurchaseDraft:
    title: str
    supplier: str
    category: str
    fee_bp: int
    stop_at: datetime
    payment_due_at: datetime
    min_total_kop: int | None = None
    description: str = ""
    min_pieces: int | None = None


def parse_quick_form(text: str, now: datetime) -> PurchaseDraft:
    """A whole purchase from one line (see the module doc). Raises `FormError`."""
    parts = [part.strip() for part in text.split(";")]
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) < 4:
        raise FormError("form-parts")
    title = clean_title(parts[0])
    supplier = "" if parts[1] in ("", EMPTY_MARK) else clean_supplier(parts[1])
    category = "" if parts[2] in ("", EMPTY_MARK) else clean_category(parts[2])
    values: dict[str, str] = {}
    for part in parts[3:]:
        word, _, value = _SPACES.sub(" ", part).partition(" ")
        field = _KEYWORD_FIELD.get(word.casefold().rstrip(":"))
        if field is None or not value.strip():
            raise FormError("form-unknown", part=part[:40])
        if field in values:
            raise FormError("form-twice", part=part[:40])
        values[field] = value.strip()
    for required in ("fee", "stop", "pay"):
        if required not in values:
            raise FormError("form-missing", field=required)
    stop_at = parse_stop(values["stop"], now)
    minimum = parse_min(values["min"]) if "min" in values else Minimum()
    return PurchaseDraft(
        title=title,
        supplier=supplier,
        category=category,
        fee_bp=parse_fee(values["fee"]),
        stop_at=stop_at,
        payment_due_at=parse_payment_deadline(values["pay"], now, stop_at),
        min_total_kop=minimum.total_kop,
        min_pieces=minimum.pieces,
    )
