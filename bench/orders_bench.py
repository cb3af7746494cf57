"""How the organizer's screens and exports of one purchase scale with its number of orders.

    .venv/bin/python bench/orders_bench.py            # temporary SQLite files
    .venv/bin/python -m bench.orders_bench            # the same
    BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/orders_bench.py        # that database is WIPED first!

For each size (1,000 and 10,000 orders) it builds a fresh database holding one purchase
with 1,000 items and that many orders (one buyer each, three lines each, bulk inserts),
then times through the real dispatcher:
- a buyer's /orders (the buyer side's screen, on a database of that size),
- the organizer's card (/purchase <id>: aggregates over all orders),
- the first and the last page of the orders list,
- each export (supplier and distribution, CSV and XLSX), with the file size,
- the stop (one status change that queues a notification for every buyer), once.
Prints figures only: there are no pass/fail thresholds here. Compare the two sizes: the
screens should stay flat, exports and the stop grow with the orders they contain.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

# Runnable as a plain script: the project root must be importable.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

from bot.app import App, create_app  # noqa: E402
from bot.core.events import Chat, EventKind, Incoming, Sender  # noqa: E402
from bot.core.replies import Reply  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from domain.clock import FrozenClock, install  # noqa: E402
from domain.lifecycle import PurchaseStatus  # noqa: E402
from domain.order_numbers import format_order_number  # noqa: E402
from domain.pricing import fee_kopecks, order_due  # noqa: E402
from handlers.organizer.kit import ExportFile, OrdersPage, StatusMove  # noqa: E402
from storage.db import create_engine  # noqa: E402
from storage.models import (  # noqa: E402
    Order,
    OrderLine,
    Organizer,
    OutboxMessage,
    PickupPoint,
    Purchase,
    PurchaseItem,
    User,
)

SIZES = (1_000, 10_000)
ITEMS = 1_000
LINES_PER_ORDER = 3
POINTS = 3
RUNS = 30
EXPORT_RUNS = 3
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ORGANIZER = "organizer"
BUYER = "buyer7"
CHUNK = 2_000  # rows per executemany: stays under every driver's parameter limit


async def fill(session_factory: async_sessionmaker[AsyncSession], orders: int) -> int:
    """One organizer, pickup points, a purchase with ITEMS items and `orders` orders."""
    async with session_factory() as session, session.begin():
        owner = User(platform="console", external_id=ORGANIZER, name=ORGANIZER)
        session.add(owner)
        await session.flush()
        organizer = Organizer(user_id=owner.id, name="Bench organizer")
        session.add(organizer)
        await session.flush()
        session.add_all(
            PickupPoint(organizer_id=organizer.id, name=f"Point {n}", address=f"Street {n}")
            for n in range(POINTS)
        )
        purchase = Purchase(
            organizer_id=organizer.id,
            title="Bench purchase",
            fee_bp=1500,
            status=PurchaseStatus.OPEN,
            stop_at=datetime(2026, 12, 1, 20, 59, 59, tzinfo=UTC),
            payment_due_at=datetime(2026, 12, 5, 20, 59, 59, tzinfo=UTC),
        )
        session.add(purchase)
        await session.flush()
        point_ids = list(await session.scalars(select(PickupPoint.id).order_by(PickupPoint.id)))

        await bulk(
            session,
            PurchaseItem,
            [
                {
                    "purchase_id": purchase.id,
                    "position": k,
                    "name": f"Item {k}",
                    "price_kop": 10_000 + 10 * k,
                    "sizes": ["S", "M", "L"] if k % 2 else [],
                    "article": f"ART-{k}",
                    "active": True,
                }
                for k in range(ITEMS)
            ],
        )
        items = (
            await session.execute(
                select(PurchaseItem.id, PurchaseItem.price_kop, PurchaseItem.position).order_by(
                    PurchaseItem.position
                )
            )
        ).all()
        await bulk(
            session,
            User,
            [
                {
                    "platform": "console",
                    "external_id": f"buyer{n}",
                    "name": f"Buyer {n}",
                    "language": "en" if n % 2 else "ru",
                }
                for n in range(orders)
            ],
        )
        found = await session.execute(select(User.external_id, User.id).where(User.id != owner.id))
        buyer_ids = {external_id: user_id for external_id, user_id in found.all()}
        order_rows, line_rows = [], []
        for n in range(orders):
            order_id = n + 1  # explicit ids: the number is derived from the id
            lines = []
            for j in range(LINES_PER_ORDER):
                item_id, price, position = items[(n * 7 + j * 13) % ITEMS]
                quantity = 1 + (n + j) % 3
                size = ("S", "M", "L")[(n + j) % 3] if position % 2 else ""
                lines.append((item_id, size, quantity, price))
            total = sum(price * quantity for _, _, quantity, price in lines)
            order_rows.append(
                {
                    "id": order_id,
                    "number": format_order_number(order_id),
                    "purchase_id": purchase.id,
                    "buyer_id": buyer_ids[f"buyer{n}"],
                    "pickup_point_id": point_ids[n % POINTS] if n % (POINTS + 1) else None,
                    "items_total_kop": total,
                    "fee_kop": fee_kopecks(total, purchase.fee_bp),
                    "due_kop": order_due(total, purchase.fee_bp, 0),
                    "confirmed_paid_kop": 0 if n % 3 else order_due(total, purchase.fee_bp, 0),
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            line_rows += [
                {
                    "order_id": order_id,
                    "item_id": item_id,
                    "size": size,
                    "quantity": quantity,
                    "price_kop": price,
                }
                for item_id, size, quantity, price in lines
            ]
        await bulk(session, Order, order_rows)
        await bulk(session, OrderLine, line_rows)
        if session.bind.dialect.name == "postgresql":
            # Explicit ids leave the sequence behind; keep it usable for later inserts.
            await session.execute(
                text("SELECT setval(pg_get_serial_sequence('orders', 'id'), :n)"), {"n": orders}
            )
        return purchase.id


async def bulk(session: AsyncSession, model: type, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[start : start + CHUNK])


async def feed(
    app: App, user: str, *, command: str | None = None, args: str = "", payload: str | None = None
) -> list[Reply]:
    event = Incoming(
        platform="console",
        update_id=uuid.uuid4().hex,
        sender=Sender(external_id=user, name=user),
        chat=Chat(external_id=user),
        kind=EventKind.BUTTON if payload else EventKind.MESSAGE,
        text=f"/{command} {args}".strip() if command else "",
        command=command,
        args=args,
        payload=payload,
    )
    return await app.dispatcher.feed(event)


async def timed(
    app: App, check: Callable[[list[Reply]], bool], runs: int, **event: str
) -> tuple[list[float], list[Reply]]:
    samples, replies = [], []
    for _ in range(runs):
        started = time.perf_counter()
        replies = await feed(app, **event)  # type: ignore[arg-type]
        samples.append((time.perf_counter() - started) * 1000)
        if not check(replies):
            raise RuntimeError(f"unexpected answer: {[r.text[:200] for r in replies]}")
    return samples, replies


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered):8.1f} ms   p95 {p95:8.1f} ms"


async def measure(url: str, orders: int) -> None:
    app = await create_app(load_settings(database_url=url))
    install(FrozenClock(NOW))
    try:
        started = time.perf_counter()
        purchase_id = await fill(app.session_factory, orders)
        filled = time.perf_counter() - started
        if url.startswith("postgresql"):
            # What autovacuum would have done by now in a live database: fresh statistics.
            async with app.engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        print(
            f"\n{orders:,} orders, {ITEMS:,} items ({url.split(':')[0]}, filled in {filled:.1f} s)"
        )

        def has(text: str) -> Callable[[list[Reply]], bool]:
            return lambda replies: bool(replies) and text in replies[0].text

        def document(replies: list[Reply]) -> bool:
            return bool(replies) and replies[0].document is not None

        last_page = (orders - 1) // 10
        cases: list[tuple[str, Callable[[list[Reply]], bool], int, dict[str, str]]] = [
            ("buyer's /orders", has("📦"), RUNS, {"user": BUYER, "command": "orders"}),
            (
                "/purchase card",
                has("Bench purchase"),
                RUNS,
                {"user": ORGANIZER, "command": "purchase", "args": str(purchase_id)},
            ),
            (
                "orders list, first page",
                has("Bench purchase"),
                RUNS,
                {"user": ORGANIZER, "payload": OrdersPage(purchase_id=purchase_id, page=0).pack()},
            ),
            (
                "orders list, last page",
                has("Bench purchase"),
                RUNS,
                {
                    "user": ORGANIZER,
                    "payload": OrdersPage(purchase_id=purchase_id, page=last_page).pack(),
                },
            ),
        ]
        for shape in ("supplier", "distribution"):
            for fmt in ("csv", "xlsx"):
                payload = ExportFile(purchase_id=purchase_id, shape=shape, fmt=fmt).pack()
                cases.append(
                    (
                        f"export {shape} {fmt}",
                        document,
                        EXPORT_RUNS,
                        {"user": ORGANIZER, "payload": payload},
                    )
                )
        for name, check, runs, event in cases:
            await feed(app, **event)  # warm-up
            samples, replies = await timed(app, check, runs, **event)
            size = ""
            if replies and replies[0].document is not None:
                size = f"   {len(replies[0].document.content) / 1024:8.0f} KiB"
            print(f"  {name:<28} {figures(samples)}{size}")

        stop = StatusMove(purchase_id=purchase_id, status=PurchaseStatus.STOPPED, confirmed=True)
        samples, _ = await timed(app, has("стоп"), 1, user=ORGANIZER, payload=stop.pack())
        async with app.session_factory() as session:
            queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
        print(f"  {'stop, notifying buyers':<28} {samples[0]:8.1f} ms once, {queued:,} queued")
    finally:
        await app.close()


async def wipe_postgres(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def main() -> None:
    postgres = os.environ.get("BENCH_DATABASE_URL", "").strip()
    print(f"orders bench: one purchase, {ITEMS:,} items, {LINES_PER_ORDER} lines per order")
    for orders in SIZES:
        if postgres:
            await wipe_postgres(postgres)
            await measure(postgres, orders)
            continue
        with tempfile.TemporaryDirectory() as folder:
            await measure(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}", orders)


if __name__ == "__main__":
    asyncio.run(main())
