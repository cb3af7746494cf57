"""How fast the Telegram adapter turns updates into answers, next to a bare aiogram echo bot.

    .venv/bin/python bench/telegram_bench.py [N] [--users 100] [--rounds 5] [--profile]
                                             [--database-url URL] [--server-in-thread]

Both runs use the fake Bot API server (tests/fakes/telegram_server.py) on loopback, in a
process of its own, as Telegram is another machine (with --server-in-thread: in a thread of
this process, as before; its Python then competes for the GIL with the bot's event loop and
its SQLite thread), and the real aiogram long-polling loop with the same polling parameters.
Timing starts once the server has seen the first getUpdates, then N updates are queued at
once, in rounds of one per person:

1. the bot: every update goes through the adapter (per-chat ordering), the dispatcher and
   the handlers on a temporary SQLite database, replies through TelegramTransport, button
   presses answered. Each person sends /start, presses "Help", asks /orders, registers as an
   organizer (/organizer and a name in the next message), then /help, /orders, button
   presses... so first contacts, a dialog and DB writes are included;
2. the same updates fed straight to the dispatcher, one after another, on another temporary
   SQLite database: what the handlers and the database cost without Telegram at all;
3. the echo: an aiogram Dispatcher that answers every message with one sendMessage and every
   button with answerCallbackQuery and one sendMessage (handle_as_tasks, as aiogram's
   default), the floor set by the framework and HTTP.

Both Telegram runs talk through `make_bot` (aiogram with bot/adapters/telegram/session.py),
so the HTTP client is the same. What differs, and is the bot's real work: its replies are
~190 characters of Russian with a keyboard where the echo sends back ~9 characters without one
(measured: giving the echo the bot's reply size costs it ~0.1-0.2 ms per update, ~5-8%, since
requests go as JSON; with aiogram's urlencoded forms it was ~0.1 ms more per reply).

Runs 1 and 3 alternate, `--rounds` times, each bot run compared with the echo run right
before it (the machine's speed drifts by more than the difference measured); the median of
those ratios is the result. Five by default: on the 2-core machine this was tuned on, single
rounds of one run ranged from 0.46 to 0.67. Both run after `freeze_startup_objects()`, as
bot.py does: without it a full garbage collection (~350 ms) landing in one run or the other
decided the ratio.

Prints updates per second for each and the ratio (target: the bot at least half the echo),
the SQL statements and transactions per update of the dispatcher-only run (on SQLite as
SQLite itself reports them, so the writes queued past SQLAlchemy count too), and the Bot API
calls per update, by method, of both Telegram runs (counted by the fake server while the
updates were handled): the same 1.3 for both, one sendMessage per update and an
answerCallbackQuery per button, plus getUpdates. With --profile
the bot's run is profiled with cProfile and the top functions are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import pstats
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram import Bot, Dispatcher  # noqa: E402
from aiogram.types import CallbackQuery, Message, Update  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from bench._server_process import ServerProcess  # noqa: E402
from bot.adapters.telegram.adapter import TelegramAdapter, make_bot  # noqa: E402
from bot.adapters.telegram.events import to_incoming  # noqa: E402
from bot.app import App, create_app, freeze_startup_objects  # noqa: E402
from bot.core.payloads import CommandPayload  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from storage.db import create_engine  # noqa: E402
from tests.fakes.telegram_server import FakeTelegramServer  # noqa: E402

TOKEN = "123456:BENCH-token-telegram"
TIME_LIMIT = 600.0
HELP_BUTTON = CommandPayload(name="help").pack()


def script(person: int, step: int) -> tuple[str, str]:
    """The person's step-th update: ("text", message) or ("button", payload)."""
    opening = [
        ("text", "/start"),
        ("button", HELP_BUTTON),
        ("text", "/orders"),
        ("text", "/organizer"),
        ("text", f"СП номер {person}"),
    ]
    if step < len(opening):
        return opening[step]
    return [("text", "/help"), ("text", "/orders"), ("button", HELP_BUTTON)][step % 3]


def push_mix(server: FakeTelegramServer, updates: int, users: int) -> list[dict[str, Any]]:
    """Queue the updates, in rounds of one per person; returns them."""
    pushed = []
    for index in range(updates):
        person, step = index % users, index // users
        user_id = 10_000 + person
        kind, value = script(person, step)
        if kind == "text":
            pushed.append(server.user_message(user_id, value, first_name=f"P{person}"))
        else:
            pushed.append(server.callback_query(user_id, value, first_name=f"P{person}"))
    return pushed


