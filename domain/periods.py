"""The bot's calendar: Moscow time, calendar periods people speak in ("the last two months")
and how a day is shown."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _moscow() -> tzinfo:
    # Moscow has kept UTC+3 all year since 2014; the fixed offset keeps the bot working on a
    # system without time zone data (slim containers, Windows without the tzdata package).
    try:
        return ZoneInfo("Europe/Moscow")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=3), "MSK")


# Organizers and buyers in joint purchases live by Moscow time: typed times and dates mean it,
# and days are shown in it.
MOSCOW = _moscow()


def moscow_today(now: datetime) -> date:
    return now.astimezone(MOSCOW).date()


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
    """The Moscow calendar day of `moment`: "30.11.2026" (ru) or "30 Nov 2026" (en)."""
    day = moment.astimezone(MOSCOW)
    if lang.lower().startswith("en"):
        return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"
    return day.strftime("%d.%m.%Y")
