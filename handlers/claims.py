"""Claims (issue 19): /claim for a defective, wrong or missing item, the organizer's
decision, the buyer's acceptance or escalation, and the service admin's final decision.

The form: order -> order line -> what is wrong -> the description (moderated) -> photos (at
least one for a defect) -> what the buyer wants. The claim is a thread (`Conversation` of
kind CLAIM): both sides may write in it through /chats and the Reply buttons, and the
organizer's answer deadline runs as for any thread until they decide.

Money: a full refund takes the line's price with its organizer fee off the order; a partial
compensation the amount the decider types. Either is stored on the claim and summed into
`Order.compensation_kop`, which domain/balance.py `order_money` subtracts from what the order
costs: money already confirmed beyond it becomes "to refund" in /orders, /reconcile (whose
refund buttons pay it out) and the exports. A later decision (the admin's) replaces the
claim's amount, so the sum is recomputed, never added twice.
"""

from __future__ import annotations

from typing import Literal

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button, Reply
from bot.core.router import Router
from bot.services.chat import ChatReply, admin_users, gate, start_waiting, stop_waiting, who
from bot.texts import Translator
from domain.lifecycle import OrderStatus
from domain.moderation import Role as Side
from domain.money import AmountError, format_amount, parse_amount
from domain.pricing import fee_kopecks
from handlers.chat import CHAT_MAX_LENGTH, pick_buyer_order
from handlers.kit import DbId, media_photo, photo_from_event, short
from storage.models import (
    ClaimDecision,
    ConversationStatus,
    Media,
    ModerationVerdict,
    OutboxKind,
    User,
)
from storage.repositories.chats import Thread
from storage.repositories.refunds import money_of

router = Router("claims")

CLAIM = "claim"  # steps: "problem", "text", "photos", "wish"
DECISION = "claim_decision"  # steps: "amount", "reason"
MAX_PHOTOS = 5

PROBLEMS = ("defect", "wrong", "missing")
WISHES = ("refund", "compensation", "replacement", "missing")
DECISIONS: dict[str, ClaimDecision] = {
    "refund": ClaimDecision.FULL_REFUND,
    "comp": ClaimDecision.PARTIAL_COMPENSATION,
    "replace": ClaimDecision.REPLACEMENT,
    "missing": ClaimDecision.DELIVER_MISSING,
    "reject": ClaimDecision.REJECTED,
}


class ClaimOrder(Payload, prefix="clor"):
    order_id: DbId


class ClaimLine(Payload, prefix="clln"):
    order_id: DbId
    line_id: DbId


class ClaimProblem(Payload, prefix="clpr"):
    problem: Literal["defect", "wrong", "missing"]


class ClaimPhotosDone(Payload, prefix="clpd"):
    pass


class ClaimWish(Payload, prefix="clws"):
    wish: Literal["refund", "compensation", "replacement", "missing"]


class ClaimDecide(Payload, prefix="clde"):
    conversation_id: DbId
    decision: Literal["refund", "comp", "replace", "missing", "reject"]


class ClaimAnswer(Payload, prefix="clan"):
    conversation_id: DbId
    action: Literal["accept", "escalate"]


# --- the buyer's form ---------------------------------------------------------------------------


@router.command("claim", aliases=("претензия", "жалоба"))
async def claim(ctx: Context) -> None:
    await pick_buyer_order(ctx, "claim-pick-order", ClaimOrder, ask_line)


@router.button(ClaimOrder)
async def on_order(ctx: Context, data: ClaimOrder) -> None:
    await ask_line(ctx, data.order_id)


async def ask_line(ctx: Context, order_id: int) -> None:
    found = await ctx.uow.chats.buyer_order(ctx.user.id, order_id)
    if found is None or found[0].status is not OrderStatus.ACTIVE:
        raise UserError("chat-order-unknown")
    order, _ = found
    lines = await ctx.uow.chats.order_lines(order.id)
    if not lines:
        raise UserError("claim-no-lines")
    rows = [
        [
            Button(
                ctx.t(
                    "claim-button-line",
                    item=short(name, 30),
                    size=line.size or "-",
                    quantity=line.quantity,
                ),
                ClaimLine(order_id=order.id, line_id=line.id).pack(),
            )
        ]
        for line, name in lines
    ]
    ctx.say("claim-pick-line", rows, number=order.number or str(order.id))


