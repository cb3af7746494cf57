"""Transport costs ("ТР"): the organizer's delivery cost split among the orders after arrival,
added to what each order owes, told to the buyers and reminded like any payment.

The share is folded into the order's stored due (`Order.due_kop`, with `Order.transport_kop`
saying how much of it is transport), so `domain.balance.order_money` and every view built
on it (/orders, /pay, /payments, /reconcile, reminders, the exports) count it without
knowing about transport; anything that recomputes a due from items, fee and discount adds
`transport_kop` back (bot/services/referrals.py, storage/repositories/orders.py).

Correcting the cost. The organizer may enter the cost again at any time while the purchase
is arrived or being distributed: the split is recomputed over the orders as they are now,
each buyer whose share changed is told (old and new share), and money already confirmed
stays where it is. So after buyers paid, a smaller share shows as money to refund
("к возврату", recorded through /reconcile as any overpayment) and a larger one as money
still owed, reminded again; the preview warns the organizer how many buyers that concerns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.core.replies import Reply
from bot.scheduler import TaskContext
from bot.services.money import money_args, money_state_text
from bot.services.reminders import pay_button
from bot.texts import Texts
from domain import clock
from domain.balance import OrderMoney, order_money
from domain.lifecycle import OrderStatus, PurchaseStatus, accepts_payments
from domain.money import format_amount
from domain.periods import MOSCOW
from domain.transport import SplitBasis, transport_shares
from storage.models import Order, OutboxKind, Purchase, ScheduledTask, User
from storage.repositories.transport import TransportRepository
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# After arrival: the goods are here and the delivery bill is known. Distribution too, as
# bills sometimes come late; never once closed (the accounts are settled).
TRANSPORT_STATUSES = (PurchaseStatus.ARRIVED, PurchaseStatus.DISTRIBUTION)
TRANSPORT_REMINDER = "transport-reminder"
# Reminders on the mornings one and three days after the cost was entered (Moscow time).
REMINDER_DAYS = (1, 3)
REMINDER_MORNING = time(10, 0)


def transport_open(purchase: Purchase) -> bool:
    return purchase.status in TRANSPORT_STATUSES


@dataclass(frozen=True, slots=True)
class PlanRow:
    order: Order
    buyer: User
    basis: int  # grams, kopecks or pieces, as the split read the order
    old_share: int
    new_share: int
    cancelled: bool

    @property
    def due_before(self) -> int:
        return self.money_before.due

    @property
    def due_after(self) -> int:
        return self.money_after.due

    @property
    def money_before(self) -> OrderMoney:
        return _money(self.order, self.order.due_kop)

    @property
    def money_after(self) -> OrderMoney:
        return _money(self.order, self.order.due_kop - self.old_share + self.new_share)

    @property
    def paid_transport(self) -> bool:
        """Confirmed money already covers part of the old share."""
        return self.old_share > 0 and self.order.confirmed_paid_kop > (
            self.order.due_kop - self.old_share
        )


def _money(order: Order, due: int) -> OrderMoney:
    return order_money(
        due,
        order.confirmed_paid_kop,
        refunded=order.refunded_kop,
        cancelled=order.status is not OrderStatus.ACTIVE,
    )


@dataclass(frozen=True, slots=True)
class TransportPlan:
    cost_kop: int
    basis: SplitBasis
    rows: list[PlanRow]

    @property
    def live(self) -> list[PlanRow]:
        return [row for row in self.rows if not row.cancelled]

    @property
    def changed(self) -> list[PlanRow]:
        return [row for row in self.rows if row.old_share != row.new_share]

    @property
    def paid_before(self) -> int:
        """Buyers' orders that had paid some of a share this plan changes."""
        return sum(1 for row in self.changed if row.paid_transport)


async def plan_split(
    uow: UnitOfWork, purchase: Purchase, cost_kop: int, basis: SplitBasis, *, lock: bool = False
) -> TransportPlan:
    """Every order's share of `cost_kop` split by `basis`, beside its share now. Raises
    `domain.transport.TransportError` ("weights-missing", "nothing-to-split")."""
    orders = await TransportRepository(uow.session).split_orders(purchase.id, lock=lock)
    shares = transport_shares(cost_kop, [o.basis for o in orders], basis)
    rows = [
        PlanRow(
            order=o.order,
            buyer=o.buyer,
            basis=o.basis.basis(basis),
            old_share=o.order.transport_kop or 0,
            new_share=shares[o.order.id],
            cancelled=o.basis.cancelled,
        )
        for o in orders
    ]
    return TransportPlan(cost_kop, basis, rows)


