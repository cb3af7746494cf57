"""Comments under purchase posts that read like orders (a VK wall post, a Telegram channel's
discussion group): "2 шт, размер 44" becomes an order draft the buyer confirms in private.

handlers/buyer/post_comments.py records every comment under a purchase post first, so it is
in the buyer's /comments whatever happens here, then calls `draft_order`.
For a comment on an open purchase that `domain.comment_orders` reads as an order:

* When the bot may write to the person in private, the draft goes there with Confirm and
  Cancel: through the outbox as an answer (it answers their own comment, so it reaches them
  even with notifications off), once per comment.
* When it may not, the bot answers under the comment with a link into the private chat that
  opens the same draft (`/start co_<comment id>`). On VK that chat is the community's, and
  writing there is what lets the community answer; on Telegram it starts the bot, the only
  way a bot may ever write to someone.

Whether the bot may write is the platform's answer (`CommentPort.may_message`), not our
flags: `messages_allowed` knows only the consent events the bot happened to see, and a VK
commenter who never wrote to the community has none although VK refuses messages to them;
on Telegram nothing but trying tells whether a person started the bot. Sending blindly would
not merely fail: the outbox marks the person unreachable, and later answers to them are
skipped too. Without a comment port (the console) the flags are all there is.

Confirm orders through the cart (handlers/buyer/ordering.py `order_line`): the line joins the
buyer's order in the purchase, with today's price, pickup point and the organizer's notice, just as
when ordered from the purchase card. A draft is decided once: Confirm and Cancel claim the
comment's id in the processed-updates table under their own namespace, so a double press, or
Confirm after Cancel, orders nothing twice. Drafts expire after `DRAFT_VALID_FOR`, well
within the time those claims are kept (bot/scheduler.py PROCESSED_UPDATES_KEPT).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated

from pydantic import Field

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import Payload
from bot.core.ports import CommentPort
from bot.core.replies import Button, Reply
from bot.core.router import Router
from bot.core.transport import DeliveryError
from domain.cart import MAX_QUANTITY, CartLine
from domain.comment_orders import ItemSpec, OrderDraft, parse_order_comment
from domain.money import format_amount, format_percent
from handlers.buyer.blacklisted import is_refused
from handlers.buyer.catalog import active_items, ensure_takes_orders, load_purchase, takes_orders
from handlers.buyer.ordering import order_line
from handlers.kit import MAX_ID, DbId, short
from storage.models import Comment, OutboxKind, ProcessedUpdate, Purchase, PurchasePost
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

router = Router("comment_orders")

LINK_PREFIX = "co"
# Namespace of the "draft decided" claims among processed update ids: no bot identity is
# called this (VK's are group ids, Telegram's is empty).
DECIDED = "comment-order"
DRAFT_VALID_FOR = timedelta(days=3)
COMMENT_SHOWN = 200


class ConfirmCommentOrder(Payload, prefix="bcoy"):
    """The draft travels in the button: what the buyer saw is what gets ordered."""

    comment_id: DbId
    item_id: DbId
    size_index: Annotated[int, Field(ge=0, le=999)] | None
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class CancelCommentOrder(Payload, prefix="bcon"):
    comment_id: DbId


# --- a comment arrives --------------------------------------------------------------------------


async def draft_order(ctx: Context, comment: Comment, post: PurchasePost) -> None:
    """Draft an order from an order-like comment (called by handlers/buyer/post_comments.py).

    The drafts are made here; asking the platform whether the person may be written to, and
    answering under the comment, wait until the comment is committed (`Context.after_commit`)."""
    if comment.user_id != ctx.user.id:
        return  # the platform's comment id was recorded before, for someone else
    purchase = await ctx.uow.orders.visible_purchase(post.purchase_id, viewer_id=ctx.user.id)
    if purchase is None or not takes_orders(ctx, purchase):
        return
    if purchase.organizer.user_id == ctx.user.id:
        return  # the organizer talking under their own post
    draft = _read_draft(comment, purchase)
    if draft is None or await is_refused(ctx, purchase):
        return  # not an order, or the organizer takes none from this buyer (black list)
    private = await _draft_reply(ctx, purchase, comment, draft)
    dedup_key = f"comment-order:{comment.id}"
    port = ctx.event.port
    if not isinstance(port, CommentPort):
        # The console: no platform to ask, the flags are all there is.
        if ctx.user.reachable and ctx.user.messages_allowed:
            await ctx.uow.outbox.enqueue(ctx.user, private, OutboxKind.ANSWER, dedup_key=dedup_key)
        return
    under_comment: Reply | None = None
    links = ctx.event.port
    if links is not None and comment.external_id is not None:
        link = links.start_link(f"{LINK_PREFIX}_{comment.id}")
        under_comment = Reply(
            ctx.t("comment-orders-reply", line=_line(purchase, draft)),
            [[Button(ctx.t("comment-orders-button-open"), url=link)]],
        )
    user_id, external_user_id = ctx.user.id, ctx.user.external_id
    post_id, comment_id = post.external_post_id, comment.external_id

    async def deliver(uow: UnitOfWork) -> None:
        if await _may_message(port, external_user_id):
            user = await uow.users.get(user_id)
            if user is None:
                return
            # The platform's word is fresher than flags set by deliveries or events we
            # missed (handlers/consent.py does the same on VK's message_allow).
            user.messages_allowed = True
            user.reachable = True
            user.unreachable_reason = None
            await uow.outbox.enqueue(user, private, OutboxKind.ANSWER, dedup_key=dedup_key)
            return
        if under_comment is None or comment_id is None:
            return
        try:
            await port.reply_to_comment(post_id, comment_id, under_comment)
        except DeliveryError as exc:
            # The comment is recorded and the post's Order button still works.
            log.warning("no reply under comment %s: %s", comment_id, exc)

    ctx.after_commit(deliver)


def _read_draft(comment: Comment, purchase: Purchase) -> OrderDraft | None:
    specs = [
        ItemSpec(item.id, item.name, tuple(item.sizes or ()), item.article, item.price_kop)
        for item in active_items(purchase)
    ]
    return parse_order_comment(comment.text, specs, item_id=comment.item_id)


async def _may_message(port: CommentPort, external_user_id: str) -> bool:
    """Whether the draft can go to the commenter in private (see the module docstring)."""
    try:
        return await port.may_message(external_user_id)
    except DeliveryError as exc:
        # The link under the comment works either way.
        log.info("could not ask whether %s may be written to: %s", external_user_id, exc)
        return False


# --- showing a draft ----------------------------------------------------------------------------


def _line(purchase: Purchase, draft: OrderDraft) -> str:
    item = next(i for i in purchase.items if i.id == draft.item_id)
    size = f", {draft.size}" if draft.size else ""
    return f"{item.name}{size} × {draft.quantity}"


async def _draft_text(ctx: Context, purchase: Purchase, comment: Comment, draft: OrderDraft) -> str:
    lang = ctx.lang
    item = next(i for i in purchase.items if i.id == draft.item_id)
    line = _line(purchase, draft)
    price = format_amount(item.price_kop * draft.quantity, lang)
    parts = [
        ctx.t(
            "comment-orders-draft", title=purchase.title, comment=short(comment.text, COMMENT_SHOWN)
        )
    ]
    if purchase.fee_bp:
        fee = format_percent(purchase.fee_bp, lang)
        parts.append(ctx.t("comment-orders-draft-line-fee", line=line, sum=price, fee=fee))
    else:
        parts.append(ctx.t("comment-orders-draft-line", line=line, sum=price))
    order = await ctx.uow.orders.active_order(ctx.user.id, purchase.id)
    if order is not None:
        parts.append(ctx.t("comment-orders-draft-joins", number=order.number or ""))
    parts.append(ctx.t("comment-orders-draft-ask"))
    return "\n\n".join(parts)


def _draft_buttons(
    ctx: Context, comment: Comment, purchase: Purchase, draft: OrderDraft
) -> list[list[Button]]:
    item = next(i for i in purchase.items if i.id == draft.item_id)
    confirm = ConfirmCommentOrder(
        comment_id=comment.id,
        item_id=item.id,
        size_index=item.sizes.index(draft.size) if draft.size else None,
        quantity=draft.quantity,
    )
    cancel = CancelCommentOrder(comment_id=comment.id)
    return [
        [
            Button(ctx.t("comment-orders-button-confirm"), confirm.pack()),
            Button(ctx.t("comment-orders-button-cancel"), cancel.pack()),
        ]
    ]


async def _draft_reply(
    ctx: Context, purchase: Purchase, comment: Comment, draft: OrderDraft
) -> Reply:
    """The draft with Confirm and Cancel, in the commenter's language."""
    text = await _draft_text(ctx, purchase, comment, draft)
    return Reply(text, _draft_buttons(ctx, comment, purchase, draft))