@router.button(ClaimLine)
async def on_line(ctx: Context, data: ClaimLine) -> None:
    found = await ctx.uow.chats.buyer_order(ctx.user.id, data.order_id)
    lines = await ctx.uow.chats.order_lines(data.order_id) if found else []
    line = next(((line, name) for line, name in lines if line.id == data.line_id), None)
    if found is None or line is None:
        raise UserError("chat-order-unknown")
    await ctx.dialog.start(
        CLAIM, "problem", {"order_id": data.order_id, "line_id": data.line_id, "item": line[1]}
    )
    rows = [
        [Button(ctx.t("claim-problem", problem=p), ClaimProblem(problem=p).pack())]
        for p in PROBLEMS
    ]  # type: ignore[arg-type]
    ctx.say("claim-ask-problem", rows, item=line[1])


def in_claim_form(ctx: Context, step: str) -> None:
    if ctx.dialog.name != CLAIM or ctx.dialog.step != step:
        raise UserError("claim-stale")


@router.button(ClaimProblem)
async def on_problem(ctx: Context, data: ClaimProblem) -> None:
    in_claim_form(ctx, "problem")
    await ctx.dialog.goto("text", problem=data.problem)
    ctx.say("claim-ask-text", problem=data.problem, max=CHAT_MAX_LENGTH)


@router.step(CLAIM, "problem")
async def on_problem_typed(ctx: Context) -> None:
    rows = [
        [Button(ctx.t("claim-problem", problem=p), ClaimProblem(problem=p).pack())]
        for p in PROBLEMS
    ]  # type: ignore[arg-type]
    ctx.say("claim-ask-problem", rows, item=str(ctx.dialog.data.get("item", "")))


@router.step(CLAIM, "text")
async def on_text(ctx: Context) -> None:
    text = ctx.event.text.strip()
    if not text:
        raise UserError("claim-text-empty")
    if len(text) > CHAT_MAX_LENGTH:
        raise UserError("chat-too-long", max=CHAT_MAX_LENGTH, length=len(text))
    if not await gate(ctx, text, Side.BUYER, source="claim"):
        return  # told why; the form keeps what it has
    await ctx.dialog.goto("photos", text=text, photos=[])
    ask_photos(ctx, [])


def ask_photos(ctx: Context, photos: list[int]) -> None:
    problem = str(ctx.dialog.data.get("problem"))
    done = Button(ctx.t("claim-button-photos-done"), ClaimPhotosDone().pack())
    ctx.say(
        "claim-ask-photos",
        [[done]],
        count=len(photos),
        max=MAX_PHOTOS,
        required="yes" if problem == "defect" else "no",
    )


@router.step(CLAIM, "photos")
async def on_photo(ctx: Context) -> None:
    photos = [int(p) for p in ctx.dialog.data.get("photos", [])]
    media = await photo_from_event(ctx)
    if media is None:
        raise UserError("claim-photo-expected")
    if len(photos) >= MAX_PHOTOS:
        raise UserError("claim-photos-full", max=MAX_PHOTOS)
    caption = ctx.event.text.strip()
    if caption and not await gate(ctx, caption, Side.BUYER, source="claim"):
        return
    photos.append(media.id)
    await ctx.dialog.update(photos=photos)
    ask_photos(ctx, photos)


@router.button(ClaimPhotosDone)
async def on_photos_done(ctx: Context, data: ClaimPhotosDone) -> None:
    in_claim_form(ctx, "photos")
    photos = list(ctx.dialog.data.get("photos", []))
    if ctx.dialog.data.get("problem") == "defect" and not photos:
        raise UserError("claim-photo-required")
    await ctx.dialog.goto("wish")
    rows = [[Button(ctx.t("claim-wish", wish=w), ClaimWish(wish=w).pack())] for w in WISHES]  # type: ignore[arg-type]
    ctx.say("claim-ask-wish", rows)


@router.step(CLAIM, "wish")
async def on_wish_typed(ctx: Context) -> None:
    rows = [[Button(ctx.t("claim-wish", wish=w), ClaimWish(wish=w).pack())] for w in WISHES]  # type: ignore[arg-type]
    ctx.say("claim-ask-wish", rows)


