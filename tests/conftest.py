"""Shared fixtures: a real database (SQLite file, or PostgreSQL with TEST_DATABASE_URL),
the real app wiring, and the console adapter as the simplest real front end."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.adapters.console.adapter import ConsoleAdapter
from bot.app import App, create_app
from bot.scheduler import Scheduler
from bot.settings import Settings, load_settings
from domain.clock import FrozenClock, SystemClock, install
from storage import migrate
from storage.db import create_engine
from storage.models import Base

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


# Every test starts on this moment (12:00 in Moscow) whatever the calendar says: dates in tests
# are written relative to it, never to the day the suite runs.
TEST_START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def _fresh_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a SQLite file to copy, or the PostgreSQL schema to truncate."""
    if PG_URL:
        asyncio.run(_fresh_postgres(PG_URL))
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"

    async def build() -> None:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await engine.dispose()

    asyncio.run(build())
    return str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    if PG_URL:

        async def truncate() -> None:
            engine = create_engine(PG_URL)
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            async with engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            await engine.dispose()

        asyncio.run(truncate())
        yield PG_URL
        return
    path = tmp_path / "bot.sqlite3"
    shutil.copy(migrated_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    # Tests never read the developer's .env or environment tokens.
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_TOKEN", "VK_TOKENS", "ADMIN_IDS", "DEFAULT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    return load_settings(database_url=database_url, admin_ids="telegram:1,vk:1")


@pytest.fixture(autouse=True)
def clock() -> Iterator[FrozenClock]:
    """The process' clock for the test: frozen at TEST_START, moved only by the test
    (`clock.advance(hours=25)`, `clock.set(...)`). Handlers, the scheduler, the outbox and the
    database defaults all read it."""
    frozen = FrozenClock(TEST_START)
    previous = install(frozen)
    yield frozen
    install(previous)


@pytest.fixture
def running_clock(clock: FrozenClock) -> Iterator[SystemClock]:
    """Time that runs, from TEST_START on: for the outbox's retries and back-offs, which wait
    for real fractions of a second to pass."""
    running = SystemClock(TEST_START - datetime.now(UTC))
    previous = install(running)
    yield running
    install(previous)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    application = await create_app(settings, run_migrations=False)
    yield application
    await application.close()


class ConsoleSession:
    """Drive the console adapter like a person and read what it printed."""

    def __init__(self, app: App, *, scheduler: Scheduler | None = None) -> None:
        self.out = io.StringIO()
        self.adapter = ConsoleAdapter(
            app.dispatcher, app.session_factory, out=self.out, scheduler=scheduler
        )

    async def say(self, *lines: str) -> str:
        start = self.out.tell()
        await self.adapter.run_script(lines)
        return self.out.getvalue()[start:]

    @property
    def transcript(self) -> str:
        return self.out.getvalue()


@pytest.fixture
def console(app: App) -> ConsoleSession:
    return ConsoleSession(app)
