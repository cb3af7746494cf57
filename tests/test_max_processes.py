"""`python bot.py` with MAX_TOKEN, as production runs it, killed and stopped: `kill -9`
right after a batch of MAX updates was fetched and confirmed (the next /updates carried its
marker) loses nothing; SIGTERM stops cleanly and gives the poll lease back."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from storage.models import Lease, ProcessedUpdate
from tests.fakes.max_server import FakeMaxServer
from tests.support.drivers import wait_until
from tests.support.max import TOKEN
from tests.support.processes import bot_process

PEOPLE = 40
FIRST = 7000


def settings(server: FakeMaxServer) -> dict[str, str]:
    return {"max_token": TOKEN, "max_api_url": server.base_url}


def answered(server: FakeMaxServer) -> set[int]:
    return {m.user_id for m in server.sent if m.user_id is not None}


async def test_kill_9_after_a_batch_loses_nothing_and_sigterm_stops_cleanly(
    app: App, database_url: str, tmp_path: Path
) -> None:
    async with FakeMaxServer(token=TOKEN) as server:
        server.delay_next("/messages", 30.0, times=None)  # MAX is slow to take our answers
        async with bot_process(database_url, tmp_path / "first.log", **settings(server)) as first:
            # Polling with a marker of its own (the first /updates has none).
            await wait_until(lambda: server.polls >= 2, timeout=30)
            for person in range(FIRST, FIRST + PEOPLE):
                server.user_message(person, "/start")
            # Fetched, kept, confirmed by the next /updates' marker; answers on the way.
            await wait_until(lambda: not server.pending, timeout=30)
            await wait_until(lambda: len(server.called("POST", "/messages")) >= 5, timeout=30)
            first.kill()  # kill -9
            await first.wait()
        assert not server.pending  # MAX has been told to forget all of them
        assert answered(server) == set()
        async with app.session_factory() as session:
            committed = len((await session.scalars(select(ProcessedUpdate))).all())
        assert committed > 0

        server.clear_failures()
        async with bot_process(database_url, tmp_path / "second.log", **settings(server)) as second:
            await wait_until(lambda: len(answered(server)) == PEOPLE, timeout=40)
            assert answered(server) == set(range(FIRST, FIRST + PEOPLE))
            per_chat = [len(server.sent_to(p)) for p in range(FIRST, FIRST + PEOPLE)]
            assert min(per_chat) >= 1
            # It went on from the kept marker: new updates come, none is asked for twice.
            server.user_message(FIRST, "/help")
            await wait_until(lambda: len(server.sent_to(FIRST)) > per_chat[0], timeout=15)
            started = time.monotonic()
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), 10) == 0
            assert time.monotonic() - started < 10
        async with app.session_factory() as session:
            leases = (await session.scalars(select(Lease))).all()
        assert [lease.name for lease in leases if f":{second.pid}" in lease.holder] == []
        # Every update handled once: one processed row per update.
        async with app.session_factory() as session:
            processed = (await session.scalars(select(ProcessedUpdate))).all()
        assert len(processed) == PEOPLE + 1