@router.button(ClaimWish)
async def on_wish(ctx: Context, data: ClaimWish) -> None:
    in_claim_form(ctx, "wish")
    form = ctx.dialog.data
    found = await ctx.uow.chats.buyer_order(ctx.user.id, int(form["order_id"]))
    if found is None:
        raise UserError("chat-order-unknown")
    order, purchase = found
    conversation = await ctx.uow.chats.open_claim(
        order,
        purchase.organizer_id,
        line_id=int(form["line_id"]),
        problem=str(form["problem"]),
        wish=data.wish,
    )
    now = ctx.now()
    photos = [int(p) for p in form.get("photos", [])]
    text = str(form["text"])
    await ctx.uow.chats.add_message(
        conversation,
        ctx.user.id,
        from_organizer=False,
        text=text,
        media_ids=photos,
        verdict=ModerationVerdict.DELIVERED,
        rule=None,
        now=now,
    )
    await start_waiting(ctx.uow, ctx.settings, conversation, now)
    await ctx.dialog.finish()
    thread = await ctx.uow.chats.thread(conversation.id)
    assert thread is not None
    await tell_organizer(ctx, thread, text, photos)
    ctx.say(
        "claim-sent",
        number=order.number or str(order.id),
        days=ctx.settings.chat_answer_days,
    )


def claim_args(thread: Thread, item: str, size: str, quantity: int) -> dict[str, object]:
    conversation = thread.conversation
    return {
        "number": thread.order.number or str(thread.order.id),
        "title": thread.purchase.title,
        "item": item,
        "size": size or "-",
        "quantity": quantity,
        "problem": conversation.claim_problem or "-",
        "wish": conversation.claim_wish or "-",
    }


async def claim_line(ctx: Context, thread: Thread) -> tuple[str, str, int, int]:
    """The claimed line: item name, size, quantity and sum (price × quantity)."""
    found = await ctx.uow.chats.line(thread.conversation.claim_line_id or 0)
    if found is None:
        return "—", "", 0, 0
    line, name = found
    return name, line.size, line.quantity, line.price_kop * line.quantity


def decision_buttons(t: Translator, conversation_id: int) -> list[list[Button]]:
    return [
        [
            Button(
                t("claim-decision-button", decision=code),
                ClaimDecide(conversation_id=conversation_id, decision=code).pack(),  # type: ignore[arg-type]
            )
        ]
        for code in DECISIONS
    ]


async def tell_organizer(ctx: Context, thread: Thread, text: str, photos: list[int]) -> None:
    recipient = await ctx.uow.users.get(thread.organizer.user_id)
    if recipient is None:
        return
    t = ctx.texts.translator(recipient.language)
    item, size, quantity, _ = await claim_line(ctx, thread)
    conversation = thread.conversation
    for position, media_id in enumerate(photos, start=1):
        media = await ctx.uow.session.get(Media, media_id)
        photo = media_photo(media, recipient.platform)
        await ctx.uow.outbox.enqueue(
            recipient,
            Reply(
                text=t(
                    "claim-photo-caption",
                    position=str(position),
                    total=len(photos),
                    number=thread.order.number or "",
                ),
                photo=photo,
            ),
            OutboxKind.ANSWER,
            dedup_key=f"claim-photo:{conversation.id}:{media_id}",
        )
    buttons = decision_buttons(t, conversation.id)
    buttons.append(
        [Button(t("chat-button-reply"), ChatReply(conversation_id=conversation.id).pack())]
    )
    await ctx.uow.outbox.enqueue(
        recipient,
        Reply(
            text=t(
                "claim-to-organizer",
                text=text,
                photos=len(photos),
                **claim_args(thread, item, size, quantity),
            ),
            buttons=buttons,
        ),
        OutboxKind.ANSWER,
        dedup_key=f"claim:{conversation.id}",
    )


# --- decisions: the organizer's, then the admin's on an escalated claim -------------------------


async def decidable(ctx: Context, conversation_id: int) -> tuple[Thread, str]:
    """The claim and who decides it now ("organizer" or "admin"); refused otherwise."""
    thread = await ctx.uow.chats.thread(conversation_id, lock=True)
    if thread is None or thread.conversation.claim_problem is None:
        raise UserError("chat-unknown")
    conversation = thread.conversation
    if (
        conversation.status is ConversationStatus.ESCALATED
        and conversation.claim_decision is not None
    ):
        if ctx.is_admin:
            return thread, "admin"
        raise UserError("claim-escalated")
    if conversation.claim_decided_by == "admin":
        raise UserError("claim-decided")  # final
    is_owner = ctx.organizer is not None and ctx.organizer.id == conversation.organizer_id
    if not is_owner:
        raise UserError("chat-unknown")
    if conversation.claim_decision is not None:
        raise UserError("claim-decided", decision=conversation.claim_decision.value)
    return thread, "organizer"


