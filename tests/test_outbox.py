"""The outbox sender's rules without a network: rate limiters on a fake clock, consent,
back-off, claims and per-chat order in the database, VK-style batching, broadcast progress
and reports, and the app's sender wiring."""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.telegram.transport import TELEGRAM_LIMITS
from bot.app import App
from bot.core.replies import Reply
from bot.core.transport import (
    MessagesNotAllowed,
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
    SendLimits,
    TemporaryFailure,
)
from bot.delivery.outbox import Sender, backoff_delay, consent_refusal
from bot.delivery.ratelimit import (
    DeliveryLimits,
    KeyedLimits,
    Pacer,
    SlidingWindow,
    TokenBucket,
)
from domain import clock
from storage.models import (
    Broadcast,
    Lease,
    Organizer,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Purchase,
    User,
)
from storage.repositories.outbox import Recipient
from storage.uow import UnitOfWork
from tests.support.outbox import (
    FakeTransport,
    drain_until_settled,
    fast_sender,
    messages,
    person,
    queue,
    user_row,
    wait_settled,
)

# Retries and back-offs wait for real fractions of a second: the clock must run.
pytestmark = pytest.mark.usefixtures("running_clock")

# --- rate limits on a fake clock --------------------------------------------------------------


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_pacer_books_evenly_spaced_slots() -> None:
    pacer = Pacer(4)
    assert [pacer.reserve(10.0) for _ in range(4)] == [0.0, 0.25, 0.5, 0.75]
    assert pacer.delay(10.0) == 1.0 and not pacer.idle(10.0)
    assert pacer.reserve(20.0) == 0.0 and pacer.idle(21.0)


def test_token_bucket_and_sliding_window() -> None:
    bucket = TokenBucket(rate=1.0, capacity=3)
    for _ in range(3):
        assert bucket.delay(0.0) == 0.0
        bucket.take(0.0)
    assert bucket.delay(0.0) == pytest.approx(1.0)
    assert bucket.delay(0.5) == pytest.approx(0.5)
    assert bucket.idle(10.0)

    window = SlidingWindow(limit=3, window=60.0)
    for moment in (0.0, 10.0, 20.0):
        assert window.delay(moment) == 0.0
        window.take(moment)
    assert window.delay(30.0) == pytest.approx(30.0)  # the oldest leaves the window at 60
    assert window.delay(60.0) == 0.0
    assert not window.idle(61.0) and window.idle(80.0)
    with pytest.raises(ValueError):
        TokenBucket(rate=0)


async def test_telegram_limits_global_private_and_group() -> None:
    fake = FakeTime()
    limits = DeliveryLimits.of(TELEGRAM_LIMITS, clock=fake, sleep=fake.sleep)
    # 90 different people: the global pace alone, 30 per second.
    for n in range(90):
        await limits.acquire("", str(n))
    assert fake.now == pytest.approx(89 / 30)

    # One person: one message per second.
    start = fake.now
    moments = []
    for _ in range(5):
        await limits.acquire("", "777")
        moments.append(fake.now - start)
    assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(moments))

    # A group: never more than 20 in any 60 seconds.
    moments = []
    for _ in range(45):
        await limits.acquire("", "-100123")
        moments.append(fake.now)
    for index, moment in enumerate(moments):
        in_window = [m for m in moments[index:] if m < moment + 60.0]
        assert len(in_window) <= 20
    assert moments[-1] - moments[0] >= 120.0


