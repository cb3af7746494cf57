"""Ordering through the console: the cart dialog, bad input at every step, a restart in the
middle, confirmation with a number, changing and cancelling while open, refusals after the
stop, and buttons forged for someone else's order or cart."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App, create_app
from bot.settings import Settings
from domain.cart import (
    CartError,
    CartLine,
    QuantityError,
    add_line,
    match_size,
    order_totals,
    parse_quantity,
)
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.money import ErrorReason
from domain.order_numbers import format_order_number
from handlers.buyer.cart import CartAction, CartPickup, LineQuantity, PickQuantity, PickSize
from handlers.buyer.catalog import StartOrder
from handlers.buyer.my_orders import OrderAction
from storage.models import DialogState, OrderLine, OutboxMessage, PurchaseItem
from tests.support.drivers import ConsoleSession, press
from tests.support.queries import count, orders_in_db
from tests.support.shops import seed_shop, set_status
from tests.support.steps import place_socks
from tests.support.texts import NBSP


async def lines_of(app: App, order_id: int) -> list[OrderLine]:
    async with app.session_factory() as session:
        stmt = select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)
        return list(await session.scalars(stmt))


# --- pure rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("3", 3), (" 3 шт", 3), ("3шт.", 3), ("x2", 2), ("×5", 5), ("07", 7), ("99", 99), ("２", 2)],
)
def test_quantities_people_type(typed: str, expected: int) -> None:
    assert parse_quantity(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", ErrorReason.EMPTY),
        ("0", ErrorReason.ZERO),
        ("-2", ErrorReason.NEGATIVE),
        ("100", ErrorReason.TOO_LARGE),
        ("9" * 5000, ErrorReason.TOO_LARGE),
        ("2.5", ErrorReason.NOT_A_NUMBER),
        ("два", ErrorReason.NOT_A_NUMBER),
    ],
)
def test_bad_quantities(typed: str, reason: ErrorReason) -> None:
    with pytest.raises(QuantityError) as exc:
        parse_quantity(typed)
    assert exc.value.reason is reason


def test_sizes_match_the_way_people_type_them() -> None:
    sizes = ["S", "M", "XL", "42-44", "128 см"]
    assert match_size(sizes, "xl") == "XL"
    assert match_size(sizes, "ХЛ") is None
    assert match_size(sizes, "Х L") == "XL"  # Cyrillic Х and a space
    assert match_size(sizes, "42 44") == "42-44"
    assert match_size(sizes, "128 см") == "128 см"
    assert match_size(sizes, "XXL") is None and match_size(sizes, "") is None


def test_cart_lines_merge_and_limits() -> None:
    lines = add_line([], CartLine(1, "M", 60))
    lines = add_line(lines, CartLine(1, "M", 30))
    assert lines == [CartLine(1, "M", 90)]
    lines = add_line(lines, CartLine(1, "L", 1))
    assert len(lines) == 2
    with pytest.raises(CartError):
        add_line(lines, CartLine(1, "M", 10))
    totals = order_totals([(12_050, 3)], 1500)
    assert (totals.items_kop, totals.fee_kop, totals.due_kop) == (36_150, 5_423, 41_573)


# --- the dialog -----------------------------------------------------------------------------------


async def test_order_with_sizes_quantities_and_bad_input(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    out = await console.say(f"/start p_{shop.purchase_id}", "#1")
    assert "Что заказать в «Детская одежда»?" in out and f"[#1 1. Футболка — 500{NBSP}₽]" in out

    out = await console.say("7")
    assert "Товара с таким номером или названием нет. Напишите номер от 1 до 3" in out
    out = await console.say("абв")
    assert "Товара с таким номером" in out
    out = await console.say("футболка")  # by name
    assert "«Футболка»: выберите размер. Есть: S, M, XL." in out
    assert "[#1 S] [#2 M] [#3 XL]" in out

    out = await console.say("XXL")
    assert "Такого размера у «Футболка» нет. Есть: S, M, XL." in out
    out = await console.say("ХL")  # Cyrillic Х: what a Russian keyboard gives
    assert "размер XL" in out and "Сколько штук?" in out and "[#5 5]" in out

    for bad, message in [
        ("0", "Количество должно быть не меньше 1."),
        ("-2", "Количество не может быть отрицательным."),
        ("abc", "Напишите количество числом"),
        ("100", "не больше 99 шт."),
        ("9" * 40, "не больше 99 шт."),
        ("1.5", "Напишите количество числом"),
    ]:
        out = await console.say(bad)
        assert message in out, bad
        assert "Traceback" not in out
    out = await console.say("3 шт")
    assert "Примечание к «Футболка»" in out and "[#1 Без примечания]" in out

    out = await console.say("x" * 201)
    assert "Примечание — одна строка до 200 символов." in out
    out = await console.say("синяя, без принта")
    assert "Добавлено: «Футболка»." in out
    assert f"1. Футболка, XL — 3 × 500{NBSP}₽ = 1{NBSP}500{NBSP}₽" in out
    assert "✎ синяя, без принта" in out
    assert f"Итого к оплате: 1{NBSP}725{NBSP}₽" in out

    out = await console.say("привет")
    assert "Выберите действие кнопкой под корзиной." in out

    # Another line with buttons only: dress, size 44, quantity 1, no note.
    out = await console.say("#1", "#3", "#2", "#1", "#1")
    assert "Добавлено: «Платье»." in out
    assert f"2. Платье, 44 — 1 × 1{NBSP}999{NBSP}₽" in out
    # 1500 + 1999 = 3499 ₽; fee 15 % = 524.85 ₽; due 4023.85 ₽
    assert f"Итого к оплате: 4{NBSP}023,85{NBSP}₽" in out

    out = await console.say("#3")
    assert "Выберите пункт выдачи:" in out and "📍 Центр — ул. Ленина, 1, пн–пт 10–19" in out
    out = await console.say("Центр")
    assert "Выберите пункт выдачи кнопкой." in out
    out = await console.say("#2")
    [order] = await orders_in_db(app)
    assert order.number == format_order_number(order.id)
    assert f"✅ Заказ оформлен! Номер заказа: {order.number}." in out
    assert "Пункт выдачи: Север, пр. Мира, 10" in out
    assert f"📨 to organizer: 🆕 Новый заказ {order.number} в «Детская одежда» от buyer" in out
    assert (order.items_total_kop, order.fee_kop, order.due_kop) == (349_900, 52_485, 402_385)
    assert order.pickup_point_id == shop.point_ids[1]
    assert order.status is OrderStatus.ACTIVE
    lines = await lines_of(app, order.id)
    assert [(ln.size, ln.quantity, ln.price_kop, ln.note) for ln in lines] == [
        ("XL", 3, 50_000, "синяя, без принта"),
        ("44", 1, 199_900, ""),
    ]
    async with app.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(DialogState)) == 0


async def test_cart_survives_a_restart(app: App, settings: Settings) -> None:
    shop = await seed_shop(app)
    first = ConsoleSession(app)
    await first.say(f"/start p_{shop.purchase_id}", "#1", "1", "M", "2", "-")
    await first.say("#1")  # "Add an item": now at the item step

    restarted = await create_app(settings, run_migrations=False)
    try:
        second = ConsoleSession(restarted)
        out = await second.say("2", "4", "#1")
        assert "1. Футболка, M — 2 ×" in out and "2. Носки — 4 ×" in out
        out = await press(
            restarted, "buyer", CartAction(purchase_id=shop.purchase_id, action="confirm")
        )
        assert "Выберите пункт выдачи" in out
        out = await press(
            restarted, "buyer", CartPickup(purchase_id=shop.purchase_id, point_id=shop.point_ids[0])
        )
        assert "Заказ оформлен!" in out
    finally:
        await restarted.close()
    [order] = await orders_in_db(app)
    assert order.items_total_kop == 2 * 50_000 + 4 * 12_050


async def test_ordering_again_edits_the_same_order(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await place_socks(console, shop.purchase_id)
    [order] = await orders_in_db(app)

    out = await console.say(f"/start p_{shop.purchase_id}")
    assert f"Ваш заказ в этой покупке: {order.number}." in out
    out = await console.say("#1")
    assert f"У вас уже есть заказ {order.number} в этой покупке" in out
    out = await console.say("2", "3", "-")  # the same socks: quantities add up
    assert f"🛒 Заказ {order.number} — «Детская одежда» (изменение):" in out
    assert "1. Носки — 5 ×" in out and "[#3 ✅ Сохранить изменения]" in out
    out = await console.say("#3")  # the pickup point chosen before is kept
    assert f"✅ Изменения сохранены, заказ {order.number} обновлён." in out
    assert f"✏️ buyer изменил(а) заказ {order.number}" in out

    [again] = await orders_in_db(app)
    assert again.id == order.id and again.number == order.number
    assert again.items_total_kop == 5 * 12_050
    assert again.pickup_point_id == order.pickup_point_id
    assert len(await lines_of(app, order.id)) == 1


async def test_old_lines_keep_their_price(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await place_socks(console, shop.purchase_id)
    async with app.session_factory() as session, session.begin():
        socks = await session.get(PurchaseItem, shop.item_ids[1])
        shirt = await session.get(PurchaseItem, shop.item_ids[0])
        assert socks is not None and shirt is not None
        socks.price_kop, shirt.price_kop = 99_900, 60_000
    await console.say(f"/start p_{shop.purchase_id}", "#1", "1", "S", "1", "-")
    await console.say("#3")
    [order] = await orders_in_db(app)
    prices = [(ln.item_id, ln.price_kop) for ln in await lines_of(app, order.id)]
    assert prices == [(shop.item_ids[1], 12_050), (shop.item_ids[0], 60_000)]


async def test_change_lines_and_discard(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await console.say(f"/start p_{shop.purchase_id}", "#1", "2", "60", "-")
    out = await console.say("#1", "2", "50", "-")  # 60 + 50 > 99: back to the quantity
    assert "больше 99 шт. «Носки»" in out and "Сколько штук?" in out
    out = await console.say("30", "-")
    assert "1. Носки — 90 ×" in out

    out = await console.say("#2", "#1")
    assert "«Носки»: сейчас 90 шт." in out
    out = await console.say("0")
    assert "Количество должно быть не меньше 1." in out
    out = await console.say("7")
    assert "Количество изменено." in out and "1. Носки — 7 ×" in out
    out = await console.say("#2", "#1", "#6")
    assert "Строка убрана." in out and "Корзина пуста — добавьте товар." in out
    assert "Оформить заказ" not in out
    out = await press(app, "buyer", CartAction(purchase_id=shop.purchase_id, action="confirm"))
    assert "В корзине нет товаров." in out
    out = await console.say("#2")
    assert "Корзина очищена, заказ не оформлен." in out
    assert await orders_in_db(app) == []


async def test_pickup_is_not_asked_when_there_is_no_choice(
    app: App, console: ConsoleSession
) -> None:
    single = await seed_shop(app, points=(("Один", "ул. Одна, 1", ""),))
    out = await place_socks(console, single.purchase_id)
    assert "Заказ оформлен!" in out and "Пункт выдачи: Один, ул. Одна, 1" in out

    assigned = await seed_shop(app, organizer="org2", buyers_choose_pickup=False)
    out = await console.say(f"/start p_{assigned.purchase_id}", "#1", "2", "1", "-", "#3")
    assert "Заказ оформлен!" in out and "Пункт выдачи" not in out
    orders = await orders_in_db(app)
    assert [o.pickup_point_id for o in orders] == [single.point_ids[0], None]


async def test_cancel_while_open(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await place_socks(console, shop.purchase_id)
    [order] = await orders_in_db(app)
    out = await console.say("/orders", "#1")
    assert "[#1 ✏️ Изменить] [#2 ✖ Отменить заказ]" in out
    out = await console.say("#2")
    assert f"Отменить заказ {order.number} в «Детская одежда»?" in out
    out = await console.say("#1")
    assert f"Заказ {order.number} в «Детская одежда» отменён." in out
    assert f"📨 to organizer: ✖ buyer отменил(а) заказ {order.number}" in out
    [cancelled] = await orders_in_db(app)
    assert cancelled.status is OrderStatus.CANCELLED

    out = await press(app, "buyer", OrderAction(order_id=order.id, action="cancel_yes"))
    assert f"Заказ {order.number} уже отменён." in out
    out = await console.say("/orders")
    assert "Заказ отменён." in out
    assert "к оплате ничего" in out and "К оплате:" not in out
    # A new order in the same purchase gets a new number.
    await place_socks(console, shop.purchase_id)
    orders = await orders_in_db(app)
    assert len(orders) == 2 and orders[1].number != order.number


async def test_orders_are_fixed_after_the_stop(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await place_socks(console, shop.purchase_id)
    [order] = await orders_in_db(app)
    # A cart opened while the purchase was open ...
    await console.say(f"/start p_{shop.purchase_id}", "#1", "2", "1", "-")
    await set_status(app, shop.purchase_id, PurchaseStatus.STOPPED)
    # ... cannot be confirmed after the stop, and is closed.
    out = await console.say("#3")
    assert "Приём заказов в этой покупке закрыт" in out
    async with app.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(DialogState)) == 0

    out = await console.say("/orders", "#1")
    assert "Покупка: стоп, заказ больше не меняется." in out
    assert "Изменить" not in out and "Отменить заказ" not in out
    for action in ("edit", "cancel", "cancel_yes"):
        out = await press(app, "buyer", OrderAction(order_id=order.id, action=action))
        assert f"Заказ {order.number} уже нельзя изменить или отменить" in out, action
    out = await press(app, "buyer", StartOrder(purchase_id=shop.purchase_id))
    assert "Приём заказов в этой покупке закрыт" in out
    [same] = await orders_in_db(app)
    assert same.status is OrderStatus.ACTIVE and same.items_total_kop == order.items_total_kop


async def test_forged_buttons_for_another_buyers_order_and_cart(
    app: App, console: ConsoleSession
) -> None:
    shop = await seed_shop(app)
    other = await seed_shop(app, title="Другая")
    await console.say(":as buyer2")
    await place_socks(console, shop.purchase_id)
    [theirs] = await orders_in_db(app)
    outbox_before = await count(app, OutboxMessage)

    await console.say(":as buyer")
    for action in ("edit", "cancel", "cancel_yes"):
        out = await press(app, "buyer", OrderAction(order_id=theirs.id, action=action))
        assert "Заказ не найден среди ваших." in out, action
    out = await press(app, "buyer", f"bov:{theirs.id}")
    assert "Заказ не найден среди ваших." in out

    # Cart buttons without an open cart, or of another purchase's cart.
    out = await press(app, "buyer", CartAction(purchase_id=shop.purchase_id, action="confirm"))
    assert "Эта корзина уже закрыта." in out
    await console.say(f"/start p_{shop.purchase_id}", "#1", "2", "1", "-")
    out = await press(app, "buyer", CartAction(purchase_id=other.purchase_id, action="confirm"))
    assert "Эта корзина уже закрыта." in out
    out = await press(
        app,
        "buyer",
        LineQuantity(purchase_id=shop.purchase_id, index=0, item_id=shop.item_ids[0], quantity=5),
    )
    assert "Эта кнопка уже не к месту." in out
    out = await press(app, "buyer", PickSize(item_id=shop.item_ids[0], index=0))
    assert "Эта кнопка уже не к месту." in out
    out = await press(app, "buyer", PickQuantity(item_id=shop.item_ids[1], quantity=3))
    assert "Эта кнопка уже не к месту." in out
    out = await press(app, "buyer", CartPickup(purchase_id=shop.purchase_id, point_id=999_999))
    assert "Этого пункта выдачи нет среди доступных." in out

    [still] = await orders_in_db(app)
    assert still.status is OrderStatus.ACTIVE and still.items_total_kop == theirs.items_total_kop
    assert await count(app, OutboxMessage) == outbox_before


async def test_english_cart(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await console.say("/lang en")
    out = await console.say(f"/start p_{shop.purchase_id}", "#1", "3", "46", "1")
    assert '"Платье", size 46, 1,999' in out and "How many?" in out
    out = await console.say("#1")
    assert "Total due: 2,298.85" in out and "[#3 ✅ Place the order]" in out
    out = await console.say("#3", "#1")
    assert "Order placed! Your order number:" in out
    # The organizer reads the notification in their own language (Russian).
    assert "🆕 Новый заказ" in out and f"к оплате 2{NBSP}298,85{NBSP}₽" in out


async def test_one_open_cart_at_a_time(app: App, console: ConsoleSession) -> None:
    first = await seed_shop(app, title="Первая")
    second = await seed_shop(app, title="Вторая")
    await console.say(f"/start p_{first.purchase_id}", "#1", "2", "1", "-")
    out = await console.say(f"/start p_{second.purchase_id}", "#1")
    assert "Неоформленная корзина покупки «Первая» очищена" in out
    assert "Что заказать в «Вторая»?" in out
    # Pressing "Order" again on the same purchase keeps its cart.
    await console.say("2", "1", "-")
    out = await console.say(f"/start p_{second.purchase_id}", "#1")
    assert "очищена" not in out and "[#4 🛒 Корзина (1)]" in out
