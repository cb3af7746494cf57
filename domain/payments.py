"""Payment reports: spreading one report over orders, deciding a report, and payment times.

Pure rules, no database: the handlers in handlers/buyer/payments.py and the repository in
storage/repositories/payments.py call these. Amounts are int kopecks (see `money`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

from domain.periods import MOSCOW

# A receipt is shown to the organizer as a photo. Telegram accepts photos up to 10 MB
# (sendPhoto) and VK more, so 10 MB is the common ceiling; a screenshot or a phone photo of a
# receipt is far below it, so anything bigger is not a receipt picture worth storing.
MAX_RECEIPT_BYTES = 10 * 1024 * 1024
# A receipt sent as a file (banks send PDFs) goes to the organizer as the same file, by the
# platform's file id: 20 MB is the most a Telegram bot may fetch of a file (getFile), and a
# bank's PDF is a few hundred kilobytes, so a bigger file is not a receipt.
MAX_RECEIPT_FILE_BYTES = 20 * 1024 * 1024
RECEIPT_FILE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")
RECEIPT_FILE_MIME_TYPES = ("application/pdf",)
COMMENT_MAX_LENGTH = 500
REASON_MIN_LENGTH, REASON_MAX_LENGTH = 3, 500
# More than this many times what the chosen orders still owe is surely a typo ("15000" for
# "1500"); a genuine small overpayment stays possible and shows as such.
ABSURD_OVERPAYMENT_FACTOR = 3
# Phones and servers disagree by a few minutes; "now" typed by hand must not look "future".
FUTURE_TOLERANCE = timedelta(minutes=5)
# A report about a payment older than this is a typo in the year, not a real payment.
MAX_PAYMENT_AGE = timedelta(days=366)


def is_receipt_file(mime_type: str | None, file_name: str | None) -> bool:
    """Whether a file sent as a document may be a receipt: a PDF or a picture, by its type or,
    when the platform tells none (VK gives the extension only), by its name's extension."""
    mime = (mime_type or "").casefold()
    if mime and mime != "application/octet-stream":
        # A type the platform gave wins over the name: "чек.pdf" that is a program is not one.
        return mime in RECEIPT_FILE_MIME_TYPES or mime.startswith("image/")
    return (file_name or "").casefold().endswith(RECEIPT_FILE_EXTENSIONS)


# --- allocation -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outstanding:
    """An order a report may pay, and how much of it nothing covers yet.

    `uncovered` is due - confirmed - pending reports' parts: money already reported and
    awaiting the organizer is not asked for twice. It may be zero or negative.
    """

    order_id: int
    created_at: datetime
    uncovered: int


def allocate(amount: int, orders: Sequence[Outstanding]) -> list[tuple[int, int]]:
    """Spread `amount` over `orders`, oldest first: [(order_id, part), ...].

    Each order gets at most what it still lacks; whatever remains goes to the newest one, so
    an overpayment is visible on an order rather than lost. Parts are positive and add up to
    `amount`; an order the money does not reach gets no part.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"amount must be positive int kopecks, got {amount!r}")
    if not orders:
        raise ValueError("a payment must cover at least one order")
    ordered = sorted(orders, key=lambda o: (o.created_at, o.order_id))
    parts: list[tuple[int, int]] = []
    left = amount
    for index, order in enumerate(ordered):
        last = index == len(ordered) - 1
        part = left if last else min(left, max(order.uncovered, 0))
        if part > 0:
            parts.append((order.order_id, part))
            left -= part
    return parts


def propose_split(amount: int, orders: Sequence[Outstanding]) -> dict[int, int]:
    """The split offered to the buyer: `allocate`, with every chosen order listed (an order
    the money does not reach gets 0), so the buyer sees and may edit each order's part."""
    parts = dict(allocate(amount, orders))
    return {order.order_id: parts.get(order.order_id, 0) for order in orders}


class SplitProblem(StrEnum):
    NEGATIVE = "negative"
    NOTHING = "nothing"  # every part is zero
    SUM = "sum"  # the parts do not add up to the amount


def split_problem(amount: int, parts: dict[int, int]) -> SplitProblem | None:
    """Why the buyer's split of `amount` over orders cannot be sent (None: it can).

    Parts are what each order gets of this payment; they must be whole kopecks, not
    negative, and add up to the amount exactly (money is never left unassigned or made up).
    An order may get nothing: the buyer chose it, but this payment does not pay it.
    """
    if any(part < 0 for part in parts.values()):
        return SplitProblem.NEGATIVE
    if not any(parts.values()):
        return SplitProblem.NOTHING
    if sum(parts.values()) != amount:
        return SplitProblem.SUM
    return None


def paid_parts(parts: dict[int, int]) -> list[tuple[int, int]]:
    """The parts a report stores: those with money, in the buyer's order."""
    return [(order_id, part) for order_id, part in parts.items() if part > 0]


