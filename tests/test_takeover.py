"""Leases that follow the process: a process that dies hands its work (polling a source,
sending a platform's outbox) over within the lease's seconds, one that stops cleanly at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.core.intake import PollLease
from bot.delivery.outbox import Sender
from domain.clock import FrozenClock
from storage.models import Lease, OutboxMessage, OutboxStatus
from tests.support.outbox import FakeTransport, messages, person, queue


async def test_one_poller_per_source_and_a_dead_ones_lease_is_taken_over(app: App, clock) -> None:
    first = PollLease(app.session_factory, "telegram:1", ttl=0.3, holder="first")
    second = PollLease(app.session_factory, "telegram:1", ttl=0.3, holder="second")
    running = asyncio.create_task(first.run())
    await asyncio.wait_for(first.held.wait(), 2)
    taker = asyncio.create_task(second.run())
    await asyncio.sleep(0.5)
    assert not second.held.is_set()  # the first renews it
    running.cancel()  # a clean stop releases the lease: the second takes it at once
    await asyncio.gather(running, return_exceptions=True)
    await asyncio.wait_for(second.held.wait(), 2)
    taker.cancel()
    await asyncio.gather(taker, return_exceptions=True)
    # A dead holder (no release): the lease is taken once it runs out.
    async with app.session_factory() as session, session.begin():
        session.add(Lease(name="poll:vk:7", holder="dead", expires_at=clock.now()))
    late = PollLease(app.session_factory, "vk:7", ttl=0.3, holder="late")
    task = asyncio.create_task(late.run())
    await asyncio.wait_for(late.held.wait(), 2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_crashed_senders_claims_go_out_as_soon_as_its_lease_lapses(
    app: App, clock: FrozenClock
) -> None:
    """A process died mid-broadcast: its lease runs 10 s more, its claims 120 s. The sender
    of the restarted process takes the lease when it lapses and gives the dead one's claims
    back at once, so the rest goes out within the lease's time, not the claims'."""
    people = [await person(app, 6000 + n, platform="vk") for n in range(5)]
    ids = [await queue(app, user, "рассылка") for user in people]
    async with app.session_factory() as session, session.begin():
        for row in (await session.scalars(select(OutboxMessage))).all():
            row.attempts, row.claimed_by = 1, "dead-host:1:ab"
            row.next_attempt_at = clock.now() + timedelta(seconds=120)
        session.add(
            Lease(
                name="outbox:vk",
                holder="dead-host:1:ab",
                expires_at=clock.now() + timedelta(seconds=10),
            )
        )
    transport = FakeTransport()
    restarted = Sender(transport, app.session_factory, app.texts)  # the real lease and claims
    assert await restarted.drain() == 0  # the dead holder's lease still runs
    clock.advance(seconds=10)
    await restarted.drain()
    assert sorted(chat for _, chats, _, _ in transport.calls for chat in chats) == sorted(
        u.external_id for u in people
    )
    rows = await messages(app)
    assert [row.id for row in rows if row.status is OutboxStatus.SENT] == ids