@router.start_link(LINK_PREFIX)
async def draft_link(ctx: Context, value: str) -> None:
    """`/start co_<comment id>`: the link under a comment, for those the bot could not write
    to first. Only the comment's author gets its draft."""
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise UserError("comment-orders-not-found")
    comment = await _own_comment(ctx, int(value))
    purchase = await _draft_purchase(ctx, comment)
    if await _decided(ctx, comment):
        raise UserError("comment-orders-already-decided")
    draft = _read_draft(comment, purchase)
    if draft is None:
        raise UserError("comment-orders-outdated")
    reply = await _draft_reply(ctx, purchase, comment, draft)
    ctx.answer(reply.text, reply.buttons)


# --- deciding -----------------------------------------------------------------------------------


@router.button(ConfirmCommentOrder)
async def on_confirm(ctx: Context, data: ConfirmCommentOrder) -> None:
    comment = await _own_comment(ctx, data.comment_id)
    purchase = await _draft_purchase(ctx, comment)
    item = next((i for i in active_items(purchase) if i.id == data.item_id), None)
    if item is None:
        raise UserError("orders-item-unavailable")
    if data.size_index is None:
        size = ""
        if item.sizes:
            raise UserError("comment-orders-outdated")
    elif data.size_index < len(item.sizes):
        size = item.sizes[data.size_index]
    else:
        raise UserError("comment-orders-outdated")
    if not await _claim(ctx, comment):
        ctx.say("comment-orders-already-decided")
        return
    line = CartLine(item.id, size, data.quantity)
    draft = OrderDraft(item.id, size, data.quantity)
    header = ctx.t("comment-orders-added-to-cart", line=_line(purchase, draft))
    await order_line(ctx, purchase, line, cart_header=header)


