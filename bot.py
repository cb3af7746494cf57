"""Entry point.

python bot.py                       Telegram and/or VK by the tokens set; the console if none
python bot.py migrate               only bring the database to the latest revision
python bot.py console [--script F]  the terminal chat (a script plays a conversation)
python bot.py backup PATH [--force] a consistent copy of the SQLite database, while it runs
python bot.py moderate [--detail]   JSON lines in, the chat moderation's verdicts out

A start-up that fails for a known reason (a refused token, an unreachable or read-only
database, a port in use) prints one line on stderr and exits with 2 (fix the configuration)
or 1 (may pass by itself): see bot/startup_errors.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from bot.logs import SecretMask, configure_logging, secrets_of
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("bot")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bot.py", description="Joint-purchase bot")
    sub = parser.add_subparsers(dest="mode")
    sub.add_parser("migrate", help="upgrade the database to the latest revision and exit")
    console = sub.add_parser("console", help="chat with the bot in the terminal")
    console.add_argument("--script", type=argparse.FileType("r", encoding="utf-8"))
    console.add_argument("--as", dest="user", default="buyer", help="the first simulated user")
    console.add_argument("--save-files", type=Path, help="folder for documents the bot sends")
    backup = sub.add_parser(
        "backup", help="copy the SQLite database to PATH (safe while the bot runs)"
    )
    backup.add_argument("path", type=Path, help="the file to write")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    moderate = sub.add_parser(
        "moderate", help="check chat messages (JSON lines on stdin) against the moderation rules"
    )
    moderate.add_argument("--detail", action="store_true", help="also say what was found")
    args = parser.parse_args(argv)

    if args.mode == "moderate":
        return run_moderate(detail=args.detail)

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.mode == "backup":
        return run_backup(settings, args.path, force=args.force)
    from bot.adapters import check_platform_names, configured

    try:
        check_platform_names(settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    console = args.mode == "console" or (args.mode is None and not configured(settings))

    try:
        configure_logging(settings, console=console)
        from bot import app

        if args.mode == "migrate":
            run(app.run_migrations_only(settings))
        elif console:
            run(
                app.run_console(
                    settings,
                    script=getattr(args, "script", None),
                    user=getattr(args, "user", "buyer"),
                    files_dir=getattr(args, "save_files", None),
                )
            )
        else:
            run(app.run_platforms(settings))
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        code = startup_failed(exc, settings)
        if code is None:
            raise
        return code
    return 0


def run(main_coroutine: Coroutine[Any, Any, None]) -> None:
    """Run until done, Ctrl+C, or SIGTERM (how Docker, systemd and Kubernetes stop a process):
    both end the run through the code's own `finally` blocks (senders give their claimed
    messages back, the lease is freed, the database closed), and the exit is a clean 0."""
    threading.excepthook = _quiet_closed_loop
    asyncio.run(_stoppable(main_coroutine))


def _quiet_closed_loop(args: threading.ExceptHookArgs) -> None:
    # A database connection's thread (aiosqlite) that finishes an operation after the event
    # loop closed (a start-up that failed half-way, e.g. on a read-only folder) has nobody
    # to hand the result to; its "Event loop is closed" traceback would bury the one line
    # that says what went wrong. Anything else a thread raises is printed as usual.
    error = args.exc_value
    if isinstance(error, RuntimeError) and str(error) == "Event loop is closed":
        return
    threading.__excepthook__(args)


async def _stoppable(main_coroutine: Coroutine[Any, Any, None]) -> None:
    task = asyncio.current_task()
    assert task is not None
    stopping = False

    def stop() -> None:
        nonlocal stopping
        stopping = True
        task.cancel()

    loop = asyncio.get_running_loop()
    # Not on Windows' event loop; code running under it may install its own handler later
    # (a finer drain), which then replaces this one.
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, stop)
    try:
        await main_coroutine
    except asyncio.CancelledError:
        if not stopping:
            raise
        log.info("stopped by SIGTERM")


def startup_failed(exc: Exception, settings: Settings) -> int | None:
    """One line on stderr for a known failure (the traceback at DEBUG), and the exit code;
    None for the rest, which are bugs and keep their traceback."""
    from bot.startup_errors import explain_startup_error

    failure = explain_startup_error(exc, settings)
    if failure is None:
        return None
    log.debug("start-up failed", exc_info=exc)
    print(SecretMask(secrets_of(settings)).mask(failure.message), file=sys.stderr)
    return failure.exit_code


def run_moderate(*, detail: bool) -> int:
    """`bot.py moderate`: no settings, database or token, only the rules (domain.moderation)."""
    from bot.moderate_command import run as run_lines

    for stream in (sys.stdin, sys.stdout):
        stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
    return run_lines(sys.stdin, sys.stdout, detail=detail)


def run_backup(settings: Settings, target: Path, *, force: bool) -> int:
    from storage.backup import BackupError, backup_sqlite

    if settings.database_url.startswith("postgresql"):
        print(
            "backup copies SQLite databases only; for PostgreSQL use "
            "pg_dump -Fc -f bot.dump DBNAME (restore with pg_restore)",
            file=sys.stderr,
        )
        return 2
    source = settings.sqlite_path()
    if source is None:
        print("backup needs a SQLite database file in DATABASE_URL", file=sys.stderr)
        return 2
    try:
        size = backup_sqlite(source, target, force=force)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{source} copied to {target} ({size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
