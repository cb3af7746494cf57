"""How fast the Telegram adapter turns updates into answers, next to a bare aiogram echo bot.

    .venv/bin/python bench/telegram_bench.py [N] [--users 100] [--profile] [--database-url URL]

Both runs use the fake Bot API server (tests/fakes/telegram_server.py) on loopback, in its own
thread and event loop, and the real aiogram long-polling loop; N updates are queued at once,
in rounds of one per person:

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

Prints updates per second for each and the ratio (target: the bot at least half the echo).
With --profile the bot's run is profiled with cProfile and the top functions are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import pstats
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram import Bot, Dispatcher  # noqa: E402
from aiogram.types import CallbackQuery, Message, Update  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bot.adapters.telegram import TelegramAdapter, make_bot, to_incoming  # noqa: E402
from bot.app import create_app  # noqa: E402
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
    """The fake Bot API in its own thread and event loop, as Telegram is another machine:
    its CPU time does not count against the bot's event loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server = FakeTelegramServer(token=TOKEN)

    def __enter__(self) -> FakeTelegramServer:
        self.thread.start()
        self.call(self.server.start)
        return self.server

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

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 30.0) -> None:
        await asyncio.to_thread(self.call, self.server.wait_for, predicate, timeout)


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


async def run_bot(
    updates: int, users: int, folder: Path, url: str | None = None
) -> tuple[float, int]:
    host = ServerThread()
    with host as server:
        settings = load_settings(
            database_url=await fresh_database(url, folder, "bench.sqlite3"),
            telegram_token=TOKEN,
            telegram_api_url=server.base_url,
        )
        app = await create_app(settings)
        adapter = CountingAdapter(
            app, make_bot(TOKEN, server.base_url), expected=updates, polling_timeout=1
        )
        runner = asyncio.create_task(adapter.run())
        try:
            await asyncio.wait_for(adapter.ready.wait(), 30)
            started = time.perf_counter()
            await asyncio.to_thread(host.call, push_mix, server, updates, users)
            await asyncio.wait_for(adapter.done.wait(), TIME_LIMIT)
            elapsed = time.perf_counter() - started
        finally:
            await adapter.stop()
            await runner
            await app.close()
        return elapsed, server.sent_count


async def run_dispatcher_only(
    updates: int, users: int, folder: Path, url: str | None = None
) -> float:
    """The same updates straight into the dispatcher, one after another: what the handlers
    and the database cost without Telegram, HTTP or aiogram."""
    raw = push_mix(FakeTelegramServer(token=TOKEN), updates, users)
    events = [
        to_incoming(Update.model_validate(update), bot_id=123456, bot_username="sp_test_bot")
        for update in raw
    ]
    settings = load_settings(database_url=await fresh_database(url, folder, "direct.sqlite3"))
    app = await create_app(settings)
    try:
        started = time.perf_counter()
        for event in events:
            assert event is not None
            await app.dispatcher.feed(event)
        return time.perf_counter() - started
    finally:
        await app.close()


async def run_echo(updates: int, users: int) -> tuple[float, int]:
    host = ServerThread()
    with host as server:
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
            await host.wait_for(lambda: server.calls("getUpdates"))
            started = time.perf_counter()
            await asyncio.to_thread(host.call, push_mix, server, updates, users)
            await asyncio.wait_for(done.wait(), TIME_LIMIT)
            elapsed = time.perf_counter() - started
        finally:
            await dp.stop_polling()
            await polling
        return elapsed, server.sent_count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("updates", nargs="?", type=int, default=2000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database to use instead of SQLite; it is WIPED before each run",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    updates, users = args.updates, max(1, min(args.users, args.updates))

    echo_seconds, echo_sent = asyncio.run(run_echo(updates, users))
    with tempfile.TemporaryDirectory() as folder:
        profiler = cProfile.Profile() if args.profile else None
        if profiler is not None:
            profiler.enable()
        bot_seconds, bot_sent = asyncio.run(
            run_bot(updates, users, Path(folder), args.database_url)
        )
        if profiler is not None:
            profiler.disable()
        direct_seconds = asyncio.run(
            run_dispatcher_only(updates, users, Path(folder), args.database_url)
        )

    echo_rate, bot_rate = updates / echo_seconds, updates / bot_seconds
    direct_rate = updates / direct_seconds
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"updates: {updates} from {users} people ({database}, fake Bot API on loopback)")
    print(f"aiogram echo bot: {echo_rate:8.1f} updates/s ({echo_seconds:.2f} s, {echo_sent} sent)")
    print(f"our bot:          {bot_rate:8.1f} updates/s ({bot_seconds:.2f} s, {bot_sent} sent)")
    print(f"dispatcher only:  {direct_rate:8.1f} updates/s ({direct_seconds:.2f} s, no Telegram)")
    print(f"ratio bot/echo:   {bot_rate / echo_rate:8.2f}  (target >= 0.5)")
    print(f"ratio bot/dispatcher only: {bot_rate / direct_rate:.2f}")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
        print(out.getvalue())


if __name__ == "__main__":
    main()
