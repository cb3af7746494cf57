"""Models and migrations agree, and the migrations go up, down and up again."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from storage import migrate
from storage.db import create_engine
from storage.models import Base
from storage.types import render_item
from tests.support.environment import PG_URL, fresh_postgres


async def _diff(url: str) -> list:
    engine = create_engine(url)
    async with engine.connect() as conn:

        def compare(sync_conn):
            context = MigrationContext.configure(
                sync_conn, opts={"compare_type": True, "render_item": render_item}
            )
            return compare_metadata(context, Base.metadata)

        diff = await conn.run_sync(compare)
    await engine.dispose()
    return diff


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


def _url(tmp_path: Path) -> str:
    return PG_URL or f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}"


async def test_models_match_migrations(tmp_path: Path) -> None:
    url = _url(tmp_path)
    if PG_URL:
        await fresh_postgres(url)
    else:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await engine.dispose()
    assert await _diff(url) == []


async def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    url = _url(tmp_path)
    engine = create_engine(url)
    if PG_URL:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(engine)
    assert await _tables(url) == set(Base.metadata.tables)
    await migrate.downgrade(engine, "base")
    assert await _tables(url) == set()
    await migrate.upgrade(engine)
    assert await _tables(url) == set(Base.metadata.tables)
    await engine.dispose()
    if PG_URL:
        await fresh_postgres(url)  # leave the schema as the other tests expect it


def test_one_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1


async def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'w.sqlite3'}")
    async with engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    await engine.dispose()


async def test_comment_sources_become_platform_names(tmp_path: Path) -> None:
    url = _url(tmp_path)
    engine = create_engine(url)
    if PG_URL:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(engine, "0001")
    async with engine.begin() as conn:
        rows = {
            "users (id, platform, external_id, bot_key, name, language, notifications_allowed,"
            " messages_allowed, reachable, created_at, last_seen_at)": "1, 'vk', '42', '', 'Ivan',"
            " 'ru', true, true, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP",
            "organizers (id, user_id, name, description, payment_details, buyers_choose_pickup,"
            " status, strikes, created_at)": "1, 1, 'Org', '', '', false, 'active', 0,"
            " CURRENT_TIMESTAMP",
            "purchases (id, organizer_id, title, description, supplier, category, fee_bp, status,"
            " created_at, updated_at)": "1, 1, 'P', '', '', '', 0, 'open', CURRENT_TIMESTAMP,"
            " CURRENT_TIMESTAMP",
        }
        for table, values in rows.items():
            await conn.execute(text(f"INSERT INTO {table} VALUES ({values})"))
        for number, source in enumerate(("bot", "vk_wall", "telegram_discussion"), start=1):
            await conn.execute(
                text(
                    "INSERT INTO comments (id, user_id, purchase_id, text, source, external_id,"
                    " created_at) VALUES (:id, 1, 1, 'x', :source, :ext, CURRENT_TIMESTAMP)"
                ),
                {"id": number, "source": source, "ext": None if number == 1 else str(number)},
            )
    await migrate.upgrade(engine)
    async with engine.connect() as conn:
        sources = (await conn.execute(text("SELECT source FROM comments ORDER BY id"))).scalars()
        assert list(sources) == ["bot", "vk", "telegram"]
    await migrate.downgrade(engine, "0001")
    async with engine.connect() as conn:
        sources = (await conn.execute(text("SELECT source FROM comments ORDER BY id"))).scalars()
        assert list(sources) == ["bot", "vk_wall", "telegram_discussion"]
    await engine.dispose()
    if PG_URL:
        await fresh_postgres(url)
