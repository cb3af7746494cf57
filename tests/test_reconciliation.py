"""Payments reconciliation of a purchase: the message, and CSV / XLSX read back cell by cell."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from bot.app import App
from bot.core.events import Chat, EventKind, Incoming, Sender, parse_command
from bot.core.payloads import Payload
from bot.core.replies import Reply
from bot.domain.lifecycle import OrderStatus
from handlers.reconciliation import ReconcilePurchase
from storage.models import Order, Organizer, PaymentReportStatus, Purchase
from tests.conftest import Clock
from tests.test_payments import Shop

NBSP = "\u00a0"


@pytest.fixture
def shop(app: App, clock: Clock) -> Shop:
    return Shop(app, clock)


async def say(app: App, user: str, text: str) -> list[Reply]:
    command, args, _ = parse_command(text)
    return await app.dispatcher.feed(
        Incoming(
            platform="console",
            update_id=uuid.uuid4().hex,
            sender=Sender(external_id=user, name=user),
            chat=Chat(external_id=user),
            text=text,
            command=command,
            args=args,
        )
    )


async def press(app: App, user: str, payload: Payload) -> list[Reply]:
    return await app.dispatcher.feed(
        Incoming(
            platform="console",
            update_id=uuid.uuid4().hex,
            sender=Sender(external_id=user, name=user),
            chat=Chat(external_id=user),
            kind=EventKind.BUTTON,
            payload=payload.pack(),
        )
    )


@dataclass
class Ledger:
    organizer: Organizer
    purchase: Purchase
    evil: Order
    anna: Order
    boris: Order
    vera: Order


async def ledger(shop: Shop, *, language: str = "ru") -> Ledger:
    """Paid, reported, overpaid and cancelled-but-paid orders, plus what must not count."""
    organizer = await shop.organizer(language=language)
    purchase = await shop.purchase(organizer)
    anna_user = await shop.user("Анна")
    boris_user = await shop.user("Борис")
    # A name a spreadsheet would run as a formula.
    evil = await shop.order(
        purchase, await shop.user("=HYPERLINK(1)"), 20_000, confirmed_kop=30_000
    )
    anna = await shop.order(purchase, anna_user, 100_000, confirmed_kop=100_000)
    boris = await shop.order(purchase, boris_user, 150_000)
    vera = await shop.order(
        purchase,
        await shop.user("Вера"),
        40_000,
        confirmed_kop=10_000,
        status=OrderStatus.CANCELLED,
    )
    await shop.order(purchase, await shop.user("Глеб"), 40_000, status=OrderStatus.CANCELLED)
    await shop.order(await shop.purchase(organizer, "Другая"), anna_user, 99_900)
    await shop.report(boris_user, organizer, [(boris, 50_000)])
    await shop.report(anna_user, organizer, [(anna, 7_000)], status=PaymentReportStatus.REJECTED)
    await shop.report(anna_user, organizer, [(anna, 100_000)], status=PaymentReportStatus.CONFIRMED)
    return Ledger(organizer, purchase, evil, anna, boris, vera)


def documents(replies: list[Reply]) -> dict[str, bytes]:
    return {r.document.file_name: r.document.content for r in replies if r.document is not None}


async def test_reconciliation_message_and_files_read_back_cell_by_cell(
    app: App, shop: Shop
) -> None:
    book = await ledger(shop)
    replies = await say(app, "organizer", f"/reconcile {book.purchase.id}")
    text = replies[0].text
    assert text.startswith(f"Сверка оплат: «Кофе и чай» (покупка {book.purchase.id})")
    assert (
        f"• {book.boris.number} Борис: к оплате 1{NBSP}500{NBSP}₽, сообщено 500{NBSP}₽, "
        f"подтверждено 0{NBSP}₽, остаток 1{NBSP}500{NBSP}₽"
    ) in text
    assert f"• {book.vera.number} Вера (заказ отменён): к оплате 0{NBSP}₽" in text
    assert "Глеб" not in text and "Другая" not in text
    assert (
        f"Итого по 4 заказам: к оплате 2{NBSP}700{NBSP}₽, сообщено 500{NBSP}₽, "
        f"подтверждено 1{NBSP}400{NBSP}₽, остаток 1{NBSP}300{NBSP}₽"
    ) in text

    files = documents(replies)
    name = f"reconciliation-{book.purchase.id}"
    assert set(files) == {f"{name}.csv", f"{name}.xlsx"}

    expected = [
        [
            "Заказ",
            "Покупатель",
            "Состояние",
            "К оплате, ₽",
            "Сообщено, ₽",
            "Подтверждено, ₽",
            "Остаток, ₽",
        ],
        [book.evil.number, "=HYPERLINK(1)", "переплата", 200, 0, 300, -100],
        [book.anna.number, "Анна", "оплачен", 1000, 0, 1000, 0],
        [book.boris.number, "Борис", "не оплачен", 1500, 500, 0, 1500],
        [book.vera.number, "Вера", "отменён", 0, 0, 100, -100],
        ["Итого", "", "", 2700, 500, 1400, 1300],
    ]

    raw = files[f"{name}.csv"].decode("utf-8")
    assert raw.startswith("\ufeff")  # Excel reads Cyrillic only with the BOM
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    csv_expected = [
        [f"{cell},00" if isinstance(cell, int) else cell for cell in row] for row in expected
    ]
    csv_expected[1][1] = "'=HYPERLINK(1)"  # never a formula
    assert rows == csv_expected

    sheet = load_workbook(io.BytesIO(files[f"{name}.xlsx"])).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    for got, want in zip(values, expected, strict=True):
        for cell, wanted in zip(got, want, strict=True):
            if isinstance(wanted, int):
                assert float(cell) == wanted
            else:
                assert (cell or "") == wanted
    assert sheet["B2"].data_type == "s"  # the name is text, not a formula
    assert sheet["D2"].number_format == "#,##0.00"


async def test_english_files_use_commas_and_decimal_points(app: App, shop: Shop) -> None:
    book = await ledger(shop, language="en")
    replies = await say(app, "organizer", f"/reconcile {book.purchase.id}")
    assert "Total over 4 orders: due 2,700" in replies[0].text
    raw = documents(replies)[f"reconciliation-{book.purchase.id}.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0][:3] == ["Order", "Buyer", "State"]
    assert rows[3] == [book.boris.number, "Борис", "unpaid", "1500.00", "500.00", "0.00", "1500.00"]
    assert rows[-1] == ["Total", "", "", "2700.00", "500.00", "1400.00", "1300.00"]


async def test_only_the_organizers_own_purchases_are_reconciled(app: App, shop: Shop) -> None:
    book = await ledger(shop)
    rival = await shop.organizer("rival")
    rivals = await shop.purchase(rival, "Чужая")
    empty = await shop.purchase(book.organizer, "Пустая")

    [reply] = await say(app, "organizer", f"/reconcile {rivals.id}")
    assert f"Покупка {rivals.id} не найдена среди ваших" in reply.text
    [reply] = await press(app, "organizer", ReconcilePurchase(purchase_id=rivals.id))
    assert "не найдена среди ваших" in reply.text
    [reply] = await say(app, "organizer", "/reconcile 99999999999")
    assert "Укажите номер покупки цифрами" in reply.text
    [reply] = await say(app, "organizer", "/reconcile кофе")
    assert "Укажите номер покупки цифрами" in reply.text
    [reply] = await say(app, "Анна", f"/reconcile {book.purchase.id}")
    assert "Эта команда — для организаторов" in reply.text

    [reply] = await say(app, "organizer", "/reconcile")
    assert "выберите покупку" in reply.text
    labels = [b.text for row in reply.buttons for b in row]
    assert labels[0] == f"{empty.id} · Пустая" and labels[-1] == f"{book.purchase.id} · Кофе и чай"
    assert len(labels) == 3 and labels[1].endswith("· Другая")  # not the rival's
    [reply] = await press(app, "organizer", ReconcilePurchase(purchase_id=empty.id))
    assert "Заказов пока нет." in reply.text and reply.document is None
    replies = await press(app, "organizer", ReconcilePurchase(purchase_id=book.purchase.id))
    assert len(documents(replies)) == 2
