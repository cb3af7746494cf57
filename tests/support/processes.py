"""`python bot.py` as a process of its own, as production runs it: the environment it reads,
started and always reaped, for the tests (and benchmarks) that kill, stop and race it."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot.py"
# What a process must not inherit from the developer's shell: every setting comes from here.
_SETTINGS_PREFIXES = ("TELEGRAM_", "VK_", "MAX_", "WEBHOOK_", "ADMIN_", "DATABASE_", "LOG_")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(database_url: str, log: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SETTINGS_PREFIXES)}
    env.update(DATABASE_URL=database_url, LOG_LEVEL="INFO", LOG_FILE=str(log))
    env.update({name.upper(): value for name, value in settings.items()})
    return env


@asynccontextmanager
async def bot_process(
    database_url: str, log: Path, **settings: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`bot.py` with these settings (names as in .env), its log in `log`; killed if still
    running when the block ends."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BOT),
        cwd=log.parent,
        env=bot_env(database_url, log, **settings),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
