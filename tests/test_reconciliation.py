"""Payments reconciliation of a purchase: the message, and CSV / XLSX read back cell by cell."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import load_workbook

from bot.app import App
from bot.core.replies import Reply
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.pricing import fee_kopecks, order_due
from handlers.organizer.reconciliation import ReconcilePurchase
from storage.models import (
    DiscountKind,
    Order,
    Organizer,
    PaymentReportStatus,
    PromoCode,
    PromoKind,
    PromoRedemption,
    Purchase,
)
from storage.uow import UnitOfWork
from tests.support.drivers import console_message, press_replies
from tests.support.exports import RECONCILIATION_HEADERS
from tests.support.shops import Shop
from tests.support.texts import rub


async def say(app: App, user: str, text: str) -> list[Reply]:
    return await app.dispatcher.feed(console_message(user, text))


@dataclass
class Ledger:
    organizer: Organizer
    purchase: Purchase
    evil: Order
    anna: Order
    boris: Order
    vera: Order


FEE_BP = 1500


async def priced(
    shop: Shop, order: Order, items_kop: int, *, discount_kop: int = 0, code: str | None = None
) -> None:
    """Give the order a 15 % organizer fee and maybe a promo code's discount, the way
    ordering and /promo store them: items + fee - discount = due."""
    async with shop.app.session_factory() as session, session.begin():
        row = await session.get(Order, order.id)
        assert row is not None
        if code is not None:
            promo = PromoCode(
                code=code,
                kind=PromoKind.ORGANIZER,
                discount_kind=DiscountKind.FIXED,
                discount_value=discount_kop,
            )
            session.add(promo)
            await session.flush()
            session.add(
                PromoRedemption(
                    promo_code_id=promo.id,
                    order_id=row.id,
                    user_id=row.buyer_id,
                    discount_kop=discount_kop,
                )
            )
            row.promo_code_id = promo.id
        row.items_total_kop = items_kop
        row.fee_kop = fee_kopecks(items_kop, FEE_BP)
        row.discount_kop = discount_kop
        row.due_kop = order_due(items_kop, FEE_BP, discount_kop)


async def ledger(shop: Shop, *, language: str = "ru") -> Ledger:
    """A 15 % fee; paid, reported-but-unconfirmed with a promo discount, overpaid and
    cancelled-but-paid orders, plus what must not count."""
    organizer = await shop.organizer(language=language)
    purchase = await shop.purchase(organizer)
    anna_user = await shop.user("Анна")
    boris_user = await shop.user("Борис")
    # A name a spreadsheet would run as a formula; 230 due, 300 paid: 70 to refund.
    evil = await shop.order(
        purchase, await shop.user("=HYPERLINK(1)"), 23_000, confirmed_kop=30_000
    )
    await priced(shop, evil, 20_000)
    anna = await shop.order(purchase, anna_user, 115_000, confirmed_kop=115_000)
    await priced(shop, anna, 100_000)
    # 1 400 + 210 fee - 110 by the code = 1 500, nothing confirmed, 500 reported.
    boris = await shop.order(purchase, boris_user, 150_000)
    await priced(shop, boris, 140_000, discount_kop=11_000, code="BLOG10")
    vera = await shop.order(
        purchase,
        await shop.user("Вера"),
        46_000,
        confirmed_kop=10_000,
        status=OrderStatus.CANCELLED,
    )
    await priced(shop, vera, 40_000)
    await shop.order(purchase, await shop.user("Глеб"), 40_000, status=OrderStatus.CANCELLED)
    await shop.order(await shop.purchase(organizer, "Другая"), anna_user, 99_900)
    await shop.report(boris_user, organizer, [(boris, 50_000)])
    await shop.report(anna_user, organizer, [(anna, 7_000)], status=PaymentReportStatus.REJECTED)
    await shop.report(anna_user, organizer, [(anna, 115_000)], status=PaymentReportStatus.CONFIRMED)
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
        f"• {book.boris.number} Борис: к оплате {rub('1 500')} (товары {rub('1 400')} + "
        f"оргсбор {rub('210')} − скидка {rub('110')} по промокоду BLOG10), заявлено "
        f"покупателем и ждёт подтверждения {rub('500')}, подтверждено {rub('0')} — "
        f"осталось оплатить {rub('1 500')}"
    ) in text
    assert (
        f"• {book.anna.number} Анна: к оплате {rub('1 150')} (товары {rub('1 000')} + "
        f"оргсбор {rub('150')}), подтверждено {rub('1 150')} — в расчёте"
    ) in text
    assert f"=HYPERLINK(1): к оплате {rub('230')}" in text
    assert f"подтверждено {rub('300')} — переплата, вернуть {rub('70')}" in text
    assert (
        f"• {book.vera.number} Вера (заказ отменён): к оплате {rub('0')}, "
        f"подтверждено {rub('100')} — вернуть {rub('100')}"
    ) in text
    assert "Глеб" not in text and "Другая" not in text
    assert (
        f"Итого по 4 заказам: к оплате {rub('2 880')} (товары {rub('2 600')} + оргсбор "
        f"{rub('390')} − скидки {rub('110')}), заявлено покупателями и ждёт подтверждения "
        f"{rub('500')}, подтверждено {rub('1 550')}."
    ) in text
    # What buyers owe and what goes back to them are told apart, never netted.
    assert text.endswith(
        f"Покупатели ещё должны: {rub('1 500')}\n"
        f"Вернуть покупателям (переплаты и отменённые заказы): {rub('170')}"
    )

    files = documents(replies)
    name = f"reconciliation-{book.purchase.id}"
    assert set(files) == {f"{name}.csv", f"{name}.xlsx"}

    expected = [
        RECONCILIATION_HEADERS,
        [book.evil.number, "=HYPERLINK(1)", "переплата", 200, 30, 0, "", 0, 230, 0, 300, 0, 70],
        [book.anna.number, "Анна", "оплачен", 1000, 150, 0, "", 0, 1150, 0, 1150, 0, 0],
        [
            *(book.boris.number, "Борис", "не оплачен", 1400, 210, 110, "BLOG10", 0),
            *(1500, 500, 0, 1500, 0),
        ],
        # A cancelled order owes nothing; what was paid for it goes back.
        [book.vera.number, "Вера", "отменён", "", "", "", "", "", 0, 0, 100, 0, 100],
        ["Итого", "", "", 2600, 390, 110, "", 0, 2880, 500, 1550, 1500, 170],
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
                assert isinstance(cell, int | float) and cell == wanted
            else:
                assert (cell or "") == wanted
    assert sheet["B2"].data_type == "s"  # the name is text, not a formula
    assert sheet["D2"].number_format == "#,##0.00"
    assert sheet["M6"].number_format == "#,##0.00"


async def test_english_files_use_commas_and_decimal_points(app: App, shop: Shop) -> None:
    book = await ledger(shop, language="en")
    replies = await say(app, "organizer", f"/reconcile {book.purchase.id}")
    text = replies[0].text
    assert "Total over 4 orders: due 2,880" in text
    assert f"(items {rub('1,400')} + organizer fee {rub('210')} − discount " in text
    assert "with promo code BLOG10), reported by the buyer and awaiting confirmation" in text
    assert f"Buyers still owe: {rub('1,500')}" in text
    assert f"To refund to buyers (overpayments and cancelled orders): {rub('170')}" in text
    raw = documents(replies)[f"reconciliation-{book.purchase.id}.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0] == [
        "Order",
        "Buyer",
        "State",
        "Items, ₽",
        "Organizer fee, ₽",
        "Discount, ₽",
        "Promo code",
        "Transport, ₽",
        "Due, ₽",
        "Reported by buyer, awaiting confirmation, ₽",
        "Confirmed, ₽",
        "Still owed, ₽",
        "To refund, ₽",
    ]
    assert rows[3] == [
        book.boris.number,
        "Борис",
        "unpaid",
        "1400.00",
        "210.00",
        "110.00",
        "BLOG10",
        "0.00",
        "1500.00",
        "500.00",
        "0.00",
        "1500.00",
        "0.00",
    ]
    assert rows[1][-2:] == ["0.00", "70.00"]  # overpaid
    assert rows[-1] == [
        "Total",
        "",
        "",
        "2600.00",
        "390.00",
        "110.00",
        "",
        "0.00",
        "2880.00",
        "500.00",
        "1550.00",
        "1500.00",
        "170.00",
    ]


async def test_a_cancelled_purchase_owes_nothing_and_refunds_what_was_paid(
    app: App, shop: Shop
) -> None:
    organizer = await shop.organizer()
    purchase = await shop.purchase(organizer, status=PurchaseStatus.CANCELLED)
    paid = await shop.order(purchase, await shop.user("Анна"), 115_000, confirmed_kop=50_000)
    await priced(shop, paid, 100_000)
    unpaid = await shop.order(purchase, await shop.user("Борис"), 57_500)
    await priced(shop, unpaid, 50_000)
    replies = await say(app, "organizer", f"/reconcile {purchase.id}")
    text = replies[0].text
    assert "осталось оплатить" not in text
    assert f"• {paid.number} Анна (заказ отменён): к оплате {rub('0')}" in text
    assert f"• {unpaid.number} Борис (заказ отменён): к оплате {rub('0')}" in text
    assert f"Покупатели ещё должны: {rub('0')}" in text
    assert f"Вернуть покупателям (переплаты и отменённые заказы): {rub('500')}" in text
    sheet = load_workbook(io.BytesIO(documents(replies)[f"reconciliation-{purchase.id}.xlsx"]))
    values = [[cell.value for cell in row] for row in sheet.active.iter_rows()]
    assert values[1] == [paid.number, "Анна", "отменён", *[None] * 5, 0, 0, 500, 0, 500]
    assert values[2] == [unpaid.number, "Борис", "отменён", *[None] * 5, 0, 0, 0, 0, 0]
    assert values[-1] == ["Итого", None, None, 0, 0, 0, None, 0, 0, 0, 500, 0, 500]
    # The distribution export agrees: nothing due, so all that was paid is to refund.
    async with app.session_factory() as session:
        rows = await UnitOfWork(session).purchases.distribution_orders(purchase.id)
    assert [(row.due_kop, row.paid_kop) for row in rows] == [(0, 50_000), (0, 0)]


async def test_only_the_organizers_own_purchases_are_reconciled(app: App, shop: Shop) -> None:
    book = await ledger(shop)
    rival = await shop.organizer("rival")
    rivals = await shop.purchase(rival, "Чужая")
    empty = await shop.purchase(book.organizer, "Пустая")

    [reply] = await say(app, "organizer", f"/reconcile {rivals.id}")
    assert f"Покупка {rivals.id} не найдена среди ваших" in reply.text
    [reply] = await press_replies(app, "organizer", ReconcilePurchase(purchase_id=rivals.id))
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
    [reply] = await press_replies(app, "organizer", ReconcilePurchase(purchase_id=empty.id))
    assert "Заказов пока нет." in reply.text and reply.document is None
    replies = await press_replies(app, "organizer", ReconcilePurchase(purchase_id=book.purchase.id))
    assert len(documents(replies)) == 2
