"""Claims (issue 19): the buyer's form (order, line, problem, description, photos, wish) with
its bad inputs, the organizer's decisions and their money in the order's balance (/orders,
/reconcile and its refund button, the exports), the buyer's acceptance or escalation, and
the service admin's final decision.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from domain.balance import OrderMoney
from domain.lifecycle import PurchaseStatus
from handlers.admin.moderation import ModerationClaim
from handlers.claims import (
    ClaimAnswer,
    ClaimDecide,
    ClaimLine,
    ClaimOrder,
    ClaimPhotosDone,
    ClaimProblem,
    ClaimWish,
)
from storage.models import (
    ClaimDecision,
    Conversation,
    ConversationStatus,
    Order,
    OrderLine,
    Purchase,
)
from storage.repositories.refunds import money_of
from storage.uow import UnitOfWork
from tests.support.drivers import ConsoleSession
from tests.support.shops import add_order, seed_shop, set_status

# Футболка 500 ₽ + 15 % organizer fee.
SHIRT_WITH_FEE = 57_500


async def claims(app: App) -> list[Conversation]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(Conversation).order_by(Conversation.id)))


async def order_state(app: App, order_id: int) -> tuple[Order, OrderMoney, OrderMoney, OrderMoney]:
    """The order with its money as /orders reads it, its /reconcile row's and its export
    row's (domain/balance.py `order_money` behind all three)."""
    async with app.session_factory() as session:
        uow = UnitOfWork(session)
        plain = await session.get(Order, order_id)
        assert plain is not None
        purchase = await session.get(Purchase, plain.purchase_id)
        assert purchase is not None
        order = await uow.refunds.organizer_order(purchase.organizer_id, order_id)
        assert order is not None
        [row] = [
            r for r in await uow.payments.reconciliation(purchase.id) if r.order_id == order_id
        ]
        exported = await uow.purchases.distribution_orders(purchase.id)
        [export] = [e for e in exported if e.order_number == order.number]
        return order, money_of(order), row.money, export.money


async def file_claim(
    console: ConsoleSession, app: App, order: Order, *, problem: str, wish: str, photos: int
) -> str:
    async with app.session_factory() as session:
        [line] = await session.scalars(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id).limit(1)
        )
    await console.say(":as buyer", "/claim")
    await console.press_payload(ClaimOrder(order_id=order.id))
    await console.press_payload(ClaimLine(order_id=order.id, line_id=line.id))
    await console.press_payload(ClaimProblem(problem=problem))  # type: ignore[arg-type]
    await console.say("Шов разошёлся после первой стирки")
    for _ in range(photos):
        await console.say(":photo")
    await console.press_payload(ClaimPhotosDone())
    return await console.press_payload(ClaimWish(wish=wish))  # type: ignore[arg-type]


async def test_the_form_refuses_bad_input_and_keeps_what_was_entered(
    app: App, console: ConsoleSession
) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1), (1, "", 2)])
    out = await console.say("/claim")
    assert "По какому заказу претензия?" in out
    out = await console.press_payload(ClaimOrder(order_id=order.id))
    assert "по какому товару претензия?" in out
    assert "Футболка · M · 1 шт." in out and "Носки · - · 2 шт." in out
    async with app.session_factory() as session:
        line_ids = list(
            await session.scalars(select(OrderLine.id).where(OrderLine.order_id == order.id))
        )
    out = await console.press_payload(ClaimLine(order_id=order.id, line_id=line_ids[0]))
    assert "«Футболка»: что не так?" in out and "Брак" in out
    out = await console.say("сломано")  # typed instead of a button: asked again
    assert "«Футболка»: что не так?" in out
    await console.press_payload(ClaimProblem(problem="defect"))
    out = await console.say("Звоните +7 912 345-67-89")
    assert "⛔ Сообщение не отправлено" in out
    out = await console.say("Шов разошёлся после первой стирки")
    assert "Пришлите фото брака — нужно хотя бы одно" in out
    out = await console.say("вот")
    assert "Жду фото" in out
    out = await console.press_payload(ClaimPhotosDone())
    assert "нужно хотя бы одно фото" in out
    out = await console.say(":photo")
    assert "Получено: 1" in out
    out = await console.press_payload(ClaimPhotosDone())
    assert "Что вы хотите?" in out
    # A stale button of an earlier step: refused, the form stays.
    out = await console.press_payload(ClaimProblem(problem="wrong"))
    assert "Эта кнопка от другой формы" in out
    out = await console.press_payload(ClaimWish(wish="refund"))
    assert f"Претензия по заказу № {order.number} отправлена организатору" in out
    # The organizer gets the photo and the claim with the decision buttons; no buyer name.
    assert "📨 to organizer: 📝 Претензия по заказу № " in out and "фото 1 из 1" in out
    assert "🖼 photo" in out
    assert "Товар: Футболка, размер M, 1 шт." in out
    assert "Проблема: брак. Покупатель хочет: вернуть деньги." in out
    assert "«Шов разошёлся после первой стирки» (фото: 1)" in out
    assert "💸 Вернуть деньги полностью" in out and "✖ Отклонить" in out
    [claim] = await claims(app)
    assert claim.claim_problem == "defect" and claim.claim_wish == "refund"
    assert claim.claim_line_id == line_ids[0] and claim.waiting_since is not None
    # Another buyer's order or line: refused.
    out = await console.say(":as buyer2", "/claim")
    out = await console.press_payload(ClaimLine(order_id=order.id, line_id=line_ids[0]))
    assert "Такого заказа среди ваших нет." in out