def is_absurd_amount(amount: int, balance_total: int) -> bool:
    """True when `amount` is far beyond what the chosen orders still owe (a typo)."""
    return amount > ABSURD_OVERPAYMENT_FACTOR * max(balance_total, 0)


# --- deciding a report ------------------------------------------------------------------------


class PaymentMethod(StrEnum):
    CARD = "card"
    SBP = "sbp"
    CASH = "cash"
    OTHER = "other"


class PaymentReportStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class AlreadyDecided(Exception):
    """The report was decided before (a second press, another device)."""

    def __init__(self, status: PaymentReportStatus) -> None:
        super().__init__(status.value)
        self.status = status


def decide(current: str, confirm: bool) -> PaymentReportStatus:
    """The report's next status; only a pending report can be decided, and only once."""
    status = PaymentReportStatus(current)
    if status is not PaymentReportStatus.PENDING:
        raise AlreadyDecided(status)
    return PaymentReportStatus.CONFIRMED if confirm else PaymentReportStatus.REJECTED


def report_outcome(part_statuses: Sequence[str]) -> PaymentReportStatus:
    """A report's status from its parts' (each order's part is decided on its own).

    Pending while any part waits; then confirmed when any part was confirmed (money did
    arrive), rejected only when every part was.
    """
    statuses = [PaymentReportStatus(status) for status in part_statuses]
    if not statuses or PaymentReportStatus.PENDING in statuses:
        return PaymentReportStatus.PENDING
    if PaymentReportStatus.CONFIRMED in statuses:
        return PaymentReportStatus.CONFIRMED
    return PaymentReportStatus.REJECTED


def confirmed_after(confirmed: int, part: int) -> int:
    """An order's confirmed payments after a confirmed report added `part` to it."""
    if part <= 0 or confirmed < 0:
        raise ValueError("confirmed sums and parts are non-negative")
    return confirmed + part


# --- payment times ----------------------------------------------------------------------------


class PaidAtProblem(StrEnum):
    FORMAT = "format"
    NEED_TIME = "need_time"
    BAD_DATE = "bad_date"
    FUTURE = "future"
    TOO_OLD = "too_old"


class PaidAtError(ValueError):
    def __init__(self, problem: PaidAtProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


_DATE = r"(?P<day>\d{1,2})[./](?P<month>\d{1,2})(?:[./](?P<year>\d{4}|\d{2}))?"
_TIME = r"(?P<hour>\d{1,2})[:](?P<minute>\d{2})"
_PAID_AT = re.compile(rf"(?:{_DATE})?[\s,]*(?:(?:в|at)\s+)?{_TIME}", re.IGNORECASE)
_DATE_ONLY = re.compile(_DATE)
# Without a year, a date this far in the future means last year (typed on 2 January about
# 30 December); a nearer one is simply a future date and is refused.
_YEAR_ROLLBACK = timedelta(days=180)


def parse_paid_at(text: str, now: datetime, tz: tzinfo = MOSCOW) -> datetime:
    """UTC time of a payment typed as "23.11 14:30", "23.11.2026 14:30" or "14:30" (today).

    Times are read in `tz` (Moscow). Raises `PaidAtError` for other shapes, impossible
    dates, the future and payments over a year old.
    """
    typed = " ".join(text.split())
    match = _PAID_AT.fullmatch(typed)
    if match is None:
        problem = PaidAtProblem.NEED_TIME if _DATE_ONLY.fullmatch(typed) else PaidAtProblem.FORMAT
        raise PaidAtError(problem)
    local_now = now.astimezone(tz)
    hour, minute = int(match["hour"]), int(match["minute"])
    if match["day"] is None:
        day, month, year = local_now.day, local_now.month, local_now.year
    else:
        day, month = int(match["day"]), int(match["month"])
        year = _full_year(match["year"], local_now.year)
    try:
        moment = datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        raise PaidAtError(PaidAtProblem.BAD_DATE) from None
    if match["day"] is not None and match["year"] is None and moment - now > _YEAR_ROLLBACK:
        try:
            moment = moment.replace(year=year - 1)
        except ValueError:  # 29.02 of a leap year
            raise PaidAtError(PaidAtProblem.BAD_DATE) from None
    if moment > now + FUTURE_TOLERANCE:
        raise PaidAtError(PaidAtProblem.FUTURE)
    if now - moment > MAX_PAYMENT_AGE:
        raise PaidAtError(PaidAtProblem.TOO_OLD)
    return moment.astimezone(UTC)


def _full_year(typed: str | None, current: int) -> int:
    if typed is None:
        return current
    return 2000 + int(typed) if len(typed) == 2 else int(typed)


def format_moscow(moment: datetime, tz: tzinfo = MOSCOW) -> str:
    """ "23.11.2026 14:30" in Moscow time (the texts say "Moscow time" around it)."""
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M")