async def test_vk_limits_per_token_and_idle_limiters_are_forgotten() -> None:
    fake = FakeTime()
    vk = SendLimits(per_bot=20, recipients_per_call=100)
    limits = DeliveryLimits.of(vk, clock=fake, sleep=fake.sleep)
    for _ in range(20):
        await limits.acquire("club1", "5")
    assert fake.now == pytest.approx(19 / 20)
    before = fake.now
    await limits.acquire("club2", "5")  # another community has its own budget: no wait
    await limits.acquire("club2", "6")
    assert fake.now - before == pytest.approx(1 / 20)

    made = []
    keyed = KeyedLimits(lambda key: made.append(key) or TokenBucket(1.0))
    for n in range(KeyedLimits.SWEEP_EVERY - 1):
        keyed.get(str(n), 0.0).take(0.0)
    assert len(keyed) == KeyedLimits.SWEEP_EVERY - 1
    keyed.get("late", 100.0)  # the sweep: everyone else is full again, so forgotten
    assert len(keyed) <= 2
    assert DeliveryLimits.of(SendLimits()).tracked_chats == 0


# --- rules ------------------------------------------------------------------------------------


def test_consent_rules() -> None:
    def user(**flags: Any) -> User:
        defaults = {"notifications_allowed": True, "messages_allowed": True, "reachable": True}
        return User(platform="telegram", external_id="1", **{**defaults, **flags})

    assert consent_refusal(OutboxKind.BROADCAST, None) is None  # a community post
    for kind in OutboxKind:
        assert consent_refusal(kind, user()) is None
    muted = user(notifications_allowed=False)
    assert consent_refusal(OutboxKind.ANSWER, muted) is None
    for kind in (OutboxKind.NOTIFICATION, OutboxKind.REMINDER, OutboxKind.BROADCAST):
        assert consent_refusal(kind, muted) == "not allowed: notifications are off"
        assert consent_refusal(kind, user(messages_allowed=False)).startswith("not allowed")
    gone = user(reachable=False, unreachable_reason="bot was blocked by the user")
    for kind in OutboxKind:
        assert consent_refusal(kind, gone) == "unreachable: bot was blocked by the user"
    assert consent_refusal(OutboxKind.ANSWER, user(messages_allowed=False)) is None


def test_backoff_doubles_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    for attempt, low, high in ((1, 1.0, 2.0), (2, 2.0, 4.0), (5, 16.0, 32.0), (30, 450, 900)):
        for _ in range(50):
            assert low <= backoff_delay(attempt, 2.0, 900.0, rng) <= high
    spread = {round(backoff_delay(3, 2.0, 900.0, rng), 3) for _ in range(20)}
    assert len(spread) > 10  # jitter: failures together do not come back together


# --- the database side ------------------------------------------------------------------------


async def test_heads_keep_each_chat_in_order_and_claims_are_exclusive(app: App) -> None:
    anna = await person(app, 1)
    boris = await person(app, 2)
    a1 = await queue(app, anna, "a1")
    b1 = await queue(app, boris, "b1")
    a2 = await queue(app, anna, "a2")
    now = clock.now() + timedelta(seconds=1)
    async with app.session_factory() as session, session.begin():
        delivery = UnitOfWork(session).delivery
        heads = await delivery.heads("telegram", now, limit=10)
        assert [m.id for m in heads] == [a1, b1]  # a2 waits for a1
        claimed = await delivery.claim([a1, b1], now, now + timedelta(seconds=60))
        assert claimed == {a1: 1, b1: 1}
        assert await delivery.claim([a1], now, now + timedelta(seconds=60)) == {}
        # Claimed rows are in flight: nobody's head now, and a2 still waits behind a1.
        assert await delivery.heads("telegram", now, limit=10) == []
        await delivery.release([a1], now)
        assert [m.id for m in await delivery.heads("telegram", now, limit=10)] == [a1]
        assert await delivery.heads("telegram", now, limit=10, busy_chats={("", "1")}) == []
    rows = {m.id: m for m in await messages(app)}
    assert rows[a1].attempts == 0 and rows[b1].attempts == 1 and rows[a2].attempts == 0


