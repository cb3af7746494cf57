"""Payment reports through the console: /pay, Confirm / Reject, /payments, bad input, races.

Organizers, purchases and orders are made directly with the models (the `shop` fixture):
their own dialogs belong to other areas.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App, create_app
from bot.core.events import Attachment, AttachmentKind, EventKind, Incoming
from bot.settings import Settings
from domain.clock import FrozenClock
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.payments import (
    MAX_RECEIPT_BYTES,
    AlreadyDecided,
    Outstanding,
    PaidAtError,
    PaidAtProblem,
    PaymentReportStatus,
    allocate,
    decide,
    is_absurd_amount,
    parse_paid_at,
)
from handlers.buyer.payment_form import PaySend
from handlers.buyer.payments import PaySelect
from handlers.organizer.payments import ReportConfirm
from storage.models import (
    DialogState,
    Media,
    Order,
    OutboxKind,
    OutboxMessage,
    PaymentAllocation,
    PaymentMethod,
    PaymentReport,
)
from tests.support.drivers import ConsoleSession, button_press, console_event
from tests.support.queries import count
from tests.support.shops import Shop
from tests.support.texts import NBSP


def photo_message(user: str, size: int | None) -> Incoming:
    return console_event(
        user, attachments=(Attachment(AttachmentKind.PHOTO, "huge-photo", size=size),)
    )


async def report_through_the_form(
    console: ConsoleSession, amount: str, *, receipt: bool = False, comment: str = ""
) -> str:
    """/pay for a buyer with one unpaid order, up to and including "Send"."""
    out = await console.say(":as buyer", "/pay", amount, "#1", "#1")  # amount, now, card
    out += await console.say(":photo" if receipt else "#1")  # receipt or skip
    out += await console.say(comment or "#1")
    out += await console.say("#1")  # send
    return out


# --- journeys ---------------------------------------------------------------------------------


async def test_report_then_confirm_makes_the_order_paid(
    console: ConsoleSession, shop: Shop
) -> None:
    # The organizer stopped notifications: a report still reaches them (they must act).
    organizer = await shop.organizer(notifications=False)
    buyer = await shop.user("buyer")
    purchase = await shop.purchase(organizer)
    order = await shop.order(purchase, buyer, 150_050)

    out = await console.say("/pay")
    assert f"Заказ {order.number} «Кофе и чай»: сумма 1{NBSP}500,50{NBSP}₽" in out
    assert "не оплачено, к оплате 1" in out  # the same words as /orders (domain/balance.py)
    assert "Реквизиты организатора СП organizer:" in out and "Сбер 2202" in out
    assert "Сколько вы заплатили?" in out and f"[#1 Вся сумма: 1{NBSP}500,50{NBSP}₽]" in out

    out = await console.say("1 500,50")
    assert "Когда вы оплатили?" in out and "[#1 Сейчас]" in out
    out = await console.say("#1")
    assert "Время оплаты: 23.11.2026 12:00 (МСК)" in out and "[#2 СБП]" in out
    out = await console.say("#2")
    assert "Пришлите фото или скриншот чека (до 10 МБ)" in out
    out = await console.say(":photo")
    assert "Чек получен." in out
    out = await console.say("Перевела со Сбера")
    assert "Проверьте сообщение об оплате:" in out
    assert f"Заказ {order.number} «Кофе и чай»: 1{NBSP}500,50{NBSP}₽" in out
    assert "Способ: СБП" in out and "Чек: приложен" in out
    assert await count(shop.app, PaymentReport) == 0  # nothing is written before "Send"

    out = await console.say("#1")
    assert "Сообщение об оплате №1" in out and "отправлено организатору СП organizer" in out
    assert "📨 to organizer: 💳 Новое сообщение об оплате" in out
    assert "Оплата №1 от buyer" in out and "Комментарий: Перевела со Сбера" in out
    assert "🖼 photo" in out and "[#1 ✅ Подтвердить] [#2 ❌ Отклонить]" in out

    out = await console.say(":as organizer", "#1")
    assert "Оплата №1 на 1" in out and "подтверждена" in out
    assert f"Заказ {order.number} «Кофе и чай»: оплачен" in out
    assert "📨 to buyer: ✅ Организатор СП organizer подтвердил вашу оплату 1" in out

    # The same button again (a double tap, a second device): counted once.
    out = await console.say("#1")
    assert "Эта оплата уже подтверждена" in out
    saved = await shop.get(Order, order.id)
    assert saved.confirmed_paid_kop == 150_050
    report = await shop.get(PaymentReport, 1)
    assert report.status is PaymentReportStatus.CONFIRMED and report.method is PaymentMethod.SBP
    assert report.receipt_id is not None and report.comment == "Перевела со Сбера"
    assert report.paid_at == shop.clock()
    assert await count(shop.app, OutboxMessage, OutboxMessage.kind == OutboxKind.ANSWER) == 2

    out = await console.say(":as buyer", "/pay")
    assert "Сейчас нечего оплачивать" in out


async def test_reject_with_a_reason_tells_the_buyer_in_their_language(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer", language="en")
    order = await shop.order(await shop.purchase(organizer), buyer, 100_000)

    out = await report_through_the_form(console, "1000")
    assert "has been sent to СП organizer" in out
    assert "📨 to organizer: 💳 Новое сообщение об оплате" in out  # the organizer's language

    out = await console.say(":as organizer", "#2")
    assert "Почему вы отклоняете оплату №1?" in out
    out = await console.say("no")
    assert "Причина должна быть от 3 до 500 символов" in out
    out = await console.say("Перевода нет на карте")
    assert "Оплата №1 отклонена" in out
    assert "📨 to buyer: ❌ СП organizer rejected your payment report of 1,000" in out
    assert "Reason: Перевода нет на карте" in out
    assert f'Order {order.number} "Кофе и чай": unpaid, 1,000' in out
    out = await console.say("#1")  # "confirm" of the same report after the rejection
    assert "Эта оплата уже отклонена" in out

    report = await shop.get(PaymentReport, 1)
    assert report.status is PaymentReportStatus.REJECTED
    assert report.reject_reason == "Перевода нет на карте"
    assert (await shop.get(Order, order.id)).confirmed_paid_kop == 0


async def test_two_partial_reports_make_the_order_paid(console: ConsoleSession, shop: Shop) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    order = await shop.order(await shop.purchase(organizer), buyer, 100_000)

    await report_through_the_form(console, "400")
    out = await console.say(":as organizer", "#1")
    assert f"оплачено частично, осталось 600{NBSP}₽" in out

    out = await console.say(":as buyer", "/pay")
    assert f"подтверждено 400{NBSP}₽ — оплачено частично, осталось 600{NBSP}₽" in out
    assert f"[#1 Вся сумма: 600{NBSP}₽]" in out
    out = await console.say("#1", "#1", "#3", "#1", "#1", "#1")  # full, now, cash, skip x2, send
    assert "Способ: наличные" in out and "отправлено" in out
    out = await console.say(":as organizer", "#1")
    assert f"Заказ {order.number} «Кофе и чай»: оплачен" in out
    assert (await shop.get(Order, order.id)).confirmed_paid_kop == 100_000


async def test_one_report_over_two_orders_of_one_organizer(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    other = await shop.organizer("other")
    buyer = await shop.user("buyer")
    older = await shop.order(await shop.purchase(organizer, "Кофе"), buyer, 100_000)
    newer = await shop.order(await shop.purchase(organizer, "Чай"), buyer, 50_000)
    elsewhere = await shop.order(await shop.purchase(other, "Сыр"), buyer, 30_000)

    out = await console.say("/pay")
    assert "Заказы к оплате (3)" in out
    assert f"• {older.number} «Кофе», орг. СП organizer: к оплате 1{NBSP}000{NBSP}₽" in out
    assert "[#4 Далее ▶ (отмечено: 0)]" in out
    out = await console.say("#4")
    assert "Отметьте хотя бы один заказ" in out
    out = await console.say("#1")
    assert f"✅ {older.number}" in out and "(отмечено: 1)" in out
    out = await console.say("#3")
    assert "Один платёж — заказам одного организатора" in out
    out = await console.say("#2", "#4")
    assert f"Итого к оплате: 1{NBSP}500{NBSP}₽" in out

    out = await console.say("1600", "#1", "#1", "#1", "#1")
    assert f"Заказ {older.number} «Кофе»: 1{NBSP}000{NBSP}₽" in out
    assert f"Заказ {newer.number} «Чай»: 600{NBSP}₽" in out  # the rest, overpayment visible
    assert f"на 100{NBSP}₽ больше суммы к оплате" in out
    await console.say("#1")
    out = await console.say(":as organizer", "#1")
    assert f"Заказ {older.number} «Кофе»: оплачен" in out
    assert f"Заказ {newer.number} «Чай»: к возврату 100{NBSP}₽" in out

    async with shop.app.session_factory() as session:
        rows = await session.execute(
            select(PaymentAllocation.order_id, PaymentAllocation.amount_kop)
        )
        parts = {order_id: amount for order_id, amount in rows}
    assert parts == {older.id: 100_000, newer.id: 60_000}
    assert (await shop.get(Order, elsewhere.id)).confirmed_paid_kop == 0


async def test_send_pressed_twice_makes_one_report(
    console: ConsoleSession, shop: Shop, app: App
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    await shop.order(await shop.purchase(organizer), buyer, 100_000)

    await report_through_the_form(console, "1000")
    out = await console.say("#1")  # the same "Send" again
    assert "уже отправлено или форма закрыта" in out
    assert await count(shop.app, PaymentReport) == 1
    assert await count(shop.app, OutboxMessage) == 1

    # Two devices press "Send" of one form at the same moment.
    await console.say("/pay", "500", "#1", "#1", "#1", "#1")
    async with app.session_factory() as session:
        form = await session.get(DialogState, buyer.id)
        assert form is not None and form.step == "confirm"
        send = PaySend(nonce=form.data["nonce"])
    results = await asyncio.gather(
        *(app.dispatcher.feed(button_press("buyer", send)) for _ in range(3))
    )
    texts = [reply.text for replies in results for reply in replies]
    assert sum("отправлено организатору" in text for text in texts) == 1
    assert sum("уже отправлено" in text for text in texts) == 2
    assert await count(shop.app, PaymentReport) == 2
    assert await count(shop.app, PaymentAllocation) == 2


async def test_concurrent_confirmations_count_once(
    console: ConsoleSession, shop: Shop, app: App
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    order = await shop.order(await shop.purchase(organizer), buyer, 100_000)
    await report_through_the_form(console, "1000")

    press = ReportConfirm(report_id=1)
    results = await asyncio.gather(
        *(app.dispatcher.feed(button_press("organizer", press)) for _ in range(3))
    )
    texts = sorted(reply.text for replies in results for reply in replies)
    assert sum("подтверждена. Покупатель" in text for text in texts) == 1
    assert sum("уже подтверждена" in text for text in texts) == 2
    assert (await shop.get(Order, order.id)).confirmed_paid_kop == 100_000
    decisions = await count(shop.app, OutboxMessage, OutboxMessage.dedup_key == "pay-decision:1")
    assert decisions == 1


async def test_bad_input_at_every_step_keeps_what_was_entered(
    console: ConsoleSession, shop: Shop, app: App
) -> None:
    organizer = await shop.organizer(details="")
    buyer = await shop.user("buyer")
    await shop.order(await shop.purchase(organizer), buyer, 150_000)

    out = await console.say("/pay")
    assert "пока не указал реквизиты" in out
    for typed, expected in [
        ("0", "Сумма должна быть больше нуля"),
        ("-5", "не может быть отрицательной"),
        ("тысяча", "Не понял сумму"),
        ("100000000", "Слишком большая сумма"),
        ("1500.555", "Копеек не может быть больше двух знаков"),
        ("15000", f"15{NBSP}000{NBSP}₽ — намного больше, чем нужно оплатить"),
    ]:
        out = await console.say(typed)
        assert expected in out, typed
    out = await console.say("1500р")
    assert f"Сумма 1{NBSP}500{NBSP}₽. Когда вы оплатили?" in out

    for typed, expected in [
        ("25.11 14:30", "ещё не наступило"),
        ("31.02 10:00", "Такой даты нет"),
        ("23.11", "Добавьте время"),
        ("вчера", "Не понял время"),
        ("23.11.2024 10:00", "больше года назад"),
    ]:
        out = await console.say(typed)
        assert expected in out, typed
    out = await console.say("23.11 11:30")
    assert "Время оплаты: 23.11.2026 11:30 (МСК)" in out

    out = await console.say("биткоин")
    assert "Выберите способ оплаты кнопкой" in out
    out = await console.say("сбп")
    assert "Пришлите фото или скриншот чека" in out

    # A PDF or a picture as a file is a receipt now (tests/test_pdf_receipts.py); others not.
    out = await console.say(":file setup.exe")
    assert "Файл «setup.exe» не подходит как чек" in out
    out = await console.say(":file notes.docx")
    assert "Файл «notes.docx» не подходит как чек" in out
    [reply] = await app.dispatcher.feed(photo_message("buyer", MAX_RECEIPT_BYTES + 1))
    assert "Фото больше 10 МБ" in reply.text
    out = await console.say("hello")
    assert "Пришлите чек — фото, скриншот или PDF-файл" in out
    out = await console.say(":photo")
    assert "Чек получен." in out

    out = await console.say("x" * 501)
    assert "Комментарий длиннее 500 символов" in out
    out = await console.say("-")  # "no comment" typed
    assert "Проверьте сообщение об оплате:" in out and "Комментарий:" not in out
    out = await console.say("ok?")
    assert "кнопкой «Отправить»" in out
    assert await count(shop.app, Media) == 0 and await count(shop.app, PaymentReport) == 0

    out = await console.say("#1")
    assert "отправлено" in out
    report = await shop.get(PaymentReport, 1)
    assert report.amount_kop == 150_000 and report.method is PaymentMethod.SBP
    assert report.paid_at == datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    assert await count(shop.app, Media) == 1


async def test_orders_that_cannot_be_paid_are_refused(
    console: ConsoleSession, shop: Shop, app: App
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    stranger = await shop.user("stranger")
    payable = await shop.purchase(organizer)
    mine = await shop.order(payable, buyer, 100_000)
    theirs = await shop.order(await shop.purchase(organizer, "Сыр"), stranger, 100_000)
    cancelled = await shop.order(
        await shop.purchase(organizer, "Мёд"), buyer, 100_000, status=OrderStatus.CANCELLED
    )
    collecting = await shop.order(
        await shop.purchase(organizer, "Орехи", status=PurchaseStatus.OPEN), buyer, 100_000
    )
    paid = await shop.order(
        await shop.purchase(organizer, "Чай"), buyer, 100_000, confirmed_kop=100_000
    )

    out = await console.say(f"/pay {theirs.number}")
    assert f"Заказ {theirs.number} не найден среди ваших заказов" in out
    out = await console.say(f"/pay {cancelled.number}")
    assert "отменён — оплачивать его не нужно" in out
    out = await console.say(f"/pay {collecting.number}")
    assert "«Орехи» сейчас не принимает оплату (этап: сбор заказов)" in out
    out = await console.say(f"/pay {paid.number}")
    assert "уже оплачен полностью" in out
    out = await console.say("/pay 7KXM-PT2X")
    assert "не похоже на номер заказа" in out
    out = await console.say(f"/pay {mine.number.lower().replace('-', ' ')}")
    assert "Сколько вы заплатили?" in out

    # A forged button naming someone else's order, in a selection of the buyer's own.
    await shop.order(await shop.purchase(organizer, "Кофе 2"), buyer, 50_000)
    await console.say("/pay")
    [reply] = await app.dispatcher.feed(button_press("buyer", PaySelect(order_id=theirs.id)))
    assert "Этот заказ сейчас нельзя оплатить" in reply.text
    [reply] = await app.dispatcher.feed(
        console_event(
            "buyer", update_id="forged-1", kind=EventKind.BUTTON, payload="paysel:99999999999"
        )
    )
    assert "Эта кнопка устарела или повреждена" in reply.text

    # Confirming a report: another organizer and a plain buyer get nothing.
    report = await shop.report(buyer, organizer, [(mine, 100_000)])
    await shop.organizer("rival")
    [reply] = await app.dispatcher.feed(button_press("rival", ReportConfirm(report_id=report.id)))
    assert "не найдено среди ваших" in reply.text
    [reply] = await app.dispatcher.feed(button_press("buyer", ReportConfirm(report_id=report.id)))
    assert "Эта команда — для организаторов" in reply.text
    assert (await shop.get(PaymentReport, report.id)).status is PaymentReportStatus.PENDING
    assert (await shop.get(Order, mine.id)).confirmed_paid_kop == 0


async def test_payments_lists_pending_reports_oldest_first_in_pages(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    other = await shop.organizer("other")
    anna = await shop.user("Анна")
    boris = await shop.user("Борис")
    purchase = await shop.purchase(organizer)
    anna_order = await shop.order(purchase, anna, 300_000)
    boris_order = await shop.order(purchase, boris, 300_000)
    await shop.report(
        anna, organizer, [(anna_order, 10_000)], comment="первый", receipt=True, minutes_ago=600
    )
    for minutes in range(5):
        await shop.report(boris, organizer, [(boris_order, 1_000)], minutes_ago=500 - minutes)
    await shop.report(anna, organizer, [(anna_order, 5_000)], status=PaymentReportStatus.CONFIRMED)
    await shop.report(anna, other, [(anna_order, 7_000)])  # another organizer's

    out = await console.say(":as buyer", "/payments")
    assert "Эта команда — для организаторов" in out
    out = await console.say(":as organizer", "/payments")
    assert "Чек к оплате №1" in out and "🖼 photo" in out
    assert "Ждут подтверждения: 6 (стр. 1 из 2)" in out
    assert out.index("Оплата №1 от Анна") < out.index("Оплата №2 от Борис")
    assert "Комментарий: первый" in out and "Способ: СБП" in out
    assert "Оплата №6" not in out and "Оплата №8" not in out
    assert "[#1 ✅ №1] [#2 ❌ №1]" in out and "[#11 Дальше ▶]" in out

    out = await console.say("#11")
    assert "стр. 2 из 2" in out and "Оплата №6 от Борис" in out and "[#3 ◀ Назад]" in out
    out = await console.say("#1")
    assert "Оплата №6 на 10" in out and "подтверждена" in out
    out = await console.say("/payments")
    assert "Ждут подтверждения: 5 (стр. 1 из 1)" in out


async def test_a_half_filled_report_survives_a_restart(
    shop: Shop, settings: Settings, clock: FrozenClock
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    await shop.order(await shop.purchase(organizer), buyer, 100_000)
    first = ConsoleSession(shop.app)
    await first.say("/pay", "700", "#1")
    await shop.app.close()

    restarted = await create_app(settings, run_migrations=False)
    try:
        second = ConsoleSession(restarted)
        out = await second.say("наличные", "#1", "#1")
        assert f"Сумма: 700{NBSP}₽" in out and "Способ: наличные" in out
        out = await second.say("#1")
        assert "отправлено" in out
    finally:
        await restarted.close()


# --- the pure rules ---------------------------------------------------------------------------


def test_allocation_fills_oldest_first_and_puts_the_rest_on_the_last() -> None:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    newer = Outstanding(2, t0 + timedelta(days=1), 50_000)
    older = Outstanding(1, t0, 100_000)
    assert allocate(120_000, [newer, older]) == [(1, 100_000), (2, 20_000)]
    assert allocate(160_000, [older, newer]) == [(1, 100_000), (2, 60_000)]
    assert allocate(50_000, [older, newer]) == [(1, 50_000)]
    # Already covered by pending reports: the money goes to the last order, visibly.
    covered = Outstanding(1, t0, 0)
    assert allocate(1_000, [covered, Outstanding(2, t0 + timedelta(1), -5)]) == [(2, 1_000)]
    with pytest.raises(ValueError):
        allocate(0, [older])
    with pytest.raises(ValueError):
        allocate(100, [])
    assert is_absurd_amount(300_001, 100_000) and not is_absurd_amount(300_000, 100_000)


def test_a_report_is_decided_once() -> None:
    assert decide("pending", confirm=True) is PaymentReportStatus.CONFIRMED
    assert decide(PaymentReportStatus.PENDING, confirm=False) is PaymentReportStatus.REJECTED
    with pytest.raises(AlreadyDecided) as caught:
        decide("confirmed", confirm=False)
    assert caught.value.status is PaymentReportStatus.CONFIRMED


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:30", datetime(2026, 1, 2, 11, 30, tzinfo=UTC)),
        ("02.01 9:05", datetime(2026, 1, 2, 6, 5, tzinfo=UTC)),
        ("30.12 23:59", datetime(2025, 12, 30, 20, 59, tzinfo=UTC)),  # last year's
        ("30.12.2025, 10:00", datetime(2025, 12, 30, 7, 0, tzinfo=UTC)),
        ("1.1.26 в 10:00", datetime(2026, 1, 1, 7, 0, tzinfo=UTC)),
    ],
)
def test_payment_times_are_moscow_time(typed: str, expected: datetime) -> None:
    now = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)  # 15:00 in Moscow
    assert parse_paid_at(typed, now) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("15:10", PaidAtProblem.FUTURE),
        ("03.01 10:00", PaidAtProblem.FUTURE),
        ("02.01", PaidAtProblem.NEED_TIME),
        ("32.01 10:00", PaidAtProblem.BAD_DATE),
        ("10:75", PaidAtProblem.BAD_DATE),
        ("01.01.2024 10:00", PaidAtProblem.TOO_OLD),
        ("yesterday", PaidAtProblem.FORMAT),
        ("", PaidAtProblem.FORMAT),
    ],
)
def test_impossible_payment_times_are_refused(typed: str, problem: PaidAtProblem) -> None:
    now = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
    with pytest.raises(PaidAtError) as caught:
        parse_paid_at(typed, now)
    assert caught.value.problem is problem
