"""Shared fixtures: a real database (SQLite file, or PostgreSQL with TEST_DATABASE_URL),
the real app wiring, the console adapter as the simplest real front end, and the fixtures
more than one module uses. What tests share besides fixtures lives in tests/support/."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import App, create_app
from bot.settings import Settings, load_settings
from domain.clock import FrozenClock, SystemClock, install
from storage import migrate
from storage.db import create_engine
from storage.models import Base
from tests.support.drivers import ConsoleSession
from tests.support.environment import PG_URL, TEST_START, fresh_postgres
from tests.support.shops import Shop
from tests.support.telegram import TelegramHarness, running_adapter
from tests.support.vk import VkWorld, post_autumn_purchase, vk_world


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a SQLite file to copy, or the PostgreSQL schema to truncate."""
    if PG_URL:
        asyncio.run(fresh_postgres(PG_URL))
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


@pytest.fixture
def console(app: App) -> ConsoleSession:
    return ConsoleSession(app)


@pytest.fixture
def shop(app: App, clock: FrozenClock) -> Shop:
    """Makes users, organizers, purchases, orders and payment reports directly."""
    return Shop(app, clock)


@pytest.fixture
async def sqlite_app(app: App) -> AsyncIterator[App]:
    """The app, for what only SQLite has: its database thread, its single writer."""
    if not app.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's path (PostgreSQL has no database thread and no single writer)")
    yield app


@pytest.fixture
async def tg(app: App) -> AsyncIterator[TelegramHarness]:
    """The app's Telegram adapter running against the fake Bot API."""
    async with running_adapter(app) as harness:
        yield harness


@pytest.fixture
async def vk(app: App) -> AsyncIterator[VkWorld]:
    """The app's VK adapter against the fake VK server, as the community "СП Анны", which may
    post on its own wall. Modules that need another world define their own `vk`."""
    # Real VK lets only user tokens post on a wall; the fake allows the community's too.
    async with vk_world(app, group_wall_post=True, group_name="СП Анны") as world:
        yield world


@pytest.fixture
async def post_id(vk: VkWorld) -> int:
    """Anna's open purchase "Осень" (a dress in 42–46, a scarf; 15 % fee) posted on the wall of
    the community the bot runs on, through /link and /post in VK."""
    return await post_autumn_purchase(vk)