async def apply_split(
    uow: UnitOfWork, texts: Texts, purchase: Purchase, plan: TransportPlan, *, now: datetime
) -> int:
    """Write the plan (orders locked by `plan_split(lock=True)`): each order's share and due,
    the purchase's cost, basis and moment; tell the buyers whose share changed; schedule the
    reminders. Returns how many buyers were told."""
    correction = purchase.transport_kop is not None
    for row in plan.changed:
        order = row.order
        order.due_kop = order.due_kop - row.old_share + row.new_share
        order.transport_kop = row.new_share
        order.updated_at = now
    purchase.transport_kop = plan.cost_kop
    purchase.transport_basis = plan.basis.value
    purchase.transport_set_at = now
    purchase.updated_at = now
    told = 0
    for row in plan.changed:
        if row.cancelled:
            continue
        told += await _tell_buyer(uow, texts, purchase, row, correction=correction)
    await schedule_transport_reminders(uow, purchase, now=now)
    log.info(
        "transport of purchase %s: %d kop by %s, %d orders changed",
        purchase.id,
        plan.cost_kop,
        plan.basis.value,
        len(plan.changed),
    )
    return told


async def _tell_buyer(
    uow: UnitOfWork, texts: Texts, purchase: Purchase, row: PlanRow, *, correction: bool
) -> int:
    buyer, order = row.buyer, row.order
    lang = buyer.language
    t = texts.translator(lang)
    money = _money(order, order.due_kop)
    text = t(
        "transport-buyer-share",
        title=purchase.title,
        number=order.number or str(order.id),
        share=format_amount(row.new_share, lang),
        old=format_amount(row.old_share, lang),
        correction="yes" if correction else "no",
        basis=purchase.transport_basis or "",
        cost=format_amount(purchase.transport_kop or 0, lang),
        state=money_state_text(t, money),
        due=format_amount(money.due, lang),
    )
    buttons = [[pay_button(texts, lang, order)]] if money.to_report else []
    stamp = f"{purchase.transport_set_at:%Y%m%d%H%M%S%f}"
    queued = await uow.outbox.enqueue(
        buyer,
        Reply(text=text, buttons=buttons),
        OutboxKind.NOTIFICATION,
        dedup_key=f"transport:{order.id}:{stamp}:{row.old_share}:{row.new_share}",
    )
    return int(queued is not None)


# --- reminders --------------------------------------------------------------------------------


def reminder_key(purchase_id: int, day: int) -> str:
    return f"{TRANSPORT_REMINDER}:{purchase_id}:{day}"


def reminder_moments(entered: datetime) -> dict[int, datetime]:
    """10:00 in Moscow one and three days after the day the cost was entered (UTC)."""
    day = entered.astimezone(MOSCOW).date()
    return {
        n: datetime.combine(day + timedelta(days=n), REMINDER_MORNING, tzinfo=MOSCOW).astimezone(
            entered.tzinfo
        )
        for n in REMINDER_DAYS
    }


async def schedule_transport_reminders(
    uow: UnitOfWork, purchase: Purchase, *, now: datetime | None = None
) -> None:
    """Record (or move to the new entry's mornings) the purchase's transport reminders."""
    now = now or clock.now()
    for day, due_at in reminder_moments(now).items():
        key = reminder_key(purchase.id, day)
        created = await uow.tasks.schedule(
            TRANSPORT_REMINDER, key, due_at, {"purchase_id": purchase.id, "day": day}
        )
        if created is None:
            await uow.tasks.rearm(key, due_at)


async def send_transport_reminders(ctx: TaskContext, task: ScheduledTask) -> None:
    """Remind buyers who still owe on an order that carries a transport share (and allowed
    notifications), while the purchase takes payments. Once per buyer, reminder and entry
    of the cost."""
    purchase = await ctx.uow.session.get(Purchase, int(task.data["purchase_id"]))
    if purchase is None or not accepts_payments(purchase.status):
        return
    if purchase.transport_set_at is None:
        return
    day = int(task.data["day"])
    sent = 0
    for target in await ctx.uow.payments.reminder_targets(purchase.id):
        orders = [order for order in target.orders if order.transport_kop]
        if not orders:
            continue
        buyer = target.buyer
        lang = buyer.language
        t = ctx.texts.translator(lang)
        lines = "\n".join(
            t(
                "transport-reminder-order",
                number=order.number or str(order.id),
                share=format_amount(order.transport_kop, lang),
                **money_args(target.money[order.id], lang),
            )
            for order in orders
        )
        text = t("transport-reminder", title=purchase.title, orders=lines)
        stamp = f"{purchase.transport_set_at:%Y%m%d%H%M%S%f}"
        queued = await ctx.uow.outbox.enqueue(
            buyer,
            Reply(text=text, buttons=[[pay_button(ctx.texts, lang, orders[0])]]),
            OutboxKind.REMINDER,
            dedup_key=f"{TRANSPORT_REMINDER}:{purchase.id}:{day}:{stamp}:{buyer.id}",
        )
        sent += queued is not None
    log.info("transport reminder %s for purchase %s: %d queued", day, purchase.id, sent)
