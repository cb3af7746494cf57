"""When each platform last answered us: what /healthz (bot/web.py) reports per platform.

Transports call `record_ok(platform)` after every API call the platform answered (Telegram's
session, VK's client). The registry is neutral on purpose: the web server reads it without
importing any adapter, and a platform added later reports the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from domain import clock


class Health:
    """The last successful API call per platform, on the one clock (`domain.clock`)."""

    def __init__(self) -> None:
        self._last_ok: dict[str, datetime] = {}

    def record_ok(self, platform: str) -> None:
        # A dict store: cheap enough for every API call, and safe from worker threads (VK's
        # calls run in executor threads) under the GIL.
        self._last_ok[platform] = clock.now()

    def recorder(self, platform: str) -> Callable[[], None]:
        """`record_ok` bound to one platform, for a transport that knows no registry."""
        return partial(self.record_ok, platform)

    def last_ok(self) -> dict[str, datetime]:
        """Platform -> time of its last successful call (platforms never answered are absent)."""
        return dict(self._last_ok)