class ServerThread:
    """The fake Bot API in a thread of this process, with its own event loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server = FakeTelegramServer(token=TOKEN)
        self.base_url = ""

    def __enter__(self) -> ServerThread:
        self.thread.start()
        self.call(self.server.start)
        self.base_url = self.server.base_url
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.call(self.server.stop)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run `function` (sync or async) on the server's loop and return its result."""

        async def run() -> Any:
            result = function(*args)
            return await result if asyncio.iscoroutine(result) else result

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result()

    async def push(self, updates: int, users: int) -> None:
        await asyncio.to_thread(self.call, push_mix, self.server, updates, users)

    async def wait_polling(self) -> None:
        await asyncio.to_thread(
            self.call, self.server.wait_for, lambda: self.server.calls("getUpdates"), 30.0
        )

    async def sent_count(self) -> int:
        return self.server.sent_count

    async def request_counts(self) -> dict[str, int]:
        return request_counts(self.server)


class TelegramServerProcess(ServerProcess):
    """The fake Bot API in a process of its own (bench/_server_process.py)."""

    def __init__(self) -> None:
        super().__init__(_serve)

    async def push(self, updates: int, users: int) -> None:
        await asyncio.to_thread(self.ask, "push", updates, users)

    async def wait_polling(self) -> None:
        await asyncio.to_thread(self.ask, "wait_polling")

    async def sent_count(self) -> int:
        return int(await asyncio.to_thread(self.ask, "sent_count"))

    async def request_counts(self) -> dict[str, int]:
        return dict(await asyncio.to_thread(self.ask, "request_counts"))


def request_counts(server: FakeTelegramServer) -> dict[str, int]:
    """Bot API calls the bot made, by method."""
    return dict(Counter(method for method, _params in server.requests))


def _serve(conn: Connection) -> None:
    """The server process: answers the Bot API and the commands of `TelegramServerProcess`."""
    asyncio.run(_serve_commands(conn))


async def _serve_commands(conn: Connection) -> None:
    server = FakeTelegramServer(token=TOKEN)
    await server.start()
    conn.send(server.base_url)
    while True:
        command, *args = await asyncio.to_thread(conn.recv)
        if command == "push":
            push_mix(server, *args)
            conn.send(None)
        elif command == "wait_polling":
            await server.wait_for(lambda: server.calls("getUpdates"), 30.0)
            conn.send(None)
        elif command == "sent_count":
            conn.send(server.sent_count)
        elif command == "request_counts":
            conn.send(request_counts(server))
        elif command == "stop":
            await server.stop()
            conn.send(None)
            return


