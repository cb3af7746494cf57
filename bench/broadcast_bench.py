"""How close a broadcast gets to Telegram's rate limit without being throttled.

    .venv/bin/python bench/broadcast_bench.py                     # 3 000 chats at 300/s
    .venv/bin/python bench/broadcast_bench.py --messages 5000 --rate 30 --server-rate 30
    .venv/bin/python bench/broadcast_bench.py --server-rate 250   # server stricter than us
    BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/broadcast_bench.py                 # that database is WIPED!

It queues one broadcast to N private chats (a Broadcast row and N outbox messages, as
/broadcast does), then runs the real sender (bot/delivery/outbox.py) with TelegramTransport over
aiogram against the fake Bot API server (tests/fakes/telegram_server.py) on 127.0.0.1, in
a process of its own (so its work does not slow the sender down as Telegram's would not),
which answers 429 whenever the global rate or one message per second per chat is exceeded.
The sender is configured with `--rate` (TELEGRAM_RATE_GLOBAL), the server with
`--server-rate`. Prints the achieved rate as a ratio of the configured limit (aim: >= 0.9),
the 429s received (aim: 0 when both limits match), and checks that every chat got the
message exactly once and that the organizer got the delivery report.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# Runnable as a plain script: the project root must be importable.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aiogram import Bot  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from bot.adapters.telegram.transport import TelegramTransport, limits_of  # noqa: E402
from bot.app import App, create_app  # noqa: E402
from bot.core.replies import Reply  # noqa: E402
from bot.delivery.outbox import Sender  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from domain import clock  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.models import (  # noqa: E402
    Base,
    Organizer,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Purchase,
    User,
)
from storage.repositories.outbox import Recipient  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.fakes.telegram_server import FakeTelegramServer  # noqa: E402

TOKEN = "777000:broadcast-bench-token"
AUTHOR_CHAT = 1
FIRST_CHAT = 100_000


def serve(conn: Connection, global_rate: float, per_chat_rate: float) -> None:
    """The fake Bot API server in its own process (its CPU is Telegram's, not ours): sends
    its port, serves until told to stop, then sends back what it saw."""

    async def main() -> None:
        server = FakeTelegramServer(
            token=TOKEN, global_rate=global_rate, per_chat_rate=per_chat_rate
        )
        arrivals: list[float] = []
        record_send = server._send

        def timed_send(*args: Any, **kwargs: Any) -> Any:
            arrivals.append(time.monotonic())  # system-wide on Linux: comparable across processes
            return record_send(*args, **kwargs)

        server._send = timed_send  # type: ignore[method-assign]
        await server.start()
        conn.send(server.port)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        conn.send(
            {
                "arrivals": arrivals,
                "chats": [record["chat_id"] for record in server.sent],
                "too_many_requests": server.too_many_requests,
                "to_author": [r["plain_text"] for r in server.messages_to(AUTHOR_CHAT)],
            }
        )
        await server.stop()

    asyncio.run(main())


async def wipe(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def queue_broadcast(app: App, messages: int) -> int:
    """N buyers and one broadcast to them, written the way /broadcast writes it."""
    async with app.session_factory() as session, session.begin():
        author = User(platform="telegram", external_id=str(AUTHOR_CHAT), name="Анна")
        session.add(author)
        await session.flush()
        organizer = Organizer(user_id=author.id, name="СП Анны")
        session.add(organizer)
        await session.flush()
        purchase = Purchase(organizer_id=organizer.id, title="Кофе")
        session.add(purchase)
        rows = [
            {"platform": "telegram", "external_id": str(FIRST_CHAT + n), "name": f"b{n}"}
            for n in range(messages)
        ]
        for start in range(0, len(rows), 1000):
            await session.execute(insert(User), rows[start : start + 1000])
        await session.flush()
        buyers = list(
            await session.scalars(select(User).where(User.id != author.id).order_by(User.id))
        )
        uow = UnitOfWork(session)
        broadcast = await uow.broadcasts.create(
            organizer_id=organizer.id,
            purchase_id=purchase.id,
            author_id=author.id,
            text="Раздача в субботу",
            photo=None,
            now=clock.now(),
        )
        body = Reply("📣 СП Анны · «Кофе»\n\nРаздача в субботу")
        broadcast.total = await uow.outbox.enqueue_many(
            [Recipient(buyer, body, dedup_key=f"bench:{buyer.id}") for buyer in buyers],
            OutboxKind.BROADCAST,
            broadcast_id=broadcast.id,
        )
        return broadcast.id


async def run(args: argparse.Namespace) -> None:
    database_url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    folder = tempfile.TemporaryDirectory(prefix="broadcast-bench-")
    if database_url:
        await wipe(database_url)
    else:
        database_url = f"sqlite+aiosqlite:///{Path(folder.name) / 'bench.sqlite3'}"
    settings = load_settings(
        database_url=database_url,
        telegram_rate_global=args.rate,
        telegram_rate_private=1.0,
    )
    app = await create_app(settings)
    server_rate = args.server_rate or args.rate
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=serve, args=(theirs, server_rate, 1.0), daemon=True
    )
    process.start()
    port = await asyncio.get_running_loop().run_in_executor(None, ours.recv)
    base_url = f"http://127.0.0.1:{port}"
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    try:
        queued_at = time.perf_counter()
        broadcast_id = await queue_broadcast(app, args.messages)
        queue_seconds = time.perf_counter() - queued_at

        sender = Sender(
            TelegramTransport(bot, limits=limits_of(settings)),
            app.session_factory,
            app.texts,
            max_attempts=settings.delivery_max_attempts,
            concurrency=args.concurrency,
            batch_size=args.batch,
            poll_interval=0.05,
            progress_interval=5.0,
        )
        started = time.perf_counter()
        task = asyncio.create_task(sender.run())
        try:
            async with asyncio.timeout(args.messages / args.rate * 5 + 60):
                while True:
                    await asyncio.sleep(0.05)
                    async with app.session_factory() as session:
                        pending = await session.scalar(
                            select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
                        )
                        reported = await session.scalar(
                            select(func.count()).where(
                                OutboxMessage.dedup_key == f"broadcast:{broadcast_id}:report",
                                OutboxMessage.status == OutboxStatus.SENT,
                            )
                        )
                    if not pending and reported:
                        break
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        total_seconds = time.perf_counter() - started

        ours.send("stop")
        seen = await asyncio.get_running_loop().run_in_executor(None, ours.recv)
        per_chat = Counter(chat for chat in seen["chats"] if chat != AUTHOR_CHAT)
        arrivals = [
            moment
            for moment, chat in zip(seen["arrivals"], seen["chats"], strict=True)
            if chat != AUTHOR_CHAT
        ]
        span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
        achieved = (len(arrivals) - 1) / span if span else float("nan")
        async with app.session_factory() as session:
            statuses = dict(
                (
                    await session.execute(
                        select(OutboxMessage.status, func.count())
                        .where(OutboxMessage.broadcast_id == broadcast_id)
                        .group_by(OutboxMessage.status)
                    )
                ).all()
            )
        to_author = seen["to_author"]

        backend = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
        print(f"database:             {backend}")
        print(f"messages:             {args.messages} private chats, one broadcast")
        print(f"queued in:            {queue_seconds:.2f} s (one transaction)")
        print(f"limits:               sender {args.rate:g}/s, server {server_rate:g}/s")
        print(f"sender:               concurrency {args.concurrency}, batch {args.batch}")
        print(f"first to last send:   {span:.2f} s")
        print(f"achieved rate:        {achieved:.1f} msg/s")
        print(f"ratio to the limit:   {achieved / args.rate:.3f}  (aim >= 0.9)")
        print(f"429 received:         {seen['too_many_requests']}  (aim 0 when limits match)")
        print(f"until report sent:    {total_seconds:.2f} s")
        print(
            "outcomes:             "
            + ", ".join(f"{status}={n}" for status, n in sorted(statuses.items()))
        )
        print(
            f"each chat once:       {len(per_chat) == args.messages}"
            f" (duplicates: {sum(n - 1 for n in per_chat.values())})"
        )
        print(f"author got:           {len(to_author)} messages; last: {to_author[-1][:60]!r}")
        print(f"sender stats:         {dict(sender.stats)}")
    finally:
        await bot.session.close()
        if process.is_alive():
            process.terminate()
        process.join(5)
        await app.close()
        if database_url.startswith("postgresql"):
            engine = create_engine(database_url)
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.drop_all)
            await engine.dispose()
        folder.cleanup()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=300.0, help="the sender's global limit")
    parser.add_argument(
        "--server-rate", type=float, default=None, help="the server's limit (default: --rate)"
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--batch", type=int, default=500)
    return parser.parse_args(argv)


async def main() -> None:
    await run(parse([]))


if __name__ == "__main__":
    asyncio.run(run(parse()))