async def make_broadcast(
    app: App, recipients: list[User], author: User, *, text: str = "Раздача завтра"
) -> int:
    async with app.session_factory() as session, session.begin():
        organizer = Organizer(user_id=author.id, name="СП Анны")
        session.add(organizer)
        await session.flush()
        purchase = Purchase(organizer_id=organizer.id, title="Кофе")
        session.add(purchase)
        await session.flush()
        uow = UnitOfWork(session)
        broadcast = await uow.broadcasts.create(
            organizer_id=organizer.id,
            purchase_id=purchase.id,
            author_id=author.id,
            text=text,
            photo=None,
            now=clock.now(),
        )
        queued = await uow.outbox.enqueue_many(
            [Recipient(user, Reply(text), dedup_key=f"t:{user.id}") for user in recipients],
            OutboxKind.BROADCAST,
            broadcast_id=broadcast.id,
        )
        broadcast.total = queued
        return broadcast.id


async def test_vk_style_batches_of_100_with_per_chat_results(app: App) -> None:
    author = await person(app, 1, platform="vk")
    buyers = [await person(app, 100 + n, platform="vk") for n in range(250)]
    muted = await person(app, 999, platform="vk", notifications_allowed=False)
    broadcast_id = await make_broadcast(app, [*buyers, muted], author)
    transport = FakeTransport()
    transport.errors[buyers[4].external_id] = RecipientUnreachable("VK error 902: privacy")
    transport.errors[buyers[5].external_id] = MessagesNotAllowed("VK error 901: denied")
    transport.errors[buyers[6].external_id] = PermanentFailure("VK error 100: bad param")
    transport.errors[buyers[7].external_id] = RetryAfter(0.05, "VK error 6: too many")
    sender = fast_sender(app, transport, batch_size=300)

    await sender.drain()
    batches = [(len(chats), key) for kind, chats, _, key in transport.calls if kind == "send_many"]
    assert sorted(size for size, _ in batches)[:3] == [50, 96, 100]  # 4 refused in one call
    assert {key for _, key in batches} == {f"broadcast:{broadcast_id}"}
    del transport.errors[buyers[7].external_id]
    await drain_until_settled(sender, app)

    rows = {m.chat_id: m for m in await messages(app, broadcast_id=broadcast_id)}
    assert rows[buyers[4].external_id].status is OutboxStatus.SKIPPED
    assert (await user_row(app, buyers[4].id)).reachable is False
    # Not allowing the community's messages is not a block: still reachable for answers.
    assert rows[buyers[5].external_id].status is OutboxStatus.SKIPPED
    denied = await user_row(app, buyers[5].id)
    assert denied.reachable is True and denied.messages_allowed is False
    async with app.session_factory() as session:
        counts = await UnitOfWork(session).delivery.broadcast_counts(broadcast_id)
    assert (counts.blocked, counts.not_allowed, counts.failed) == (1, 2, 1)  # + the muted one
    assert rows[buyers[6].external_id].status is OutboxStatus.FAILED
    assert rows[buyers[7].external_id].status is OutboxStatus.SENT
    assert rows[buyers[7].external_id].attempts == 1  # flood control is not an attempt
    assert rows[muted.external_id].status is OutboxStatus.SKIPPED
    assert all(len(transport.got(b.external_id)) <= 1 for b in buyers)

    # The author's report, queued when the last message settled, and delivered too.
    (report,) = await messages(app, recipient_id=author.id)
    assert report.kind is OutboxKind.ANSWER and report.status is OutboxStatus.SENT
    assert transport.got("1") == [
        "📣 Рассылка «Кофе» завершена. Получателей: 251.\n"
        "✅ Доставлено: 247\n"
        "🔕 Не получили, уведомления или сообщения не разрешены: 2\n"
        "🚫 Недоступны (заблокировали бота): 1\n"
        "⚠️ Не доставлено из-за ошибки: 1"
    ]
    async with app.session_factory() as session:
        assert (await session.get(Broadcast, broadcast_id)).reported is True


