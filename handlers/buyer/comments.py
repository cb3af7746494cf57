"""Comments on items: "Comment" on a purchase card -> pick the item -> type the text; and
/comments, the buyer's own comments of the last six months.

Comments from VK wall posts and Telegram discussion groups are stored by the adapters with
the same `uow.comments.add_comment`, so /comments shows them all.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.payloads import CommandPayload, Payload
from bot.core.replies import Button
from bot.core.router import Router
from bot.services.chat import gate
from domain.comments import COMMENT_MAX_LENGTH, IN_BOT, clean_comment
from domain.moderation import Role as Side
from domain.periods import format_day, months_before
from handlers.buyer.catalog import (
    CommentItemPhotos,
    StartComment,
    active_items,
    find_item,
    item_chooser,
    item_photos,
    load_purchase,
)
from handlers.kit import DbId, PageNumber, Paging, short
from handlers.organizer.comments import notify_organizer
from storage.models import Purchase

router = Router("comments")

COMMENT = "comment"
RECENT_MONTHS = 6
COMMENTS_PER_PAGE = 5
TEXT_SHOWN = 300


class CommentItem(Payload, prefix="bcit"):
    purchase_id: DbId
    item_id: DbId


class CommentItemsPage(Payload, prefix="bcip"):
    purchase_id: DbId
    page: PageNumber


class CommentsPage(Payload, prefix="bcms"):
    page: PageNumber


@router.button(StartComment)
async def on_start_comment(ctx: Context, data: StartComment) -> None:
    purchase = await load_purchase(ctx, data.purchase_id)
    await ctx.dialog.start(COMMENT, "item", {"purchase_id": purchase.id})
    ask_item(ctx, purchase, 0)


@router.button(CommentItemsPage)
async def on_items_page(ctx: Context, data: CommentItemsPage) -> None:
    purchase = await load_purchase(ctx, data.purchase_id)
    await ctx.dialog.start(COMMENT, "item", {"purchase_id": purchase.id})
    ask_item(ctx, purchase, data.page, edit=True)


def ask_item(ctx: Context, purchase: Purchase, page: int, *, edit: bool = False) -> None:
    items = active_items(purchase)
    if not items:
        raise UserError("comments-no-items")
    _, rows = item_chooser(
        ctx.t,
        items,
        page,
        pick=lambda item: CommentItem(purchase_id=purchase.id, item_id=item.id).pack(),
        turn=lambda p: CommentItemsPage(purchase_id=purchase.id, page=p).pack(),
        photos=lambda p: CommentItemPhotos(purchase_id=purchase.id, page=p).pack(),
    )
    ctx.answer(ctx.t("comments-ask-item", title=purchase.title), rows, edit=edit)


@router.button(CommentItemPhotos)
async def on_item_photos(ctx: Context, data: CommentItemPhotos) -> None:
    """The photos of a page of the chooser, each with its own Comment button, and the
    chooser again under them."""
    purchase = await load_purchase(ctx, data.purchase_id)
    await ctx.dialog.start(COMMENT, "item", {"purchase_id": purchase.id})
    await item_photos(
        ctx,
        active_items(purchase),
        data.page,
        pick=lambda item: Button(
            ctx.t("photos-button-comment-item"),
            CommentItem(purchase_id=purchase.id, item_id=item.id).pack(),
        ),
    )
    ask_item(ctx, purchase, data.page)


@router.button(CommentItem)
async def on_comment_item(ctx: Context, data: CommentItem) -> None:
    purchase = await load_purchase(ctx, data.purchase_id)
    item = next((i for i in active_items(purchase) if i.id == data.item_id), None)
    if item is None:
        raise UserError("comments-item-unknown")
    await _ask_text(ctx, purchase, item.id, item.name)


@router.step(COMMENT, "item")
async def on_item_text(ctx: Context) -> None:
    purchase = await load_purchase(ctx, int(ctx.dialog.data["purchase_id"]))
    items = active_items(purchase)
    item = find_item(items, ctx.event.text)
    if item is None:
        raise UserError("comments-item-typed-unknown", count=len(items))
    await _ask_text(ctx, purchase, item.id, item.name)


async def _ask_text(ctx: Context, purchase: Purchase, item_id: int, name: str) -> None:
    await ctx.dialog.start(COMMENT, "text", {"purchase_id": purchase.id, "item_id": item_id})
    ctx.say("comments-ask-text", name=name, title=purchase.title, max=COMMENT_MAX_LENGTH)


@router.step(COMMENT, "text")
async def on_text(ctx: Context) -> None:
    purchase = await load_purchase(ctx, int(ctx.dialog.data["purchase_id"]))
    item_id = int(ctx.dialog.data["item_id"])
    item = next((i for i in purchase.items if i.id == item_id), None)
    if item is None:
        raise UserError("comments-item-unknown")
    text = clean_comment(ctx.event.text)
    if text is None:
        raise UserError(
            "comments-text-invalid", max=COMMENT_MAX_LENGTH, length=len(ctx.event.text.strip())
        )
    if not await gate(ctx, text, Side.BUYER, source="comment"):
        return  # told why (issue 19); the dialog stays for a better comment
    comment = await ctx.uow.comments.add_comment(
        ctx.user.id, purchase.id, item.id, text, IN_BOT, created_at=ctx.now()
    )
    await notify_organizer(ctx, purchase, comment, item.name)
    await ctx.dialog.finish()
    mine = Button(ctx.t("comments-button-mine"), CommandPayload(name="comments").pack())
    ctx.say("comments-saved", [[mine]], name=item.name)


@router.command("comments", aliases=("комментарии",))
async def comments(ctx: Context) -> None:
    await show_comments(ctx, 0)


@router.button(CommentsPage)
async def on_comments_page(ctx: Context, data: CommentsPage) -> None:
    await show_comments(ctx, data.page, edit=True)


async def show_comments(ctx: Context, page: int, *, edit: bool = False) -> None:
    since = months_before(ctx.now(), RECENT_MONTHS)
    repo = ctx.uow.comments
    total = await repo.count_user_comments(ctx.user.id, since=since)
    if total == 0:
        ctx.say("comments-none")
        return
    paging = Paging.of(total, COMMENTS_PER_PAGE, page)
    page, pages = paging.page, paging.pages
    found = await repo.user_comments(
        ctx.user.id, since=since, offset=paging.start, limit=COMMENTS_PER_PAGE
    )
    blocks = [ctx.t("comments-list-title", total=total, page=page + 1, pages=pages)]
    for view in found:
        head = ctx.t(
            "comments-entry-head",
            date=format_day(view.comment.created_at, ctx.lang),
            title=view.purchase_title,
            item=view.item_name or "—",
        )
        block = head + "\n" + short(view.comment.text, TEXT_SHOWN)
        if view.comment.reply_text:
            block += "\n" + ctx.t(
                "comments-entry-reply", reply=short(view.comment.reply_text, TEXT_SHOWN)
            )
        blocks.append(block)
    nav = paging.nav(ctx.t, lambda p: CommentsPage(page=p).pack())
    ctx.answer("\n\n".join(blocks), [nav] if nav else [], edit=edit)