@router.button(ClaimDecide)
async def on_decide(ctx: Context, data: ClaimDecide) -> None:
    thread, by = await decidable(ctx, data.conversation_id)
    decision = DECISIONS[data.decision]
    if decision is ClaimDecision.PARTIAL_COMPENSATION:
        await ctx.dialog.start(DECISION, "amount", {"conversation_id": data.conversation_id})
        ctx.say("claim-ask-amount", most=format_amount(await money_room(ctx, thread), ctx.lang))
        return
    if decision is ClaimDecision.REJECTED:
        await ctx.dialog.start(DECISION, "reason", {"conversation_id": data.conversation_id})
        ctx.say("claim-ask-reason", max=CHAT_MAX_LENGTH)
        return
    amount = None
    if decision is ClaimDecision.FULL_REFUND:
        amount = await full_refund(ctx, thread)
    await decide(ctx, thread, by, decision, amount=amount)


async def money_room(ctx: Context, thread: Thread) -> int:
    """The most a claim may take off: what the order costs less the other claims' money."""
    others = await ctx.uow.chats.compensation_of(thread.order.id) - (
        thread.conversation.claim_amount_kop or 0
        if thread.conversation.claim_decision
        in (ClaimDecision.FULL_REFUND, ClaimDecision.PARTIAL_COMPENSATION)
        else 0
    )
    return max(0, thread.order.due_kop - others)


async def full_refund(ctx: Context, thread: Thread) -> int:
    """The claimed line's sum with its organizer fee, within what the order still costs."""
    _, _, _, line_sum = await claim_line(ctx, thread)
    return min(
        line_sum + fee_kopecks(line_sum, thread.purchase.fee_bp), await money_room(ctx, thread)
    )


@router.step(DECISION, "amount")
async def on_amount(ctx: Context) -> None:
    thread, by = await decidable(ctx, int(ctx.dialog.data["conversation_id"]))
    try:
        amount = parse_amount(ctx.event.text)
    except AmountError:
        raise UserError("claim-amount-invalid", example="500") from None
    most = await money_room(ctx, thread)
    if amount > most:
        raise UserError("claim-amount-too-large", most=format_amount(most, ctx.lang))
    await ctx.dialog.finish()
    await decide(ctx, thread, by, ClaimDecision.PARTIAL_COMPENSATION, amount=amount)


@router.step(DECISION, "reason")
async def on_reason(ctx: Context) -> None:
    thread, by = await decidable(ctx, int(ctx.dialog.data["conversation_id"]))
    reason = ctx.event.text.strip()
    if not reason:
        raise UserError("claim-reason-empty")
    if len(reason) > CHAT_MAX_LENGTH:
        raise UserError("chat-too-long", max=CHAT_MAX_LENGTH, length=len(reason))
    if by == "organizer":
        assert ctx.organizer is not None
        details = await ctx.uow.chats.organizer_details(ctx.organizer.id)
        if not await gate(
            ctx,
            reason,
            Side.ORGANIZER,
            source="claim",
            conversation=thread.conversation,
            own_details=details,
        ):
            return
    await ctx.dialog.finish()
    await decide(ctx, thread, by, ClaimDecision.REJECTED, reason=reason)


