"""The buyer's cabinet through the console: /orders (two months, all, pages, sums and
payments), /organizers and /pickup, and refusals for other people's orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from domain.clock import FrozenClock
from domain.lifecycle import PurchaseStatus
from domain.periods import format_day, months_before
from handlers.buyer.my_orders import OrderView, PickupOrder, PickupSet
from storage.models import Order, Organizer
from tests.support.drivers import ConsoleSession, press
from tests.support.queries import orders_in_db
from tests.support.shops import seed_shop, set_status
from tests.support.steps import place_socks
from tests.support.texts import NBSP


def test_calendar_months() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert months_before(now, 2) == datetime(2026, 9, 23, 9, 0, tzinfo=UTC)
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 6) == datetime(2025, 7, 15, tzinfo=UTC)
    assert format_day(now, "ru") == "23.11.2026" and format_day(now, "en") == "23 Nov 2026"


async def test_two_month_window_and_all_orders(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    old = await seed_shop(app, title="Осенняя")
    await place_socks(console, old.purchase_id)
    clock.advance(days=70)
    # Ordering needs a stop date still ahead (domain/lifecycle.py collecting).
    new = await seed_shop(app, title="Зимняя", stop_at=clock() + timedelta(days=7))
    await place_socks(console, new.purchase_id, quantity="1")

    out = await console.say("/orders")
    assert "Ваши заказы за последние два месяца (1):" in out
    assert "«Зимняя»" in out and "«Осенняя»" not in out
    assert "[#2 🗂 Все заказы]" in out
    out = await console.say("#2")
    assert "Все ваши заказы (2):" in out
    assert out.index("«Зимняя»") < out.index("«Осенняя»")  # newest first
    out = await console.say("/orders все")
    assert "Все ваши заказы (2):" in out

    clock.advance(days=70)
    out = await console.say("/orders")
    assert "За последние два месяца заказов нет." in out and "[#1 🗂 Все заказы]" in out
    out = await console.say("#1")
    assert "Все ваши заказы (2):" in out

    out = await console.say(":as newcomer", "/orders")
    assert "У вас пока нет заказов. Выберите покупку: /purchases." in out


async def test_order_sums_and_payment_state(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app, fee_bp=1250)
    await place_socks(console, shop.purchase_id, quantity="3")
    [order] = await orders_in_db(app)
    # 3 × 120.50 = 361.50; fee 12.5 % = 45.1875 -> 45.19 (half up); due 406.69
    assert (order.items_total_kop, order.fee_kop, order.due_kop) == (36_150, 4_519, 40_669)
    out = await console.say("/orders")
    assert f"К оплате: 406,69{NBSP}₽ (товары 361,50{NBSP}₽ + оргсбор 45,19{NBSP}₽)" in out
    assert f"Оплачено: 0{NBSP}₽ — не оплачено" in out

    async with app.session_factory() as session, session.begin():
        stored = await session.get(Order, order.id)
        assert stored is not None
        stored.discount_kop, stored.due_kop, stored.confirmed_paid_kop = 669, 40_000, 10_000
    await set_status(app, shop.purchase_id, PurchaseStatus.PAYMENT)
    out = await console.say("/orders")
    assert f"− скидка 6,69{NBSP}₽" in out and f"К оплате: 400{NBSP}₽" in out
    assert f"Оплачено: 100{NBSP}₽ — оплачено частично" in out
    assert "Покупка: время оплаты." in out


async def test_orders_are_paged(app: App, console: ConsoleSession, clock: FrozenClock) -> None:
    for number in range(1, 8):
        shop = await seed_shop(app, title=f"Покупка {number}")
        await place_socks(console, shop.purchase_id, quantity="1")
        clock.advance(hours=1)
    out = await console.say("/orders")
    assert "Ваши заказы за последние два месяца (7), страница 1 из 2:" in out
    assert "«Покупка 7»" in out and "«Покупка 3»" in out and "«Покупка 2»" not in out
    assert "[#6 Дальше ▶]" in out and "[#7 🗂 Все заказы]" in out
    out = await console.say("#6")
    assert "страница 2 из 2" in out and "«Покупка 2»" in out and "«Покупка 1»" in out
    assert "«Покупка 3»" not in out and "[#3 ◀ Назад]" in out
    out = await console.say("#1")  # the first order button on page 2
    assert "«Покупка 2»" in out and "[#1 ✏️ Изменить]" in out
    out = await press(app, "buyer", "bors:all:500")
    assert "страница 2 из 2" in out
    for raw in ("bors:some:0", "bors:all:-1", "bors:all"):
        out = await press(app, "buyer", raw)
        assert "Эта кнопка устарела или повреждена." in out, raw


async def test_another_buyers_order_is_not_found(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await console.say(":as buyer2")
    await place_socks(console, shop.purchase_id)
    [theirs] = await orders_in_db(app)
    await console.say(":as buyer")
    for payload in (
        OrderView(order_id=theirs.id),
        PickupOrder(order_id=theirs.id),
        PickupSet(order_id=theirs.id, point_id=shop.point_ids[1]),
        OrderView(order_id=2_000_000_000),
    ):
        out = await press(app, "buyer", payload)
        assert "Заказ не найден среди ваших." in out, payload
        assert theirs.number not in out
    [same] = await orders_in_db(app)
    assert same.pickup_point_id == theirs.pickup_point_id == shop.point_ids[0]


async def test_organizers_of_my_purchases(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    out = await console.say("/organizers")
    assert "Здесь появятся организаторы ваших покупок" in out

    anna = await seed_shop(app, photo_platform="console")
    boris = await seed_shop(
        app,
        organizer="boris",
        organizer_name="Закупки Бориса",
        photo_platform="telegram",
        points=(),
    )
    await seed_shop(app, organizer="olga", organizer_name="Ольга")  # no orders with her
    await place_socks(console, anna.purchase_id)
    clock.advance(minutes=5)
    await console.say(f"/start p_{boris.purchase_id}", "#1", "2", "1", "-", "#3")

    out = await console.say("/organizers")
    assert "👤 Закупки Бориса" in out and "👤 СП у Анны" in out and "Ольга" not in out
    assert out.index("Закупки Бориса") < out.index("СП у Анны")  # most recent order first
    assert "Пункты выдачи организатор сообщит отдельно." in out
    assert "📍 Центр — ул. Ленина, 1, пн–пт 10–19" in out and "📍 Север — пр. Мира, 10" in out
    assert "Шьём и привозим с 2015 года." in out
    # Anna's photo is a console file id; Boris's is a Telegram one, useless here.
    assert out.count("🖼 photo") == 1
    assert out.index("🖼 photo") > out.index("СП у Анны")


async def test_pickup_change_where_allowed(app: App, console: ConsoleSession) -> None:
    out = await console.say("/pickup")
    assert "У вас нет текущих заказов" in out

    shop = await seed_shop(app)
    await place_socks(console, shop.purchase_id)  # the first point, "Центр"
    [order] = await orders_in_db(app)
    out = await console.say("/pickup")
    assert f"Заказ {order.number} («Детская одежда»): где забрать?" in out
    assert "✓ 📍 Центр" in out and "[#1 ✓ Центр]" in out
    out = await console.say("#1")
    assert "и так заберёте в пункте «Центр»" in out
    out = await console.say("#2")
    assert (
        f"Готово: заказ {order.number} заберёте здесь:" in out and "📍 Север — пр. Мира, 10" in out
    )
    assert (
        f"📨 to organizer: 📍 buyer выбрал(а) пункт выдачи «Север» для заказа {order.number}" in out
    )
    [moved] = await orders_in_db(app)
    assert moved.pickup_point_id == shop.point_ids[1]

    # Still allowed after the stop, during the payment and hand-out stages ...
    await set_status(app, shop.purchase_id, PurchaseStatus.DISTRIBUTION)
    out = await console.say("/pickup")
    assert "где забрать?" in out
    # ... but not once the purchase is over.
    await set_status(app, shop.purchase_id, PurchaseStatus.CLOSED)
    out = await console.say("/pickup")
    assert "У вас нет текущих заказов" in out
    out = await press(app, "buyer", PickupSet(order_id=order.id, point_id=shop.point_ids[0]))
    assert "Покупка заказа" in out and "завершена" in out


async def test_pickup_not_allowed_and_foreign_points(app: App, console: ConsoleSession) -> None:
    assigned = await seed_shop(app, buyers_choose_pickup=False)
    other = await seed_shop(app, organizer="boris")
    await console.say(f"/start p_{assigned.purchase_id}", "#1", "2", "1", "-", "#3")
    [order] = await orders_in_db(app)
    out = await console.say("/pickup")
    assert "пункт выдачи назначает организатор" in out
    out = await press(app, "buyer", PickupOrder(order_id=order.id))
    assert f"В заказе {order.number} пункт выдачи назначает организатор" in out
    out = await console.say("/orders", "#1")
    assert "📍 Пункт выдачи" not in out

    async with app.session_factory() as session, session.begin():
        organizer = await session.get(Organizer, assigned.organizer_id)
        assert organizer is not None
        organizer.buyers_choose_pickup = True
    # Another organizer's point, or a made-up one, is refused.
    for point_id in (other.point_ids[0], 999_999):
        out = await press(app, "buyer", PickupSet(order_id=order.id, point_id=point_id))
        assert "Этого пункта выдачи нет среди доступных." in out
    async with app.session_factory() as session:
        stored = await session.scalar(select(Order))
        assert stored is not None and stored.pickup_point_id is None


async def test_english_cabinet(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await console.say("/lang en")
    await place_socks(console, shop.purchase_id)
    out = await console.say("/orders")
    assert "Your orders of the last two months (1):" in out
    assert "Purchase: collecting orders; you can still change the order." in out
    assert "Due: 277.15" in out and "Paid: 0" in out and "unpaid, 277.15" in out
    out = await console.say("/organizers")
    assert "Pickup points:" in out and "📍 Центр, ул. Ленина, 1, пн–пт 10–19" in out
