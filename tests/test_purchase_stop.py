"""The stop date is enforced: opening a purchase records its automatic stop, the scheduler
stops it once (even across restarts) and tells buyers and the organizer, an earlier manual
stop makes the task moot, buyers are refused from the stop moment on even before the task
has run, and the organizer changes the stop date and the payment deadline from the card."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.core.replies import Reply
from bot.scheduler import Scheduler, TaskContext
from bot.services.buyouts import nonpayers_key
from bot.services.purchases import (
    STOP_TASK,
    move_purchase,
    plan_missing_stops,
    stop_at_date,
    stop_key,
)
from bot.services.reminders import DAY_BEFORE, DUE_DAY, reminder_key, reminder_times
from bot.services.tasks import TASKS
from domain.clock import FrozenClock
from domain.lifecycle import OrderStatus, PurchaseStatus, collecting
from domain.purchase_form import end_of_day
from handlers.buyer.catalog import StartOrder
from handlers.buyer.my_orders import OrderAction
from handlers.organizer.kit import DateEdit, DatesMenu, StatusMove
from storage.models import (
    Comment,
    DialogState,
    Order,
    OutboxMessage,
    Purchase,
    PurchaseStatusChange,
    ScheduledTask,
    TaskStatus,
)
from storage.uow import UnitOfWork
from tests.support.drivers import ConsoleSession, button_number, press
from tests.support.queries import count, orders_in_db, organizer_row, outbox, tasks
from tests.support.shops import add_order, seed_shop, set_status
from tests.support.steps import STOP_UTC, become_organizer, console_shop, move, place_socks
from tests.support.texts import NBSP, ru
from tests.support.vk import BORIS, VkWorld

PAY_UTC = datetime(2026, 12, 5, 20, 59, 59, tzinfo=UTC)  # 5 December, 23:59:59 in Moscow


async def purchase_row(app: App, purchase_id: int) -> Purchase:
    async with app.session_factory() as session:
        purchase = await session.get(Purchase, purchase_id)
        assert purchase is not None
        return purchase


async def history(app: App, purchase_id: int) -> list[PurchaseStatusChange]:
    async with app.session_factory() as session:
        stmt = (
            select(PurchaseStatusChange)
            .where(PurchaseStatusChange.purchase_id == purchase_id)
            .order_by(PurchaseStatusChange.id)
        )
        return list(await session.scalars(stmt))


def texts_to(messages: list[OutboxMessage], chat: str) -> list[str]:
    return [Reply.from_json(m.body).text for m in messages if m.chat_id == chat]


# --- the rule ------------------------------------------------------------------------------------


def test_collecting_ends_at_the_stop_moment() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert collecting(PurchaseStatus.OPEN, STOP_UTC, now)
    assert collecting("open", STOP_UTC, STOP_UTC - timedelta(seconds=1))
    assert not collecting(PurchaseStatus.OPEN, STOP_UTC, STOP_UTC)
    assert not collecting(PurchaseStatus.OPEN, STOP_UTC, STOP_UTC + timedelta(days=1))
    assert collecting(PurchaseStatus.OPEN, None, now)  # no date: until the organizer stops it
    for status in PurchaseStatus:
        if status is not PurchaseStatus.OPEN:
            assert not collecting(status, STOP_UTC, now)


# --- the automatic stop --------------------------------------------------------------------------


async def test_the_stop_date_stops_the_purchase_once_and_tells_everyone(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    assert TASKS[STOP_TASK] is stop_at_date
    purchase_id = await console_shop(app, console, points=False)
    assert await tasks(app) == {}  # a draft has no automatic stop
    await move(console, purchase_id, PurchaseStatus.OPEN)
    key = stop_key(purchase_id)
    assert key == f"purchase-stop:{purchase_id}"
    assert await tasks(app) == {key: (STOP_UTC, TaskStatus.PENDING)}

    first = await add_order(app, purchase_id, "buyer1", [(0, "42", 1)])
    second = await add_order(app, purchase_id, "buyer1", [(1, "", 2)])
    english = await add_order(app, purchase_id, "buyer2", [(0, "44", 2)], language="en")
    await add_order(app, purchase_id, "buyer3", [(1, "", 1)], status=OrderStatus.CANCELLED)

    scheduler = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    assert await scheduler.run_due() == 0
    clock.set(STOP_UTC - timedelta(seconds=1))
    assert await scheduler.run_due() == 0
    assert (await purchase_row(app, purchase_id)).status is PurchaseStatus.OPEN

    clock.set(STOP_UTC)
    assert await scheduler.run_due() == 1
    assert (await purchase_row(app, purchase_id)).status is PurchaseStatus.STOPPED
    assert await tasks(app) == {key: (STOP_UTC, TaskStatus.DONE)}
    *_, change = await history(app, purchase_id)
    assert (change.from_status, change.to_status, change.actor_user_id, change.at) == (
        PurchaseStatus.OPEN,
        PurchaseStatus.STOPPED,
        None,  # the bot itself
        STOP_UTC,
    )

    messages = await outbox(app)
    organizer = await organizer_row(app)
    # Buyers get exactly what the organizer's Stop sends, with the same dedup keys.
    buyer_ids = {m.chat_id: m.recipient_id for m in messages if m.chat_id != "organizer"}
    assert set(buyer_ids) == {"buyer1", "buyer2"}
    assert {m.dedup_key for m in messages if m.chat_id != "organizer"} == {
        f"purchase-status:{purchase_id}:stopped:{buyer_ids[chat]}" for chat in buyer_ids
    }
    (buyer1,) = texts_to(messages, "buyer1")
    assert buyer1.startswith("Стоп в покупке «Осень»: новые заказы не принимаются.")
    assert f"Ваш заказ {first.number}, {second.number} учтён" in buyer1
    (buyer2,) = texts_to(messages, "buyer2")
    assert f'Stop in "Осень": no new orders. Your order {english.number} is counted' in buyer2

    (to_organizer,) = [m for m in messages if m.chat_id == "organizer"]
    assert to_organizer.recipient_id == organizer.user_id
    note = Reply.from_json(to_organizer.body)
    assert "⏰ Стоп в покупке №1 «Осень»: наступила дата стопа (01.12.2026)" in note.text
    assert f"Заказов: 3, покупателей: 2, товары на 5{NBSP}050{NBSP}₽" in note.text
    assert [[(b.text, b.payload) for b in row] for row in note.buttons] == [
        [("Открыть покупку", f"cmd:purchase:{purchase_id}")]
    ]
    count = len(messages)

    # A restart (the lease lapses, a new process sweeps): nothing runs or is sent twice.
    clock.advance(minutes=5)
    restarted = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    assert await restarted.run_due() == 0
    async with app.session_factory() as session, session.begin():
        task = await session.scalar(select(ScheduledTask).where(ScheduledTask.key == key))
        assert task is not None
        # Even the handler run again (a retried task) changes nothing: it is stopped already.
        await stop_at_date(TaskContext(UnitOfWork(session), clock(), app.texts, restarted), task)
    assert len(await outbox(app)) == count
    assert len(await history(app, purchase_id)) == 3

    # The organizer's button opens the card.
    out = await press(app, "organizer", note.buttons[0][0].payload)
    assert "Покупка №1: Осень" in out and "Статус: стоп" in out


async def test_a_manual_stop_before_the_date_makes_the_task_moot(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    purchase_id = await console_shop(app, console, points=False)
    other = await console_shop(app, console, points=False)
    await move(console, purchase_id, PurchaseStatus.OPEN)
    await add_order(app, purchase_id, "buyer1", [(0, "42", 1)])
    await move(console, purchase_id, PurchaseStatus.STOPPED)
    assert await tasks(app) == {stop_key(purchase_id): (STOP_UTC, TaskStatus.CANCELLED)}
    await move(console, other, PurchaseStatus.OPEN)
    before = await outbox(app)
    assert [m.chat_id for m in before] == ["buyer1"]
    # A task that does run on a purchase no longer open (cancelled here, behind the
    # scheduler's back) does nothing at all.
    await set_status(app, other, PurchaseStatus.CANCELLED)

    clock.set(STOP_UTC + timedelta(hours=1))
    scheduler = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    assert await scheduler.run_due() == 1  # only the other purchase's task was pending
    assert len(await outbox(app)) == 1
    assert len(await history(app, purchase_id)) == 3
    assert (await tasks(app))[stop_key(purchase_id)][1] is TaskStatus.CANCELLED
    assert (await tasks(app))[stop_key(other)][1] is TaskStatus.DONE
    assert (await purchase_row(app, other)).status is PurchaseStatus.CANCELLED
    assert len(await outbox(app)) == 1


async def test_a_purchase_past_its_stop_date_is_not_opened(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    purchase_id = await console_shop(app, console, points=False)
    clock.set(STOP_UTC + timedelta(days=1))
    out = await press(
        app,
        "organizer",
        StatusMove(purchase_id=purchase_id, status=PurchaseStatus.OPEN, confirmed=True),
    )
    assert "Дата стопа (01.12.2026) уже прошла" in out
    assert (await purchase_row(app, purchase_id)).status is PurchaseStatus.DRAFT
    assert await tasks(app) == {}


# --- buyers, before the task has run -------------------------------------------------------------


async def test_buyers_are_refused_from_the_stop_moment_without_waiting_for_the_task(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    shop = await seed_shop(app)
    stop = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    await place_socks(console, shop.purchase_id)
    [order] = await orders_in_db(app)
    out = await console.say("/purchases")
    assert "Открытые покупки (1)" in out
    # A cart opened before the stop ...
    await console.say(f"/start p_{shop.purchase_id}", "#1", "2", "1", "-")
    clock.set(stop)
    # ... cannot be confirmed from the stop moment on, and is closed.
    out = await console.say("#3")
    assert "Приём заказов в «Детская одежда» закончился 01.12.2026" in out
    assert await count(app, DialogState) == 0

    out = await console.say("/orders", "#1")
    assert "Изменить" not in out and "Отменить заказ" not in out
    for action in ("edit", "cancel", "cancel_yes"):
        out = await press(app, "buyer", OrderAction(order_id=order.id, action=action))
        assert f"Заказ {order.number} уже нельзя изменить или отменить" in out, action
        assert "приём заказов закончился 01.12.2026" in out, action
    out = await press(app, "buyer", StartOrder(purchase_id=shop.purchase_id))
    assert "Приём заказов в «Детская одежда» закончился 01.12.2026" in out

    [same] = await orders_in_db(app)
    assert same.status is OrderStatus.ACTIVE and same.items_total_kop == order.items_total_kop
    assert await count(app, DialogState) == 0
    # The purchase is still "open" in the database: the scheduler has not run.
    assert (await purchase_row(app, shop.purchase_id)).status is PurchaseStatus.OPEN

    # The catalogue no longer lists it; its card has no Order button and says it stopped.
    out = await console.say("/purchases")
    assert "Сейчас нет открытых покупок" in out
    out = await console.say(f"/start p_{shop.purchase_id}")
    assert "Приём заказов остановлен." in out and "🛒 Заказать" not in out
    # Another purchase without a stop date still collects and is listed.
    await seed_shop(app, title="Без стопа", stop_at=None)
    out = await console.say("/purchases")
    assert "Открытые покупки (1)" in out and "Без стопа" in out and "Детская" not in out


async def test_a_comment_draft_is_refused_after_the_stop_date(
    vk: VkWorld,
    post_id: int,
    app: App,
    clock: FrozenClock,
) -> None:
    await vk.comment(BORIS, post_id, "44")
    await vk.deliver()
    async with app.session_factory() as session, session.begin():
        await session.execute(update(Purchase).values(stop_at=clock() + timedelta(hours=1)))
    clock.advance(hours=2)
    [refused] = await vk.press(BORIS, ru("comment-orders-button-confirm"))
    assert "Приём заказов в «Осень» закончился" in refused.text
    # A new order-like comment makes no draft at all.
    await vk.comment(BORIS, post_id, "2 шт, размер 44")
    assert await count(app, Comment) == 2
    assert [m for m in await vk.deliver() if m.peer_id == BORIS] == []
    assert await count(app, Order) == 0


# --- changing the dates --------------------------------------------------------------------------


async def test_changing_the_dates_with_bad_input_and_moved_tasks(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    purchase_id = await console_shop(app, console, points=False)
    stop_button = DateEdit(purchase_id=purchase_id, field="stop")
    pay_button = DateEdit(purchase_id=purchase_id, field="pay")
    out = await console.say(f"/purchase {purchase_id}")
    # The dates are changed from the card's Edit menu.
    assert "[#7 ✏️ Редактировать]" in out
    out = await console.say("#7")
    out = await console.say(button_number(out, "📅 Даты"))
    assert "Даты «Осень»: стоп 01.12.2026, оплата до 05.12.2026" in out
    stop_number = re.search(r"\[(#\d+) 📅 Изменить стоп\] \[#\d+ 📅 Изменить срок оплаты\]", out)
    assert stop_number, out

    out = await console.say(stop_number.group(1))
    assert (
        "Новая дата стопа для «Осень»" in out and "Сейчас: 01.12.2026; оплата до 05.12.2026" in out
    )
    for typed, message in [
        ("завтра", "Не понял дату"),
        ("22.11.2026", "Эта дата уже прошла. Самая ранняя возможная — 23.11.2026."),
        ("31.02.2027", "Такой даты нет в календаре"),
        ("10.12", "Стоп не может быть позже срока оплаты (05.12.2026)"),
    ]:
        out = await console.say(typed)
        assert message in out, typed
        assert await count(app, DialogState) == 1  # still asking
    assert (await purchase_row(app, purchase_id)).stop_at == STOP_UTC
    out = await console.say("3.12")
    assert "Готово: стоп в «Осень» — 03.12.2026" in out and "Стоп: 03.12.2026" in out
    assert (await purchase_row(app, purchase_id)).stop_at == end_of_day(date(2026, 12, 3))
    assert await count(app, DialogState) == 0
    assert await tasks(app) == {}  # a draft: the stop is recorded when it opens

    await move(console, purchase_id, PurchaseStatus.OPEN)
    await add_order(app, purchase_id, "buyer1", [(0, "42", 1)])
    key = stop_key(purchase_id)
    assert await tasks(app) == {key: (end_of_day(date(2026, 12, 3)), TaskStatus.PENDING)}
    await press(app, "organizer", stop_button)
    out = await console.say("4.12")
    assert "Готово: стоп в «Осень» — 04.12.2026" in out
    # Buyers with orders hear of it (the draft's earlier move told nobody).
    moved = [t for t in texts_to(await outbox(app), "buyer1") if "Стоп покупки" in t]
    assert moved == [
        "📅 Стоп покупки «Осень» перенесён: заказы принимаются и меняются до 04.12.2026 (МСК)."
    ]
    assert await tasks(app) == {key: (end_of_day(date(2026, 12, 4)), TaskStatus.PENDING)}

    # The payment deadline: not before the stop date; no reminders before the payment stage.
    out = await press(app, "organizer", pay_button)
    assert "Новый срок оплаты для «Осень». Сейчас: 05.12.2026" in out
    out = await console.say("2.12")
    assert "Срок оплаты не может быть раньше стопа (04.12.2026)" in out
    out = await console.say("10.12")
    assert "Готово: оплата в «Осень» — до 10.12.2026" in out
    deadline = end_of_day(date(2026, 12, 10))
    assert (await purchase_row(app, purchase_id)).payment_due_at == deadline
    assert set(await tasks(app)) == {key}

    # The scheduler stops it at the moved date, not at the first one.
    scheduler = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    clock.set(end_of_day(date(2026, 12, 3)) + timedelta(hours=1))
    assert await scheduler.run_due() == 0
    assert (await purchase_row(app, purchase_id)).status is PurchaseStatus.OPEN
    clock.set(end_of_day(date(2026, 12, 4)))
    assert await scheduler.run_due() == 1
    assert (await purchase_row(app, purchase_id)).status is PurchaseStatus.STOPPED
    out = await press(app, "organizer", stop_button)
    assert "Дату стопа можно менять только в черновике и во время сбора заказов" in out
    assert "сейчас в статусе «стоп»" in out

    # In the payment stage a new deadline moves the reminders.
    await move(console, purchase_id, PurchaseStatus.PAYMENT)
    before = reminder_times(deadline)
    assert {k: v for k, v in (await tasks(app)).items() if k != key} == {
        reminder_key(purchase_id, DAY_BEFORE): (before[DAY_BEFORE], TaskStatus.PENDING),
        reminder_key(purchase_id, DUE_DAY): (before[DUE_DAY], TaskStatus.PENDING),
        nonpayers_key(purchase_id): (deadline, TaskStatus.PENDING),  # at the deadline itself
    }
    out = await console.say(f"/purchase {purchase_id}")
    out = await console.say(button_number(out, "✏️ Редактировать"))
    out = await console.say(button_number(out, "📅 Даты"))
    assert "Изменить стоп" not in out and "Изменить срок оплаты" in out
    await press(app, "organizer", pay_button)
    out = await console.say("12.12")
    assert "Готово: оплата в «Осень» — до 12.12.2026" in out
    # Buyers who owe hear of it at once; an earlier move (before payments) told nobody.
    moved = [t for t in texts_to(await outbox(app), "buyer1") if "Срок оплаты" in t]
    assert moved == [
        "📅 Срок оплаты покупки «Осень» перенесён: теперь до 12.12.2026 23:59 (МСК)."
        " Уже оплатили? Сообщите: /pay"
    ]
    after = reminder_times(end_of_day(date(2026, 12, 12)))
    assert {k: v for k, v in (await tasks(app)).items() if k != key} == {
        reminder_key(purchase_id, DAY_BEFORE): (after[DAY_BEFORE], TaskStatus.PENDING),
        reminder_key(purchase_id, DUE_DAY): (after[DUE_DAY], TaskStatus.PENDING),
        nonpayers_key(purchase_id): (end_of_day(date(2026, 12, 12)), TaskStatus.PENDING),
    }

    # Once the goods are ordered, no date moves.
    await move(console, purchase_id, PurchaseStatus.ORDERED)
    out = await press(app, "organizer", pay_button)
    assert "Срок оплаты можно менять, пока товары не заказаны у поставщика" in out
    out = await console.say(f"/purchase {purchase_id}")
    assert "Изменить" not in out
    assert await count(app, DialogState) == 0


async def test_a_dialog_outlived_by_the_stop_ends_politely(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    purchase_id = await console_shop(app, console, points=False)
    await move(console, purchase_id, PurchaseStatus.OPEN)
    await press(app, "organizer", DateEdit(purchase_id=purchase_id, field="stop"))
    clock.set(STOP_UTC)
    assert await Scheduler(app.session_factory, app.texts, handlers=TASKS).run_due() == 1
    out = await console.say("10.12")
    assert "Дату стопа можно менять только в черновике и во время сбора заказов" in out
    assert await count(app, DialogState) == 0
    assert (await purchase_row(app, purchase_id)).stop_at == STOP_UTC


async def test_a_stop_date_that_has_come_cannot_be_moved_before_the_task_runs(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    purchase_id = await console_shop(app, console, points=False)
    await move(console, purchase_id, PurchaseStatus.OPEN)
    button = DateEdit(purchase_id=purchase_id, field="stop")
    await press(app, "organizer", button)
    clock.set(STOP_UTC + timedelta(seconds=5))  # the scheduler has not swept yet
    out = await console.say("10.12")
    assert "Стоп уже наступил (01.12.2026)" in out and await count(app, DialogState) == 0
    out = await press(app, "organizer", button)
    assert "Стоп уже наступил" in out and await count(app, DialogState) == 0
    row = await purchase_row(app, purchase_id)
    assert row.stop_at == STOP_UTC and row.status is PurchaseStatus.OPEN


async def test_another_users_date_buttons_are_refused(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    purchase_id = await console_shop(app, console, points=False)
    await move(console, purchase_id, PurchaseStatus.OPEN)
    await become_organizer(console, "rival", "Конкурент")
    for payload in (
        DatesMenu(purchase_id=purchase_id),
        DateEdit(purchase_id=purchase_id, field="stop"),
        DateEdit(purchase_id=purchase_id, field="pay"),
    ):
        out = await press(app, "rival", payload)
        assert out == "Такой покупки у вас нет. Ваши покупки — /mypurchases.", payload
        # The rival's next message is not taken for a date.
        out = await console.say("10.12")
        assert "Готово" not in out
        out = await press(app, "buyer1", payload)
        assert "Эта команда — для организаторов" in out
    for raw in ("pdt:1:start", "pdt:0:stop", "pdt:99999999999:pay"):
        assert "Эта кнопка устарела или повреждена" in await press(app, "organizer", raw)
    purchase = await purchase_row(app, purchase_id)
    assert (purchase.stop_at, purchase.payment_due_at) == (STOP_UTC, PAY_UTC)
    assert await tasks(app) == {stop_key(purchase_id): (STOP_UTC, TaskStatus.PENDING)}
    assert await count(app, DialogState) == 0


async def test_purchases_open_before_the_automatic_stop_get_one_at_start(
    app: App, clock: FrozenClock
) -> None:
    """Made open directly in the database (as by an older version): no stop task yet."""
    shop = await seed_shop(app)
    await seed_shop(app, title="Без стопа", stop_at=None)
    assert await tasks(app) == {}
    async with app.session_factory() as session, session.begin():
        assert await plan_missing_stops(UnitOfWork(session)) == 1
    async with app.session_factory() as session, session.begin():
        assert await plan_missing_stops(UnitOfWork(session)) == 0  # once
    [(key, (_, status))] = (await tasks(app)).items()
    assert key == stop_key(shop.purchase_id) and status is TaskStatus.PENDING

    await app.start_scheduler()  # runs it too, and finds nothing more to plan
    assert len(await tasks(app)) == 1


async def test_a_manual_stop_while_the_stop_task_runs_does_not_deadlock(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    """The scheduler holds the task row and wants the purchase; the organizer holds the
    purchase and cancels the task. Row locks only exist on PostgreSQL (SQLite's write lock
    serializes the two transactions whole), where waiting for each other would deadlock."""
    purchase_id = await console_shop(app, console, points=False)
    await move(console, purchase_id, PurchaseStatus.OPEN)
    key = stop_key(purchase_id)
    if app.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only (run with TEST_DATABASE_URL)")
    async with app.session_factory() as runner, runner.begin():
        task = await runner.scalar(
            select(ScheduledTask).where(ScheduledTask.key == key).with_for_update()
        )
        assert task is not None
        async with app.session_factory() as organizer, organizer.begin():
            uow = UnitOfWork(organizer)
            purchase = await organizer.get(Purchase, purchase_id, with_for_update=True)
            assert purchase is not None
            # Would wait for the runner's row lock, while the runner waits for the purchase.
            await asyncio.wait_for(
                move_purchase(
                    uow,
                    app.texts,
                    purchase,
                    PurchaseStatus.STOPPED,
                    actor_user_id=None,
                    now=clock(),
                ),
                timeout=5,
            )
        # The runner gets the purchase now and finds it stopped: nothing to do.
        locked = await runner.get(
            Purchase, purchase_id, populate_existing=True, with_for_update=True
        )
        assert locked is not None and locked.status is PurchaseStatus.STOPPED
