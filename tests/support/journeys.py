"""The contract of the shared journey suite (tests/test_platform_journeys.py): every platform
runs the same journeys through its real adapter against its fake API server, by a driver of
this shape. A new platform writes a driver (tests/support/<platform>.py) and adds it to the
suite's parameters; the journeys themselves are never copied per platform."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol


class JourneyDriver(Protocol):
    """A person's view of the bot on one platform, through the fake server."""

    platform: str

    def admin_id(self, user: str) -> str:
        """The `ADMIN_IDS` entry of `user` ("telegram:101", "max:5001", ...)."""
        ...

    async def say(self, user: str, text: str) -> str:
        """`user` writes `text` in their private chat with the bot; returns every text the
        bot sent to that user in answer (outbox deliveries included, once they settled),
        joined by blank lines."""
        ...

    async def press(self, user: str, label: str) -> str:
        """`user` presses the button whose label contains `label` on the latest keyboard the
        bot sent them; returns what the bot sent them in answer, as `say` does. Fails the
        test when there is no such button, or when the press is left unanswered."""
        ...

    async def send_photo(self, user: str, caption: str = "") -> str:
        """`user` sends a photo (with a caption); returns the answer, as `say` does."""
        ...

    def buttons(self, user: str) -> list[str]:
        """The labels of the latest keyboard the bot sent `user`."""
        ...

    def received(self, user: str) -> str:
        """Everything the bot sent `user` so far (notifications included)."""
        ...


class DriverFactory(Protocol):
    def __call__(
        self, tmp_path: Path, *, admins: tuple[str, ...] = ()
    ) -> AbstractAsyncContextManager[JourneyDriver]:
        """Starts the bot for this platform (its adapter, a fresh database under `tmp_path`,
        `ADMIN_IDS` of the named users) against its fake server; stops both on exit."""
        ...
