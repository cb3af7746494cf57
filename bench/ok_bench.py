"""How fast the OK adapter turns webhook updates into answers, next to a bare aiohttp client
of the same API.

    .venv/bin/python bench/ok_bench.py [--events 2000] [--users 200] [--in-flight 16]

The fake OK Bot API (tests/fakes/ok_server.py) runs in a process of its own, as OK is
another machine, and plays OK's part both ways: it POSTs the webhooks to the subscribed URL,
`--in-flight` of them at a time (OK retries what is not answered within 5 s, so a bot must
keep up with what arrives at once), and takes the replies. Three runs over the same number
of updates:

1. the bot: the OK adapter behind the bot's web server, the dispatcher and the handlers on a
   temporary SQLite database, replies through me/messages and presses answered through
   graph.chat.answer. Each person sends /help, /lang, a button press (help or a language),
   ... in turn (40/30/30 % with the defaults), so first contacts are included;
2. the same updates fed straight to the dispatcher (no OK, no HTTP), for what the handlers
   and the database cost by themselves;
3. the bare client: an aiohttp server that answers every webhook message with one
   me/messages call, the least any OK bot can do per update.

OK's pacing (OK_RATE_PER_TOKEN) is switched off, so the figures show our cost per update.
Prints updates per second for each and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bench._mix import command_mix, feed_in_order  # noqa: E402
from bench._server_process import ServerProcess  # noqa: E402
from bot.adapters.ok.adapter import OkAdapter  # noqa: E402
from bot.adapters.ok.events import to_incoming  # noqa: E402
from bot.adapters.ok.transport import OkTransport  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.web import WebServer  # noqa: E402
from tests.fakes.ok_server import FakeOkServer  # noqa: E402

GROUP_ID = "7001"
TOKEN = "ok-bench-token"
UNPACED = 1_000_000.0


def make_mix(server: FakeOkServer, events: int, users: int) -> list[dict[str, Any]]:
    """The webhook bodies, in rounds of one per person."""
    return command_mix(events, users, message=server.message_created, button=server.callback)


async def _push_all(server: FakeOkServer, bodies: list[dict[str, Any]], in_flight: int) -> float:
    """POST every body to the subscribed URL, `in_flight` at a time, one person's in order
    (OK does not send a person's next message before the last was answered)."""
    slots = asyncio.Semaphore(in_flight)
    queues: dict[str, list[dict[str, Any]]] = {}
    for body in bodies:
        queues.setdefault(body["sender"]["user_id"], []).append(body)

    async def person(own: list[dict[str, Any]]) -> None:
        for body in own:
            async with slots:
                statuses = await server.push(body)
                assert statuses == [200], statuses

    started = time.perf_counter()
    await asyncio.gather(*(person(own) for own in queues.values()))
    return time.perf_counter() - started


def _serve(conn: Connection) -> None:
    asyncio.run(_serve_async(conn))


async def _serve_async(conn: Connection) -> None:
    loop = asyncio.get_running_loop()
    async with FakeOkServer({TOKEN: GROUP_ID}) as server:
        conn.send(server.base_url)
        while True:
            command, *args = await loop.run_in_executor(None, conn.recv)
            if command == "push":
                events, users, in_flight = args
                bodies = make_mix(server, events, users)
                kinds = {
                    "help": sum(b.get("message", {}).get("text") == "/help" for b in bodies),
                    "lang": sum(b.get("message", {}).get("text") == "/lang" for b in bodies),
                    "button": sum(b["webhookType"] == "MESSAGE_CALLBACK" for b in bodies),
                }
                conn.send((await _push_all(server, bodies, in_flight), kinds))
            elif command == "echo":
                events, users, in_flight = args
                bodies = [server.message_created(1 + n % users, f"echo {n}") for n in range(events)]
                conn.send(await _push_all(server, bodies, in_flight))
            elif command == "counts":
                conn.send(
                    {
                        "api_calls": len(server.calls),
                        "answers": len(server.answers),
                        "messages_sent": len(server.sent),
                    }
                )
            elif command == "stop":
                conn.send(None)
                return


async def bench_bot(
    events: int, users: int, in_flight: int, workdir: Path
) -> tuple[float, dict[str, int]]:
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}")
    app = await create_app(settings)
    server = ServerProcess(_serve).__enter__()
    web_server = WebServer("127.0.0.1", 0, app)
    try:
        transport = await OkTransport.connect([TOKEN], server.base_url, rate_per_token=UNPACED)
        port = await web_server.start()
        adapter = OkAdapter(app.dispatcher, transport)
        await adapter.start(web_server, f"http://127.0.0.1:{port}/ok")
        elapsed, kinds = await asyncio.get_running_loop().run_in_executor(
            None, server.ask, "push", events, users, in_flight
        )
        assert adapter.handled == events, adapter.handled
        await adapter.stop()
        await transport.close()
        counts = server.ask("counts")
    finally:
        await web_server.stop()
        server.__exit__()
        await app.close()
    return elapsed, {**kinds, **counts}


