"""How fast one buyer's /orders answers with 10,000 orders in the database.

    .venv/bin/python -m bench.my_orders                      # a temporary SQLite file
    BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python -m bench.my_orders               # that database is WIPED first!

Never DATABASE_URL: that is the bot's own database, and this benchmark empties its target.

Fills the database with 10,000 orders of 1,000 buyers (three lines each) in 100 purchases,
then feeds /orders, "all orders" page 2 and one order's screen through the real dispatcher
for one buyer and prints the median and 95th percentile, and the query plan of the page
query. Prints figures only: there are no pass/fail thresholds here.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from bot.app import create_app
from bot.core.events import Chat, EventKind, Incoming, Sender
from bot.settings import load_settings
from domain.clock import FrozenClock, install
from domain.lifecycle import PurchaseStatus
from domain.order_numbers import format_order_number
from handlers.buyer.my_orders import OrdersPage, OrderView
from storage.db import create_engine
from storage.models import Base, Order, OrderLine, Organizer, Purchase, PurchaseItem, User

ORDERS = 10_000
BUYERS = 1_000
PURCHASES = 100
LINES_PER_ORDER = 3
RUNS = 200
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def fill(session_factory) -> None:  # type: ignore[no-untyped-def]
    async with session_factory() as session, session.begin():
        org_user = User(platform="console", external_id="organizer", name="organizer")
        session.add(org_user)
        await session.flush()
        organizer = Organizer(user_id=org_user.id, name="Bench org")
        session.add(organizer)
        await session.flush()
        await session.execute(
            insert(User),
            [
                {"platform": "console", "external_id": f"buyer{n}", "name": f"buyer{n}"}
                for n in range(BUYERS)
            ],
        )
        buyer_ids = list(
            await session.scalars(
                select(User.id).where(User.external_id.like("buyer%")).order_by(User.id)
            )
        )
        await session.execute(
            insert(Purchase),
            [
                {
                    "organizer_id": organizer.id,
                    "title": f"Purchase {n}",
                    "fee_bp": 1500,
                    "status": PurchaseStatus.OPEN if n % 3 else PurchaseStatus.CLOSED,
                }
                for n in range(PURCHASES)
            ],
        )
        purchase_ids = list(await session.scalars(select(Purchase.id).order_by(Purchase.id)))
        await session.execute(
            insert(PurchaseItem),
            [
                {
                    "purchase_id": pid,
                    "position": k,
                    "name": f"Item {k}",
                    "price_kop": 10_000 + k,
                    "sizes": [],
                }
                for pid in purchase_ids
                for k in range(LINES_PER_ORDER)
            ],
        )
        items: dict[int, list[int]] = {}
        for pid, iid in await session.execute(
            select(PurchaseItem.purchase_id, PurchaseItem.id).order_by(PurchaseItem.id)
        ):
            items.setdefault(pid, []).append(iid)
        orders = []
        for n in range(ORDERS):
            created = NOW - timedelta(hours=n % 5000)
            orders.append(
                {
                    "purchase_id": purchase_ids[n % PURCHASES],
                    "buyer_id": buyer_ids[n % BUYERS],
                    "items_total_kop": 30_003,
                    "fee_kop": 4_500,
                    "due_kop": 34_503,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        await session.execute(insert(Order), orders)
        rows = (await session.execute(select(Order.id, Order.purchase_id))).all()
        await session.execute(
            insert(OrderLine),
            [
                {
                    "order_id": oid,
                    "item_id": iid,
                    "quantity": 1,
                    "price_kop": 10_000,
                    "size": "",
                }
                for oid, pid in rows
                for iid in items[pid]
            ],
        )
        for oid, _ in rows:
            await session.execute(
                Order.__table__.update()
                .where(Order.id == oid)
                .values(number=format_order_number(oid))
            )


async def timed(dispatcher, payload: str | None, command: str | None) -> float:  # type: ignore[no-untyped-def]
    event = Incoming(
        platform="console",
        update_id=uuid.uuid4().hex,
        sender=Sender(external_id="buyer7", name="buyer7"),
        chat=Chat(external_id="buyer7"),
        kind=EventKind.BUTTON if payload else EventKind.MESSAGE,
        text=f"/{command}" if command else "",
        command=command,
        payload=payload,
    )
    start = time.perf_counter()
    replies = await dispatcher.feed(event)
    elapsed = time.perf_counter() - start
    assert replies and "📦" in replies[0].text, replies
    return elapsed * 1000


def report(name: str, samples: list[float]) -> None:
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{name:<28} median {statistics.median(samples):6.2f} ms   p95 {p95:6.2f} ms")


async def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    tmp = None
    if not url.startswith("postgresql"):
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite+aiosqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    else:
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        await engine.dispose()
    settings = load_settings(database_url=url)
    app = await create_app(settings)
    install(FrozenClock(NOW))
    try:
        started = time.perf_counter()
        await fill(app.session_factory)
        print(f"database: {url.split(':')[0]}, filled in {time.perf_counter() - started:.1f} s")
        async with app.session_factory() as session:
            count = await session.scalar(select(Order.id).order_by(Order.id.desc()).limit(1))
            buyer = await session.scalar(select(User.id).where(User.external_id == "buyer7"))
            mine = await session.scalar(
                select(Order.id).where(Order.buyer_id == buyer).order_by(Order.id).limit(1)
            )
        per_buyer = ORDERS // BUYERS
        print(f"orders: {count}, buyers: {BUYERS}, orders of the measured buyer: {per_buyer}")
        dispatcher = app.dispatcher
        cases = [
            ("/orders (two months)", None, "orders"),
            ("all orders, page 2", OrdersPage(scope="all", page=1).pack(), None),
            ("one order's screen", OrderView(order_id=mine).pack(), None),
        ]
        for name, payload, command in cases:
            for _ in range(10):  # warm-up
                await timed(dispatcher, payload, command)
            report(name, [await timed(dispatcher, payload, command) for _ in range(RUNS)])
        await explain(app.session_factory, url, buyer)
    finally:
        await app.close()
        if tmp is not None:
            tmp.cleanup()


async def explain(session_factory, url: str, buyer_id: int) -> None:  # type: ignore[no-untyped-def]
    sql = (
        "SELECT id FROM orders WHERE buyer_id = :b AND created_at >= :s "
        "ORDER BY created_at DESC, id DESC LIMIT 5"
    )
    prefix = "EXPLAIN QUERY PLAN " if url.startswith("sqlite") else "EXPLAIN "
    since = (NOW - timedelta(days=61)).replace(tzinfo=None if url.startswith("sqlite") else UTC)
    async with session_factory() as session:
        rows = await session.execute(text(prefix + sql), {"b": buyer_id, "s": since})
        print("plan of the page query:")
        for row in rows:
            print("   ", row[-1])


if __name__ == "__main__":
    asyncio.run(main())