@router.button(CancelCommentOrder)
async def on_cancel(ctx: Context, data: CancelCommentOrder) -> None:
    comment = await _own_comment(ctx, data.comment_id)
    if not await _claim(ctx, comment):
        ctx.say("comment-orders-already-decided")
        return
    ctx.answer(ctx.t("comment-orders-cancelled"), edit=True)


async def _own_comment(ctx: Context, comment_id: int) -> Comment:
    # Ids are easy to guess: the comment must be this person's own.
    comment = await ctx.uow.session.get(Comment, comment_id)
    if comment is None or comment.user_id != ctx.user.id:
        raise UserError("comment-orders-not-found")
    return comment


async def _draft_purchase(ctx: Context, comment: Comment) -> Purchase:
    """The comment's purchase, while a draft from it may still be ordered."""
    if ctx.now() - comment.created_at > DRAFT_VALID_FOR:
        raise UserError("comment-orders-expired", days=DRAFT_VALID_FOR.days)
    purchase = await load_purchase(ctx, comment.purchase_id)
    ensure_takes_orders(ctx, purchase)
    return purchase


async def _claim(ctx: Context, comment: Comment) -> bool:
    return await ctx.uow.processed.claim(ctx.event.platform, DECIDED, str(comment.id), ctx.now())


async def _decided(ctx: Context, comment: Comment) -> bool:
    key = (ctx.event.platform, DECIDED, str(comment.id))
    return await ctx.uow.session.get(ProcessedUpdate, key) is not None