async def bench_dispatcher(events: int, users: int, workdir: Path) -> float:
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{workdir / 'alone.sqlite3'}")
    app = await create_app(settings)
    offline = FakeOkServer({TOKEN: GROUP_ID})  # not started: builds the bodies only
    updates = [to_incoming(body, GROUP_ID) for body in make_mix(offline, events, users)]
    elapsed = await feed_in_order(app, updates, "ok", "person")
    await app.close()
    return elapsed


async def bench_echo(events: int, users: int, in_flight: int) -> float:
    """A bare aiohttp webhook answering each message with one me/messages call."""
    with ServerProcess(_serve) as server:
        async with aiohttp.ClientSession() as http:

            async def hook(request: web.Request) -> web.Response:
                body = json.loads(await request.read())
                await http.post(
                    f"{server.base_url}/graph/me/messages",
                    params={"access_token": TOKEN},
                    data=json.dumps(
                        {
                            "recipient": {"user_id": body["sender"]["user_id"]},
                            "message": {"text": body["message"]["text"]},
                        }
                    ),
                    headers={"Content-Type": "application/json;charset=utf-8"},
                )
                return web.json_response({"ok": True})

            application = web.Application()
            application.router.add_post("/echo", hook)
            runner = web.AppRunner(application, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            port = runner.addresses[0][1]
            async with http.post(
                f"{server.base_url}/graph/me/subscribe",
                params={"access_token": TOKEN},
                data=json.dumps({"url": f"http://127.0.0.1:{port}/echo"}),
                headers={"Content-Type": "application/json;charset=utf-8"},
            ) as response:
                assert (await response.json())["success"] is True
            try:
                return await asyncio.get_running_loop().run_in_executor(
                    None, server.ask, "echo", events, users, in_flight
                )
            finally:
                await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=16)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="ok-bench-") as tmp:
        bot_seconds, stats = asyncio.run(
            bench_bot(args.events, args.users, args.in_flight, Path(tmp))
        )
        alone_seconds = asyncio.run(bench_dispatcher(args.events, args.users, Path(tmp)))
    echo_seconds = asyncio.run(bench_echo(args.events, args.users, args.in_flight))

    bot_rate = args.events / bot_seconds
    echo_rate = args.events / echo_seconds
    alone_rate = args.events / alone_seconds
    print(f"updates: {args.events} from {args.users} people, {args.in_flight} webhooks in flight")
    print(f"  mix: /help {stats['help']}, /lang {stats['lang']}, button presses {stats['button']}")
    print(
        f"  bot: {stats['api_calls']} API calls, {stats['messages_sent']} messages sent, "
        f"{stats['answers']} presses answered"
    )
    print(f"bot (webhook + dispatcher + SQLite + replies): {bot_rate:8.1f} updates/s")
    print(f"bare aiohttp webhook (one me/messages each):   {echo_rate:8.1f} updates/s")
    print(f"dispatcher alone (same updates, no OK):        {alone_rate:8.1f} updates/s")
    print(f"ratio bot / bare client: {bot_rate / echo_rate:.2f}")
    print(f"ratio bot / dispatcher alone: {bot_rate / alone_rate:.2f}")


if __name__ == "__main__":
    main()