async def decide(
    ctx: Context,
    thread: Thread,
    by: str,
    decision: ClaimDecision,
    *,
    amount: int | None = None,
    reason: str | None = None,
) -> None:
    conversation = thread.conversation
    now = ctx.now()
    conversation.claim_decision = decision
    conversation.claim_amount_kop = amount
    conversation.claim_reason = reason
    conversation.claim_decided_by = by
    await ctx.uow.session.flush()
    order = thread.order
    order.compensation_kop = await ctx.uow.chats.compensation_of(order.id)
    stop_waiting(conversation, now)
    final = by == "admin"
    conversation.status = ConversationStatus.RESOLVED if final else ConversationStatus.OPEN
    await ctx.uow.session.refresh(order, ["purchase"])
    money = money_of(order)
    buyer = await ctx.uow.users.get(conversation.buyer_id)

    def args(lang: str) -> dict[str, str]:
        """The decision as the texts say it, amounts in `lang`'s way."""
        return {
            "number": order.number or str(order.id),
            "title": thread.purchase.title,
            "organizer": thread.organizer.name,
            "decision": decision.value,
            "amount": format_amount(amount or 0, lang),
            "reason": reason or "-",
            "refund": format_amount(money.refund, lang),
            "owed": format_amount(money.owed, lang),
        }

    if buyer is not None:
        buttons: list[list[Button]] = []
        if not final:
            buttons = [
                [
                    Button(
                        buyer_t(ctx, buyer)("claim-button-accept"),
                        ClaimAnswer(conversation_id=conversation.id, action="accept").pack(),
                    ),
                    Button(
                        buyer_t(ctx, buyer)("claim-button-escalate"),
                        ClaimAnswer(conversation_id=conversation.id, action="escalate").pack(),
                    ),
                ]
            ]
        await ctx.uow.outbox.enqueue(
            buyer,
            Reply(
                text=ctx.texts.get(
                    buyer.language,
                    "claim-decided-to-buyer",
                    final="yes" if final else "no",
                    **args(buyer.language),
                ),
                buttons=buttons,
            ),
            OutboxKind.ANSWER,
            dedup_key=f"claim-decided:{conversation.id}:{by}",
        )
    if final:
        organizer_user = await ctx.uow.users.get(thread.organizer.user_id)
        if organizer_user is not None:
            await ctx.uow.outbox.enqueue(
                organizer_user,
                Reply(
                    text=ctx.texts.get(
                        organizer_user.language,
                        "claim-admin-decided-to-organizer",
                        **args(organizer_user.language),
                    )
                ),
                OutboxKind.ANSWER,
                dedup_key=f"claim-decided:{conversation.id}:admin:organizer",
            )
    ctx.say("claim-decided-done", **args(ctx.lang))


def buyer_t(ctx: Context, buyer: User) -> Translator:
    return ctx.texts.translator(buyer.language)


# --- the buyer accepts or escalates --------------------------------------------------------------


@router.button(ClaimAnswer)
async def on_answer(ctx: Context, data: ClaimAnswer) -> None:
    thread = await ctx.uow.chats.thread(data.conversation_id, lock=True)
    if (
        thread is None
        or thread.conversation.buyer_id != ctx.user.id
        or thread.conversation.claim_problem is None
    ):
        raise UserError("chat-unknown")
    conversation = thread.conversation
    if conversation.claim_decision is None:
        raise UserError("claim-not-decided")
    answerable = (ConversationStatus.OPEN, ConversationStatus.AWAITING_ORGANIZER)
    if conversation.status not in answerable or conversation.claim_accepted_at is not None:
        raise UserError("claim-closed", status=conversation.status.value)
    number = thread.order.number or str(thread.order.id)
    now = ctx.now()
    if data.action == "accept":
        conversation.claim_accepted_at = now
        conversation.status = ConversationStatus.RESOLVED
        ctx.say("claim-accepted", number=number)
        return
    conversation.status = ConversationStatus.ESCALATED
    conversation.escalated_at = now
    item, size, quantity, _ = await claim_line(ctx, thread)
    first = await ctx.uow.chats.history(conversation.id, 1, first=True)
    organizer_user = await ctx.uow.users.get(thread.organizer.user_id)
    for admin in await admin_users(ctx.uow, ctx.settings.admin_ids):
        t = ctx.texts.translator(admin.language)
        text = t(
            "claim-admin-escalated",
            buyer=who(ctx.user),
            organizer=who(organizer_user) if organizer_user else "—",
            text=first[0].text if first else "-",
            decision=conversation.claim_decision.value,
            reason=conversation.claim_reason or "-",
            amount=format_amount(conversation.claim_amount_kop or 0, admin.language),
            **claim_args(thread, item, size, quantity),
        )
        await ctx.uow.outbox.enqueue(
            admin,
            Reply(text=text, buttons=decision_buttons(t, conversation.id)),
            OutboxKind.ANSWER,
            dedup_key=f"claim-escalated:{conversation.id}:{admin.id}",
        )
    ctx.say("claim-escalated-done", number=number)
