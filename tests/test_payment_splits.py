"""One payment over several orders, split per order and decided per order; discounts that never
go below zero; referral rounds whose discount the organizer bears (and may refuse).

Through the console, as buyers, organizers and admins do; rows the dialogs of other areas make
come from the shared factories (tests/support/shops.py, referrals.py).
"""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import App
from domain.clock import FrozenClock
from domain.payments import (
    Outstanding,
    PaymentReportStatus,
    SplitProblem,
    propose_split,
    report_outcome,
    split_problem,
)
from domain.referrals import DiscountKind, discount_fits_minimum
from handlers.buyer.referrals import PromoApply
from handlers.organizer.payments import PartConfirm
from handlers.organizer.round_discounts import RoundDiscounts
from storage.models import (
    Order,
    PaymentAllocation,
    PaymentReport,
    PromoRedemption,
    Purchase,
    ReferralRound,
)
from tests.support.drivers import ConsoleSession, button_number
from tests.support.environment import TEST_START
from tests.support.queries import count
from tests.support.referrals import codes, invite_link_of, open_round
from tests.support.shops import Shop
from tests.support.texts import NBSP


def rub(text: str) -> str:
    """Sums in `text` as the bot writes them: "1 000 ₽" with non-breaking spaces."""
    return re.sub(r"(?<=\d) (?=\d)| (?=₽)", NBSP, text)


async def two_orders(shop: Shop) -> tuple[Order, Order]:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    older = await shop.order(await shop.purchase(organizer, "Кофе"), buyer, 100_000)
    newer = await shop.order(await shop.purchase(organizer, "Чай"), buyer, 50_000)
    return older, newer


async def up_to_confirmation(console: ConsoleSession, amount: str) -> str:
    """/pay, tick both orders, the amount, now, card, no receipt, no comment."""
    await console.say(":as buyer", "/pay", "#1", "#2", "#3")
    return await console.say(amount, "#1", "#1", "#1", "#1")


async def parts_in_db(app: App) -> dict[int, tuple[int, PaymentReportStatus]]:
    async with app.session_factory() as session:
        rows = await session.scalars(select(PaymentAllocation))
        return {row.order_id: (row.amount_kop, row.status) for row in rows}


# --- the rules --------------------------------------------------------------------------------


def test_the_proposed_split_lists_every_order_and_a_split_must_add_up() -> None:
    orders = [
        Outstanding(1, TEST_START, 100_000),
        Outstanding(2, TEST_START, 50_000),
        Outstanding(3, TEST_START, 10_000),
    ]
    assert propose_split(120_000, orders) == {1: 100_000, 2: 20_000, 3: 0}
    assert split_problem(120_000, {1: 100_000, 2: 20_000, 3: 0}) is None
    assert split_problem(120_000, {1: 100_000, 2: 70_000}) is SplitProblem.SUM
    assert split_problem(120_000, {1: 130_000, 2: -10_000}) is SplitProblem.NEGATIVE
    assert split_problem(0, {1: 0, 2: 0}) is SplitProblem.NOTHING
    pending, ok, no = "pending", "confirmed", "rejected"
    assert report_outcome([ok, pending]) is PaymentReportStatus.PENDING
    assert report_outcome([ok, no]) is PaymentReportStatus.CONFIRMED
    assert report_outcome([no, no]) is PaymentReportStatus.REJECTED
    assert discount_fits_minimum(DiscountKind.FIXED, 39_900, 40_000)
    assert discount_fits_minimum(DiscountKind.FIXED, 40_000, 40_000)
    assert not discount_fits_minimum(DiscountKind.FIXED, 150_050, 40_000)
    assert discount_fits_minimum(DiscountKind.PERCENT, 9_000, 0)


# --- one payment, two orders ------------------------------------------------------------------


