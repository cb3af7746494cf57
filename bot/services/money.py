"""An order's money in words, and the refunds that follow from it.

`money_state_text` is how every screen says where an order's money stands (the buyer's
/orders and order card, /pay, the organizer's /payments and the payment decisions, the
reminders): the figures come from `domain.balance.order_money`, the sentence from the one
text `money-state`.

Refunds. A buyer is told through the outbox when money becomes owed back to them (their
order or the purchase is cancelled after money was confirmed, or more was confirmed than the
order costs) and when the organizer records the refund. Both are ANSWER messages: it is the
buyer's own money, so stopping broadcasts must not hide it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal

from bot.core.replies import Reply
from bot.texts import Texts, Translator
from domain.balance import MoneyState, OrderMoney
from domain.lifecycle import PurchaseStatus
from domain.money import format_amount
from storage.models import Order, Organizer, OutboxKind, Purchase, User
from storage.repositories.refunds import money_of
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

RefundReason = Literal["cancelled", "order_cancelled", "overpaid"]


def money_args(money: OrderMoney, lang: str) -> dict[str, str]:
    """The figures of an order's money state, formatted, for any text that shows them."""
    return {
        "state": money.state.value,
        "due": format_amount(money.due, lang),
        "confirmed": format_amount(money.confirmed, lang),
        "awaiting": format_amount(money.awaiting, lang),
        "owed": format_amount(money.owed, lang),
        "to_report": format_amount(money.to_report, lang),
        "to_report_any": "yes" if money.to_report else "no",
        "refund": format_amount(money.refund, lang),
        "refunded": format_amount(money.refunded, lang),
        # The awaiting part is said inside the sentence of the awaiting state, else after it.
        "extra_awaiting": "yes"
        if money.awaiting and money.state is not MoneyState.AWAITING
        else "no",
        "awaiting_any": "yes" if money.awaiting else "no",
        "cancelled": "yes" if money.cancelled else "no",
    }


def money_state_text(t: Translator, money: OrderMoney) -> str:
    """ "не оплачено, к оплате 414 ₽", "ожидает подтверждения: 414 ₽", "к возврату 414 ₽"."""
    return t("money-state", **money_args(money, t.lang))


def money_paid_line(t: Translator, money: OrderMoney) -> str:
    """ "Оплачено: 0 ₽ — ожидает подтверждения: 414 ₽": the buyer's line under an order."""
    return t(
        "money-paid-line",
        confirmed=format_amount(money.confirmed, t.lang),
        state=money_state_text(t, money),
    )


def money_state_label(t: Translator, money: OrderMoney) -> str:
    """A short state for a table cell ("не оплачен", "переплата", "отменён")."""
    return t("money-state-label", label=money.label)


async def _organizer_of(uow: UnitOfWork, purchase: Purchase) -> Organizer | None:
    return await uow.session.get(Organizer, purchase.organizer_id)


async def tell_refund_due(
    uow: UnitOfWork,
    texts: Texts,
    order: Order,
    reason: RefundReason,
    *,
    buyer: User | None = None,
) -> bool:
    """Tell the order's buyer that money is owed back to them, if it is (`order.purchase`
    loaded). The dedup key holds the figures, so a retried step tells once and a later,
    larger overpayment tells again. Returns whether a message was queued."""
    money = money_of(order)
    if not money.refund:
        return False
    buyer = buyer or await uow.users.get(order.buyer_id)
    organizer = await _organizer_of(uow, order.purchase)
    if buyer is None or organizer is None:
        return False
    lang = buyer.language
    text = texts.get(
        lang,
        "money-refund-due",
        organizer=organizer.name,
        amount=format_amount(money.refund, lang),
        number=order.number or str(order.id),
        title=order.purchase.title,
        reason=reason,
    )
    queued = await uow.outbox.enqueue(
        buyer,
        Reply(text=text),
        OutboxKind.ANSWER,
        dedup_key=f"refund-due:{order.id}:{money.confirmed}:{money.due}:{money.refunded}",
    )
    return queued is not None


async def tell_refunds_after_confirm(uow: UnitOfWork, texts: Texts, order_ids: list[int]) -> int:
    """Payments were just confirmed for these orders: a buyer whose confirmed money now
    goes beyond what the order costs (or whose order or purchase is cancelled) hears that
    it is owed back. Returns how many were told."""
    told = 0
    for order in (await uow.payments.orders(order_ids)).values():
        money = money_of(order)
        if not money.refund:
            continue
        reason: RefundReason = "overpaid"
        if order.purchase.status is PurchaseStatus.CANCELLED:
            reason = "cancelled"
        elif money.cancelled:
            reason = "order_cancelled"
        told += await tell_refund_due(uow, texts, order, reason)
    return told


async def tell_refunds_of_cancelled_purchase(
    uow: UnitOfWork, texts: Texts, purchase: Purchase
) -> int:
    """A purchase was cancelled: every buyer with confirmed money in it hears it is owed
    back (orders cancelled earlier were told then; the dedup key keeps them from a second
    message). Returns how many were told."""
    told = 0
    for order, buyer in await uow.refunds.purchase_orders_with_money(purchase.id):
        told += await tell_refund_due(uow, texts, order, "cancelled", buyer=buyer)
    return told


async def record_refund(
    uow: UnitOfWork,
    texts: Texts,
    order: Order,
    amount_kop: int,
    *,
    organizer: Organizer,
    actor_user_id: int,
    now: datetime,
) -> OrderMoney:
    """Record a refund the organizer paid back (`order` locked, `amount_kop` checked by the
    caller against what is to refund) and tell the buyer. Returns the order's new state."""
    refund = await uow.refunds.record(
        order, amount_kop, organizer_id=organizer.id, actor_user_id=actor_user_id, now=now
    )
    money = money_of(order)
    buyer = await uow.users.get(order.buyer_id)
    if buyer is not None:
        lang = buyer.language
        text = texts.get(
            lang,
            "money-refund-recorded",
            organizer=organizer.name,
            amount=format_amount(amount_kop, lang),
            number=order.number or str(order.id),
            title=order.purchase.title,
            left=format_amount(money.refund, lang),
            left_any="yes" if money.refund else "no",
        )
        await uow.outbox.enqueue(
            buyer, Reply(text=text), OutboxKind.ANSWER, dedup_key=f"refund-recorded:{refund.id}"
        )
    log.info("refund %s of order %s recorded: %d kop", refund.id, order.id, amount_kop)
    return money
