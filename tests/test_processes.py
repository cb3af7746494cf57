"""The bot as a process, killed and stopped the way production does it: `kill -9` right after
a batch of updates was fetched and confirmed, SIGTERM, a second process taking over.

`python bot.py` runs against the fake Bot API (tests/fakes/telegram_server.py) on 127.0.0.1
and the test's database (SQLite here, PostgreSQL with TEST_DATABASE_URL).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from storage.models import Lease, ProcessedUpdate
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.drivers import wait_until
from tests.support.telegram import TOKEN

BOT = Path(__file__).resolve().parent.parent / "bot.py"
PEOPLE = 60
FIRST = 7000


def bot_env(database_url: str, server: FakeTelegramServer, log: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "VK_", "WEBHOOK_", "ADMIN_", "DATABASE_", "LOG_"))
    }
    env.update(
        DATABASE_URL=database_url,
        TELEGRAM_TOKEN=TOKEN,
        TELEGRAM_API_URL=server.base_url,
        LOG_LEVEL="INFO",
        LOG_FILE=str(log),
    )
    return env


@asynccontextmanager
async def bot_process(
    database_url: str, server: FakeTelegramServer, log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BOT),
        cwd=log.parent,
        env=bot_env(database_url, server, log),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def answered(server: FakeTelegramServer) -> set[int]:
    return {int(record["chat_id"]) for record in server.sent}


async def test_kill_9_after_a_batch_loses_nothing_and_sigterm_stops_cleanly(
    app: App, database_url: str, tmp_path: Path
) -> None:
    async with FakeTelegramServer(token=TOKEN) as server:
        for person in range(FIRST, FIRST + PEOPLE):
            server.user_message(person, "/start")
        # Telegram is slow to take our answers: the first process fetches the batch, keeps
        # it, confirms it, starts answering, and dies with every answer still on the way.
        server.delay_next("sendMessage", 30.0, times=None)
        async with bot_process(database_url, server, tmp_path / "first.log") as first:
            await wait_until(lambda: not server.pending_updates, timeout=30)
            await wait_until(lambda: len(server.calls("sendMessage")) >= 5, timeout=30)
            first.kill()  # kill -9
            await first.wait()
        assert not server.pending_updates  # Telegram has forgotten all 60 updates
        assert answered(server) == set()
        async with app.session_factory() as session:
            committed = len((await session.scalars(select(ProcessedUpdate))).all())
        assert committed > 0  # some had committed; their answers died with the process

        server.clear_failures()
        async with bot_process(database_url, server, tmp_path / "second.log") as second:
            await wait_until(lambda: len(answered(server)) == PEOPLE, timeout=40)
            assert answered(server) == set(range(FIRST, FIRST + PEOPLE))
            # Handled once each: the greeting (with its menu) went out once per person,
            # beyond the few whose answer was on the way when the first process died.
            per_chat = [len(server.messages_to(p)) for p in range(FIRST, FIRST + PEOPLE)]
            assert min(per_chat) >= 1
            started = time.monotonic()
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), 10) == 0
            stopped_in = time.monotonic() - started
        assert stopped_in < 10
        async with app.session_factory() as session:
            leases = (await session.scalars(select(Lease))).all()
        # Given back: nobody has to wait. (The killed process's leases ran out meanwhile.)
        assert [lease.name for lease in leases if f":{second.pid}" in lease.holder] == []

        # The next process polls and answers at once, without waiting for a lease to lapse.
        async with bot_process(database_url, server, tmp_path / "third.log") as third:
            started = time.monotonic()
            server.user_message(FIRST, "/help")
            await wait_until(lambda: len(server.messages_to(FIRST)) > per_chat[0], timeout=15)
            assert time.monotonic() - started < 8
            third.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(third.wait(), 10) == 0


async def test_a_second_signal_exits_at_once(app: App, database_url: str, tmp_path: Path) -> None:
    async with FakeTelegramServer(token=TOKEN) as server:
        server.user_message(FIRST, "/start")
        server.delay_next("sendMessage", 30.0, times=None)  # an update that cannot finish
        async with bot_process(database_url, server, tmp_path / "bot.log") as process:
            await wait_until(lambda: len(server.calls("sendMessage")) >= 1, timeout=30)
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.5)
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), 5)
        assert code == 128 + signal.SIGTERM