async def test_split_as_proposed_then_one_order_confirmed_and_the_other_rejected(
    console: ConsoleSession, shop: Shop
) -> None:
    older, newer = await two_orders(shop)

    out = await up_to_confirmation(console, "1200")
    # The proposal: each order's balance, oldest first; every order listed with its part.
    assert rub(f"Заказ {older.number} «Кофе»: 1 000 ₽") in out
    assert rub(f"Заказ {newer.number} «Чай»: 200 ₽") in out
    assert "Платёж разделён по заказам" in out
    assert "[#1 Отправить] [#2 Отмена]" in out
    assert rub(f"[#3 ✏️ Заказ {older.number}: 1 000 ₽]") in out
    assert rub(f"[#4 ✏️ Заказ {newer.number}: 200 ₽]") in out

    out = await console.say("#1")
    assert "отправлено организатору" in out
    # The organizer's message lists every order with its part, and a decision per order.
    assert rub(f"• Заказ {older.number} «Кофе»: 1 000 ₽") in out
    assert rub(f"• Заказ {newer.number} «Чай»: 200 ₽") in out
    assert "[#1 ✅ Подтвердить всё] [#2 ❌ Отклонить всё]" in out
    assert f"[#3 ✅ Заказ {older.number}] [#4 ❌ Заказ {older.number}]" in out
    assert f"[#5 ✅ Заказ {newer.number}] [#6 ❌ Заказ {newer.number}]" in out
    assert await parts_in_db(shop.app) == {
        older.id: (100_000, PaymentReportStatus.PENDING),
        newer.id: (20_000, PaymentReportStatus.PENDING),
    }

    out = await console.say(":as organizer", "#3")
    assert rub(f"часть 1 000 ₽ по заказу {older.number} подтверждена") in out
    assert (
        rub(f"📨 to buyer: ✅ Организатор СП organizer подтвердил оплату по заказу {older.number}")
        in out
    )
    # What is left to decide comes back with its own buttons; the confirmed part is marked.
    assert "— ✅ подтверждено" in out
    assert f"[#3 ✅ Заказ {newer.number}] [#4 ❌ Заказ {newer.number}]" in out
    assert (await shop.get(Order, older.id)).confirmed_paid_kop == 100_000
    assert (await shop.get(PaymentReport, 1)).status is PaymentReportStatus.PENDING

    out = await console.say("#4")
    assert f"Почему вы отклоняете оплату №1 по заказу {newer.number}?" in out
    out = await console.say("no")
    assert "Причина должна быть от 3 до 500 символов" in out
    out = await console.say("Второго перевода нет")
    assert f"Оплата №1 по заказу {newer.number} отклонена" in out
    assert (
        f"📨 to buyer: ❌ Организатор СП organizer отклонил оплату по заказу {newer.number}" in out
    )
    assert "Причина: Второго перевода нет" in out
    assert "По всем заказам этой оплаты решение принято." in out

    # Each order's confirmed money follows its own decision; money arrived, so the report
    # itself counts as confirmed.
    assert (await shop.get(Order, older.id)).confirmed_paid_kop == 100_000
    assert (await shop.get(Order, newer.id)).confirmed_paid_kop == 0
    assert await parts_in_db(shop.app) == {
        older.id: (100_000, PaymentReportStatus.CONFIRMED),
        newer.id: (20_000, PaymentReportStatus.REJECTED),
    }
    assert (await shop.get(PaymentReport, 1)).status is PaymentReportStatus.CONFIRMED

    # A decided part's buttons, pressed again, change nothing.
    allocation_ids = await allocation_ids_by_order(shop.app)
    out = await console.press_payload(PartConfirm(allocation_id=allocation_ids[newer.id]))
    assert f"Оплата по заказу {newer.number} уже отклонена" in out
    assert (await shop.get(Order, newer.id)).confirmed_paid_kop == 0

    # The rejected order is asked for again; the confirmed one is paid.
    out = await console.say(":as buyer", "/pay")
    assert rub("Итого к оплате: 500 ₽") in out and older.number not in out


async def allocation_ids_by_order(app: App) -> dict[int, int]:
    async with app.session_factory() as session:
        rows = await session.scalars(select(PaymentAllocation))
        return {row.order_id: row.id for row in rows}