async def test_full_refund_accepted_becomes_a_refund_in_the_balance(
    app: App, console: ConsoleSession
) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1)], paid=SHIRT_WITH_FEE)
    await set_status(app, shop.purchase_id, PurchaseStatus.DISTRIBUTION)
    await file_claim(console, app, order, problem="defect", wish="refund", photos=1)
    [claim] = await claims(app)
    # The buyer cannot decide their own claim; nobody else can either.
    out = await console.press_payload(ClaimDecide(conversation_id=claim.id, decision="refund"))
    assert "Этой переписки среди ваших нет." in out

    out = await console.say(":as organizer")
    out = await console.press_payload(ClaimDecide(conversation_id=claim.id, decision="refund"))
    assert "Решение записано: полный возврат за товар: 575\u00a0₽." in out
    assert "выплатите его в /reconcile" in out
    assert "📨 to buyer: 📝 СП у Анны ответил(а) по претензии" in out
    assert "К возврату по заказу: 575\u00a0₽; осталось оплатить: 0\u00a0₽." in out
    # Decided once.
    out = await console.press_payload(ClaimDecide(conversation_id=claim.id, decision="comp"))
    assert "уже принято решение" in out

    stored, mine, reconciled, exported = await order_state(app, order.id)
    assert stored.compensation_kop == SHIRT_WITH_FEE and stored.due_kop == SHIRT_WITH_FEE
    assert mine.due == 0 and mine.refund == SHIRT_WITH_FEE
    assert reconciled == mine and exported.refund == SHIRT_WITH_FEE

    out = await console.say(f"/reconcile {shop.purchase_id}")
    assert f"💸 {order.number}: вернуть 575\u00a0₽" in out
    out = await console.say(":as buyer", "/orders")
    assert "к возврату 575" in out

    out = await console.press_payload(ClaimAnswer(conversation_id=claim.id, action="accept"))
    assert "Претензия закрыта" in out
    out = await console.press_payload(ClaimAnswer(conversation_id=claim.id, action="escalate"))
    assert "уже всё решено" in out
    [claim] = await claims(app)
    assert claim.status is ConversationStatus.RESOLVED and claim.claim_accepted_at is not None


