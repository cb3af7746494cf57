"""The ground every test stands on: the moment the clock starts, and the database under test
(a SQLite file, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import text

from bot.settings import Settings
from storage import migrate
from storage.db import create_engine

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()

# Every test starts on this moment (12:00 in Moscow) whatever the calendar says: dates in tests
# are written relative to it, never to the day the suite runs.
TEST_START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def fresh_postgres(url: str) -> None:
    """Drop everything in the PostgreSQL database and migrate it from scratch."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(engine)
    await engine.dispose()


def setting_names() -> set[str]:
    """Every environment name a setting is read from: field names and their aliases."""
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(name.upper())
        alias = field.validation_alias
        for choice in getattr(alias, "choices", [alias]):
            if isinstance(choice, str):
                names.add(choice.upper())
    return names
