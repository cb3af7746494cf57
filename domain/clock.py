"""The one clock of the process: what "now" is for handlers, the scheduler, the outbox and the
database's default timestamps alike.

The process runs on a `SystemClock`: the system's UTC time plus an offset that only the
console moves (`:time +1d`), so that stops, reminders and referral rounds can be tried
without waiting for them. Tests install a `FrozenClock` (`install`), so no test depends on
the date it runs on.

Only date-and-time lives here. Rate limits, time-outs and back-offs measure durations on the
monotonic clock (or the event loop's), which has no date and is never moved.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware one (UTC)")
    return moment.astimezone(UTC)


class Clock:
    """What every clock can do; `now()` (or calling the clock) tells the time in UTC."""

    def now(self) -> datetime:
        raise NotImplementedError

    def __call__(self) -> datetime:
        return self.now()

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move the clock forward by `delta` or `timedelta(**parts)`; returns the new time."""
        self.set(self.now() + (delta if delta is not None else timedelta(**parts)))
        return self.now()

    def set(self, moment: datetime) -> None:
        raise NotImplementedError

    def system_time_of(self, moment: datetime) -> datetime | None:
        """When `moment` of this clock comes on the system clock (what timers such as
        APScheduler's run on), or None if it never comes by itself (a frozen clock)."""
        raise NotImplementedError


class SystemClock(Clock):
    """The system's time, moved by an offset (zero unless the console moved it)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def set(self, moment: datetime) -> None:
        self.offset = _aware(moment) - datetime.now(UTC)

    def system_time_of(self, moment: datetime) -> datetime:
        return _aware(moment) - self.offset


class FrozenClock(Clock):
    """Time that stands still until moved (`advance`, `set`): what tests run on."""

    def __init__(self, moment: datetime) -> None:
        self.moment = _aware(moment)

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = _aware(moment)

    def system_time_of(self, moment: datetime) -> None:
        return None


_current: Clock = SystemClock()


def now() -> datetime:
    """The current time of the process' clock (UTC). Usable as a column default."""
    return _current.now()


def current() -> Clock:
    return _current


def install(clock: Clock) -> Clock:
    """Make `clock` the process' clock; returns the one it replaces (to put it back)."""
    global _current
    previous, _current = _current, clock
    return previous
