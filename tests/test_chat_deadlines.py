"""The organizer's answer deadline (issue 19): a buyer's message starts a wait recorded as
scheduled tasks; reminders on days 7 and 9, and after day 10 an escalation to the service
admin with a recorded violation. Each runs once, a restart in the middle catches up once,
and an answer before a task makes it do nothing. The clock is the test's, never today's.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.core.replies import Reply
from bot.scheduler import Scheduler
from bot.services.chat import ANSWER_TASK, ChatReply
from bot.services.tasks import TASKS
from domain.clock import FrozenClock
from handlers.chat import ChatOrder
from storage.models import (
    Conversation,
    ConversationStatus,
    ModerationViolation,
    OutboxMessage,
    ScheduledTask,
    TaskStatus,
    User,
)
from tests.support.drivers import ConsoleSession
from tests.support.shops import add_order, seed_shop


async def outbox_to(app: App, chat_id: str, *, since: int = 0) -> list[str]:
    async with app.session_factory() as session:
        found = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, OutboxMessage.id > since)
            .order_by(OutboxMessage.id)
        )
        return [Reply.from_json(message.body).text for message in found]


async def last_outbox_id(app: App) -> int:
    async with app.session_factory() as session:
        found = await session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
        return found or 0


async def chat_tasks(app: App) -> list[ScheduledTask]:
    async with app.session_factory() as session:
        stmt = select(ScheduledTask).where(ScheduledTask.kind == ANSWER_TASK)
        return list(await session.scalars(stmt.order_by(ScheduledTask.due_at)))


async def test_reminders_then_escalation_once_across_a_restart(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    assert TASKS[ANSWER_TASK]
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1)])
    await console.say(":as admin", "/start", ":as buyer")
    await console.press_payload(ChatOrder(order_id=order.id))
    start = clock()
    await console.say("Где мой заказ? Уже месяц жду.")
    tasks = await chat_tasks(app)
    assert [t.due_at - start for t in tasks] == [
        timedelta(days=7),
        timedelta(days=9),
        timedelta(days=10),
    ]
    # A second message while waiting adds no tasks and does not move the deadline.
    clock.advance(days=1)
    await console.press_payload(ChatOrder(order_id=order.id))
    await console.say("Напомню о себе.")
    assert len(await chat_tasks(app)) == 3
    mark = await last_outbox_id(app)

    scheduler = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    clock.set(start + timedelta(days=6, hours=23))
    assert await scheduler.run_due() == 0
    clock.set(start + timedelta(days=7, minutes=1))
    assert await scheduler.run_due() == 1
    [reminder] = await outbox_to(app, "organizer", since=mark)
    assert f"⏰ Покупатель ждёт ответа по заказу № {order.number}" in reminder
    assert "уже 7 дней" in reminder and "осталось 3 дня" in reminder
    assert "buyer" not in reminder

    # The process stops; while it is down days 9 and 10 pass. A new process catches up:
    # the day-9 reminder and the escalation, each once.
    await scheduler.release_lease()
    clock.set(start + timedelta(days=12))
    restarted = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    assert await restarted.run_due() == 2
    assert await restarted.run_due() == 0
    again = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    await restarted.release_lease()
    assert await again.run_due() == 0
    assert all(t.status is TaskStatus.DONE for t in await chat_tasks(app))

    to_organizer = await outbox_to(app, "organizer", since=mark)
    assert len(to_organizer) == 3
    assert "уже 9 дней" in to_organizer[1] and "остался 1 день" in to_organizer[1]
    assert "не получил ответа за 10 дней" in to_organizer[2]
    [to_admin] = await outbox_to(app, "admin", since=mark)
    assert "⚠ Просрочен ответ покупателю: организатор organizer (console:organizer)" in to_admin
    assert f"заказ № {order.number}" in to_admin and "без ответа 10 дней" in to_admin
    [to_buyer] = await outbox_to(app, "buyer", since=mark)
    assert "Организатор не ответил по заказу" in to_buyer

    [violation] = await _violations(app)
    assert violation.rule == "deadline" and violation.source == "deadline"
    organizer_user = await _user(app, "organizer")
    assert violation.user_id == organizer_user.id and organizer_user.chat_strikes == 1
    [conversation] = await _conversations(app)
    assert conversation.status is ConversationStatus.ESCALATED

    # The admin sees it in /moderation; the organizer can still answer, which ends the wait.
    out = await console.say(":as admin", "/moderation")
    assert "deadline · deadline · organizer (console:organizer), организатор" in out
    await console.say(":as organizer")
    await console.press_payload(ChatReply(conversation_id=conversation.id))
    out = await console.say("Извините, заказ приехал, раздача завтра.")
    assert "📨 to buyer" in out
    [conversation] = await _conversations(app)
    assert conversation.waiting_since is None


async def test_an_answer_in_time_silences_the_wait(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1)])
    await console.press_payload(ChatOrder(order_id=order.id))
    start = clock()
    await console.say("Есть ли размер побольше?")
    [conversation] = await _conversations(app)
    clock.set(start + timedelta(days=8))
    await console.say(":as organizer")
    await console.press_payload(ChatReply(conversation_id=conversation.id))
    await console.say("Есть, могу поменять на L.")
    mark = await last_outbox_id(app)
    scheduler = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    clock.set(start + timedelta(days=30))
    # Day 7 was missed while nobody ran the scheduler; by now it was answered: all three
    # tasks run and find nothing to do.
    assert await scheduler.run_due() == 3
    assert await outbox_to(app, "organizer", since=mark) == []
    assert await _violations(app) == []
    [conversation] = await _conversations(app)
    assert conversation.status is ConversationStatus.OPEN

    # A new question starts a new wait with its own tasks.
    await console.say(":as buyer")
    await console.press_payload(ChatOrder(order_id=order.id))
    await console.say("А когда поменяете?")
    assert len(await chat_tasks(app)) == 6
    clock.advance(days=7, minutes=1)
    assert await scheduler.run_due() == 1
    relayed, reminder = await outbox_to(app, "organizer", since=mark)
    assert relayed.endswith("А когда поменяете?") and "уже 7 дней" in reminder


async def _violations(app: App) -> list[ModerationViolation]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(ModerationViolation)))


async def _conversations(app: App) -> list[Conversation]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(Conversation).order_by(Conversation.id)))


async def _user(app: App, external_id: str) -> User:
    async with app.session_factory() as session:
        user = await session.scalar(select(User).where(User.external_id == external_id))
        assert user is not None
        return user
