"""How fast invite arrivals are counted: 100,000 friends arriving over 10,000 inviters.

    .venv/bin/python bench/invites_bench.py            # 100,000 arrivals
    .venv/bin/python bench/invites_bench.py 10000      # a quick run: 10,000 arrivals
    .venv/bin/python -m bench invites_bench            # with the other benchmarks

Arrivals go through `bot.services.referrals.register_arrival` directly (not the dispatcher), a batch
of BATCH arrivals per transaction, one open round with the default threshold of 10: each
inviter gets ten friends, so every arrival counts, most queue a progress notification and
every tenth issues a promo code. Friends of one inviter arrive far apart (no bursts).
About five statements per arrival on SQLite, six on PostgreSQL (the inviter's row lock).

Runs on a temporary SQLite file and, when PostgreSQL is reachable (TEST_DATABASE_URL, else
postgresql+asyncpg://postgres@127.0.0.1:5432/test), on a database `bench_invites` created
next to it for the run and dropped afterwards; the database it connects through is only
used to create and drop that one. Prints figures only: no pass/fail thresholds.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Runnable as a plain script: the project root must be importable.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker  # noqa: E402

from bot.services.referrals import register_arrival  # noqa: E402
from bot.texts import Texts  # noqa: E402
from domain.clock import FrozenClock, install  # noqa: E402
from domain.codes import new_link_token  # noqa: E402
from domain.referrals import BURST_SIZE, BURST_WINDOW  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import create_engine, create_session_factory  # noqa: E402
from storage.models import (  # noqa: E402
    DiscountKind,
    Invite,
    InviteStatus,
    OutboxMessage,
    PromoCode,
    ReferralRound,
    RoundStatus,
    User,
)
from storage.uow import UnitOfWork  # noqa: E402

DEFAULT_ARRIVALS = 100_000
FRIENDS_PER_INVITER = 10
BATCH = 500
CHUNK = 2_000  # rows per executemany: stays under every driver's parameter limit
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BENCH_DB = "bench_invites"


async def fill(session_factory: async_sessionmaker[AsyncSession], arrivals: int) -> int:
    """Inviters with tokens, the friends-to-be, and one open round; returns the inviters."""
    inviters = max(1, arrivals // FRIENDS_PER_INVITER)
    async with session_factory() as session, session.begin():
        rows = [
            {
                "platform": "console",
                "external_id": f"inviter{n}",
                "name": f"Inviter {n}",
                "language": "en" if n % 2 else "ru",
                "invite_token": new_link_token(),
                "created_at": NOW - timedelta(days=30),
                "last_seen_at": NOW,
            }
            for n in range(inviters)
        ]
        rows += [
            {
                "platform": "console",
                "external_id": f"friend{n}",
                "name": f"Friend {n}",
                "language": "ru",
                "created_at": NOW,
                "last_seen_at": NOW,
            }
            for n in range(arrivals)
        ]
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(User), rows[start : start + CHUNK])
        session.add(
            ReferralRound(
                starts_at=NOW - timedelta(days=1),
                ends_at=NOW + timedelta(days=30),
                threshold=FRIENDS_PER_INVITER,
                discount_kind=DiscountKind.FIXED,
                discount_value=39_900,
                min_order_kop=40_000,
                status=RoundStatus.OPEN,
                opened_at=NOW - timedelta(days=1),
            )
        )
    return inviters


async def user_ids(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with session_factory() as session:
        found = await session.execute(select(User.external_id, User.id))
        return dict(found.all())


async def count_arrivals(
    session_factory: async_sessionmaker[AsyncSession], arrivals: int, inviters: int
) -> tuple[float, list[float]]:
    """Count every arrival; returns (seconds, per-batch seconds)."""
    ids = await user_ids(session_factory)
    texts = Texts()
    # Friend n is inviter n % inviters's friend: an inviter's ten friends are spread over
    # the whole run, like real friends who open the link hours apart.
    plan = [(ids[f"inviter{n % inviters}"], ids[f"friend{n}"]) for n in range(arrivals)]
    # Arrivals this far apart keep one inviter's friends out of a burst window even in
    # quick runs with few inviters (bursts are flagged, a different path).
    step = max(1, -(-int(BURST_WINDOW.total_seconds()) // (inviters * (BURST_SIZE - 1))) + 1)
    batch_times: list[float] = []
    started = time.perf_counter()
    for start in range(0, arrivals, BATCH):
        batch = plan[start : start + BATCH]
        begun = time.perf_counter()
        async with session_factory() as session, session.begin():
            uow = UnitOfWork(session)
            wanted = {user_id for pair in batch for user_id in pair}
            users = {
                user.id: user
                for user in await session.scalars(select(User).where(User.id.in_(wanted)))
            }
            for offset, (inviter_id, friend_id) in enumerate(batch):
                now = NOW + timedelta(seconds=(start + offset) * step)
                await register_arrival(
                    uow,
                    users[inviter_id],
                    users[friend_id],
                    first_contact=True,
                    now=now,
                    texts=texts,
                )
        batch_times.append(time.perf_counter() - begun)
    return time.perf_counter() - started, batch_times


async def outcome(session_factory: async_sessionmaker[AsyncSession]) -> str:
    async with session_factory() as session:
        counted = await session.scalar(
            select(func.count()).select_from(Invite).where(Invite.status == InviteStatus.COUNTED)
        )
        codes = await session.scalar(select(func.count()).select_from(PromoCode))
        queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
    return f"counted {counted:,}, codes {codes:,}, messages queued {queued:,}"


async def run(engine: AsyncEngine, label: str, arrivals: int) -> None:
    await migrate.upgrade(engine)
    session_factory = create_session_factory(engine)
    setup = time.perf_counter()
    inviters = await fill(session_factory, arrivals)
    setup = time.perf_counter() - setup
    seconds, batches = await count_arrivals(session_factory, arrivals, inviters)
    ms = sorted(b * 1000 for b in batches)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    print(
        f"{label}: {arrivals:,} arrivals over {inviters:,} inviters in {seconds:.1f} s "
        f"= {arrivals / seconds:,.0f} arrivals/s "
        f"(batch of {BATCH}: median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms; "
        f"setup {setup:.1f} s)",
        flush=True,
    )
    print(f"{label}: {await outcome(session_factory)}", flush=True)


async def bench_sqlite(arrivals: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        try:
            await run(engine, "SQLite", arrivals)
        finally:
            await engine.dispose()


async def bench_postgres(arrivals: int) -> None:
    base = os.environ.get("TEST_DATABASE_URL", "").strip() or DEFAULT_PG
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}"'))
            await conn.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))
    except Exception as exc:  # no server, no rights: the SQLite figure stands alone
        print(f"PostgreSQL: skipped ({type(exc).__name__}: {exc})", flush=True)
        await admin.dispose()
        return
    url = make_url(base).set(database=BENCH_DB).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        await run(engine, "PostgreSQL", arrivals)
    finally:
        await engine.dispose()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
        await admin.dispose()


async def main(arrivals: int = DEFAULT_ARRIVALS) -> None:
    # The data is dated around NOW; the database's own timestamps must agree with it.
    install(FrozenClock(NOW))
    await bench_sqlite(arrivals)
    await bench_postgres(arrivals)


def arrivals_from(argv: list[str]) -> int:
    if not argv:
        return DEFAULT_ARRIVALS
    typed = argv[0].replace("_", "").replace(",", "")
    if not typed.isdigit() or int(typed) < FRIENDS_PER_INVITER:
        raise SystemExit(f"usage: invites_bench.py [ARRIVALS >= {FRIENDS_PER_INVITER}]")
    return int(typed)


if __name__ == "__main__":
    asyncio.run(main(arrivals_from(sys.argv[1:])))
