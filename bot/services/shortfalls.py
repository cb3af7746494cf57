"""Size rows at the stop, what the supplier did not send, replacements and credits: the
changes to orders and what their buyers are told, in the caller's transaction.

The rules are in domain/size_rows.py and domain/shortfalls.py; an order's new sums go to
the order row (`recount_order`), which every money view reads through
`domain.balance.order_money`. Buyers hear of their own order's change as an ANSWER message
(their own money: muting broadcasts must not hide it).

Credits. Money owed back for pieces that did not come is the buyer's: they take it back
(the organizer records the refund from /reconcile, as any refund) or, where the organizer
allows credits, keep it as a credit with that organizer. Keeping it counts as paid back on
this order (`refunded_kop`) and adds it to the buyer's ledger (`buyer_credits`); their next
order with the organizer uses it as money already confirmed (`use_credit`), so /orders,
/pay, reminders and /reconcile need nothing new to follow it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from bot.core.payloads import Payload
from bot.core.replies import Button, Reply
from bot.services.money import money_paid_line
from bot.texts import Texts
from domain.balance import OrderMoney
from domain.money import format_amount
from domain.shortfalls import LineCount, Replacement, Shortfall, credit_to_use, recount
from domain.size_rows import RowDecision, SizeRow, dropped_pieces
from storage.models import Order, OrderLine, Organizer, OutboxKind, PurchaseItem
from storage.repositories.orders import set_due
from storage.repositories.refunds import money_of
from storage.repositories.shortfalls import ShortfallRepository
from storage.uow import UnitOfWork

# Ids and amounts as the database holds them; a forged payload fails validation.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Amount = Annotated[int, Field(ge=1, le=10**12)]


class ReplacementAnswer(Payload, prefix="repl"):
    """The buyer takes (or refuses) the replacement offered for their line."""

    line_id: Id
    accept: bool


class KeepCredit(Payload, prefix="kcred"):
    """The buyer keeps what is owed back on an order as a credit with its organizer (`keep`)
    or takes it back; `amount` is what the message showed."""

    order_id: Id
    amount: Amount
    keep: bool


def repo(uow: UnitOfWork) -> ShortfallRepository:
    return ShortfallRepository(uow.session)


def line_count(line: OrderLine) -> LineCount:
    return LineCount(line.price_kop, line.quantity, line.dropped_qty, line.missing_qty)


def recount_order(order: Order, now: datetime) -> None:
    """The order's sums over the pieces that remain (`order.lines` and `purchase` loaded)."""
    totals = recount(
        (line_count(line) for line in order.lines), order.purchase.fee_bp, order.discount_kop or 0
    )
    order.items_total_kop = totals.items_kop
    order.fee_kop = totals.fee_kop
    set_due(order, totals.due_kop)
    order.updated_at = now


def line_name(item: PurchaseItem, size: str) -> str:
    return f"{item.name}, {size}" if size else item.name


async def tell_buyer(
    uow: UnitOfWork,
    texts: Texts,
    order: Order,
    what: str,
    *,
    dedup_key: str,
    buttons: list[list[Button]] | None = None,
) -> None:
    """Tell the order's buyer `what` happened, the order's new sum and where its money
    stands; with the choice of a credit when money is owed back and the organizer allows."""
    buyer = await uow.users.get(order.buyer_id)
    organizer = await uow.session.get(Organizer, order.purchase.organizer_id)
    if buyer is None or organizer is None:
        return
    lang = buyer.language
    t = texts.translator(lang)
    money = money_of(order)
    text = "\n".join(
        [
            what,
            t(
                "rows-order-sum",
                number=order.number or str(order.id),
                items=format_amount(order.items_total_kop, lang),
                fee=format_amount(order.fee_kop, lang),
                due=format_amount(money.due, lang),
            ),
            money_paid_line(t, money),
        ]
    )
    rows = list(buttons or [])
    if money.refund and organizer.credits_allowed:
        text += "\n" + t(
            "rows-credit-offer", amount=format_amount(money.refund, lang), organizer=organizer.name
        )
        rows += credit_buttons(texts, lang, order, money)
    await uow.outbox.enqueue(
        buyer, Reply(text=text, buttons=rows), OutboxKind.ANSWER, dedup_key=dedup_key
    )


def credit_buttons(texts: Texts, lang: str, order: Order, money: OrderMoney) -> list[list[Button]]:
    amount = format_amount(money.refund, lang)
    return [
        [
            Button(
                texts.get(lang, "rows-button-keep-credit", amount=amount),
                KeepCredit(order_id=order.id, amount=money.refund, keep=True).pack(),
            ),
            Button(
                texts.get(lang, "rows-button-take-refund", amount=amount),
                KeepCredit(order_id=order.id, amount=money.refund, keep=False).pack(),
            ),
        ]
    ]


# --- size rows at the stop -------------------------------------------------------------------


async def drop_row(
    uow: UnitOfWork,
    texts: Texts,
    item: PurchaseItem,
    row: SizeRow,
    *,
    user_id: int,
    now: datetime,
) -> int:
    """The organizer drops an unfilled row: its pieces are not bought, their orders are
    recounted and their buyers told. Returns how many orders changed."""
    await repo(uow).decide(item.id, row.number, RowDecision.DROP, user_id=user_id, now=now)
    pieces = dropped_pieces([row], {row.number: RowDecision.DROP})
    lines = await repo(uow).lines_by_id(list(pieces))
    changed: dict[int, Order] = {}
    for line in lines:
        # The session's copy of the line is the one in its order's `lines`.
        line.dropped_qty += pieces[line.id]
        changed[line.order_id] = line.order
    for order in changed.values():
        recount_order(order, now)
    for line in lines:
        order = changed[line.order_id]
        buyer_lang = await _lang(uow, order.buyer_id)
        what = texts.get(
            buyer_lang,
            "rows-dropped-told",
            item=line_name(item, line.size),
            row=row.number,
            pieces=pieces[line.id],
            number=order.number or str(order.id),
            title=order.purchase.title,
        )
        await tell_buyer(
            uow, texts, order, what, dedup_key=f"row-dropped:{item.id}:{row.number}:{line.id}"
        )
    return len(changed)


