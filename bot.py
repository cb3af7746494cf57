"""Entry point.

python bot.py                       Telegram and/or VK by the tokens set; the console if none
python bot.py migrate               only bring the database to the latest revision
python bot.py console [--script F]  the terminal chat (a script plays a conversation)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings

CONSOLE_LOG = Path("data/console.log")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(settings: Settings, *, console: bool) -> None:
    """The log at LOG_LEVEL on stderr, and in LOG_FILE when set. The console chat prints the
    conversation only: its log goes to a file (data/console.log unless LOG_FILE says
    otherwise) and stderr shows warnings and errors alone."""
    handlers: list[logging.Handler] = []
    log_file = settings.log_file or (CONSOLE_LOG if console else None)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    stderr = logging.StreamHandler(sys.stderr)
    if console:
        stderr.setLevel(logging.WARNING)
    handlers.append(stderr)
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT, handlers=handlers, force=True)
    if not console:
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bot.py", description="Joint-purchase bot")
    sub = parser.add_subparsers(dest="mode")
    sub.add_parser("migrate", help="upgrade the database to the latest revision and exit")
    console = sub.add_parser("console", help="chat with the bot in the terminal")
    console.add_argument("--script", type=argparse.FileType("r", encoding="utf-8"))
    console.add_argument("--as", dest="user", default="buyer", help="the first simulated user")
    console.add_argument("--save-files", type=Path, help="folder for documents the bot sends")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    from bot.adapters import check_platform_names, configured

    try:
        check_platform_names(settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    console = args.mode == "console" or (args.mode is None and not configured(settings))
    configure_logging(settings, console=console)

    from bot import app

    try:
        if args.mode == "migrate":
            asyncio.run(app.run_migrations_only(settings))
        elif console:
            asyncio.run(
                app.run_console(
                    settings,
                    script=getattr(args, "script", None),
                    user=getattr(args, "user", "buyer"),
                    files_dir=getattr(args, "save_files", None),
                )
            )
        else:
            asyncio.run(app.run_platforms(settings))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
