"""`python bot.py backup PATH` (storage/backup.py): a consistent copy of the SQLite database
while another process keeps writing to it, and polite refusals otherwise."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.settings import Settings
from storage.backup import BackupError, backup_sqlite

ROOT = Path(__file__).resolve().parent.parent
BOT = str(ROOT / "bot.py")

# Another process writing as the bot does (WAL mode, one transaction at a time): each
# transaction adds a row to `orders` and its line to `lines`, so a copy that caught a
# transaction half-way would have one without the other.
WRITER = """
import os, sqlite3, sys
database, stop = sys.argv[1], sys.argv[2]
db = sqlite3.connect(database, isolation_level=None)
db.execute("PRAGMA busy_timeout=10000")
written = 0
while not os.path.exists(stop):
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO orders (payload) VALUES (randomblob(2000))")
    db.execute("INSERT INTO lines (order_id) VALUES (last_insert_rowid())")
    db.execute("COMMIT")
    written += 1
    if written == 1:
        print("writing", flush=True)
print(written, flush=True)
"""


def make_database(path: Path, rows: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, payload BLOB)")
    db.execute("CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL)")
    db.execute("BEGIN")
    for _ in range(rows):
        db.execute("INSERT INTO orders (payload) VALUES (randomblob(2000))")
        db.execute("INSERT INTO lines (order_id) VALUES (last_insert_rowid())")
    db.execute("COMMIT")
    db.close()


def bot_env(**settings: str) -> dict[str, str]:
    # A developer's exported settings (tokens above all) must not reach the subprocess.
    names = {name.upper() for name in Settings.model_fields}
    for field in Settings.model_fields.values():
        for alias in getattr(field.validation_alias, "choices", [field.validation_alias]):
            if isinstance(alias, str):
                names.add(alias.upper())
    env = {key: value for key, value in os.environ.items() if key.upper() not in names}
    env.update(settings)
    return env


def run_backup(cwd: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, BOT, "backup", *args],
        cwd=cwd,
        env=bot_env(DATABASE_URL=database_url),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def count(db: sqlite3.Connection, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_copy_while_another_process_writes(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    make_database(database, rows=5000)  # ~10 MB: the copy takes a while
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(database), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        with sqlite3.connect(database) as reader:
            committed_before = count(reader, "orders")
        result = run_backup(tmp_path, f"sqlite+aiosqlite:///{database}", "copy.sqlite3")
        time.sleep(0.2)  # the writer goes on after the copy, too
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{database} copied to copy.sqlite3 (")

    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = count(copy, "orders")
        # Everything committed before the backup began is there...
        assert copied >= committed_before > 5000
        # ...and only whole transactions: every order with its line, ids without gaps.
        assert count(copy, "lines") == copied
        assert copy.execute("SELECT max(id) FROM orders").fetchone()[0] == copied
        # One self-contained file: no write-ahead log to carry along.
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        copy.close()
    # The writer was not stopped by the backup: it committed after the copy's snapshot.
    assert int(out.split()[-1]) + 5000 > copied
    assert not list(tmp_path.glob(".copy.sqlite3.partial*"))


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    make_database(database, rows=3)
    target = tmp_path / "backup.sqlite3"
    target.write_text("yesterday's backup")
    url = f"sqlite+aiosqlite:///{database}"

    refused = run_backup(tmp_path, url, str(target))
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [f"{target} exists; add --force to overwrite it"]
    assert target.read_text() == "yesterday's backup"

    forced = run_backup(tmp_path, url, str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    with sqlite3.connect(target) as copy:
        assert count(copy, "orders") == 3


def test_postgres_is_refused_with_a_hint(tmp_path: Path) -> None:
    result = run_backup(tmp_path, "postgresql+asyncpg://bot:secret@127.0.0.1:5432/bot", "bot.dump")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "pg_dump -Fc" in line and "pg_restore" in line
    assert "secret" not in line
    assert not (tmp_path / "bot.dump").exists()


def test_missing_database_is_refused(tmp_path: Path) -> None:
    result = run_backup(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'none.sqlite3'}", "b.db")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"No SQLite database at {tmp_path}/none.sqlite3"]
    assert not (tmp_path / "none.sqlite3").exists()  # not created empty by the attempt


def test_backup_of_the_bot_database_after_migrations(tmp_path: Path) -> None:
    # The bot's own database, migrated by `bot.py migrate`: the copy has the same schema.
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    migrate = subprocess.run(
        [sys.executable, BOT, "migrate"],
        cwd=tmp_path,
        env=bot_env(DATABASE_URL=url, LOG_LEVEL="WARNING"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    size = backup_sqlite(tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3")
    assert size == (tmp_path / "copy.sqlite3").stat().st_size
    schema = "SELECT name, sql FROM sqlite_master ORDER BY name"
    with (
        sqlite3.connect(tmp_path / "bot.sqlite3") as original,
        sqlite3.connect(tmp_path / "copy.sqlite3") as copy,
    ):
        assert copy.execute(schema).fetchall() == original.execute(schema).fetchall()
        version = "SELECT version_num FROM alembic_version"
        assert copy.execute(version).fetchall() == original.execute(version).fetchall()


def test_the_database_itself_is_never_the_target(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    make_database(database, rows=1)
    with pytest.raises(BackupError, match="cannot overwrite the database itself"):
        backup_sqlite(database, database, force=True)