async def buy_out_row(
    uow: UnitOfWork, item: PurchaseItem, row: SizeRow, *, user_id: int, now: datetime
) -> None:
    await repo(uow).decide(item.id, row.number, RowDecision.BUY_OUT, user_id=user_id, now=now)


async def _lang(uow: UnitOfWork, user_id: int) -> str:
    user = await uow.users.get(user_id)
    return user.language if user is not None else "ru"


# --- what the supplier did not send ---------------------------------------------------------


async def mark_missing(
    uow: UnitOfWork,
    texts: Texts,
    line: OrderLine,
    pieces: int,
    kind: Shortfall,
    *,
    now: datetime,
) -> OrderMoney:
    """`pieces` of the line will not reach the buyer (checked by the caller): the order is
    recounted and the buyer told. Returns the order's new money state."""
    line.missing_qty += pieces
    line.shortfall = kind.value
    order = line.order
    recount_order(order, now)
    lang = await _lang(uow, order.buyer_id)
    what = texts.get(
        lang,
        "rows-missing-told",
        item=line_name(line.item, line.size),
        pieces=pieces,
        kind=kind.value,
        number=order.number or str(order.id),
        title=order.purchase.title,
    )
    await tell_buyer(
        uow,
        texts,
        order,
        what,
        dedup_key=f"shortfall:{line.id}:{line.missing_qty}:{kind.value}",
    )
    return money_of(order)


async def offer_replacement(
    uow: UnitOfWork, texts: Texts, line: OrderLine, pieces: int, replacement: str
) -> None:
    """The supplier sent `replacement` instead for `pieces` of the line: the buyer is asked."""
    line.replacement = replacement
    line.replacement_qty = pieces
    line.replacement_state = Replacement.OFFERED.value
    order = line.order
    buyer = await uow.users.get(order.buyer_id)
    if buyer is None:
        return
    lang = buyer.language
    text = texts.get(
        lang,
        "rows-replacement-ask",
        item=line_name(line.item, line.size),
        pieces=pieces,
        replacement=replacement,
        number=order.number or str(order.id),
        title=order.purchase.title,
    )
    buttons = [
        [
            Button(
                texts.get(lang, "rows-button-replacement-yes"),
                ReplacementAnswer(line_id=line.id, accept=True).pack(),
            ),
            Button(
                texts.get(lang, "rows-button-replacement-no"),
                ReplacementAnswer(line_id=line.id, accept=False).pack(),
            ),
        ]
    ]
    await uow.outbox.enqueue(
        buyer,
        Reply(text=text, buttons=buttons),
        OutboxKind.ANSWER,
        dedup_key=f"replacement:{line.id}:{replacement}:{pieces}",
    )


async def answer_replacement(
    uow: UnitOfWork, texts: Texts, line: OrderLine, accept: bool, *, now: datetime
) -> None:
    """The buyer's answer: taken, the line says what it now is; refused, those pieces are
    missing (the order recounted, the buyer told). The organizer hears either way."""
    order = line.order
    # Pieces marked missing meanwhile are not refused twice.
    pieces = min(line.replacement_qty, line_count(line).kept)
    if accept:
        line.replacement_state = Replacement.ACCEPTED.value
    else:
        line.replacement_state = Replacement.REFUSED.value
        line.replacement_qty = 0
        if pieces:
            await mark_missing(uow, texts, line, pieces, Shortfall.REFUSED, now=now)
    organizer = await uow.session.get(Organizer, order.purchase.organizer_id)
    user = await uow.users.get(organizer.user_id) if organizer is not None else None
    if user is not None:
        text = texts.get(
            user.language,
            "rows-replacement-answered",
            accept="yes" if accept else "no",
            item=line_name(line.item, line.size),
            replacement=line.replacement or "",
            pieces=pieces,
            number=order.number or str(order.id),
        )
        await uow.outbox.enqueue(
            user,
            Reply(text=text),
            OutboxKind.NOTIFICATION,
            dedup_key=f"replacement-answer:{line.id}:{line.replacement}",
        )


# --- credits ---------------------------------------------------------------------------------


async def keep_as_credit(uow: UnitOfWork, order: Order, amount: int, now: datetime) -> int:
    """What is owed back on `order` (locked; `amount`, checked by the caller) becomes the
    buyer's credit with the organizer. Returns the buyer's credit now."""
    organizer_id = order.purchase.organizer_id
    order.refunded_kop += amount
    order.updated_at = now
    await repo(uow).add_credit(organizer_id, order.buyer_id, order.id, amount, now)
    return await repo(uow).credit_balance(organizer_id, order.buyer_id)


async def use_credit(uow: UnitOfWork, order: Order, organizer_id: int, now: datetime) -> int:
    """The buyer's credit with the organizer pays what `order` still owes, as far as it
    goes (the buyer's row is locked by `save_order`). Returns the amount used."""
    balance = await repo(uow).credit_balance(organizer_id, order.buyer_id)
    if balance <= 0:
        return 0
    used = credit_to_use(balance, money_of(order).owed)
    if used:
        order.confirmed_paid_kop += used
        order.updated_at = now
        await repo(uow).add_credit(organizer_id, order.buyer_id, order.id, -used, now)
    return used
