"""Communities: the bot added to a group or channel, linked to an organizer, purchases posted
there, and purchase posts organizers publish by hand.

Platform-neutral: whatever a community needs from the platform (is this person an admin
there? publish a post now, a link into the private chat) goes through the adapter's
`bot.core.ports.PlatformPort`. Events the adapter produces:

* `EventKind.MEMBERSHIP` (`MembershipChange`) from the community's chat, sent by the person
  who changed the bot's membership: joined, left, or moved to a new chat id (a Telegram
  group became a supergroup).
* `EventKind.POST` (`CommunityPost`) from the person who published a new post on a
  community's wall (VK wall_post_new); the text is the post's. A post that carries the link
  of a purchase of the organizer the community is linked to becomes that purchase's post, as
  if the bot had published it: VK does not let a community token post on its own wall
  (wall.post is for user tokens), so /post hands the organizer the ready text to publish,
  and the bot picks the post up by its link.

The community a VK bot runs as is recorded by the adapter at start (kind "community",
`storage.repositories.communities.OWN_COMMUNITY`); nobody "adds" the bot there, so /link
offers it to every organizer in that community's private chat, and linking it still checks
that they administer it.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy.exc import IntegrityError

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.events import (
    ChatKind,
    CommunityPost,
    EventKind,
    Membership,
    MembershipChange,
)
from bot.core.payloads import Payload
from bot.core.ports import PlatformPort
from bot.core.replies import Button, Reply
from bot.core.router import Role, Router
from bot.core.transport import DeliveryError, RecipientUnreachable
from bot.services.buyouts import progress_line
from domain.lifecycle import collecting
from handlers.buyer.catalog import purchase_card
from handlers.buyer.post_comments import remember_discussion_copy
from handlers.kit import MAX_ID, DbId, media_photo, require_organizer, short
from storage.models import (
    Community,
    Organizer,
    OutboxKind,
    Purchase,
)
from storage.repositories.communities import OWN_COMMUNITY

log = logging.getLogger(__name__)

router = Router("communities")


# How many open purchases /post offers as buttons (newest first).
PURCHASES_OFFERED = 10
# handlers/buyer/catalog.py's start link of a purchase: `/start p_<purchase id>`.
PURCHASE_LINK = "p"
PURCHASE_REF = re.compile(rf"(?<![A-Za-z0-9_-]){PURCHASE_LINK}_(\d{{1,10}})(?!\d)")


class LinkCommunity(Payload, prefix="cml"):
    community_id: DbId


class UnlinkCommunity(Payload, prefix="cmu"):
    community_id: DbId


class PostPurchase(Payload, prefix="cmq"):
    """ "Post to a community" for one purchase: asks where to post it."""

    purchase_id: DbId


class PostTo(Payload, prefix="cmo"):
    purchase_id: DbId
    community_id: DbId


def _title(community: Community) -> str:
    return community.title or community.external_id


def _require_port(ctx: Context) -> PlatformPort:
    port = ctx.event.port
    if port is None:
        raise UserError("communities-unsupported")
    return port


# --- the bot joins and leaves -----------------------------------------------------------------


@router.event(EventKind.MEMBERSHIP)
async def on_membership(ctx: Context) -> None:
    event = ctx.event
    change = event.detail(MembershipChange)
    if change is None:
        return
    communities = ctx.uow.communities
    if change.status is Membership.MOVED:
        if change.new_chat_id:
            await communities.moved(event.platform, event.chat.external_id, change.new_chat_id)
        return
    if change.status is Membership.LEFT:
        community = await communities.left(event.platform, event.chat.external_id)
        if community is not None and community.organizer_id is not None:
            await _tell_organizer(
                ctx, community.organizer_id, "communities-removed", title=_title(community)
            )
        return
    if event.chat.kind is ChatKind.PRIVATE:
        return
    community, newly_added = await communities.joined(
        event.platform,
        event.chat.external_id,
        kind=event.chat.kind.value,
        title=(event.chat.title or "")[:255],
        added_by_user_id=ctx.user.id,
        now=ctx.now(),
    )
    if not newly_added:
        return
    await ctx.uow.session.flush()
    if event.chat.kind is ChatKind.GROUP:
        # A channel post would reach every subscriber, so only groups get a greeting; channels
        # are linked from the private chat (/link).
        link = LinkCommunity(community_id=community.id).pack()
        ctx.say("communities-welcome-group", [[Button(ctx.t("communities-button-link"), link)]])
    if ctx.organizer is not None:
        # Organizers have a private chat with the bot (they registered there); others may
        # never have started it, and Telegram refuses to write to them.
        await ctx.notify(
            ctx.user,
            "communities-added-notice",
            kind=OutboxKind.ANSWER,
            dedup_key=f"community-added:{community.id}:{event.update_id}",
            title=_title(community),
        )


async def _tell_organizer(ctx: Context, organizer_id: int, key: str, **args: str) -> None:
    organizer = await ctx.uow.session.get(Organizer, organizer_id)
    if organizer is None:
        return
    user = await ctx.uow.users.get(organizer.user_id)
    if user is not None:
        await ctx.notify(
            user, key, kind=OutboxKind.ANSWER, dedup_key=f"{key}:{ctx.event.update_id}", **args
        )


# --- linking ----------------------------------------------------------------------------------


@router.command("link", aliases=("привязать",), role=Role.ORGANIZER, in_groups=True)
async def link_command(ctx: Context) -> None:
    organizer = require_organizer(ctx)
    event = ctx.event
    if event.chat.kind is not ChatKind.PRIVATE:
        # Typed in the group itself: link this very group.
        _require_port(ctx)
        community, _ = await ctx.uow.communities.joined(
            event.platform,
            event.chat.external_id,
            kind=event.chat.kind.value,
            title=(event.chat.title or "")[:255],
            added_by_user_id=None,
            now=ctx.now(),
        )
        await ctx.uow.session.flush()
        await _link(ctx, organizer, community)
        return
    await show_communities(ctx, organizer)


async def show_communities(ctx: Context, organizer: Organizer, *, edit: bool = False) -> None:
    _require_port(ctx)
    # Where a bot identity is a community (VK), bot_key is that community's id: it is offered
    # to every organizer writing to it (storage linkable, OWN_COMMUNITY).
    found = await ctx.uow.communities.linkable(
        ctx.event.platform, ctx.user.id, organizer.id, own_id=ctx.event.bot_key or None
    )
    if not found:
        ctx.answer(ctx.t("communities-none"), edit=edit)
        return
    lines = [ctx.t("communities-title")]
    rows: list[list[Button]] = []
    for number, community in enumerate(found, start=1):
        mine = community.organizer_id == organizer.id
        key = "communities-entry-linked" if mine else "communities-entry-not-linked"
        lines.append(ctx.t(key, number=str(number), title=_title(community), kind=community.kind))
        if mine:
            label = ctx.t("communities-button-unlink", title=short(_title(community)))
            payload = UnlinkCommunity(community_id=community.id).pack()
        else:
            label = ctx.t("communities-button-link-to", title=short(_title(community)))
            payload = LinkCommunity(community_id=community.id).pack()
        rows.append([Button(label, payload)])
    lines += ["", ctx.t("communities-hint")]
    ctx.answer("\n".join(lines), rows, edit=edit)


@router.button(LinkCommunity, role=Role.ORGANIZER)
async def on_link(ctx: Context, data: LinkCommunity) -> None:
    organizer = require_organizer(ctx)
    community = await ctx.uow.communities.get(data.community_id)
    if community is None or community.platform != ctx.event.platform or not community.active:
        raise UserError("communities-not-found")
    await _link(ctx, organizer, community)


async def _link(ctx: Context, organizer: Organizer, community: Community) -> None:
    port = _require_port(ctx)
    try:
        is_admin = await port.is_chat_admin(community.external_id, ctx.user.external_id)
    except DeliveryError:
        raise UserError("communities-check-failed") from None
    if not is_admin:
        raise UserError("communities-not-admin", title=_title(community))
    if community.organizer_id == organizer.id:
        ctx.say("communities-already-linked", title=_title(community))
        return
    previous = community.organizer_id
    community.organizer_id = organizer.id
    community.linked_at = ctx.now()
    if previous is not None:
        # An admin of the community decides who posts there; the organizer it was linked to
        # learns about it instead of silently losing it.
        await _tell_organizer(ctx, previous, "communities-taken-over", title=_title(community))
    ctx.answer(
        ctx.t("communities-linked", title=_title(community), organizer=organizer.name),
        edit=ctx.event.kind is EventKind.BUTTON,
    )


@router.button(UnlinkCommunity, role=Role.ORGANIZER)
async def on_unlink(ctx: Context, data: UnlinkCommunity) -> None:
    organizer = require_organizer(ctx)
    community = await ctx.uow.communities.get(data.community_id)
    if community is None or community.organizer_id != organizer.id:
        raise UserError("communities-not-found")
    community.organizer_id = None
    community.linked_at = None
    ctx.say("communities-unlinked", title=_title(community))
    await show_communities(ctx, organizer)


# --- posting a purchase -----------------------------------------------------------------------


@router.command("post", aliases=("опубликовать",), role=Role.ORGANIZER)
async def post_command(ctx: Context) -> None:
    organizer = require_organizer(ctx)
    wanted = ctx.args.strip().lstrip("#")
    if wanted:
        if not wanted.isdigit() or not 1 <= int(wanted) <= 2**31 - 1:
            raise UserError("communities-purchase-not-found")
        await choose_community(ctx, organizer, int(wanted))
        return
    recent = await ctx.uow.purchases.own_purchases(organizer.id, offset=0, limit=50)
    now = ctx.now()
    open_ones = [p for p in recent if collecting(p.status, p.stop_at, now)][:PURCHASES_OFFERED]
    if not open_ones:
        raise UserError("communities-no-open-purchases")
    rows = [
        [Button(f"#{p.id} {short(p.title)}", PostPurchase(purchase_id=p.id).pack())]
        for p in open_ones
    ]
    ctx.say("communities-choose-purchase", rows)


@router.button(PostPurchase, role=Role.ORGANIZER)
async def on_post_purchase(ctx: Context, data: PostPurchase) -> None:
    await choose_community(ctx, require_organizer(ctx), data.purchase_id)


async def choose_community(ctx: Context, organizer: Organizer, purchase_id: int) -> None:
    purchase = await _open_purchase(ctx, organizer, purchase_id)
    _require_port(ctx)
    linked = await ctx.uow.communities.linked_to(organizer.id, platform=ctx.event.platform)
    if not linked:
        raise UserError("communities-none-linked")
    rows = [
        [
            Button(
                short(_title(community)),
                PostTo(purchase_id=purchase.id, community_id=community.id).pack(),
            )
        ]
        for community in linked
    ]
    ctx.say("communities-choose-community", rows, title=purchase.title)


@router.button(PostTo, role=Role.ORGANIZER)
async def on_post_to(ctx: Context, data: PostTo) -> None:
    organizer = require_organizer(ctx)
    purchase = await _open_purchase(ctx, organizer, data.purchase_id)
    community = await ctx.uow.communities.get(data.community_id)
    if (
        community is None
        or community.organizer_id != organizer.id
        or community.platform != ctx.event.platform
        or not community.active
    ):
        raise UserError("communities-not-found")
    port = _require_port(ctx)
    # The card as buyers see it, without the in-bot buttons: a post's button opens the private
    # chat on the purchase instead (`/start p_<id>`).
    card_purchase = await ctx.uow.orders.visible_purchase(purchase.id, viewer_id=ctx.user.id)
    assert card_purchase is not None
    media = await ctx.uow.orders.media(card_purchase.photo_id)
    card = purchase_card(
        ctx.t, card_purchase, buttons=False, photo=media_photo(media, ctx.event.platform)
    )
    if progress := await progress_line(ctx.uow, ctx.t, purchase):
        card.text += "\n" + progress  # the minimum to buy out (issue 21)
    order_url = port.start_link(f"p_{purchase.id}")
    card.buttons = [[Button(ctx.t("communities-button-order"), url=order_url)]]
    try:
        message_id = await port.post(community.external_id, card)
    except RecipientUnreachable:
        if community.kind != OWN_COMMUNITY:
            raise UserError("communities-post-forbidden", title=_title(community)) from None
        # The community the bot runs as refused (VK: wall.post is for user tokens only). The
        # organizer publishes the ready text; on_post ties the post to the purchase by
        # its link when the wall tells us about it.
        ctx.answer(
            ctx.t("communities-post-by-hand", title=purchase.title, community=_title(community)),
            edit=True,
        )
        ctx.answer(post_text(card))
        return
    except DeliveryError:
        raise UserError("communities-post-failed") from None
    await ctx.uow.communities.add_post(
        purchase_id=purchase.id,
        community_id=community.id,
        external_post_id=message_id,
        now=ctx.now(),
    )
    ctx.answer(
        ctx.t("communities-posted", title=purchase.title, community=_title(community)), edit=True
    )


def post_text(reply: Reply) -> str:
    """A post as plain text: link buttons become "label: url" lines (as wall posts have no
    buttons; the same as the VK adapter's wall posts)."""
    links = [f"{b.text}: {b.url}" for row in reply.buttons for b in row if b.url]
    return "\n\n".join([reply.text, *links]) if links else reply.text


async def _open_purchase(ctx: Context, organizer: Organizer, purchase_id: int) -> Purchase:
    purchase = await ctx.uow.purchases.own_purchase(purchase_id, organizer.id)
    if purchase is None:
        raise UserError("communities-purchase-not-found")
    if not collecting(purchase.status, purchase.stop_at, ctx.now()):
        raise UserError("communities-purchase-not-open", title=purchase.title)
    return purchase


# --- purchase posts published by hand ---------------------------------------------------------


@router.event(EventKind.POST)
async def on_post(ctx: Context) -> None:
    """A new post on a community's wall: if it carries the link of an open purchase of the
    organizer the community is linked to, comments under it belong to that purchase from now
    on. Anything else is not ours and is left alone (logged)."""
    event = ctx.event
    port = event.port
    new = event.detail(CommunityPost)
    if port is None or new is None or not new.community_id or not new.post_id:
        return
    if new.discussion_message_id:
        # Telegram's copy of a channel post in its discussion group (post_comments.py).
        await remember_discussion_copy(ctx, new)
        return
    community_id, post_id = new.community_id, new.post_id
    if not new.published:
        log.info("wall post %s/%s: suggested or scheduled, not yet up", community_id, post_id)
        return
    communities = ctx.uow.communities
    community = await communities.find(event.platform, community_id)
    if community is None or not community.active or community.organizer_id is None:
        log.info("wall post %s/%s: the community is not linked", community_id, post_id)
        return
    if await communities.find_post(event.platform, community_id, post_id) is not None:
        return  # the bot published it itself, or it was picked up already
    purchase = await _linked_purchase(ctx, port, event.text, community.organizer_id)
    if purchase is None:
        log.info("wall post %s/%s: no open purchase of the organizer", community_id, post_id)
        return
    try:
        async with ctx.uow.session.begin_nested():
            post = await communities.add_post(
                purchase_id=purchase.id,
                community_id=community.id,
                external_post_id=post_id[:64],
                now=ctx.now(),
            )
    except IntegrityError:
        return  # recorded meanwhile by a twin of this update
    organizer = await ctx.uow.session.get(Organizer, community.organizer_id)
    user = await ctx.uow.users.get(organizer.user_id) if organizer is not None else None
    if user is not None:
        await ctx.notify(
            user,
            "communities-post-picked-up",
            kind=OutboxKind.ANSWER,
            dedup_key=f"community-post:{community.id}:{post.external_post_id}",
            title=purchase.title,
            community=_title(community),
        )


async def _linked_purchase(
    ctx: Context, port: PlatformPort, text: str, organizer_id: int
) -> Purchase | None:
    """The first purchase whose link of this bot (`port.start_link("p_<id>")`, with or
    without the scheme) is in the text, that is the organizer's and takes orders."""
    seen: set[int] = set()
    for match in PURCHASE_REF.finditer(text):
        purchase_id = int(match.group(1))
        if purchase_id in seen or not 1 <= purchase_id <= MAX_ID:
            continue
        seen.add(purchase_id)
        link = port.start_link(f"{PURCHASE_LINK}_{purchase_id}").split("://", 1)[-1]
        if re.search(re.escape(link) + r"(?!\d)", text) is None:
            continue  # "p_7" alone, or another bot's link
        purchase = await ctx.uow.purchases.own_purchase(purchase_id, organizer_id)
        if purchase is not None and collecting(purchase.status, purchase.stop_at, ctx.now()):
            return purchase
    return None
