"""The bot as a process, killed and stopped the way production does it: `kill -9` right after
a batch of updates was fetched and confirmed, SIGTERM, a second process taking over.

`python bot.py` runs against the fake Bot API (tests/fakes/telegram_server.py) on 127.0.0.1
and the test's database (SQLite here, PostgreSQL with TEST_DATABASE_URL).
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bot.app import App
from storage.models import Lease, ProcessedUpdate
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.vk_server import FakeVkServer
from tests.support.drivers import wait_until
from tests.support.processes import bot_process, free_port
from tests.support.telegram import TOKEN

PEOPLE = 60
FIRST = 7000
VK_GROUP = 1001
VK_TOKEN = "vk-token-1"
VK_PEOPLE = 9000


def telegram(server: FakeTelegramServer) -> dict[str, str]:
    return {"telegram_token": TOKEN, "telegram_api_url": server.base_url}


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
        async with bot_process(database_url, tmp_path / "first.log", **telegram(server)) as first:
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
        async with bot_process(database_url, tmp_path / "second.log", **telegram(server)) as second:
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
        async with bot_process(database_url, tmp_path / "third.log", **telegram(server)) as third:
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
        async with bot_process(database_url, tmp_path / "bot.log", **telegram(server)) as process:
            await wait_until(lambda: len(server.calls("sendMessage")) >= 1, timeout=30)
            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.5)
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), 5)
        assert code == 128 + signal.SIGTERM


async def test_two_processes_share_one_database_and_one_takes_over_from_the_other(
    app: App, database_url: str, tmp_path: Path
) -> None:
    """Two processes behind one webhook address (Telegram posts to either), one VK
    community polled by exactly one of them at a time: `kill -9` the poller, and the other
    takes the polling (and whatever it led) over within the lease's time."""
    async with (
        FakeTelegramServer(token=TOKEN) as tg_server,
        FakeVkServer(group_id=VK_GROUP, token=VK_TOKEN) as vk_server,
    ):
        ports = [free_port(), free_port()]
        secret = "one-secret-for-every-process"

        def settings(port: int) -> dict[str, str]:
            return {
                **telegram(tg_server),
                "telegram_webhook_url": "https://bot.example.org",
                "telegram_webhook_secret": secret,
                "webhook_host": "127.0.0.1",
                "webhook_port": str(port),
                "vk_tokens": VK_TOKEN,
                "vk_api_url": vk_server.base_url,
            }

        async with (
            bot_process(database_url, tmp_path / "a.log", **settings(ports[0])) as first,
            bot_process(database_url, tmp_path / "b.log", **settings(ports[1])) as second,
            aiohttp.ClientSession() as http,
        ):
            by_port = {ports[0]: first, ports[1]: second}

            async def post(port: int, update: dict) -> int:
                async with http.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                ) as response:
                    return response.status

            await wait_for_webhooks(http, ports)
            # Each process registers its route, then tells Telegram the (shared) address.
            await wait_until(lambda: len(tg_server.calls("setWebhook")) >= 2, timeout=30)
            # Telegram's updates reach whichever process the address leads to: all handled.
            for n in range(20):
                update = tg_server.user_message(FIRST + n, "/start")
                assert await post(ports[n % 2], update) == 200
            assert answered(tg_server) == set(range(FIRST, FIRST + 20))

            # VK is polled by one process only: each message answered once.
            for n in range(10):
                vk_server.message_new(VK_PEOPLE + n, "/start")
            await vk_server.wait_for_sent(10, timeout=30)
            poller = await lease_holder(app, f"poll:vk:{VK_GROUP}")
            victim = next(p for p in by_port.values() if f":{p.pid}" in poller)
            survivor_port = next(port for port, p in by_port.items() if p is not victim)

            victim.kill()  # kill -9 the poller
            await victim.wait()
            started = time.monotonic()
            for n in range(10, 15):
                vk_server.message_new(VK_PEOPLE + n, "/start")
            await vk_server.wait_for_sent(15, timeout=30)
            took_over_in = time.monotonic() - started
            update = tg_server.user_message(FIRST + 50, "/start")
            assert await post(survivor_port, update) == 200

        per_person = Counter(message.peer_id for message in vk_server.sent)
        assert set(per_person) == {VK_PEOPLE + n for n in range(15)}
        assert set(per_person.values()) == {1}  # nobody answered twice
        assert took_over_in < 20  # the lease's 10 s, a poll's wait, the start of the poll
        assert FIRST + 50 in answered(tg_server)


async def wait_for_webhooks(http: aiohttp.ClientSession, ports: list[int]) -> None:
    deadline = time.monotonic() + 30
    for port in ports:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            assert time.monotonic() < deadline, f"port {port} never answered"
            await asyncio.sleep(0.2)


async def lease_holder(app: App, name: str) -> str:
    deadline = time.monotonic() + 15
    while True:
        async with app.session_factory() as session:
            lease = await session.get(Lease, name)
        if lease is not None:
            return lease.holder
        assert time.monotonic() < deadline, f"nobody holds {name}"
        await asyncio.sleep(0.2)
