"""Purchase posts on the wall of the VK community the bot runs as.

VK serves wall.post to user tokens only (a community token gets error 27), so the fake runs
as real VK here (`group_wall_post` off): the community is recorded when the adapter starts,
an organizer who administers it links it with /link in private messages, /post answers the
ready text to publish by hand, and the wall_post_new of that post ties it to the purchase by
its link, so comments under it become the buyers' comments and order drafts.

Through the real VK adapter and the fake VK server (tests/support/vk.py `VkWorld`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.vk.events import to_incoming
from bot.app import App
from bot.core.events import CommunityPost, EventKind
from domain.lifecycle import PurchaseStatus
from storage.models import (
    Comment,
    Community,
    Organizer,
    OutboxMessage,
    Purchase,
    PurchaseItem,
    PurchasePost,
    User,
)
from tests.support.queries import count
from tests.support.texts import ru
from tests.support.vk import ANNA, BORIS, GROUP_ID, VERA, VkWorld, draft_of, vk_world

TITLE = "СП Анны"
ORDER_LINK = f"https://vk.me/club{GROUP_ID}?ref=p_1"


@pytest.fixture
async def vk(app: App) -> AsyncIterator[VkWorld]:
    """As real VK: the community may not post on its own wall (conftest's `vk` may)."""
    async with vk_world(app, group_name=TITLE) as world:
        yield world


async def add_purchase(app: App, organizer_user: int, title: str) -> int:
    """An open purchase (a dress in 42–46, 15 % fee) of the organizer with that VK id."""
    async with app.session_factory() as session, session.begin():
        organizer = await session.scalar(
            select(Organizer)
            .join(User, User.id == Organizer.user_id)
            .where(User.platform == "vk", User.external_id == str(organizer_user))
        )
        assert organizer is not None
        purchase = Purchase(
            organizer_id=organizer.id,
            title=title,
            supplier="Orby",
            fee_bp=1500,
            status=PurchaseStatus.OPEN,
        )
        session.add(purchase)
        await session.flush()
        session.add(
            PurchaseItem(
                purchase_id=purchase.id,
                position=1,
                name="Платье синее",
                price_kop=129_000,
                sizes=["42", "44", "46"],
            )
        )
        return purchase.id


async def link_own_community(vk: VkWorld) -> None:
    vk.server.set_members([ANNA, BORIS], managers={ANNA: "administrator"})
    await vk.say(ANNA, "/link")
    await vk.press(ANNA, ru("communities-button-link-to", title=TITLE))
    assert vk.texts(ANNA)[-1] == ru("communities-linked", title=TITLE, organizer="Анна СП")


@pytest.fixture
async def ready_text(vk: VkWorld) -> str:
    """Anna's open purchase "Осень" sent to her own community with /post: the text to publish."""
    await vk.say(ANNA, "/organizer Анна СП")
    assert await add_purchase(vk.app, ANNA, "Осень") == 1
    await link_own_community(vk)
    await vk.say(ANNA, "/post 1")
    await vk.press(ANNA, TITLE)
    *_, told, ready = vk.texts(ANNA)
    assert told == ru("communities-post-by-hand", title="Осень", community=TITLE)
    return ready


async def published(vk: VkWorld, text: str, **kw: Any) -> dict[str, Any]:
    """Publish a post on the community's wall and wait until its update went through."""
    events: list[dict[str, Any]] = []
    await vk.push(1, lambda: events.append(vk.server.wall_post_new(text, **kw)))
    return events[0]


async def test_the_own_community_is_recorded_at_start_and_linked_by_its_admin(
    vk: VkWorld,
) -> None:
    [community] = await vk.rows(Community)
    assert (community.platform, community.external_id) == ("vk", str(GROUP_ID))
    assert (community.kind, community.title, community.active) == ("community", TITLE, True)
    assert community.organizer_id is None and community.added_by_user_id is None
    # Every start records it again: still one row.
    await vk.adapter._record_own_community(vk.transport.default)
    assert len(await vk.rows(Community)) == 1

    # Boris organizes too but does not administer the community: offered, refused.
    await vk.say(BORIS, "/organizer Борис СП")
    await vk.say(ANNA, "/organizer Анна СП")
    vk.server.set_members([ANNA, BORIS], managers={ANNA: "administrator", BORIS: "editor"})
    [listed] = await vk.say(BORIS, "/link")
    assert TITLE in listed.text
    await vk.press(BORIS, ru("communities-button-link-to", title=TITLE))
    assert vk.texts(BORIS)[-1] == ru("communities-not-admin", title=TITLE)
    [community] = await vk.rows(Community)
    assert community.organizer_id is None

    # Anna, an administrator, links it from the private chat.
    await link_own_community(vk)
    [community] = await vk.rows(Community)
    [anna] = [o for o in await vk.rows(Organizer) if o.name == "Анна СП"]
    assert community.organizer_id == anna.id
    [listed] = await vk.say(ANNA, "/link")
    assert ru("communities-entry-linked", number="1", title=TITLE, kind="community") in listed.text


async def test_post_answers_the_ready_text_when_vk_refuses_wall_post(
    vk: VkWorld, ready_text: str
) -> None:
    assert vk.server.calls_of("wall.post") and vk.server.posts == []  # tried: error 27
    assert ready_text.startswith("🛍 Осень\nОрганизатор: Анна СП")
    assert ready_text.endswith(f"{ru('communities-button-order')}: {ORDER_LINK}")
    assert await vk.rows(PurchasePost) == []


async def test_a_published_post_with_the_link_is_picked_up_once(
    vk: VkWorld, ready_text: str, app: App
) -> None:
    event = await published(vk, ready_text, created_by=ANNA, post_id=77)
    [post] = await vk.rows(PurchasePost)
    [community] = await vk.rows(Community)
    assert (post.purchase_id, post.community_id, post.external_post_id) == (1, community.id, "77")
    [told] = await vk.deliver()
    assert told.peer_id == ANNA
    assert told.text == ru("communities-post-picked-up", title="Осень", community=TITLE)

    # The same update again (VK redelivers), and a second event about the same post.
    await vk.push(1, lambda: vk.server.redeliver(event))
    await published(vk, ready_text, created_by=ANNA, post_id=77)
    assert len(await vk.rows(PurchasePost)) == 1
    assert await vk.deliver() == []
    assert await count(app, OutboxMessage) == 1

    # Comments under the post are now the buyers'; one that reads like an order is a draft.
    await vk.comment(VERA, 77, "а когда стоп?")
    [comments] = await vk.say(VERA, "/comments")
    assert "а когда стоп?" in comments.text and "Осень" in comments.text
    await vk.comment(BORIS, 77, "2 шт, размер 44")
    assert len(await vk.rows(Comment)) == 2
    [draft] = await vk.deliver()
    assert draft.peer_id == BORIS and "Платье синее, 44 × 2" in draft.text
    assert draft_of(vk, BORIS).cmid == draft.conversation_message_id
    sent = await vk.press(BORIS, ru("comment-orders-button-confirm"))
    assert "✅ Заказ оформлен!" in sent[-1].text


async def test_posts_without_a_purchase_of_the_linked_organizer_are_ignored(
    vk: VkWorld, ready_text: str, app: App
) -> None:
    await vk.say(BORIS, "/organizer Борис СП")
    assert await add_purchase(app, BORIS, "Зима") == 2
    others = [
        "Всем привет! Новая закупка скоро.",  # no link at all
        f"Закупка Бориса: https://vk.me/club{GROUP_ID}?ref=p_2",  # not Anna's purchase
        "Чужой бот: https://vk.me/club999?ref=p_1",  # another community's link
        f"Нет такой: https://vk.me/club{GROUP_ID}?ref=p_99",
        "просто p_1",
    ]
    for number, text in enumerate(others, start=100):
        await published(vk, text, created_by=ANNA, post_id=number)
    # Not a post yet: a suggestion and a scheduled one.
    await published(vk, ready_text, created_by=BORIS, post_id=200, post_type="suggest")
    await published(vk, ready_text, created_by=ANNA, post_id=201, post_type="postpone")
    assert await vk.rows(PurchasePost) == []
    assert await vk.deliver() == []
    # A comment under such a post is nobody's purchase comment.
    assert await vk.comment(BORIS, 100, "2 шт, размер 44") == []
    assert await vk.rows(Comment) == []


async def test_posts_on_an_unlinked_community_or_closed_purchase_are_ignored(
    vk: VkWorld, app: App
) -> None:
    await vk.say(ANNA, "/organizer Анна СП")
    await add_purchase(app, ANNA, "Осень")
    text = f"Осень\n\nЗаказать: {ORDER_LINK}"
    await published(vk, text, created_by=ANNA, post_id=10)  # not linked yet
    assert await vk.rows(PurchasePost) == []

    await link_own_community(vk)
    async with app.session_factory() as session, session.begin():
        purchase = await session.get(Purchase, 1)
        assert purchase is not None
        purchase.status = PurchaseStatus.CANCELLED
    await published(vk, text, created_by=ANNA, post_id=11)
    assert await vk.rows(PurchasePost) == []
    assert await vk.deliver() == []


async def test_a_post_the_bot_published_itself_is_not_picked_up_again(app: App) -> None:
    async with vk_world(app, group_name=TITLE, group_wall_post=True) as vk:
        await vk.say(ANNA, "/organizer Анна СП")
        await add_purchase(app, ANNA, "Осень")
        await link_own_community(vk)
        await vk.say(ANNA, "/post 1")
        await vk.press(ANNA, TITLE)
        assert vk.texts(ANNA)[-1] == ru("communities-posted", title="Осень", community=TITLE)
        [wall_post] = vk.server.posts
        # VK tells the community about its new post like about any other.
        await published(vk, wall_post.text, created_by=ANNA, post_id=wall_post.post_id)
        [post] = await vk.rows(PurchasePost)
        assert post.external_post_id == str(wall_post.post_id)
        assert await vk.deliver() == []


async def test_wall_post_new_as_an_event(vk: VkWorld) -> None:
    by_admin = to_incoming(vk.server.wall_post_new("x", created_by=ANNA, post_id=5), GROUP_ID)
    assert by_admin is not None and by_admin.kind is EventKind.POST
    assert (by_admin.sender.external_id, by_admin.chat.external_id) == (str(ANNA), str(ANNA))
    assert by_admin.text == "x"
    assert by_admin.details == CommunityPost(str(GROUP_ID), "5", published=True)
    by_person = to_incoming(vk.server.wall_post_new("y", from_id=BORIS), GROUP_ID)
    assert by_person is not None and by_person.sender.external_id == str(BORIS)
    # Nobody to tell it came from (no created_by): not an event for the dispatcher.
    assert to_incoming(vk.server.wall_post_new("z"), GROUP_ID) is None