async def test_the_buyer_edits_the_split_and_a_bad_split_is_refused(
    console: ConsoleSession, shop: Shop
) -> None:
    older, newer = await two_orders(shop)
    await up_to_confirmation(console, "1200")

    out = await console.say("#4")
    assert rub(f"Сколько из 1 200 ₽ — на заказ {newer.number} «Чай»? Сейчас: 200 ₽") in out
    for bad, refusal in (
        ("много", "Не понял сумму"),
        ("-5", "Сумма не может быть отрицательной"),
        ("5000", rub("не может быть больше всего платежа (1 200 ₽)")),
    ):
        out = await console.say(bad)
        assert refusal in out, out
    out = await console.say("700")
    assert rub(f"[#4 ✏️ Заказ {newer.number}: 700 ₽]") in out
    assert rub("Части в сумме 1 700 ₽ — на 500 ₽ больше платежа (1 200 ₽)") in out
    assert "[#5 ↩️ Разделить заново по остаткам]" in out

    out = await console.say("#1")  # "Send" with parts that do not add up
    assert rub("Части в сумме 1 700 ₽ — на 500 ₽ больше платежа") in out
    assert await count(shop.app, PaymentReport) == 0

    out = await console.say("#3", "500")
    assert rub(f"[#3 ✏️ Заказ {older.number}: 500 ₽]") in out
    assert "Части в сумме" not in out
    out = await console.say("#1")
    assert "отправлено организатору" in out
    assert rub(f"• Заказ {older.number} «Кофе»: 500 ₽") in out
    assert rub(f"• Заказ {newer.number} «Чай»: 700 ₽") in out
    assert await parts_in_db(shop.app) == {
        older.id: (50_000, PaymentReportStatus.PENDING),
        newer.id: (70_000, PaymentReportStatus.PENDING),
    }

    # "Confirm all" confirms both parts at once; each order gets its own part.
    out = await console.say(":as organizer", "#1")
    assert rub("Оплата №1 на 1 200 ₽ подтверждена") in out
    assert (await shop.get(Order, older.id)).confirmed_paid_kop == 50_000
    assert (await shop.get(Order, newer.id)).confirmed_paid_kop == 70_000


async def test_an_order_the_buyer_gives_nothing_stays_out_of_the_report(
    console: ConsoleSession, shop: Shop
) -> None:
    _, newer = await two_orders(shop)
    out = await up_to_confirmation(console, "500")
    assert f"Заказ {newer.number} «Чай»: 0{NBSP}₽ — этот платёж его не оплачивает" in out
    await console.say("#3", "0")  # older gets nothing...
    out = await console.say("#4", "0")  # ...and newer too: nothing is paid at all
    assert "Все части равны нулю" in out
    out = await console.say("#4", "500", "#1")
    assert "отправлено организатору" in out
    assert await parts_in_db(shop.app) == {newer.id: (50_000, PaymentReportStatus.PENDING)}
    # A report over one order has the plain Confirm / Reject.
    assert "[#1 ✅ Подтвердить] [#2 ❌ Отклонить]" in out


# --- discounts --------------------------------------------------------------------------------


async def test_a_fixed_discount_beyond_the_order_is_capped_at_its_sum(
    app: App, console: ConsoleSession, clock: FrozenClock, shop: Shop
) -> None:
    # A round made before the check at creation existed: 1 500,50 ₽ off orders from 400 ₽.
    await open_round(app, clock, threshold=1, discount=(DiscountKind.FIXED, 150_050))
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    [code] = await codes(app)
    organizer = await shop.organizer()
    anna_id = code.owner_id
    assert anna_id is not None
    async with app.session_factory() as session, session.begin():
        purchase = Purchase(organizer_id=organizer.id, title="Лето", fee_bp=1000, status="open")
        session.add(purchase)
        await session.flush()
        order = Order(
            purchase_id=purchase.id,
            buyer_id=anna_id,
            items_total_kop=40_000,
            fee_kop=4_000,
            due_kop=44_000,
            number="TEST-CAP1",
        )
        session.add(order)
    await console.say(":as anna")
    await console.press_payload(PromoApply(code_id=code.id, order_id=order.id))
    saved = await shop.get(Order, order.id)
    # The discount is the order's sum, not more: nothing below zero, nothing to remind of.
    assert (saved.discount_kop, saved.due_kop) == (44_000, 0)
    async with app.session_factory() as session:
        redemption = await session.scalar(select(PromoRedemption))
    assert redemption is not None and redemption.discount_kop == 44_000


