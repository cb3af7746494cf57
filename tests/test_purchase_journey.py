"""Journey 1 end to end through the console, with the buyer side's real handlers: an
organizer sets up a profile, creates a purchase with pasted items and opens it; two buyers
order (one in English); the organizer walks the purchase through every status, each change
reaching both buyers in their language; the exports are checked cell by cell."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from sqlalchemy import select

from bot.app import App
from domain.lifecycle import PurchaseStatus
from storage.models import (
    Order,
    OutboxKind,
    OutboxMessage,
    Purchase,
    PurchaseStatusChange,
    ScheduledTask,
    User,
)
from tests.support.drivers import ConsoleSession
from tests.support.exports import DISTRIBUTION_HEADERS
from tests.support.texts import NBSP


async def orders_by_buyer(app: App) -> dict[str, Order]:
    async with app.session_factory() as session:
        rows = await session.execute(
            select(User.external_id, Order).join(User, User.id == Order.buyer_id).order_by(Order.id)
        )
        return {external_id: order for external_id, order in rows.all()}


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))


def read_xlsx(path: Path) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


async def test_a_purchase_from_profile_to_closing(
    app: App, console: ConsoleSession, tmp_path: Path
) -> None:
    console.adapter.files_dir = tmp_path

    # The organizer: profile, payment details, two pickup points.
    out = await console.say(":as organizer", "/organizer Анна СП", "/organizer")
    assert "Профиль организатора: Анна СП" in out
    await console.say("#4", "Карта 2200 0000 0000 0000, Анна А.")
    await console.say("#5", "#1", "Центр", "ул. Ленина, 1", "пн–пт 10–19")
    out = await console.say("#2", "Север", "пр. Мира, 10", "#1")
    assert "Пункты выдачи (работают: 2)" in out

    # The purchase in one line, items pasted (a wrong paste first adds nothing), opened.
    out = await console.say(
        "/newpurchase Осень; Orby; Одежда; сбор 15%; стоп 01.12.2026; оплата 05.12.2026"
    )
    assert "Покупка №1 «Осень» создана" in out
    out = await console.say("Платье синее; 1290; 42,44,46; PL-1\nШарф; ноль")
    assert "Ничего не добавлено" in out and "Строка 2: цена не похожа на число" in out
    out = await console.say("Платье синее; 1290; 42,44,46; PL-1\nШарф; 590")
    assert "Добавлено товаров: 2." in out
    out = await console.say("#1", "#1", "#1")
    assert "Готово: статус «сбор заказов». Уведомлено покупателей: 0." in out
    assert "Ссылка для покупателей: /start p_1" in out

    # Two buyers order through the deep link.
    out = await console.say(":as buyer1", "/start p_1", "#1", "1", "42", "2", "#1", "#3", "#1")
    assert "✅ Заказ оформлен!" in out
    assert "📨 to organizer: 🆕 Новый заказ" in out
    out = await console.say(":as buyer2", "/lang en", "/start p_1", "#1", "2", "3", "#1", "#3")
    out = await console.say("#2")
    assert "✅ Order placed!" in out
    orders = await orders_by_buyer(app)
    first, second = orders["buyer1"], orders["buyer2"]
    assert (first.due_kop, second.due_kop) == (296_700, 203_550)

    # The organizer sees them on the card and in the orders list.
    out = await console.say(":as organizer", "/purchase 1")
    assert "Покупателей: 2, заказов: 2" in out
    assert f"К оплате: 5{NBSP}002,50{NBSP}₽; оплачено (подтверждено): 0{NBSP}₽" in out
    out = await console.say("#5")
    assert f"1. {first.number} · buyer1 · 2 шт." in out and "· Центр" in out
    assert f"2. {second.number} · buyer2 · 3 шт." in out and "· Север" in out

    # Stop: both buyers hear it, each in their language.
    out = await console.say("/purchase 1", "#1", "#1")
    assert "Готово: статус «стоп». Уведомлено покупателей: 2." in out
    stop = "📨 to buyer1: Стоп в покупке «Осень»: новые заказы не принимаются."
    assert f"{stop} Ваш заказ {first.number}" in out
    assert f'📨 to buyer2: Stop in "Осень": no new orders. Your order {second.number}' in out

    # Exports after the stop, for the supplier and for distribution.
    out = await console.say("#5")
    assert "Выгрузки заказов «Осень»" in out
    await console.say("#1", "#2", "#3", "#4")
    supplier_headers = [
        "Товар",
        "Артикул",
        "Размер",
        "Количество",
        "Цена",
        "Сумма",
        "Примечания покупателей",
    ]
    assert read_csv(tmp_path / "Осень №1 — поставщику.csv") == [
        supplier_headers,
        ["Платье синее", "PL-1", "42", "2", "1290,00", "2580,00", ""],
        ["Шарф", "", "", "3", "590,00", "1770,00", ""],
        ["Итого", "", "", "5", "", "4350,00", ""],
    ]
    assert read_xlsx(tmp_path / "Осень №1 — поставщику.xlsx") == [
        ["Покупка «Осень» (№1)", None, None, None, None, None, None],
        supplier_headers,
        ["Платье синее", "PL-1", "42", 2, 1290, 2580, None],
        ["Шарф", None, None, 3, 590, 1770, None],
        ["Итого", None, None, 5, None, 4350, None],
    ]
    distribution = read_csv(tmp_path / "Осень №1 — раздача.csv")
    assert distribution == [
        DISTRIBUTION_HEADERS,
        [
            "Север, пр. Мира, 10",
            "buyer2",
            "console",
            second.number,
            "Шарф",
            "",
            "",
            "3",
            "590,00",
            "1770,00",
            "",
            "1770,00",
            "265,50",
            "0,00",
            "",
            "0,00",
            "2035,50",
            "0,00",
            "2035,50",
            "0,00",
        ],
        [
            "Центр, ул. Ленина, 1",
            "buyer1",
            "console",
            first.number,
            "Платье синее",
            "PL-1",
            "42",
            "2",
            "1290,00",
            "2580,00",
            "",
            "2580,00",
            "387,00",
            "0,00",
            "",
            "0,00",
            "2967,00",
            "0,00",
            "2967,00",
            "0,00",
        ],
        [
            "Итого",
            *[""] * 10,
            "4350,00",
            "652,50",
            "0,00",
            "",
            "0,00",
            "5002,50",
            "0,00",
            "5002,50",
            "0,00",
        ],
    ]
    sheet = read_xlsx(tmp_path / "Осень №1 — раздача.xlsx")
    assert sheet[1] == [
        "Север, пр. Мира, 10",
        "buyer2",
        "console",
        second.number,
        "Шарф",
        None,
        None,
        3,
        590,
        1770,
        None,
        1770,
        265.5,
        0,
        None,
        0,
        2035.5,
        0,
        2035.5,
        0,
    ]
    assert sheet[2][:4] == ["Центр, ул. Ленина, 1", "buyer1", "console", first.number]
    assert sheet[3][11:] == [4350, 652.5, 0, None, 0, 5002.5, 0, 5002.5, 0]

    # The rest of the lifecycle, each step announced to both buyers.
    out = await console.say("/purchase 1", "#1", "#1")
    assert f"📨 to buyer1: Покупка «Осень»: пора оплатить заказ {first.number}." in out
    assert f"К оплате: 2{NBSP}967{NBSP}₽, срок — до 05.12.2026. Сообщить об оплате — /pay." in out
    assert f"Due: 2,035.50{NBSP}₽, by 5 Dec 2026." in out
    out = await console.say("/purchase 1", "#1", "#1")
    assert "организатор заказал товары у поставщика" in out and "ordered the goods" in out
    out = await console.say("/purchase 1", "#1", "#1")
    assert "Пункт выдачи:\n" in out and "Центр: ул. Ленина, 1 (пн–пт 10–19)" in out
    assert "Pickup point:\n" in out and "Север: пр. Мира, 10" in out
    out = await console.say("/purchase 1", "#1", "#1")
    assert f"раздача! Можно забирать заказ {first.number}" in out
    assert f"distribution! You can pick up order {second.number}" in out
    out = await console.say("/purchase 1", "#1", "#1")
    assert "Готово: статус «закрыта». Уведомлено покупателей: 2." in out
    assert "📨 to buyer1: Покупка «Осень» закрыта. Спасибо за участие!" in out

    async with app.session_factory() as session:
        purchase = await session.get(Purchase, 1)
        changes = list(
            await session.scalars(select(PurchaseStatusChange).order_by(PurchaseStatusChange.id))
        )
        messages = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.dedup_key.like("purchase-status:%"))
            )
        )
        reminders = set(
            await session.scalars(
                select(ScheduledTask.key).where(ScheduledTask.kind == "pay-reminder")
            )
        )
    assert purchase is not None and purchase.status is PurchaseStatus.CLOSED
    assert [c.to_status.value for c in changes] == [
        "draft",
        "open",
        "stopped",
        "payment",
        "ordered",
        "arrived",
        "distribution",
        "closed",
    ]
    assert len(messages) == 12 and {m.chat_id for m in messages} == {"buyer1", "buyer2"}
    # Opening payment planned the deadline reminders in the same transaction.
    assert reminders == {"pay-reminder:1:day-before", "pay-reminder:1:due-day"}
    assert all(m.kind is OutboxKind.NOTIFICATION and m.status.value == "sent" for m in messages)

    # The buyers' own view agrees, and the purchase is history, never deleted.
    out = await console.say(":as buyer1", "/orders")
    assert first.number in out and "Осень" in out
