"""One money truth in every view (issue 20): the cases the issue found, replayed in the
console, each checked against ONE expected row (due, awaiting, confirmed, owed, refund) in
every view that shows it: the order's state (domain/balance.py), /reconcile's rows and its
file, the distribution export, the reminders, and the words of /orders, /pay and /payments.
Refunds: the buyer hears when one is due and when it is recorded; the organizer records it
from /reconcile. Closing with money open lists who, and asks first."""

from __future__ import annotations

from dataclasses import astuple, dataclass

from bot.app import App
from domain.balance import MoneyState, order_money
from domain.lifecycle import OrderStatus, PurchaseStatus
from handlers.buyer.my_orders import OrderAction
from handlers.organizer.kit import StatusMove
from handlers.organizer.payments import ReportConfirm
from handlers.organizer.reconciliation import RefundPaid
from storage.models import Order, Purchase, Refund
from storage.uow import UnitOfWork
from tests.support.drivers import ConsoleSession
from tests.support.queries import count
from tests.support.shops import Shop
from tests.support.texts import NBSP, rub


@dataclass(frozen=True)
class Expect:
    """The one expected table row every view is checked against, in kopecks."""

    due: int
    awaiting: int
    confirmed: int
    owed: int
    refund: int


async def check_everywhere(app: App, order: Order, expected: Expect) -> None:
    """The order's money, as each view computes it, equals `expected`."""
    async with app.session_factory() as session:
        uow = UnitOfWork(session)
        fresh = (await uow.payments.orders([order.id]))[order.id]
        state = (await uow.refunds.moneys([fresh]))[fresh.id]
        assert (state.due, state.awaiting, state.confirmed, state.owed, state.refund) == astuple(
            expected
        ), "order_money"
        rows = await uow.payments.reconciliation(fresh.purchase_id)
        row = next(r for r in rows if r.order_id == fresh.id)
        assert (
            row.money.due,
            row.reported_kop,
            row.confirmed_kop,
            row.owed_kop,
            row.refund_kop,
        ) == astuple(expected), "reconciliation"
        if fresh.status is OrderStatus.ACTIVE:
            exported = next(
                d
                for d in await uow.purchases.distribution_orders(fresh.purchase_id)
                if d.order_number == fresh.number
            )
            money = exported.money
            assert (money.due, money.confirmed, money.owed, money.refund) == (
                expected.due,
                expected.confirmed,
                expected.owed,
                expected.refund,
            ), "distribution export"
        reminded = {
            o.id
            for target in await uow.payments.reminder_targets(fresh.purchase_id)
            for o in target.orders
        }
        # A reminder asks only for money nobody has reported yet, and never for 0.
        should_remind = fresh.status is OrderStatus.ACTIVE and (
            expected.owed - expected.awaiting > 0
        )
        if fresh.purchase.status is not PurchaseStatus.CANCELLED:
            assert (fresh.id in reminded) == should_remind, "reminders"


async def report_through_the_form(console: ConsoleSession, amount: str) -> str:
    """/pay for a buyer with one unpaid order, up to and including "Send"."""
    out = await console.say(":as buyer", "/pay", amount, "#1", "#1")  # amount, now, card
    out += await console.say("#1", "#1", "#1")  # no receipt, no comment, send
    return out


async def purchase_status(app: App, purchase: Purchase, status: PurchaseStatus) -> None:
    async with app.session_factory() as session, session.begin():
        row = await session.get(Purchase, purchase.id)
        assert row is not None
        row.status = status


# --- right after a report ------------------------------------------------------------------------


