"""Rate limits for sending: spaced slots, token buckets and sliding windows, per key.

Written here rather than taken from a library: aiolimiter (the usual choice) is not among the
pinned dependencies, has no sliding window (Telegram's "20 messages per minute in a group"
is one) and no keyed limits; what we need is small. Every limiter takes an injected monotonic
`clock` and `sleep`, so tests run them on a fake clock without waiting.

* `Pacer`: at most `rate` per second, evenly spaced, first come first served. Each caller
  reserves the next free slot and sleeps until it, so many concurrent senders share it
  without polling and never burst (the platform's own counter may be a token bucket that
  starts full or a sliding window; evenly spaced sends satisfy both).
* `TokenBucket`: `rate` per second with a burst of `capacity`.
* `SlidingWindow`: at most `limit` events in any `window` seconds.
* `KeyedLimits`: one limiter per key (a chat, a community token), created on demand and
  forgotten once idle, so a broadcast to 100 000 chats does not keep 100 000 objects.
* `DeliveryLimits`: what the outbox sender uses: `await limits.acquire(bot_key, chat_id)`
  before each API call, made from the limits the platform's transport declares
  (`DeliveryLimits.of`, `bot.core.transport.SendLimits`).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.core.transport import SendLimits

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Limiter(Protocol):
    def delay(self, now: float) -> float:
        """Seconds until one more event is allowed (0 when allowed now); takes nothing."""
        ...

    def take(self, now: float) -> None:
        """Record one event at `now`."""
        ...

    def idle(self, now: float) -> bool:
        """True when the limiter is back to its initial state (it may be forgotten)."""
        ...


class Pacer:
    """Evenly spaced slots: at most `rate` events per second, no bursts."""

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._next_free = float("-inf")

    def reserve(self, now: float) -> float:
        """Book the next free slot; returns the seconds to wait for it."""
        slot = max(now, self._next_free)
        self._next_free = slot + self.interval
        return slot - now

    def delay(self, now: float) -> float:
        return max(0.0, self._next_free - now)

    def take(self, now: float) -> None:
        self._next_free = max(now, self._next_free) + self.interval

    def idle(self, now: float) -> bool:
        return self._next_free <= now


class TokenBucket:
    """`rate` tokens per second, at most `capacity` saved up; starts full."""

    def __init__(self, rate: float, capacity: float = 1.0) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be positive and capacity at least 1")
        self.rate = rate
        self.capacity = capacity
        self._tokens = capacity
        self._updated: float | None = None

    def _refill(self, now: float) -> None:
        if self._updated is not None:
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    def delay(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        # May go below zero when a caller could not wait: later callers wait the longer.
        self._tokens -= 1.0

    def idle(self, now: float) -> bool:
        self._refill(now)
        return self._tokens >= self.capacity


class SlidingWindow:
    """At most `limit` events in any `window` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be at least 1 and window positive")
        self.limit = limit
        self.window = window
        self._events: deque[float] = deque()

    def _forget(self, now: float) -> None:
        while self._events and self._events[0] <= now - self.window:
            self._events.popleft()

    def delay(self, now: float) -> float:
        self._forget(now)
        if len(self._events) < self.limit:
            return 0.0
        return self._events[-self.limit] + self.window - now

    def take(self, now: float) -> None:
        self._forget(now)
        self._events.append(now)

    def idle(self, now: float) -> bool:
        self._forget(now)
        return not self._events


class KeyedLimits:
    """A limiter per key, made by `factory` on first use and dropped once idle."""

    SWEEP_EVERY = 1024

    def __init__(self, factory: Callable[[str], Limiter | None]) -> None:
        self._factory = factory
        self._limiters: dict[str, Limiter] = {}
        self._uses = 0

    def get(self, key: str, now: float) -> Limiter | None:
        self._uses += 1
        if self._uses % self.SWEEP_EVERY == 0:
            self._limiters = {k: v for k, v in self._limiters.items() if not v.idle(now)}
        limiter = self._limiters.get(key)
        if limiter is None:
            limiter = self._factory(key)
            if limiter is not None:
                self._limiters[key] = limiter
        return limiter

    def __len__(self) -> int:
        return len(self._limiters)


class DeliveryLimits:
    """The limits one platform's sender obeys: a shared pace per bot identity (the whole bot
    on Telegram, each community token on VK) and a limiter per chat.

    `acquire` first waits until the chat may get a message, then books the shared slot, and
    records the chat's use at the moment it really goes out, so a long wait for the shared
    pace never lets two messages reach one chat closer than its limit.
    """

    def __init__(
        self,
        *,
        shared_rate: float | None,
        chat_limiter: Callable[[str], Limiter | None] | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._shared_rate = shared_rate
        self._shared: dict[str, Pacer] = {}
        self._chats = KeyedLimits(chat_limiter or (lambda _key: None))
        self.clock = clock
        self.sleep = sleep

    async def acquire(self, bot_key: str, chat_id: str) -> None:
        chat = self._chats.get(f"{bot_key}:{chat_id}", self.clock())
        if chat is not None:
            while (wait := chat.delay(self.clock())) > 0:
                await self.sleep(wait)
        if self._shared_rate is not None:
            pacer = self._shared.get(bot_key)
            if pacer is None:
                pacer = self._shared[bot_key] = Pacer(self._shared_rate)
            wait = pacer.reserve(self.clock())
            if wait > 0:
                await self.sleep(wait)
        if chat is not None:
            chat.take(self.clock())

    @property
    def tracked_chats(self) -> int:
        return len(self._chats)

    @classmethod
    def of(
        cls, limits: SendLimits, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> DeliveryLimits:
        """The limiters for what a transport declares: a pace per bot identity, a token bucket
        per person and a sliding minute per group."""

        def chat_limiter(key: str) -> Limiter | None:
            chat_id = key.rpartition(":")[2]
            if limits.is_group(chat_id):
                per_minute = limits.per_group_per_minute
                return None if per_minute is None else SlidingWindow(max(1, int(per_minute)), 60.0)
            per_second = limits.per_private_chat
            return None if per_second is None else TokenBucket(per_second, 1.0)

        return cls(shared_rate=limits.per_bot, chat_limiter=chat_limiter, clock=clock, sleep=sleep)
