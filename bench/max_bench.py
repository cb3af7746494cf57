"""How fast the MAX adapter turns updates into answers, next to a bare aiohttp client of the
same API, in the same run.

    .venv/bin/python bench/max_bench.py [--events 2000] [--users 200]

Both run against the fake MAX server (tests/fakes/max_server.py on loopback, in a process of
its own, as MAX is another machine), without its 30-requests-a-second limit, so the figures
show our cost per update, not MAX's pacing:

1. the bot: the adapter's own long polling (each batch kept in the inbox before its marker
   is sent), the dispatcher and the handlers on a temporary SQLite database, and the replies
   through POST /messages. People open the bot (bot_started, a first contact: a new user
   row), then write /help and /lang in turn;
2. the echo: one aiohttp client long-polls GET /updates with the marker and answers every
   update with one POST /messages, the least any MAX bot can do per update.

Prints updates per second for each and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server_process import ServerProcess  # noqa: E402
from bot.adapters.max.adapter import MaxAdapter  # noqa: E402
from bot.adapters.max.client import MaxClient  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from tests.fakes.max_server import FakeMaxServer  # noqa: E402

TOKEN = "max-bench-token"
TIME_LIMIT = 600.0


def _serve(conn: Connection) -> None:
    """The server process: the fake MAX server on a loop of its own thread."""
    loop = asyncio.new_event_loop()
    server = FakeMaxServer(token=TOKEN)
    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(server.__aenter__(), loop).result()
    conn.send(server.base_url)

    def on_loop(function: Any, *args: Any) -> Any:
        async def run() -> Any:
            return function(*args)

        return asyncio.run_coroutine_threadsafe(run(), loop).result()

    while True:
        command, *args = conn.recv()
        if command == "polls":
            conn.send(on_loop(lambda: server.polls))
        elif command == "mix":
            conn.send(on_loop(push_mix, server, *args))
        elif command == "counts":
            conn.send(on_loop(lambda: {"calls": len(server.calls), "sent": len(server.sent)}))
        elif command == "stop":
            asyncio.run_coroutine_threadsafe(server.close(), loop).result()
            loop.call_soon_threadsafe(loop.stop)
            conn.send(None)
            return


def push_mix(server: FakeMaxServer, events: int, users: int) -> dict[str, int]:
    kinds = {"started": 0, "help": 0, "lang": 0}
    for number in range(events):
        person = 10_000 + number % users
        if number < users:
            server.bot_started(person)
            kinds["started"] += 1
        elif (number // users) % 2:
            server.user_message(person, "/help")
            kinds["help"] += 1
        else:
            server.user_message(person, "/lang")
            kinds["lang"] += 1
    return kinds


async def wait_polling(server: ServerProcess, at_least: int) -> None:
    for _ in range(3000):  # 30 s
        if server.ask("polls") >= at_least:
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("the bot never polled")


class CountingAdapter(MaxAdapter):
    handled = 0

    async def handle(self, raw: dict[str, Any]) -> None:
        try:
            await super().handle(raw)
        finally:
            self.handled += 1


async def bench_bot(events: int, users: int, workdir: Path) -> tuple[float, dict[str, Any]]:
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}", log_level="WARNING"
    )
    app = await create_app(settings)
    with ServerProcess(_serve) as server:
        client = MaxClient(TOKEN, server.base_url)
        adapter = CountingAdapter(app, client, settings=settings, polling_timeout=1)
        running = asyncio.create_task(adapter.run())
        await wait_polling(server, 2)  # past the first /updates (no marker: the last one)
        kinds = server.ask("mix", events, users)
        started = time.perf_counter()
        while adapter.handled < events:
            if time.perf_counter() - started > TIME_LIMIT:
                raise TimeoutError(f"only {adapter.handled} of {events} updates handled")
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - started
        await adapter.stop()
        await running
        counts = server.ask("counts")
    await app.close()
    return elapsed, {**kinds, **counts}


async def bench_echo(events: int, users: int) -> float:
    """A bare MAX bot: long-poll, one POST /messages per update."""
    with ServerProcess(_serve) as server:
        async with aiohttp.ClientSession(headers={"Authorization": TOKEN}) as http:
            url = server.base_url
            async with http.get(f"{url}/updates", params={"timeout": 0}) as response:
                marker = (await response.json())["marker"]
            server.ask("mix", events, users)
            answered = 0
            started = time.perf_counter()
            while answered < events:
                params = {"marker": marker, "timeout": 1, "limit": 100}
                async with http.get(f"{url}/updates", params=params) as response:
                    body = await response.json()
                marker = body["marker"]
                for update in body["updates"]:
                    user = (update.get("user") or update["message"]["sender"])["user_id"]
                    async with http.post(
                        f"{url}/messages", params={"user_id": user}, json={"text": "echo"}
                    ) as sent:
                        await sent.read()
                    answered += 1
            return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as workdir:
        bot_time, stats = asyncio.run(bench_bot(args.events, args.users, Path(workdir)))
    echo_time = asyncio.run(bench_echo(args.events, args.users))
    bot_rate, echo_rate = args.events / bot_time, args.events / echo_time
    print(f"updates: {args.events} from {args.users} people")
    print(f"  mix: bot_started {stats['started']}, /help {stats['help']}, /lang {stats['lang']}")
    print(f"  API calls {stats['calls']}, messages sent {stats['sent']}")
    print(f"bot (long poll + inbox + dispatcher + SQLite + replies): {bot_rate:8.1f} updates/s")
    print(f"bare aiohttp echo (long poll + POST /messages):          {echo_rate:8.1f} updates/s")
    print(f"ratio bot / echo: {bot_rate / echo_rate:.2f}")


if __name__ == "__main__":
    main()
