"""A consistent copy of the SQLite database, safe to take while the bot runs.

Copying the file with `cp` while the bot writes can catch a transaction half-way, and misses
what still sits in the write-ahead log (-wal). SQLite's online backup API copies the
database as one transaction saw it: everything committed before the copy began, nothing
after. The copy is made in one step, under one read transaction: in WAL mode readers never
block writers, so the bot keeps working meanwhile (a copy made in several steps would start
over whenever another connection writes in between, and might never end under load).

PostgreSQL has its own tools for this: `pg_dump -Fc` and `pg_restore`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote


class BackupError(Exception):
    """A backup that cannot be made, phrased as one line for the operator."""


def backup_sqlite(source: Path, target: Path, *, force: bool = False) -> int:
    """Copy the database `source` to `target`; returns the copy's size in bytes.

    The copy is written beside `target` and renamed into place at the end, so `target` is
    never a half-written file, even when the backup is interrupted. An existing `target` is
    kept unless `force`.
    """
    if not source.is_file():
        raise BackupError(f"No SQLite database at {source}")
    if target.exists() and not force:
        raise BackupError(f"{target} exists; add --force to overwrite it")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name")
    if target.resolve() == source.resolve():
        raise BackupError("the backup cannot overwrite the database itself")
    if not target.parent.is_dir():
        raise BackupError(f"No folder {target.parent} for the backup")
    partial = target.with_name(f".{target.name}.partial")
    try:
        # Read-only, and through a URI so a missing file is an error rather than a new,
        # empty database.
        src = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
        try:
            partial.unlink(missing_ok=True)
            dst = sqlite3.connect(partial)
            try:
                # pages=-1: everything in one step, see the module docstring.
                src.backup(dst, pages=-1)
                # The copy is one self-contained file: no -wal beside it to lose when it is
                # moved elsewhere.
                dst.execute("PRAGMA journal_mode=DELETE")
                ok = dst.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        if ok != "ok":
            raise BackupError(f"the copy failed its check ({ok}); {target} was not written")
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"Backup of {source} failed: {exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    return target.stat().st_size