def _difference(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {
        method: count - before.get(method, 0)
        for method, count in after.items()
        if count > before.get(method, 0)
    }


def _calls_line(calls: dict[str, int], updates: int) -> str:
    total = sum(calls.values())
    parts = ", ".join(
        f"{method} {count / updates:.2f}"
        for method, count in sorted(calls.items(), key=lambda item: -item[1])
    )
    return f"{total / updates:.2f} ({parts})"


def fake_api(in_thread: bool) -> ServerThread | TelegramServerProcess:
    return ServerThread() if in_thread else TelegramServerProcess()


class CountingAdapter(TelegramAdapter):
    def __init__(self, *args: Any, expected: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.count = 0
        self.done = asyncio.Event()

    async def handle(self, update: Update) -> None:
        try:
            await super().handle(update)
        finally:
            self.count += 1
            if self.count >= self.expected:
                self.done.set()


async def fresh_database(url: str | None, folder: Path, name: str) -> str:
    """A temporary SQLite file, or the given PostgreSQL database emptied (its schema is
    dropped: never point this at data you want to keep)."""
    if url is None:
        return f"sqlite+aiosqlite:///{folder / name}"
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    return url


class SqliteTrace:
    """What SQLite itself runs on an app's connections (its trace callback), the writes
    queued past SQLAlchemy included: statements, transactions (BEGIN) and the dispatcher's
    units (its per-update savepoints, see storage/group_commit.py)."""

    def __init__(self, app: App) -> None:
        self.statements = self.transactions = self.units = 0
        event.listen(app.engine.sync_engine, "checkout", self._trace)

    def _trace(self, dbapi_connection: Any, *_args: Any) -> None:
        dbapi_connection.driver_connection._conn.set_trace_callback(self._ran)

    def _ran(self, sql: str) -> None:
        verb = sql.lstrip()[:9].upper()
        if verb.startswith("BEGIN"):
            self.transactions += 1
        elif verb == "SAVEPOINT":
            self.units += sql.rstrip().endswith(" unit")
        elif not verb.startswith(("COMMIT", "ROLLBACK", "PRAGMA", "RELEASE")):
            self.statements += 1


async def run_bot(
    updates: int, users: int, folder: Path, url: str | None = None, in_thread: bool = False
) -> tuple[float, int, dict[str, int], float | None]:
    """Seconds, replies sent, Bot API calls by method, and on SQLite updates per commit."""
    with fake_api(in_thread) as server:
        settings = load_settings(
            database_url=await fresh_database(url, folder, "bench.sqlite3"),
            telegram_token=TOKEN,
            telegram_api_url=server.base_url,
        )
        app = await create_app(settings)
        # A Python call per statement (~7 per update, well under 1 % of the bot's time).
        trace = SqliteTrace(app) if url is None else None
        adapter = CountingAdapter(
            app, make_bot(TOKEN, server.base_url), expected=updates, polling_timeout=1
        )
        runner = asyncio.create_task(adapter.run())
        try:
            await asyncio.wait_for(adapter.ready.wait(), 30)
            # Polling is running when Telegram has seen it, as for the echo bot below.
            await server.wait_polling()
            before = await server.request_counts()
            started = time.perf_counter()
            await server.push(updates, users)
            await asyncio.wait_for(adapter.done.wait(), TIME_LIMIT)
            elapsed = time.perf_counter() - started
            calls = _difference(await server.request_counts(), before)
        finally:
            await adapter.stop()
            await runner
            await app.close()
        per_commit = trace.units / max(trace.transactions, 1) if trace is not None else None
        return elapsed, await server.sent_count(), calls, per_commit


async def run_dispatcher_only(
    updates: int, users: int, folder: Path, url: str | None = None
) -> tuple[float, float, float]:
    """The same updates straight into the dispatcher, one after another: what the handlers
    and the database cost without Telegram, HTTP or aiogram. Returns the seconds, and the
    SQL statements and transactions per update."""
    raw = push_mix(FakeTelegramServer(token=TOKEN), updates, users)
    events = [
        to_incoming(Update.model_validate(update), bot_id=123456, bot_username="sp_test_bot")
        for update in raw
    ]
    settings = load_settings(database_url=await fresh_database(url, folder, "direct.sqlite3"))
    app = await create_app(settings)
    statements = transactions = 0

    def statement(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    def transaction(*_args: Any) -> None:
        nonlocal transactions
        transactions += 1

    trace = SqliteTrace(app) if url is None else None
    if url is not None:
        # Statements SQLAlchemy runs (BEGIN and COMMIT are counted as transactions instead).
        event.listen(app.engine.sync_engine, "before_cursor_execute", statement)
        event.listen(app.engine.sync_engine, "begin", transaction)
    try:
        started = time.perf_counter()
        for incoming in events:
            assert incoming is not None
            await app.dispatcher.feed(incoming)
        elapsed = time.perf_counter() - started
        if trace is not None:
            statements, transactions = trace.statements, trace.transactions
        return elapsed, statements / updates, transactions / updates
    finally:
        await app.close()


async def run_echo(
    updates: int, users: int, in_thread: bool = False
) -> tuple[float, int, dict[str, int]]:
    with fake_api(in_thread) as server:
        bot = make_bot(TOKEN, server.base_url)
        dp = Dispatcher()
        answered = 0
        done = asyncio.Event()

        def one_more() -> None:
            nonlocal answered
            answered += 1
            if answered >= updates:
                done.set()

        @dp.message()
        async def echo(message: Message) -> None:
            await message.answer(message.text or "…")
            one_more()

        @dp.callback_query()
        async def pressed(query: CallbackQuery, bot: Bot) -> None:
            await query.answer()
            await bot.send_message(query.from_user.id, query.data or "…")
            one_more()

        polling = asyncio.create_task(
            dp.start_polling(bot, handle_signals=False, polling_timeout=1, close_bot_session=True)
        )
        try:
            await server.wait_polling()
            before = await server.request_counts()
            started = time.perf_counter()
            await server.push(updates, users)
            await asyncio.wait_for(done.wait(), TIME_LIMIT)
            elapsed = time.perf_counter() - started
            calls = _difference(await server.request_counts(), before)
        finally:
            await dp.stop_polling()
            await polling
        return elapsed, await server.sent_count(), calls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("updates", nargs="?", type=int, default=2000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--rounds", type=int, default=5, help="echo and bot runs, back to back (default 5)"
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database to use instead of SQLite; it is WIPED before each run",
    )
    parser.add_argument(
        "--server-in-thread",
        action="store_true",
        help="run the fake Bot API in a thread of this process instead of its own process",
    )
    # No arguments when run by `python -m bench` (its argv names the benchmarks).
    args = parser.parse_args(argv or [])
    logging.basicConfig(level=logging.WARNING)
    updates, users = args.updates, max(1, min(args.users, args.updates))
    in_thread = args.server_in_thread

    # As bot.py does once started; the echo bot profits from it as much (more, it turned out).
    freeze_startup_objects()
    # Rounds of (echo, bot) back to back: the machine's speed drifts (other work, CPU
    # frequency) by more than the difference being measured, so each bot run is compared with
    # the echo run right before it, and the median of those ratios is the result.
    rounds = []
    commits: list[float | None] = []
    profiler = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory() as folder:
        for round_number in range(args.rounds):
            echo_seconds, echo_sent, echo_calls = asyncio.run(run_echo(updates, users, in_thread))
            if profiler is not None:
                profiler.enable()
            round_folder = Path(folder) / f"round{round_number}"  # a fresh database each
            round_folder.mkdir()
            bot_seconds, bot_sent, bot_calls, per_commit = asyncio.run(
                run_bot(updates, users, round_folder, args.database_url, in_thread)
            )
            if profiler is not None:
                profiler.disable()
            rounds.append((updates / echo_seconds, updates / bot_seconds, echo_sent, bot_sent))
            commits.append(per_commit)
        direct_seconds, statements, transactions = asyncio.run(
            run_dispatcher_only(updates, users, Path(folder), args.database_url)
        )

    direct_rate = updates / direct_seconds
    database = "PostgreSQL" if args.database_url else "SQLite"
    where = "in a thread" if in_thread else "in its own process"
    print(f"updates: {updates} from {users} people ({database}, fake Bot API {where})")
    for number, (echo_rate, bot_rate, echo_sent, bot_sent) in enumerate(rounds, 1):
        print(
            f"round {number}: aiogram echo bot {echo_rate:7.1f} updates/s ({echo_sent} sent), "
            f"our bot {bot_rate:7.1f} updates/s ({bot_sent} sent), "
            f"ratio {bot_rate / echo_rate:.2f}"
        )
    ratios = sorted(bot_rate / echo_rate for echo_rate, bot_rate, _e, _b in rounds)
    echo_rate = statistics.median(rate for rate, _bot, _e, _b in rounds)
    bot_rate = statistics.median(rate for _echo, rate, _e, _b in rounds)
    print(f"aiogram echo bot: {echo_rate:8.1f} updates/s (median of {len(rounds)})")
    print(f"our bot:          {bot_rate:8.1f} updates/s (median of {len(rounds)})")
    print(f"dispatcher only:  {direct_rate:8.1f} updates/s ({direct_seconds:.2f} s, no Telegram)")
    print(
        f"ratio bot/echo:   {statistics.median(ratios):8.2f}  (target >= 0.5; median of the"
        f" rounds, {ratios[0]:.2f}-{ratios[-1]:.2f})"
    )
    print(f"ratio bot/dispatcher only: {bot_rate / direct_rate:.2f}")
    print(
        f"SQL per update: {statements:.2f} statements in {transactions:.2f} transactions"
        " (+ BEGIN and COMMIT each; dispatcher only, one update after another)"
    )
    if commits and commits[0] is not None:
        grouped = ", ".join(f"{value:.1f}" for value in commits if value is not None)
        print(f"our bot's updates per commit (group commit), by round: {grouped}")
    print(f"Bot API calls per update, echo: {_calls_line(echo_calls, updates)}")
    print(f"Bot API calls per update, bot:  {_calls_line(bot_calls, updates)}")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
        print(out.getvalue())


if __name__ == "__main__":
    main(sys.argv[1:])