async def test_a_reported_payment_reads_awaiting_confirmation_everywhere(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    purchase = await shop.purchase(organizer)
    order = await shop.order(purchase, buyer, 41_400)

    sent = await report_through_the_form(console, "414")
    assert "Сообщение об оплате №1 на 414" in sent
    expected = Expect(due=41_400, awaiting=41_400, confirmed=0, owed=41_400, refund=0)
    await check_everywhere(shop.app, order, expected)

    orders = await console.say(":as buyer", "/orders")
    assert f"Оплачено: 0{NBSP}₽ — ожидает подтверждения: {rub('414')}" in orders
    assert "не оплачено" not in orders
    reconcile = await console.say(":as organizer", f"/reconcile {purchase.id}")
    assert f"ждёт подтверждения {rub('414')}" in reconcile
    assert f"осталось оплатить {rub('414')}" in reconcile

    # Half of it reported: the rest is what /orders still asks for, and what a reminder asks.
    second = await shop.order(await shop.purchase(organizer, "Чай"), buyer, 100_000)
    await shop.report(buyer, organizer, [(second, 40_000)])
    await check_everywhere(
        shop.app, second, Expect(due=100_000, awaiting=40_000, confirmed=0, owed=100_000, refund=0)
    )
    orders = await console.say(":as buyer", "/orders")
    assert f"ожидает подтверждения: {rub('400')}, ещё не оплачено {rub('600')}" in orders


# --- a cancelled purchase ------------------------------------------------------------------------


async def test_a_cancelled_purchase_owes_a_refund_and_the_refund_is_recorded(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    purchase = await shop.purchase(organizer)
    order = await shop.order(purchase, buyer, 41_400)
    await report_through_the_form(console, "414")
    await console.say(":as organizer", "/payments")
    confirmed = await console.say("#1")
    assert f"Оплата №1 на {rub('414')} подтверждена" in confirmed
    await check_everywhere(
        shop.app, order, Expect(due=41_400, awaiting=0, confirmed=41_400, owed=0, refund=0)
    )

    await console.press_payload(
        StatusMove(purchase_id=purchase.id, status=PurchaseStatus.CANCELLED, confirmed=False)
    )
    cancelled = await console.press_payload(
        StatusMove(purchase_id=purchase.id, status=PurchaseStatus.CANCELLED, confirmed=True)
    )
    await console.adapter.deliver_outbox()
    told = console.transcript
    assert (
        f"Организатор «СП organizer» должен вернуть вам {rub('414')} по заказу {order.number} "
        "(«Кофе и чай»): покупка отменена"
    ) in told, cancelled
    refund_due = Expect(due=0, awaiting=0, confirmed=41_400, owed=0, refund=41_400)
    await check_everywhere(shop.app, order, refund_due)

    orders = await console.say(":as buyer", "/orders")
    assert f"Оплачено: {rub('414')} — к возврату {rub('414')}" in orders
    assert "оплачено полностью" not in orders and "К оплате:" not in orders
    # The organizer's card reads the same: nothing due, the confirmed money to refund.
    card = await console.say(":as organizer", f"/purchase {purchase.id}")
    assert f"К оплате: {rub('0')}; оплачено (подтверждено): {rub('414')}" in card
    assert f"к возврату: {rub('414')}" in card
    reconcile = await console.say(f"/reconcile {purchase.id}")
    assert f"вернуть {rub('414')}" in reconcile
    assert f"[#1 💸 {order.number}: вернуть {rub('414')}]" in reconcile

    asked = await console.say("#1")
    assert f"Отметить, что вы вернули {rub('414')} покупателю buyer по заказу {order.number}?" in (
        asked
    )
    done = await console.say("#1")
    assert f"Возврат {rub('414')} по заказу {order.number} отмечен" in done
    assert (
        f"Организатор «СП organizer» отметил, что вернул вам {rub('414')} по заказу {order.number}"
    ) in done
    await check_everywhere(
        shop.app, order, Expect(due=0, awaiting=0, confirmed=41_400, owed=0, refund=0)
    )
    assert await count(shop.app, Refund) == 1

    # The same button again (a double tap, another device) records nothing more.
    again = await console.press_payload(
        RefundPaid(order_id=order.id, amount=41_400, confirmed=True)
    )
    assert f"По заказу {order.number} сейчас нечего возвращать" in again
    assert await count(shop.app, Refund) == 1
    orders = await console.say(":as buyer", "/orders")
    assert f"возвращено {rub('414')}" in orders
    reconcile = await console.say(":as organizer", f"/reconcile {purchase.id}")
    assert f"(уже возвращено {rub('414')})" in reconcile and "💸" not in reconcile


async def test_a_report_awaiting_on_a_cancelled_purchase_owes_nothing_until_confirmed(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    purchase = await shop.purchase(organizer)
    order = await shop.order(purchase, buyer, 41_400)
    await shop.report(buyer, organizer, [(order, 41_400)])
    await purchase_status(shop.app, purchase, PurchaseStatus.CANCELLED)

    await check_everywhere(
        shop.app, order, Expect(due=0, awaiting=41_400, confirmed=0, owed=0, refund=0)
    )
    listed = await console.say(":as organizer", "/payments")
    # The report itself is what awaits; the order owes nothing, so nothing says "unpaid".
    assert "не оплачено" not in listed and "ничего не нужно платить" in listed
    orders = await console.say(":as buyer", "/orders")
    assert f"ничего не нужно платить; ожидает подтверждения: {rub('414')}" in orders

    await console.say(":as organizer")
    confirmed = await console.press_payload(ReportConfirm(report_id=1))
    assert f"к возврату {rub('414')}" in confirmed
    assert f"должен вернуть вам {rub('414')}" in confirmed  # the buyer is told at once
    await check_everywhere(
        shop.app, order, Expect(due=0, awaiting=0, confirmed=41_400, owed=0, refund=41_400)
    )


# --- a cancelled order -------------------------------------------------------------------------


async def test_a_buyer_cancelling_a_paid_order_is_owed_it_back_and_the_organizer_is_told(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    purchase = await shop.purchase(organizer, status=PurchaseStatus.OPEN)
    order = await shop.order(purchase, buyer, 50_000, confirmed_kop=50_000)

    await console.say(":as buyer")
    out = await console.press_payload(OrderAction(order_id=order.id, action="cancel_yes"))
    assert f"Заказ {order.number} в «Кофе и чай» отменён." in out
    assert f"должен вернуть вам {rub('500')} по заказу {order.number}" in out
    assert "заказ отменён" in out
    assert (
        f"buyer отменил(а) заказ {order.number} в «Кофе и чай», за который вы получили {rub('500')}"
    ) in out
    await check_everywhere(
        shop.app, order, Expect(due=0, awaiting=0, confirmed=50_000, owed=0, refund=50_000)
    )
    orders = await console.say("/orders")
    assert f"к возврату {rub('500')}" in orders


# --- overpaid, and closing with money open --------------------------------------------------------


async def test_overpaid_then_closing_lists_who_owes_and_who_is_owed(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    anna = await shop.user("Анна")
    boris = await shop.user("Борис")
    purchase = await shop.purchase(organizer, status=PurchaseStatus.DISTRIBUTION)
    overpaid = await shop.order(purchase, anna, 100_000)
    owing = await shop.order(purchase, boris, 190_994)
    await shop.report(anna, organizer, [(overpaid, 120_000)])

    await console.say(":as organizer")
    confirmed = await console.press_payload(ReportConfirm(report_id=1))
    assert f"к возврату {rub('200')}" in confirmed
    assert (
        f"должен вернуть вам {rub('200')} по заказу {overpaid.number} («Кофе и чай»): "
        "подтверждено больше, чем нужно оплатить"
    ) in confirmed
    await check_everywhere(
        shop.app,
        overpaid,
        Expect(due=100_000, awaiting=0, confirmed=120_000, owed=0, refund=20_000),
    )
    await check_everywhere(
        shop.app, owing, Expect(due=190_994, awaiting=0, confirmed=0, owed=190_994, refund=0)
    )

    asked = await console.press_payload(
        StatusMove(purchase_id=purchase.id, status=PurchaseStatus.CLOSED, confirmed=False)
    )
    assert "⚠️ В «Кофе и чай» остались незакрытые деньги — 2 заказа:" in asked
    assert f"• Анна, заказ {overpaid.number}: нужно вернуть {rub('200')}" in asked
    assert f"• Борис, заказ {owing.number}: не оплачено {rub('1 909,94')}" in asked
    assert f"Всего не оплачено: {rub('1 909,94')}; к возврату: {rub('200')}." in asked
    assert "?" in asked
    async with shop.app.session_factory() as session:
        still = await session.get(Purchase, purchase.id)
        assert still is not None and still.status is PurchaseStatus.DISTRIBUTION

    await console.press_payload(
        StatusMove(purchase_id=purchase.id, status=PurchaseStatus.CLOSED, confirmed=True)
    )
    orders = await console.say(":as Анна", "/orders")
    assert f"Оплачено: {rub('1 200')} — к возврату {rub('200')}" in orders
    assert "переплата" not in orders


async def test_closing_a_settled_purchase_asks_as_before(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    purchase = await shop.purchase(organizer, status=PurchaseStatus.DISTRIBUTION)
    await shop.order(purchase, await shop.user("Анна"), 100_000, confirmed_kop=100_000)
    await console.say(":as organizer")
    asked = await console.press_payload(
        StatusMove(purchase_id=purchase.id, status=PurchaseStatus.CLOSED, confirmed=False)
    )
    assert "незакрытые деньги" not in asked and "?" in asked


# --- refunds refused politely -----------------------------------------------------------------


async def test_a_stale_or_foreign_refund_button_changes_nothing(
    console: ConsoleSession, shop: Shop
) -> None:
    organizer = await shop.organizer()
    other = await shop.organizer("other")
    purchase = await shop.purchase(organizer, status=PurchaseStatus.DISTRIBUTION)
    order = await shop.order(purchase, await shop.user("Анна"), 10_000, confirmed_kop=15_000)

    await console.say(":as other")
    foreign = await console.press_payload(
        RefundPaid(order_id=order.id, amount=5_000, confirmed=True)
    )
    assert "Такого заказа нет в ваших покупках." in foreign
    await console.say(":as organizer")
    stale = await console.press_payload(RefundPaid(order_id=order.id, amount=4_000, confirmed=True))
    assert f"Сумма к возврату по заказу {order.number} изменилась: теперь {rub('50')}" in stale
    assert await count(shop.app, Refund) == 0
    assert other.id != organizer.id


# --- the one function -------------------------------------------------------------------------


def test_order_money_states() -> None:
    assert order_money(41_400, 0).state is MoneyState.UNPAID
    assert order_money(41_400, 0, awaiting=41_400).to_report == 0
    assert order_money(41_400, 0, awaiting=41_400).state is MoneyState.AWAITING
    assert order_money(41_400, 41_400).state is MoneyState.PAID
    cancelled = order_money(41_400, 41_400, cancelled=True)
    assert (cancelled.due, cancelled.owed, cancelled.refund) == (0, 0, 41_400)
    assert cancelled.state is MoneyState.REFUND_DUE and cancelled.label == "cancelled"
    refunded = order_money(41_400, 41_400, refunded=41_400, cancelled=True)
    assert refunded.state is MoneyState.REFUNDED and not refunded.open
    assert order_money(0, 0).state is MoneyState.PAID and order_money(0, 0).to_report == 0
    assert order_money(100, 0, cancelled=True).state is MoneyState.NOTHING_DUE
