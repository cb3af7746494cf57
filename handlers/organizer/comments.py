"""Buyers' comments as their organizer handles them: the notification of a new comment with
its Reply button, the reply dialog (the reply reaches the buyer with their question quoted),
and the purchase's list of unanswered comments, oldest first, with how long each has waited.

The notification is sent from handlers/buyer/comments.py with `notify_organizer` below, so
both messages about a comment read the same way.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button, Reply
from bot.core.router import Role, Router
from bot.services.chat import gate
from bot.texts import Translator
from domain.comments import COMMENT_MAX_LENGTH, clean_comment, waited
from domain.moderation import Role as Side
from handlers.kit import DbId, PageNumber, Paging, require_organizer, short
from handlers.organizer.kit import back_to_card, own_purchase
from storage.models import Comment, OutboxKind, Purchase, User
from storage.repositories.orders import OrganizerComment

router = Router("organizer_comments")

REPLY = "comment_reply"  # one step: "text"
PER_PAGE = 5
QUOTE_SHOWN = 300


class CommentReply(Payload, prefix="cmrep"):
    comment_id: DbId


class UnansweredPage(Payload, prefix="cmun"):
    purchase_id: DbId
    page: PageNumber


def buyer_name(t: Translator, buyer: User) -> str:
    return buyer.name or buyer.username or t("orders-buyer-no-name")


def reply_button(t: Translator, comment_id: int) -> list[list[Button]]:
    return [[Button(t("comments-org-button-reply"), CommentReply(comment_id=comment_id).pack())]]


async def notify_organizer(
    ctx: Context, purchase: Purchase, comment: Comment, item_name: str
) -> None:
    """Tell the organizer of a new comment, with a Reply button. An ANSWER: a question
    waits for them whatever their notification switch says, as payment reports do."""
    if purchase.organizer.user_id == ctx.user.id:
        return  # the organizer trying their own purchase's comment box
    recipient = await ctx.uow.users.get(purchase.organizer.user_id)
    if recipient is None:
        return
    t = ctx.texts.translator(recipient.language)
    text = t(
        "comments-org-new",
        buyer=buyer_name(t, ctx.user),
        item=item_name,
        title=purchase.title,
        text=comment.text,
    )
    await ctx.uow.outbox.enqueue(
        recipient,
        Reply(text=text, buttons=reply_button(t, comment.id)),
        OutboxKind.ANSWER,
        dedup_key=f"comment:{comment.id}",
    )


async def comments_buttons(ctx: Context, purchase: Purchase) -> list[Button]:
    """The purchase card's button to the unanswered comments, with how many there are; none
    while nothing waits: VK's inline keyboard holds ten buttons, and the card has about as
    many (more go to a second message)."""
    count = await ctx.uow.comments.count_unanswered(purchase.id)
    if count == 0:
        return []
    return [
        Button(
            ctx.t("comments-org-button-unanswered", count=count),
            UnansweredPage(purchase_id=purchase.id, page=0).pack(),
        )
    ]


async def own_comment(ctx: Context, comment_id: int, *, lock: bool = False) -> OrganizerComment:
    """The comment, if it was written on this organizer's purchase; anyone else's comment (a
    forged or stale button) is refused like one that does not exist."""
    organizer = require_organizer(ctx)
    found = await ctx.uow.comments.organizer_comment(comment_id, organizer.id, lock=lock)
    if found is None:
        raise UserError("comments-org-not-found")
    return found


def ensure_unanswered(ctx: Context, found: OrganizerComment) -> None:
    if found.comment.replied_at is not None:
        raise UserError("comments-org-already", reply=short(found.comment.reply_text or "", 200))


@router.button(CommentReply, role=Role.ORGANIZER)
async def on_reply(ctx: Context, data: CommentReply) -> None:
    found = await own_comment(ctx, data.comment_id)
    ensure_unanswered(ctx, found)
    await ctx.dialog.start(REPLY, "text", {"comment_id": found.comment.id})
    ctx.say(
        "comments-org-ask-reply",
        buyer=buyer_name(ctx.t, found.buyer),
        item=found.item_name or "—",
        title=found.purchase.title,
        text=short(found.comment.text, QUOTE_SHOWN),
        max=COMMENT_MAX_LENGTH,
    )


@router.step(REPLY, "text")
async def on_reply_text(ctx: Context) -> None:
    found = await own_comment(ctx, int(ctx.dialog.data["comment_id"]), lock=True)
    if found.comment.replied_at is not None:
        # Answered meanwhile (another device): the dialog ends rather than refusing forever.
        await ctx.dialog.finish()
        ctx.say("comments-org-already", reply=short(found.comment.reply_text or "", 200))
        return
    text = clean_comment(ctx.event.text)
    if text is None:
        raise UserError(
            "comments-org-reply-invalid",
            max=COMMENT_MAX_LENGTH,
            length=len(ctx.event.text.strip()),
        )
    details = await ctx.uow.chats.organizer_details(found.purchase.organizer_id)
    if not await gate(ctx, text, Side.ORGANIZER, source="comment", own_details=details):
        return  # told why (issue 19); the dialog stays for a better reply
    await ctx.uow.comments.reply(found.comment, text, ctx.now())
    await ctx.dialog.finish()
    buyer = found.buyer
    mine = Button(
        ctx.texts.get(buyer.language, "comments-button-mine"),
        CommandPayload(name="comments").pack(),
    )
    # An answer to the buyer's own question: delivered whatever their notification switch.
    await ctx.notify(
        buyer,
        "comments-reply-to-buyer",
        kind=OutboxKind.ANSWER,
        buttons=[[mine]],
        dedup_key=f"comment-reply:{found.comment.id}",
        organizer=found.purchase.organizer.name,
        item=found.item_name or "—",
        title=found.purchase.title,
        question=short(found.comment.text, QUOTE_SHOWN),
        reply=text,
    )
    left = await ctx.uow.comments.count_unanswered(found.purchase.id)
    rows = [[back_to_card(ctx, found.purchase.id)]]
    if left:
        rows.insert(
            0,
            [
                Button(
                    ctx.t("comments-org-button-unanswered", count=left),
                    UnansweredPage(purchase_id=found.purchase.id, page=0).pack(),
                )
            ],
        )
    ctx.say("comments-org-replied", rows, buyer=buyer_name(ctx.t, buyer), left=left)


@router.button(UnansweredPage, role=Role.ORGANIZER)
async def on_unanswered(ctx: Context, data: UnansweredPage) -> None:
    purchase = await own_purchase(ctx, data.purchase_id)
    await show_unanswered(ctx, purchase, data.page)


async def show_unanswered(ctx: Context, purchase: Purchase, page: int) -> None:
    repo = ctx.uow.comments
    total = await repo.count_unanswered(purchase.id)
    if total == 0:
        ctx.say("comments-org-none", [[back_to_card(ctx, purchase.id)]], title=purchase.title)
        return
    paging = Paging.of(total, PER_PAGE, page)
    found = await repo.unanswered(purchase.id, offset=paging.start, limit=PER_PAGE)
    now = ctx.now()
    blocks = [
        ctx.t(
            "comments-org-list-title",
            title=purchase.title,
            total=total,
            page=paging.page + 1,
            pages=paging.pages,
        )
    ]
    answer_row = []
    for number, entry in enumerate(found, start=paging.start + 1):
        amount, unit = waited(entry.comment.created_at, now)
        blocks.append(
            ctx.t(
                "comments-org-entry",
                number=str(number),
                buyer=buyer_name(ctx.t, entry.buyer),
                item=entry.item_name or "—",
                waited=amount,
                unit=unit,
                text=short(entry.comment.text, QUOTE_SHOWN),
            )
        )
        answer_row.append(
            Button(
                ctx.t("comments-org-button-reply-number", number=str(number)),
                CommentReply(comment_id=entry.comment.id).pack(),
            )
        )
    rows = [answer_row]
    nav = paging.nav(ctx.t, lambda p: UnansweredPage(purchase_id=purchase.id, page=p).pack())
    if nav:
        rows.append(nav)
    rows.append([back_to_card(ctx, purchase.id)])
    ctx.answer("\n\n".join(blocks), rows, edit=False)
