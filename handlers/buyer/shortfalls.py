"""The buyer's answers about what the supplier did not send: taking or refusing a
replacement, and keeping money owed back as a credit with the organizer or taking it back
(bot/services/shortfalls.py sends the questions)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.replies import Reply
from bot.core.router import Router
from bot.services import shortfalls as service
from bot.services.shortfalls import KeepCredit, ReplacementAnswer
from domain.money import format_amount
from domain.shortfalls import Replacement
from storage.models import Organizer, OutboxKind
from storage.repositories.refunds import money_of

router = Router("buyer_shortfalls")


@router.button(ReplacementAnswer)
async def on_replacement_answer(ctx: Context, data: ReplacementAnswer) -> None:
    line = await service.repo(ctx.uow).buyer_line(ctx.user.id, data.line_id)
    if line is None or line.replacement_state != Replacement.OFFERED.value:
        raise UserError("rows-replacement-stale")
    replacement = line.replacement or ""
    pieces = line.replacement_qty
    await service.answer_replacement(ctx.uow, ctx.texts, line, data.accept, now=ctx.now())
    ctx.say(
        "rows-replacement-done",
        accept="yes" if data.accept else "no",
        item=service.line_name(line.item, line.size),
        replacement=replacement,
        pieces=pieces,
    )


@router.button(KeepCredit)
async def on_keep_credit(ctx: Context, data: KeepCredit) -> None:
    order = await service.repo(ctx.uow).buyer_order(ctx.user.id, data.order_id)
    if order is None:
        raise UserError("rows-credit-stale")
    refund = money_of(order).refund
    number = order.number or str(order.id)
    if refund == 0 or refund != data.amount:
        raise UserError(
            "rows-credit-stale-amount",
            number=number,
            amount=format_amount(refund, ctx.lang),
            nothing="yes" if refund == 0 else "no",
        )
    organizer = await ctx.uow.session.get(Organizer, order.purchase.organizer_id)
    assert organizer is not None
    if not data.keep:
        ctx.say(
            "rows-refund-chosen",
            amount=format_amount(refund, ctx.lang),
            number=number,
            organizer=organizer.name,
        )
        return
    if not organizer.credits_allowed:
        raise UserError("rows-credit-not-allowed", organizer=organizer.name)
    balance = await service.keep_as_credit(ctx.uow, order, refund, ctx.now())
    # The organizer's refund button for the order goes away: they hear why.
    organizer_user = await ctx.uow.users.get(organizer.user_id)
    if organizer_user is not None:
        lang = organizer_user.language
        await ctx.uow.outbox.enqueue(
            organizer_user,
            Reply(
                ctx.texts.get(
                    lang,
                    "rows-credit-kept-organizer",
                    buyer=ctx.user.name or "-",
                    amount=format_amount(refund, lang),
                    number=number,
                )
            ),
            OutboxKind.NOTIFICATION,
            dedup_key=f"credit-kept:{order.id}:{order.refunded_kop}",
        )
    ctx.say(
        "rows-credit-kept",
        amount=format_amount(refund, ctx.lang),
        number=number,
        organizer=organizer.name,
        balance=format_amount(balance, ctx.lang),
    )
