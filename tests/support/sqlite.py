"""SQLite's side of the engine: the database file of an app, and another process's writer
holding the write lock."""

from __future__ import annotations

import sqlite3
import threading

from bot.app import App


def database_path(app: App) -> str:
    return app.settings.database_url.split(":///", 1)[1]


class LockHolder:
    """Another process's writer, as far as SQLite can tell: a plain sqlite3 connection in a
    thread of its own holding the write lock until released."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.taken = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        try:
            conn.execute("BEGIN IMMEDIATE")
            self.taken.set()
            self.release.wait(10)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def __enter__(self) -> LockHolder:
        self.thread.start()
        assert self.taken.wait(5)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()
        self.thread.join(10)
