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

from bot.settings import SettingsError, load_settings


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
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        # The console chat owns stdout; logs go to stderr so transcripts stay clean.
        stream=sys.stderr,
    )
    if args.mode != "console":
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)

    from bot import app

    try:
        if args.mode == "migrate":
            asyncio.run(app.run_migrations_only(settings))
        elif args.mode == "console" or (
            args.mode is None and settings.telegram_token is None and not settings.vk_tokens
        ):
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