async def test_whole_call_failures_are_retried(app: App) -> None:
    author = await person(app, 1, platform="vk")
    buyers = [await person(app, 10 + n, platform="vk") for n in range(3)]
    await make_broadcast(app, buyers, author)
    transport = FakeTransport()
    transport.fail_calls = [TemporaryFailure("VK HTTP 502"), RetryAfter(0.05)]
    # No back-off: the three come back together, so each failure hits the whole call.
    sender = fast_sender(app, transport, backoff_base=0.0, backoff_max=0.0)
    await drain_until_settled(sender, app)
    rows = await messages(app, kind=OutboxKind.BROADCAST)
    assert all(m.status is OutboxStatus.SENT for m in rows)
    assert all(m.attempts == 2 for m in rows)  # the 502 counted, the flood control did not
    assert sender.stats["retried"] == 3 and sender.stats["rate_limited"] == 3


async def test_progress_every_tenth_and_a_final_report(app: App) -> None:
    author = await person(app, 1, platform="vk", language="en")
    buyers = [await person(app, 100 + n, platform="vk") for n in range(50)]
    broadcast_id = await make_broadcast(app, buyers, author)
    transport = FakeTransport(batch=1)
    sender = fast_sender(app, transport, batch_size=5, concurrency=1, progress_interval=0.0)
    task = asyncio.create_task(sender.run())
    try:
        await wait_settled(app)
        async with asyncio.timeout(10):
            while not [t for t in transport.got("1") if "is done" in t]:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    to_author = transport.got("1")
    progress, report = to_author[:-1], to_author[-1]
    assert 1 <= len(progress) <= 9
    assert all(" of 50 processed" in t for t in progress)
    assert len(set(progress)) == len(progress)
    assert report.startswith('📣 Broadcast "Кофе" is done. Recipients: 50.')
    keys = [m.dedup_key for m in await messages(app, recipient_id=author.id)]
    assert keys[-1] == f"broadcast:{broadcast_id}:report"
    assert all(k.startswith(f"broadcast:{broadcast_id}:progress:") for k in keys[:-1])


async def test_app_starts_one_sender_per_platform_and_stops_it(app: App) -> None:
    transport = FakeTransport("vk")
    options = {"poll_interval": 0.02, "backoff_base": 0.01, "lease_ttl": 5.0}
    sender = app.start_sender(transport, **options)
    assert app.start_sender(FakeTransport("vk")) is sender  # one per platform
    user = await person(app, 5, platform="vk")
    await queue(app, user, "привет")
    await wait_settled(app)
    assert transport.got("5") == ["привет"]
    async with app.session_factory() as session:
        assert (await session.get(Lease, "outbox:vk")) is not None
    await app.stop_senders()
    assert app.senders == {}
    async with app.session_factory() as session:
        assert (await session.scalar(select(Lease).where(Lease.name == "outbox:vk"))) is None


async def test_a_sender_survives_a_broken_transport(app: App) -> None:
    class Broken(FakeTransport):
        async def send(self, *args: Any, **kwargs: Any) -> str | None:
            raise RuntimeError("bug in the adapter")

    user = await person(app, 5, platform="vk")
    message_id = await queue(app, user, "привет")
    sender = fast_sender(app, Broken(), max_attempts=2)
    await drain_until_settled(sender, app)
    (row,) = await messages(app, id=message_id)
    assert row.status is OutboxStatus.FAILED
    assert row.last_error == "RuntimeError: bug in the adapter (gave up after 2 attempts)"


def test_claims_must_outlive_sends(app: App) -> None:
    with pytest.raises(ValueError):
        Sender(FakeTransport(), app.session_factory, app.texts, claim_ttl=5, send_timeout=10)


async def test_a_message_whose_senders_keep_dying_is_given_up(app: App) -> None:
    user = await person(app, 5, platform="vk")
    message_id = await queue(app, user, "роковое сообщение")
    async with app.session_factory() as session, session.begin():
        row = await session.get(OutboxMessage, message_id)
        row.attempts = 3  # three claims, and never an outcome: each sender died sending it
    transport = FakeTransport()
    await fast_sender(app, transport, max_attempts=3).drain()
    (row,) = await messages(app, id=message_id)
    assert row.status is OutboxStatus.FAILED
    assert row.last_error == "gave up after 3 attempts without an answer"
    assert transport.calls == []