async def test_compensation_escalated_and_the_admin_rejects(
    app: App, console: ConsoleSession
) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1), (1, "", 2)])
    await console.say(":as admin", "/start")
    await file_claim(console, app, order, problem="wrong", wish="compensation", photos=0)
    [claim] = await claims(app)
    _, before, _, _ = await order_state(app, order.id)

    await console.say(":as organizer")
    out = await console.press_payload(ClaimDecide(conversation_id=claim.id, decision="comp"))
    assert "Сколько компенсировать?" in out and "не больше 852,15\u00a0₽" in out
    out = await console.say("много")
    assert "Не понял сумму" in out
    out = await console.say("100 000")
    assert "можно не больше 852,15\u00a0₽" in out
    out = await console.say("300")
    assert "Решение записано: частичная компенсация: 300\u00a0₽." in out
    _, after, reconciled, exported = await order_state(app, order.id)
    # Unpaid: the order simply owes less.
    assert after.owed == before.owed - 30_000 and after.refund == 0
    assert reconciled.owed == after.owed and exported.owed == after.owed

    out = await console.say(":as buyer")
    out = await console.press_payload(ClaimAnswer(conversation_id=claim.id, action="escalate"))
    assert "передана администратору сервиса" in out
    assert "📨 to admin: ⚖ Покупатель не согласен с решением по претензии" in out
    assert "Покупатель: buyer (console:buyer). Организатор: organizer (console:organizer)." in out
    assert "Решение организатора: частичная компенсация: 300\u00a0₽." in out
    # The organizer can no longer decide; the admin can.
    out = await console.say(":as organizer")
    out = await console.press_payload(ClaimDecide(conversation_id=claim.id, decision="refund"))
    assert "у администратора сервиса" in out

    # The admin finds it in /moderation too, with its history and the decision buttons.
    out = await console.say(":as admin", "/moderation")
    assert "Претензии у вас на решении: 1." in out and f"⚖ Претензия № {order.number}" in out
    out = await console.press_payload(ModerationClaim(conversation_id=claim.id))
    assert "Решение организатора: частичная компенсация: 300\u00a0₽." in out
    assert "Покупатель: Шов разошёлся после первой стирки" in out and "✖ Отклонить" in out
    out = await console.press_payload(ClaimDecide(conversation_id=claim.id, decision="reject"))
    assert "Напишите причину отказа" in out
    out = await console.say("Товар соответствует описанию на фото поставщика.")
    assert "Решение записано: претензия отклонена." in out
    assert "📨 to buyer: ⚖ Администратор сервиса решил" in out
    assert "📨 to organizer: ⚖ Администратор сервиса решил" in out
    stored, final, _, _ = await order_state(app, order.id)
    assert stored.compensation_kop == 0 and final.owed == before.owed
    [claim] = await claims(app)
    assert claim.status is ConversationStatus.RESOLVED
    assert claim.claim_decision is ClaimDecision.REJECTED and claim.claim_decided_by == "admin"
    out = await console.press_payload(ModerationClaim(conversation_id=claim.id))
    assert "уже не ждёт вашего решения" in out
    out = await console.press_payload(ClaimDecide(conversation_id=claim.id, decision="refund"))
    assert "уже принято решение" in out


async def test_rejection_reason_is_moderated_and_replacement_moves_no_money(
    app: App, console: ConsoleSession
) -> None:
    shop = await seed_shop(app)
    first = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1)], paid=SHIRT_WITH_FEE)
    second = await add_order(app, shop.purchase_id, "buyer", [(2, "44", 1)])
    await file_claim(console, app, first, problem="missing", wish="missing", photos=0)
    await file_claim(console, app, second, problem="wrong", wish="replacement", photos=0)
    one, two = await claims(app)

    await console.say(":as organizer")
    await console.press_payload(ClaimDecide(conversation_id=one.id, decision="reject"))
    out = await console.say("Подробности на https://example.com")
    assert "⛔ Сообщение не отправлено: ссылки" in out and "📨 to buyer" not in out
    out = await console.say("Мы отправили всё по накладной, проверьте пакет ещё раз.")
    assert "претензия отклонена" in out and "📨 to buyer" in out
    out = await console.press_payload(ClaimDecide(conversation_id=two.id, decision="replace"))
    assert "Решение записано: замена товара." in out
    for order in (first, second):
        stored, money, _, _ = await order_state(app, order.id)
        assert stored.compensation_kop == 0 and money.due == stored.due_kop


async def test_pay_asks_for_what_the_order_costs_after_a_compensation(
    app: App, console: ConsoleSession
) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "buyer", [(0, "M", 1)])
    await set_status(app, shop.purchase_id, PurchaseStatus.PAYMENT)
    await file_claim(console, app, order, problem="defect", wish="compensation", photos=1)
    [claim] = await claims(app)
    await console.say(":as organizer")
    await console.press_payload(ClaimDecide(conversation_id=claim.id, decision="comp"))
    await console.say("75")
    _, money, _, _ = await order_state(app, order.id)
    assert money.owed == SHIRT_WITH_FEE - 7_500
    out = await console.say(":as buyer", f"/pay {order.number}")
    # 575 ₽ less the 75 ₽ compensation, as /orders says.
    assert "Итого к оплате: 500\u00a0₽" in out and "Вся сумма: 500\u00a0₽" in out
