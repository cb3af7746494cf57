"""Comments under a purchase's post in a community (a VK wall post, a Telegram channel's
discussion group, a group message answering the bot's post), recorded as their writers'
comments, so /comments shows them; one that reads like an order becomes an order draft
(handlers/buyer/comment_orders.py).

`EventKind.COMMENT` (`PostComment`) comes from the commenter; the text is the comment.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bot.core.context import Context
from bot.core.events import CommunityPost, EventKind, PostComment
from bot.core.router import Router
from domain.comments import COMMENT_MAX_LENGTH, clean_comment
from handlers.buyer.comment_orders import draft_order

router = Router("post_comments")


@router.event(EventKind.COMMENT)
async def on_comment(ctx: Context) -> None:
    event = ctx.event
    where = event.detail(PostComment)
    if where is None:
        return
    communities = ctx.uow.communities
    found = None
    if where.community_id and where.post_id:
        found = await communities.find_post(event.platform, where.community_id, where.post_id)
    if found is None and where.thread_id and where.discussion_chat_id:
        # Telegram: an answer further down a purchase post's thread in the discussion group.
        found = await communities.find_thread_post(
            event.platform, where.discussion_chat_id, where.thread_id
        )
    if found is None:
        return  # a reply to something that is not one of our purchase posts
    post, community = found
    # People write long comments; keep the beginning rather than lose the comment.
    text = clean_comment(event.text[:COMMENT_MAX_LENGTH])
    if text is None:
        return  # a sticker, an empty or unprintable comment: nothing to show in /comments
    discussion = where.discussion_chat_id
    if discussion and community.discussion_chat_id != discussion:
        community.discussion_chat_id = discussion[:64]
    comment = await ctx.uow.comments.add_comment(
        ctx.user.id,
        post.purchase_id,
        post.item_id,
        text,
        event.platform,  # a comment under a post: its platform is its source
        external_id=where.comment_id[:64] if where.comment_id else None,
        created_at=ctx.now(),
    )
    # "2 шт, размер 44" under a post may be an order: a draft for the buyer to confirm.
    await draft_order(ctx, comment, post)


async def remember_discussion_copy(ctx: Context, copy: CommunityPost) -> None:
    """Telegram copied a channel post into the channel's discussion group: if it is one of
    our purchase posts, its comment thread there belongs to the purchase from now on (and the
    channel's discussion group is known). Called by handlers/organizer/communities.py."""
    if not copy.discussion_chat_id or not copy.discussion_message_id:
        return
    found = await ctx.uow.communities.find_post(ctx.event.platform, copy.community_id, copy.post_id)
    if found is None:
        return  # a channel post that is not one of our purchase posts
    post, community = found
    if community.discussion_chat_id != copy.discussion_chat_id:
        community.discussion_chat_id = copy.discussion_chat_id[:64]
    try:
        async with ctx.uow.session.begin_nested():
            await ctx.uow.communities.add_thread(post, copy.discussion_message_id, ctx.now())
    except IntegrityError:
        return  # recorded meanwhile by a twin of this update
