"""The organizer assigns pickup points through the console: from the orders list, one order
at a time and all orders without a point at once; buyers told through the outbox once; the
distribution export grouped by the assigned points; forged and late buttons refused."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from domain.lifecycle import OrderStatus, PurchaseStatus
from handlers.organizer.kit import OrdersPage, StatusMove
from handlers.organizer.pickup import AssignAll, AssignOrder, AssignScreen, AssignSet
from storage.models import Order, OutboxKind, OutboxMessage, PickupPoint
from tests.support.drivers import ConsoleSession, press
from tests.support.queries import orders_in_db
from tests.support.shops import SeededShop, seed_shop, set_status

CENTRE = "Центр: ул. Ленина, 1 (пн–пт 10–19)"
NORTH = "Север: пр. Мира, 10"


async def outbox_to(app: App, chat: str) -> list[OutboxMessage]:
    async with app.session_factory() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.chat_id == chat)
        return list(await session.scalars(stmt.order_by(OutboxMessage.id)))


async def assigned_messages(app: App) -> list[OutboxMessage]:
    async with app.session_factory() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.dedup_key.like("pickup-assign:%"))
        return list(await session.scalars(stmt.order_by(OutboxMessage.id)))


async def shop_with_two_orders(app: App, console: ConsoleSession) -> tuple[SeededShop, list[Order]]:
    """Two points, buyers may not choose; buyer1 and buyer2 order socks (no point given)."""
    shop = await seed_shop(app, buyers_choose_pickup=False)
    for buyer in ("buyer1", "buyer2"):
        out = await console.say(
            f":as {buyer}", f"/start p_{shop.purchase_id}", "#1", "2", "1", "-", "#3"
        )
        assert "Заказ оформлен!" in out and "Пункт выдачи" not in out
    orders = await orders_in_db(app)
    assert [o.pickup_point_id for o in orders] == [None, None]
    await console.say(":as organizer")
    return shop, orders


async def test_assign_one_by_one_and_all_at_once(
    app: App, console: ConsoleSession, tmp_path: Path
) -> None:
    console.adapter.files_dir = tmp_path
    shop, (first, second) = await shop_with_two_orders(app, console)
    centre, north = shop.point_ids

    # The orders list offers the screen, saying how many orders have no point.
    out = await console.say(f"/purchase {shop.purchase_id}", "#5")
    assert "Заказы «Детская одежда» (2)" in out
    assert "[#1 📍 Пункты выдачи (без пункта: 2)]" in out
    assert "[#2 Выгрузки] [#3 « К покупке]" in out

    out = await console.say("#1")
    assert "Пункты выдачи заказов «Детская одежда»: заказов 2, без пункта — 2." in out
    assert f"1. {first.number} · buyer1 · пункт не выбран" in out
    assert f"2. {second.number} · buyer2 · пункт не выбран" in out
    assert "[#1 Всех без пункта → Центр]" in out and "[#2 Всех без пункта → Север]" in out
    assert f"[#3 ❔ {first.number} · buyer1]" in out and f"[#4 ❔ {second.number} · buyer2]" in out
    assert "[#5 « К заказам] [#6 « К покупке]" in out

    # One order: pressed, then a point chosen.
    out = await console.say("#3")
    assert f"Заказ {first.number} (buyer1) в «Детская одежда»: где забирать?" in out
    assert f"{CENTRE}\n     {NORTH}" in out and "[#1 Центр]" in out and "[#2 Север]" in out
    out = await console.say("#2")
    assert f"Готово: заказ {first.number} (buyer1) — пункт «Север»." in out
    assert "без пункта — 1." in out and f"1. {first.number} · buyer1 · Север" in out
    assert "📨 to buyer1: 📍 Покупка «Детская одежда»" in out
    [message] = await assigned_messages(app)
    assert message.kind is OutboxKind.NOTIFICATION and message.chat_id == "buyer1"
    assert message.body["text"] == (
        "📍 Покупка «Детская одежда»: организатор назначил пункт выдачи заказа"
        f" {first.number}:\n{NORTH}"
    )

    # A double press changes nothing and queues nothing.
    again = AssignSet(purchase_id=shop.purchase_id, order_id=first.id, point_id=north, page=0)
    out = await press(app, "organizer", again)
    assert f"Заказ {first.number} и так в пункте «Север»." in out
    assert len(await assigned_messages(app)) == 1

    # The order screen marks the current point.
    out = await press(
        app, "organizer", AssignOrder(purchase_id=shop.purchase_id, order_id=first.id, page=0)
    )
    assert f"✓ {NORTH}" in out

    # All the rest: asked first, then done; each buyer told once.
    out = await console.say(f"/purchase {shop.purchase_id}", "#5", "#1")
    assert "[#1 Всех без пункта → Центр]" in out
    out = await console.say("#1")
    assert f"Назначить 1 заказу без пункта выдачи пункт\n     {CENTRE}?" in out
    assert "Покупатели (1) получат уведомление." in out
    out = await console.say("#1")
    assert "Готово: пункт «Центр» назначен 1 заказу. Уведомлено покупателей: 1." in out
    assert "📨 to buyer2: 📍 Покупка «Детская одежда»" in out
    assert (await outbox_to(app, "buyer2"))[-1].body["text"] == (
        "📍 Покупка «Детская одежда»: организатор назначил пункт выдачи заказа"
        f" {second.number}:\n{CENTRE}"
    )
    assert "без пункта — 0." in out and "Всех без пункта" not in out
    # Pressing "yes" again finds nothing to do.
    out = await press(
        app, "organizer", AssignAll(purchase_id=shop.purchase_id, point_id=centre, confirmed=True)
    )
    assert "Заказов без пункта выдачи в этой покупке нет." in out
    messages = await assigned_messages(app)
    assert [m.chat_id for m in messages] == ["buyer1", "buyer2"]
    assert len({m.dedup_key for m in messages}) == 2
    assert [o.pickup_point_id for o in await orders_in_db(app)] == [north, centre]
    out = await console.say(f"/purchase {shop.purchase_id}", "#5")
    assert "[#1 📍 Пункты выдачи]" in out

    # The distribution export groups them by the assigned points.
    out = await console.say(f"/purchase {shop.purchase_id}", "#6", "#3")
    assert "📎 Детская одежда №1 — раздача.csv" in out
    rows = list(
        csv.reader(
            io.StringIO((tmp_path / "Детская одежда №1 — раздача.csv").read_text("utf-8-sig")),
            delimiter=";",
        )
    )
    assert [row[:4] for row in rows[1:-1]] == [
        ["Север, пр. Мира, 10", "buyer1", "console", first.number],
        ["Центр, ул. Ленина, 1", "buyer2", "console", second.number],
    ]

    # Moving an order on: the buyer is told again, even back to a point they had before.
    for point, text in ((centre, CENTRE), (north, NORTH)):
        out = await press(
            app,
            "organizer",
            AssignSet(purchase_id=shop.purchase_id, order_id=first.id, point_id=point, page=0),
        )
        assert "Готово" in out
        assert (await outbox_to(app, "buyer1"))[-1].body["text"].endswith(text)
    assert len(await assigned_messages(app)) == 4


async def test_english_and_arrival_notice_for_orders_without_a_point(
    app: App, console: ConsoleSession
) -> None:
    shop, (_, second) = await shop_with_two_orders(app, console)
    await console.say(":as buyer2", "/lang en", ":as organizer")
    centre, _ = shop.point_ids
    await press(
        app,
        "organizer",
        AssignSet(purchase_id=shop.purchase_id, order_id=second.id, point_id=centre, page=0),
    )
    [message] = await assigned_messages(app)
    assert message.body["text"] == (
        f'📍 "Детская одежда": the organizer assigned the pickup point for order'
        f" {second.number}:\n{CENTRE}"
    )
    # On arrival, buyer1 (no point, the organizer assigns one of two) is not sent both.
    await set_status(app, shop.purchase_id, PurchaseStatus.ORDERED)
    for confirmed in (False, True):
        await press(
            app,
            "organizer",
            StatusMove(
                purchase_id=shop.purchase_id, status=PurchaseStatus.ARRIVED, confirmed=confirmed
            ),
        )
    arrived = {
        m.chat_id: m.body["text"]
        for m in await outbox_to(app, "buyer1") + await outbox_to(app, "buyer2")
        if ":arrived:" in (m.dedup_key or "")
    }
    assert arrived["buyer1"].endswith("Где забирать, организатор сообщит.")
    assert arrived["buyer2"].endswith(f"Pickup point:\n{CENTRE}")
    # Still allowed after arrival.
    out = await press(app, "organizer", AssignScreen(purchase_id=shop.purchase_id, page=0))
    assert "без пункта — 1." in out


async def test_forged_and_late_buttons_change_nothing(app: App, console: ConsoleSession) -> None:
    shop, (first, second) = await shop_with_two_orders(app, console)
    centre, north = shop.point_ids
    rival = await seed_shop(app, organizer="rival", title="Чужая", buyers_choose_pickup=False)
    rival_point = rival.point_ids[0]
    purchase = shop.purchase_id

    # Another organizer pressing buttons of this purchase: "not found", whatever the button.
    for payload in (
        AssignScreen(purchase_id=purchase, page=0),
        AssignOrder(purchase_id=purchase, order_id=first.id, page=0),
        AssignSet(purchase_id=purchase, order_id=first.id, point_id=centre, page=0),
        AssignSet(purchase_id=purchase, order_id=first.id, point_id=rival_point, page=0),
        AssignAll(purchase_id=purchase, point_id=centre, confirmed=True),
    ):
        out = await press(app, "rival", payload)
        assert "Такой покупки у вас нет." in out, payload
    # ... or naming its own purchase with this organizer's orders.
    out = await press(
        app,
        "rival",
        AssignSet(purchase_id=rival.purchase_id, order_id=first.id, point_id=rival_point, page=0),
    )
    assert "Такого действующего заказа в этой покупке нет." in out

    # The organizer with another organizer's point, a retired point, a cancelled order.
    out = await press(
        app,
        "organizer",
        AssignSet(purchase_id=purchase, order_id=first.id, point_id=rival_point, page=0),
    )
    assert "Такого пункта выдачи среди ваших действующих нет." in out
    out = await press(
        app, "organizer", AssignAll(purchase_id=purchase, point_id=rival_point, confirmed=True)
    )
    assert "Такого пункта выдачи среди ваших действующих нет." in out
    async with app.session_factory() as session, session.begin():
        point = await session.get(PickupPoint, north)
        assert point is not None
        point.active = False
        order = await session.get(Order, second.id)
        assert order is not None
        order.status = OrderStatus.CANCELLED
    out = await press(
        app, "organizer", AssignSet(purchase_id=purchase, order_id=first.id, point_id=north, page=0)
    )
    assert "Такого пункта выдачи среди ваших действующих нет." in out
    out = await press(
        app,
        "organizer",
        AssignSet(purchase_id=purchase, order_id=second.id, point_id=centre, page=0),
    )
    assert "Такого действующего заказа в этой покупке нет." in out
    out = await press(app, "organizer", "pps:1:1:99999999999:0")  # beyond any database id
    assert "Эта кнопка устарела или повреждена." in out

    # A buyer is no organizer.
    out = await press(
        app, "buyer1", AssignSet(purchase_id=purchase, order_id=first.id, point_id=centre, page=0)
    )
    assert "Эта команда — для организаторов." in out

    # A closed purchase refuses everything, and its orders list has no button.
    await set_status(app, purchase, PurchaseStatus.CLOSED)
    for payload in (
        AssignScreen(purchase_id=purchase, page=0),
        AssignOrder(purchase_id=purchase, order_id=first.id, page=0),
        AssignSet(purchase_id=purchase, order_id=first.id, point_id=centre, page=0),
        AssignAll(purchase_id=purchase, point_id=centre, confirmed=True),
    ):
        out = await press(app, "organizer", payload)
        expected = (
            "Покупка «Детская одежда» в статусе «закрыта» — пункты выдачи больше не меняются."
        )
        assert expected in out, payload
    out = await press(app, "organizer", OrdersPage(purchase_id=purchase, page=0))
    assert "Пункты выдачи" not in out

    assert [o.pickup_point_id for o in await orders_in_db(app)] == [None, None]
    assert await assigned_messages(app) == []
