"""Calendar periods people speak in ("the last two months") and how dates are shown."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (31 March - 1 -> 28/29 Feb).

    Calendar months rather than 30-day blocks: "orders of the last two months" on 23 November
    must include 23 September, which 60 days would not.
    """
    if months < 0:
        raise ValueError("months must not be negative")
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def format_day(moment: datetime, lang: str = "ru") -> str:
    """ "30.11.2026" (ru) or "30 Nov 2026" (en), in UTC: the bot has no per-user time zone."""
    day = moment.astimezone(UTC)
    if lang.lower().startswith("en"):
        return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"
    return day.strftime("%d.%m.%Y")
