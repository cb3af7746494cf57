"""How fast the VK adapter turns updates into answers, next to a bare vk_api echo loop.

    .venv/bin/python bench/vk_bench.py [--events 2000] [--users 200]

The VK runs use the fake VK server (tests/fakes/vk_server.py on loopback, in a process of its
own, as VK is another machine: in a thread of the bot's process its Python took the GIL from
the bot's threads) and the real vk_api Bots Long Poll:

1. the bot: every update goes through the adapter's long-poll thread, the dispatcher and the
   handlers on a temporary SQLite database, and its replies back through messages.send
   (callback presses are also answered with sendMessageEventAnswer). Each person sends
   /help, /lang, a button press (help or language), /help, ... in turn (40/30/30 % with the
   defaults), so first contacts (users.get, a new user row) are included;
2. the same updates fed straight to the dispatcher (no VK at all), for what the handlers and
   the database cost by themselves;
3. the echo: one thread polls with VkBotLongPoll and answers every message_new with one
   messages.send, the least any VK bot can do per update.

VK's own limit of 20 calls per second per community is switched off, so the figures
show our cost per update, not VK's pacing. Prints updates per second for each and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vk_api.bot_longpoll import VkBotEventType, VkBotLongPoll  # noqa: E402

from bench._mix import command_mix, feed_in_order  # noqa: E402
from bench._server_process import ServerProcess  # noqa: E402
from bot.adapters.vk.adapter import VkAdapter  # noqa: E402
from bot.adapters.vk.events import to_incoming  # noqa: E402
from bot.adapters.vk.session import make_vk_api  # noqa: E402
from bot.adapters.vk.transport import VkTransport  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from tests.fakes.vk_server import FakeVkServer  # noqa: E402

GROUP_ID = 1001
TOKEN = "vk-bench-token"
UNPACED = 1_000_000.0  # calls per second: VK's pacing off
TIME_LIMIT = 600.0


def push_mix(server: FakeVkServer, events: int, users: int) -> list[dict[str, Any]]:
    """Queue the updates, in rounds of one per person; returns them."""
    return command_mix(
        events,
        users,
        message=server.message_new,
        button=lambda user, packed: server.message_event(user, {"p": packed}),
    )


def mix_of(raws: list[dict[str, Any]]) -> dict[str, int]:
    texts = [r["object"].get("message", {}).get("text") for r in raws]
    return {
        "help": texts.count("/help"),
        "lang": texts.count("/lang"),
        "button": sum(r["type"] == "message_event" for r in raws),
    }


def _serve(conn: Connection) -> None:
    """The server process: the fake VK server in a thread, and the commands of the pipe."""
    server = FakeVkServer(group_id=GROUP_ID, token=TOKEN).start_in_thread()
    conn.send(server.base_url)
    while True:
        command, *args = conn.recv()
        if command == "mix":
            conn.send(mix_of(push_mix(server, *args)))
        elif command == "echo":
            events, users = args
            for number in range(events):
                server.message_new(1 + number % users, f"echo {number}")
            conn.send(None)
        elif command == "counts":
            conn.send(
                {
                    "api_calls": len(server.calls),
                    "event_answers": len(server.event_answers),
                    "messages_sent": len(server.sent),
                }
            )
        elif command == "stop":
            server.stop()
            conn.send(None)
            return


async def bench_bot(events: int, users: int, workdir: Path) -> tuple[float, dict[str, int]]:
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}")
    app = await create_app(settings)
    server = ServerProcess(_serve).__enter__()
    try:
        kinds = server.ask("mix", events, users)
        transport = await VkTransport.connect([TOKEN], server.base_url, rate_per_token=UNPACED)
        adapter = VkAdapter(app.dispatcher, transport, wait=1)
        started = time.perf_counter()
        await adapter.start()
        while adapter.handled < events:
            if time.perf_counter() - started > TIME_LIMIT:
                raise TimeoutError(f"only {adapter.handled} of {events} updates handled")
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - started
        adapter.request_stop()
        await adapter.stop()
        await transport.close()
        counts = server.ask("counts")
    finally:
        server.__exit__()
        await app.close()
    return elapsed, {**kinds, **counts}


async def bench_dispatcher(events: int, users: int, workdir: Path) -> float:
    """The same updates fed straight to the dispatcher: what the handlers cost without VK."""
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{workdir / 'alone.sqlite3'}")
    app = await create_app(settings)
    offline = FakeVkServer(group_id=GROUP_ID, token=TOKEN)  # not started: builds updates only
    updates = [to_incoming(raw, GROUP_ID, name="Bench") for raw in push_mix(offline, events, users)]
    elapsed = await feed_in_order(app, updates, "vk", "peer")
    await app.close()
    return elapsed


def bench_echo(events: int, users: int) -> float:
    with ServerProcess(_serve) as server:
        server.ask("echo", events, users)
        vk = make_vk_api(TOKEN, server.base_url, min_interval=0)
        started = time.perf_counter()
        longpoll = VkBotLongPoll(vk, GROUP_ID, wait=1)
        answered = 0
        while answered < events:
            for event in longpoll.check():
                if event.type is VkBotEventType.MESSAGE_NEW:
                    message = event.message
                    vk.method(
                        "messages.send",
                        {"peer_id": message.peer_id, "message": message.text, "random_id": 0},
                    )
                    answered += 1
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="vk-bench-") as tmp:
        bot_seconds, stats = asyncio.run(bench_bot(args.events, args.users, Path(tmp)))
        alone_seconds = asyncio.run(bench_dispatcher(args.events, args.users, Path(tmp)))
    echo_seconds = bench_echo(args.events, args.users)

    bot_rate = args.events / bot_seconds
    echo_rate = args.events / echo_seconds
    alone_rate = args.events / alone_seconds
    print(f"updates: {args.events} from {args.users} people")
    print(f"  mix: /help {stats['help']}, /lang {stats['lang']}, button presses {stats['button']}")
    print(
        f"  bot: {stats['api_calls']} API calls, {stats['messages_sent']} messages sent, "
        f"{stats['event_answers']} presses answered"
    )
    print(f"bot (long poll + dispatcher + SQLite + replies): {bot_rate:8.1f} updates/s")
    print(f"bare vk_api echo (long poll + messages.send):    {echo_rate:8.1f} updates/s")
    print(f"dispatcher alone (same updates, no VK):         {alone_rate:8.1f} updates/s")
    print(f"ratio bot / echo: {bot_rate / echo_rate:.2f}")
    print(f"ratio bot / dispatcher alone: {bot_rate / alone_rate:.2f}")


if __name__ == "__main__":
    main()
