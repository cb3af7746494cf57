"""Buyer–organizer threads (issue 19): /chat (a buyer writes about one of their orders),
/chats (an organizer's threads and claims, those awaiting an answer first), a thread's
history with the Reply dialog, and the relay of each message to the other side.

Neither side sees the other's account: the organizer reads "the buyer of order N", the
buyer the organizer's public name; messages go through the bot, moderated first
(bot/services/chat.py `gate`). Photos are relayed with their caption moderated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.replies import Button, Reply
from bot.core.router import Role, Router
from bot.services.chat import ChatReply, gate, start_waiting, stop_waiting
from domain.comments import waited
from domain.moderation import Role as Side
from domain.payments import format_moscow
from handlers.kit import DbId, media_photo, photo_from_event, short
from storage.models import (
    ChatMessage,
    Media,
    ModerationVerdict,
    OutboxKind,
)
from storage.repositories.chats import Thread

router = Router("chat")

CHAT = "chat"  # one step: "text"
CHAT_MAX_LENGTH = 800  # fits a photo's caption with the header on every platform
HISTORY_SHOWN = 10
ORDERS_SHOWN = 8
THREADS_SHOWN = 10
QUOTE_SHOWN = 300


class ChatOrder(Payload, prefix="chord"):
    order_id: DbId


def side_of(ctx: Context, thread: Thread) -> Side | None:
    """Which side of the thread the person is on; None for anybody else (a forged button)."""
    if ctx.user.id == thread.conversation.buyer_id:
        return Side.BUYER
    if ctx.organizer is not None and ctx.organizer.id == thread.conversation.organizer_id:
        return Side.ORGANIZER
    return None


def number_of(thread: Thread) -> str:
    return thread.order.number or str(thread.order.id)


async def load_thread(
    ctx: Context, conversation_id: int, *, lock: bool = False
) -> tuple[Thread, Side]:
    thread = await ctx.uow.chats.thread(conversation_id, lock=lock)
    side = None if thread is None else side_of(ctx, thread)
    if thread is None or side is None:
        raise UserError("chat-unknown")
    return thread, side


# --- the buyer: /chat --------------------------------------------------------------------------


@router.command("chat", aliases=("чат", "написать"))
async def chat(ctx: Context) -> None:
    await pick_buyer_order(ctx, "chat-pick-order", ChatOrder, open_order_chat)


async def pick_buyer_order(
    ctx: Context,
    prompt: str,
    button: Callable[..., Payload],
    chosen: Callable[[Context, int], Awaitable[None]],
) -> None:
    """The buyer's order for /chat or /claim: the number typed after the command, or a
    button for each of their recent orders (`button(order_id=...)`) when none was typed."""
    typed = ctx.args.strip().lstrip("№#").upper()
    orders = await ctx.uow.chats.buyer_orders(ctx.user.id, ORDERS_SHOWN)
    if typed:
        match = next((o for o, _ in orders if (o.number or "").upper() == typed), None)
        if match is None:
            raise UserError("chat-order-typed-unknown", number=short(typed, 20))
        await chosen(ctx, match.id)
        return
    if not orders:
        ctx.say("chat-no-orders")
        return
    rows = [
        [
            Button(
                ctx.t(
                    "chat-button-order",
                    number=order.number or str(order.id),
                    title=short(purchase.title, 30),
                ),
                button(order_id=order.id).pack(),
            )
        ]
        for order, purchase in orders
    ]
    ctx.say(prompt, rows)


@router.button(ChatOrder)
async def on_order(ctx: Context, data: ChatOrder) -> None:
    await open_order_chat(ctx, data.order_id)


async def open_order_chat(ctx: Context, order_id: int) -> None:
    found = await ctx.uow.chats.buyer_order(ctx.user.id, order_id)
    if found is None:
        raise UserError("chat-order-unknown")
    order, purchase = found
    conversation = await ctx.uow.chats.chat_of_order(order, purchase.organizer_id)
    await open_thread(ctx, conversation.id)


# --- both sides: a thread, its history and the Reply dialog -------------------------------------


@router.button(ChatReply)
async def on_reply(ctx: Context, data: ChatReply) -> None:
    await open_thread(ctx, data.conversation_id)


def history_line(ctx: Context, thread: Thread, side: Side, message: ChatMessage) -> str:
    mine = message.from_organizer == (side is Side.ORGANIZER)
    author = "me" if mine else ("organizer" if message.from_organizer else "buyer")
    text = short(message.text, QUOTE_SHOWN) if message.text else ""
    return ctx.t(
        "chat-history-line",
        author=author,
        organizer=thread.organizer.name,
        when=format_moscow(message.created_at),
        text=text,
        photos=len(message.media_ids or []),
    )


async def open_thread(ctx: Context, conversation_id: int) -> None:
    thread, side = await load_thread(ctx, conversation_id)
    conversation = thread.conversation
    history = await ctx.uow.chats.history(conversation.id, HISTORY_SHOWN)
    lines = [history_line(ctx, thread, side, message) for message in history]
    await ctx.dialog.start(CHAT, "text", {"conversation_id": conversation.id})
    ctx.say(
        "chat-thread",
        side=side.value,
        kind=conversation.kind.value,
        number=number_of(thread),
        title=thread.purchase.title,
        organizer=thread.organizer.name,
        count=len(lines),
        history="\n".join(lines),
        max=CHAT_MAX_LENGTH,
    )


@router.step(CHAT, "text")
async def on_text(ctx: Context) -> None:
    thread, side = await load_thread(ctx, int(ctx.dialog.data["conversation_id"]), lock=True)
    text = ctx.event.text.strip()
    if len(text) > CHAT_MAX_LENGTH:
        raise UserError("chat-too-long", max=CHAT_MAX_LENGTH, length=len(text))
    media = await photo_from_event(ctx)
    if not text and media is None:
        raise UserError("chat-empty")
    conversation = thread.conversation
    details: list[str] = []
    if side is Side.ORGANIZER:
        details = await ctx.uow.chats.organizer_details(thread.organizer.id)
    media_ids = [media.id] if media is not None else []
    allowed = await gate(
        ctx,
        text,
        side,
        source=conversation.kind.value,
        conversation=conversation,
        media_ids=media_ids,
        own_details=details,
    )
    if not allowed:
        return  # told why; the dialog stays for a better message
    now = ctx.now()
    message = await ctx.uow.chats.add_message(
        conversation,
        ctx.user.id,
        from_organizer=side is Side.ORGANIZER,
        text=text,
        media_ids=media_ids,
        verdict=ModerationVerdict.DELIVERED,
        rule=None,
        now=now,
    )
    if side is Side.BUYER:
        await start_waiting(ctx.uow, ctx.settings, conversation, now)
    else:
        stop_waiting(conversation, now)
    await relay(ctx, thread, side, message, media)
    await ctx.dialog.finish()
    ctx.say(
        "chat-sent",
        side=side.value,
        number=number_of(thread),
        days=ctx.settings.chat_answer_days,
    )


async def relay(
    ctx: Context, thread: Thread, side: Side, message: ChatMessage, media: Media | None
) -> None:
    """Deliver a message to the other side, with a Reply button: an ANSWER, as a question
    waits for its reader whatever their notification switch says."""
    conversation = thread.conversation
    if side is Side.BUYER:
        recipient = await ctx.uow.users.get(thread.organizer.user_id)
    else:
        recipient = await ctx.uow.users.get(conversation.buyer_id)
    if recipient is None:
        return
    t = ctx.texts.translator(recipient.language)
    photo = media_photo(media, recipient.platform) if media is not None else None
    text = t(
        "chat-relayed",
        side=side.value,
        kind=conversation.kind.value,
        number=number_of(thread),
        title=thread.purchase.title,
        organizer=thread.organizer.name,
        text=message.text or t("chat-photo-only"),
    )
    if media is not None and photo is None:
        text += "\n" + t("chat-photo-elsewhere")
    reply = Button(t("chat-button-reply"), ChatReply(conversation_id=conversation.id).pack())
    await ctx.uow.outbox.enqueue(
        recipient,
        Reply(text=text, buttons=[[reply]], photo=photo),
        OutboxKind.ANSWER,
        dedup_key=f"chat-message:{message.id}",
    )


# --- the organizer: /chats ----------------------------------------------------------------------


@router.command("chats", role=Role.ORGANIZER, aliases=("чаты",))
async def chats(ctx: Context) -> None:
    organizer = ctx.organizer
    assert organizer is not None
    threads = await ctx.uow.chats.organizer_threads(organizer.id, THREADS_SHOWN)
    if not threads:
        ctx.say("chat-org-none")
        return
    now = ctx.now()
    waiting = await ctx.uow.chats.count_waiting(organizer.id)
    blocks = [ctx.t("chat-org-title", waiting=waiting)]
    rows: list[list[Button]] = []
    for position, thread in enumerate(threads, start=1):
        conversation = thread.conversation
        since = conversation.waiting_since
        amount, unit = waited(since, now) if since is not None else (0, "minutes")
        blocks.append(
            ctx.t(
                "chat-org-entry",
                position=str(position),
                kind=conversation.kind.value,
                number=number_of(thread),
                title=short(thread.purchase.title, 40),
                waiting="yes" if since is not None else "no",
                waited=amount,
                unit=unit,
                status=conversation.status.value,
            )
        )
        button = Button(
            ctx.t("chat-button-open", position=str(position), number=number_of(thread)),
            ChatReply(conversation_id=conversation.id).pack(),
        )
        if rows and len(rows[-1]) < 2:
            rows[-1].append(button)
        else:
            rows.append([button])
    ctx.answer("\n".join(blocks), rows)
