"""The contract of the shared journey suite (tests/test_platform_journeys.py): every platform
runs the same journeys through its real adapter against its fake API server, by a driver of
this shape. A new platform writes a driver (tests/support/<platform>.py) and adds it to the
suite's parameters; the journeys themselves are never copied per platform."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

from bot.app import App, create_app
from bot.settings import load_settings
from storage import migrate
from storage.db import create_engine


class JourneyDriver(Protocol):
    """A person's view of the bot on one platform, through the fake server."""

    platform: str
    # The running bot (its database, for the scheduler's work a journey waits for, such as
    # a referral round opening).
    app: App

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

    async def open_link(self, user: str, link: str) -> str:
        """`user` opens a start link the bot gave (an invite, a purchase's "Order"), the way
        the platform lets a person do it; returns the answer, as `say` does."""
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


async def fresh_app(tmp_path: Path, admin_ids: list[str]) -> App:
    """An app on a new, migrated SQLite file under `tmp_path` with these `ADMIN_IDS`: what a
    driver factory starts its platform's adapter on."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'journeys.sqlite3'}"
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()
    settings = load_settings(database_url=url, admin_ids=",".join(admin_ids))
    return await create_app(settings, run_migrations=False)
