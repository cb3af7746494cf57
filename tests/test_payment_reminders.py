"""Payment reminders: two tasks per purchase, run once by the scheduler even across restarts,
to buyers who still owe money and allowed notifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.app import App
from bot.core.replies import Reply
from bot.scheduler import Scheduler, TaskContext
from bot.services.buyouts import nonpayers_key
from bot.services.reminders import (
    DAY_BEFORE,
    DUE_DAY,
    PAY_REMINDER,
    reminder_key,
    reminder_times,
    schedule_payment_reminders,
    send_payment_reminders,
)
from bot.services.tasks import TASKS
from domain.clock import FrozenClock
from domain.lifecycle import OrderStatus, PurchaseStatus
from storage.models import (
    OutboxKind,
    OutboxMessage,
    PaymentReportStatus,
    Purchase,
    ScheduledTask,
    TaskStatus,
)
from storage.uow import UnitOfWork
from tests.support.queries import tasks
from tests.support.shops import Shop
from tests.support.texts import NBSP

# 25 November 2026, 18:00 in Moscow; the clock fixture starts on 23 November, 12:00 Moscow.
DEADLINE = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
DAY_BEFORE_AT = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 10:00 in Moscow the day before
DUE_DAY_AT = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


async def schedule(app: App, purchase: Purchase, clock: FrozenClock) -> None:
    async with app.session_factory() as session, session.begin():
        await schedule_payment_reminders(UnitOfWork(session), purchase, now=clock())


async def reminders(app: App) -> list[OutboxMessage]:
    async with app.session_factory() as session:
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.kind == OutboxKind.REMINDER)
            .order_by(OutboxMessage.id)
        )
        return list(await session.scalars(stmt))


async def set_purchase(app: App, purchase: Purchase, **values: object) -> None:
    async with app.session_factory() as session, session.begin():
        await session.execute(update(Purchase).where(Purchase.id == purchase.id).values(**values))
    for name, value in values.items():
        setattr(purchase, name, value)


def test_reminder_times_are_the_day_before_and_the_due_morning_in_moscow() -> None:
    assert reminder_times(DEADLINE) == {DAY_BEFORE: DAY_BEFORE_AT, DUE_DAY: DUE_DAY_AT}
    early = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # 09:00 in Moscow: an hour before it
    assert reminder_times(early)[DUE_DAY] == datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
    # The deadline the purchase form sets: the end of a Moscow day. Both reminders still
    # come in the morning, not at 23:59 the evening before.
    end_of_day = datetime(2026, 11, 25, 20, 59, 59, tzinfo=UTC)
    assert reminder_times(end_of_day) == {DAY_BEFORE: DAY_BEFORE_AT, DUE_DAY: DUE_DAY_AT}


async def test_scheduling_is_idempotent_and_follows_the_deadline(
    app: App, shop: Shop, clock: FrozenClock
) -> None:
    purchase = await shop.purchase(await shop.organizer(), payment_due_at=DEADLINE)
    day_before, due_day = reminder_key(purchase.id, DAY_BEFORE), reminder_key(purchase.id, DUE_DAY)
    assert day_before == f"pay-reminder:{purchase.id}:day-before"

    await schedule(app, purchase, clock)
    await schedule(app, purchase, clock)
    # With them, the non-payers check at the deadline itself (bot/services/buyouts.py).
    checks = nonpayers_key(purchase.id)
    assert await tasks(app) == {
        day_before: (DAY_BEFORE_AT, TaskStatus.PENDING),
        due_day: (DUE_DAY_AT, TaskStatus.PENDING),
        checks: (DEADLINE, TaskStatus.PENDING),
    }

    await set_purchase(app, purchase, payment_due_at=DEADLINE + timedelta(days=2))
    await schedule(app, purchase, clock)
    assert await tasks(app) == {
        day_before: (DAY_BEFORE_AT + timedelta(days=2), TaskStatus.PENDING),
        due_day: (DUE_DAY_AT + timedelta(days=2), TaskStatus.PENDING),
        checks: (DEADLINE + timedelta(days=2), TaskStatus.PENDING),
    }

    await set_purchase(app, purchase, payment_due_at=None)
    await schedule(app, purchase, clock)
    assert {status for _, status in (await tasks(app)).values()} == {TaskStatus.CANCELLED}

    # A deadline tomorrow at noon: "the day before" is already now, so only the morning one.
    soon = await shop.purchase(
        await shop.organizer("other"), payment_due_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    )
    await schedule(app, soon, clock)
    pending = {k for k, (_, s) in (await tasks(app)).items() if s is TaskStatus.PENDING}
    assert pending == {reminder_key(soon.id, DUE_DAY), nonpayers_key(soon.id)}


async def test_reminders_reach_only_buyers_who_owe_and_allowed_them_once(
    app: App, shop: Shop, clock: FrozenClock
) -> None:
    assert TASKS[PAY_REMINDER] is send_payment_reminders
    organizer = await shop.organizer()
    purchase = await shop.purchase(organizer, payment_due_at=DEADLINE)
    anna = await shop.user("anna")
    egor = await shop.user("egor", language="en")
    owing = await shop.order(purchase, anna, 100_000)
    partly = await shop.order(purchase, egor, 100_000, confirmed_kop=40_000)
    await shop.order(purchase, await shop.user("boris"), 100_000, confirmed_kop=100_000)
    await shop.order(purchase, await shop.user("vera", notifications=False), 100_000)
    await shop.order(purchase, await shop.user("dasha"), 100_000, status=OrderStatus.CANCELLED)
    gleb = await shop.user("gleb")
    reported = await shop.order(purchase, gleb, 100_000)
    await shop.report(gleb, organizer, [(reported, 100_000)])  # awaiting the organizer
    await shop.report(gleb, organizer, [(owing, 100_000)], status=PaymentReportStatus.REJECTED)
    await schedule(app, purchase, clock)

    first = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    assert await first.run_due() == 0
    clock.set(DAY_BEFORE_AT + timedelta(minutes=1))
    assert await first.run_due() == 1
    sent = await reminders(app)
    assert [m.chat_id for m in sent] == ["anna", "egor"]
    anna_text = Reply.from_json(sent[0].body)
    assert "оплатить покупку «Кофе и чай» нужно до 25.11.2026 18:00 (МСК)" in anna_text.text
    assert f"Заказ {owing.number}: к оплате 1{NBSP}000{NBSP}₽" in anna_text.text
    assert anna_text.buttons[0][0].payload == f"cmd:pay:{owing.number}"
    egor_text = Reply.from_json(sent[1].body).text
    assert f"Order {partly.number}: 600{NBSP}₽ due" in egor_text

    # The process restarts (its lease lapses) and a new scheduler sweeps: nothing twice.
    clock.advance(minutes=5)
    restarted = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    assert await restarted.run_due() == 0
    async with app.session_factory() as session, session.begin():
        task = await session.scalar(
            select(ScheduledTask).where(ScheduledTask.key == reminder_key(purchase.id, DAY_BEFORE))
        )
        assert task is not None and task.status is TaskStatus.DONE
        # Even the handler itself run again (a retried task) queues nothing new.
        await send_payment_reminders(
            TaskContext(UnitOfWork(session), clock(), app.texts, restarted), task
        )
    assert len(await reminders(app)) == 2

    # The goods were ordered meanwhile (payments still accepted): the due-day one goes out.
    await set_purchase(app, purchase, status=PurchaseStatus.ORDERED)
    clock.set(DUE_DAY_AT)
    assert await restarted.run_due() == 1
    sent = await reminders(app)
    assert len(sent) == 4
    assert "Сегодня последний день оплаты" in Reply.from_json(sent[2].body).text


async def test_no_reminders_once_the_purchase_stops_taking_payments_or_is_overdue(
    app: App, shop: Shop, clock: FrozenClock
) -> None:
    organizer = await shop.organizer()
    closed = await shop.purchase(organizer, "Закрытая", payment_due_at=DEADLINE)
    late = await shop.purchase(organizer, "Просроченная", payment_due_at=DEADLINE)
    buyer = await shop.user("buyer")
    await shop.order(closed, buyer, 100_000)
    await shop.order(late, buyer, 100_000)
    await schedule(app, closed, clock)
    await schedule(app, late, clock)
    await set_purchase(app, closed, status=PurchaseStatus.CLOSED)

    # The bot was down until after the deadline: every task is caught up, and says nothing
    # (the closed purchase takes no money; the other one is overdue, so "pay by" is moot).
    clock.set(DEADLINE + timedelta(hours=1))
    scheduler = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    # Two reminders and a non-payers check each; the closed purchase's check marks nothing.
    assert await scheduler.run_due() == 6
    assert await reminders(app) == []


async def test_a_moved_deadline_brings_its_reminders_back(
    app: App, shop: Shop, clock: FrozenClock
) -> None:
    purchase = await shop.purchase(await shop.organizer(), payment_due_at=DEADLINE)
    await shop.order(purchase, await shop.user("anna"), 100_000)
    await schedule(app, purchase, clock)
    runner = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    clock.set(DAY_BEFORE_AT + timedelta(minutes=1))
    assert await runner.run_due() == 1
    assert len(await reminders(app)) == 1

    # The organizer gives a week more: the "day before" reminder is due again for it.
    later = DEADLINE + timedelta(days=7)
    await set_purchase(app, purchase, payment_due_at=later)
    await schedule(app, purchase, clock)
    await schedule(app, purchase, clock)  # the same deadline twice changes nothing
    day_before = reminder_key(purchase.id, DAY_BEFORE)
    assert (await tasks(app))[day_before] == (
        DAY_BEFORE_AT + timedelta(days=7),
        TaskStatus.PENDING,
    )
    clock.set(DAY_BEFORE_AT + timedelta(days=7, minutes=1))
    assert await runner.run_due() == 1
    texts = [Reply.from_json(m.body).text for m in await reminders(app)]
    assert len(texts) == 2 and "нужно до 02.12.2026 18:00" in texts[-1]

    # Called again with that deadline (another edit saving the same date): no revival.
    await schedule(app, purchase, clock)
    assert (await tasks(app))[day_before][1] is TaskStatus.DONE