async def test_a_round_whose_fixed_discount_exceeds_its_minimum_is_refused_at_creation(
    app: App, console: ConsoleSession
) -> None:
    await console.say(":as admin", "/rounds new", "сейчас", "7", "#1")
    out = await console.say("1 500,50")
    assert "Минимальная сумма заказа" in out
    out = await console.say("400")
    assert rub("Скидка 1 500,50 ₽ больше минимальной суммы заказа 400 ₽") in out
    assert "скидку оплачивает организатор" in out
    out = await console.say("#1")  # "no minimum" is no better
    assert rub("Скидка 1 500,50 ₽ больше минимальной суммы заказа 0 ₽") in out
    out = await console.say("1600")
    assert "Сколько коды действуют после конца раунда?" in out
    async with app.session_factory() as session:
        assert await session.scalar(select(ReferralRound)) is None


async def test_an_organizer_opts_a_purchase_out_of_round_discounts(
    app: App, console: ConsoleSession, clock: FrozenClock, shop: Shop
) -> None:
    await open_round(app, clock, threshold=1)  # 399 ₽ off orders from 400 ₽
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend1", link)
    [code] = await codes(app)
    organizer = await shop.organizer()
    async with app.session_factory() as session, session.begin():
        purchase = Purchase(organizer_id=organizer.id, title="Лето", fee_bp=0, status="open")
        session.add(purchase)
        await session.flush()
        order = Order(
            purchase_id=purchase.id,
            buyer_id=code.owner_id,
            items_total_kop=50_000,
            due_kop=50_000,
            number="TEST-OPT1",
        )
        session.add(order)
    # The card says who bears a round's discount, and offers to stop taking them.
    out = await console.say(":as organizer", f"/purchase {purchase.id}")
    assert "Скидки раундов приглашений: принимаются — скидка по раунду за счёт организатора" in out
    # The choice itself is in the card's Edit menu (a VK keyboard holds ten buttons).
    out = await console.say(button_number(out, "✏️ Редактировать"))
    assert "Не принимать скидки раундов]" in out
    out = await console.press_payload(RoundDiscounts(purchase_id=purchase.id, accept=False))
    assert "больше не принимает коды раундов приглашений" in out
    assert (await shop.get(Purchase, purchase.id)).accepts_round_discounts is False
    out = await console.say(f"/purchase {purchase.id}")
    assert "не принимаются — коды раундов к заказам этой покупки не применяются" in out

    # The buyer's code is refused politely on that purchase and stays unused.
    await console.say(":as anna")
    out = await console.press_payload(PromoApply(code_id=code.id, order_id=order.id))
    assert "не принимает коды раундов приглашений, поэтому код" in out
    assert "Код остаётся неиспользованным" in out
    saved = await shop.get(Order, order.id)
    assert (saved.promo_code_id, saved.discount_kop, saved.due_kop) == (None, 0, 50_000)
    assert await count(app, PromoRedemption) == 0
    out = await console.say("/promo")
    assert code.code in out

    # Opting back in makes the code usable again.
    await console.say(":as organizer")
    await console.press_payload(RoundDiscounts(purchase_id=purchase.id, accept=True))
    await console.say(":as anna")
    out = await console.press_payload(PromoApply(code_id=code.id, order_id=order.id))
    assert (await shop.get(Order, order.id)).discount_kop == 39_900
