"""Comments to orders (journeys 5 and 6): a comment under a purchase's post on the community
wall that reads like an order becomes a draft the buyer confirms in private messages.

Through the real VK adapter and the fake VK server (the `vk` and `post_id` fixtures, a
tests/support/vk.py `VkWorld`), with the outbox delivered through the same transport; and
once through Telegram, where the same hook answers comments in a channel's discussion group.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.scheduler import PROCESSED_UPDATES_KEPT
from domain.clock import FrozenClock
from domain.lifecycle import PurchaseStatus
from handlers.buyer.comment_orders import DRAFT_VALID_FOR
from storage.models import (
    Comment,
    Order,
    OrderLine,
    OutboxMessage,
    Purchase,
    PurchaseItem,
    PurchasePost,
    User,
)
from tests.support.outbox import fast_sender
from tests.support.queries import count, rows
from tests.support.telegram import BOT_USERNAME, TelegramHarness, automatic_forward, buttons, texts
from tests.support.texts import ru
from tests.support.vk import ANNA, BORIS, DRAFT_BUTTONS, GROUP_ID, VERA, VkWorld, draft_of


async def vk_person(vk: VkWorld, external_id: int) -> User:
    async with vk.app.session_factory() as session:
        user = await session.scalar(
            select(User).where(User.platform == "vk", User.external_id == str(external_id))
        )
    assert user is not None
    return user


# --- VK ---------------------------------------------------------------------------------------


async def test_a_comment_becomes_an_order_the_buyer_confirms(
    vk: VkWorld, post_id: int, app: App
) -> None:
    assert await vk.comment(BORIS, post_id, "2 шт, размер 44") == []  # nothing on the wall
    [comment] = await vk.rows(Comment)
    assert (comment.text, comment.source) == ("2 шт, размер 44", "vk")
    assert comment.external_id is not None and comment.external_id.startswith(f"-{GROUP_ID}:")
    assert vk.server.calls_of("messages.isMessagesFromGroupAllowed")[-1]["user_id"] == str(BORIS)
    assert vk.server.comments == []

    # The draft reaches Boris in private, through the outbox.
    [message] = await vk.deliver()
    assert message.peer_id == BORIS
    assert "«2 шт, размер 44»" in message.text and "«Осень»" in message.text
    assert "Платье синее, 44 × 2" in message.text and "оргсбор 15" in message.text
    assert draft_of(vk, BORIS).cmid == message.conversation_message_id

    sent = await vk.press(BORIS, ru("comment-orders-button-confirm"))
    assert "✅ Заказ оформлен!" in sent[-1].text
    assert "Платье синее, 44 × 2" in sent[-1].text
    [order] = await vk.rows(Order)
    assert order.due_kop == 296_700  # 2 × 1 290 ₽ + 15 %
    assert order.pickup_point_id is not None  # the only pickup point

    # Anna hears of the order as of any other; Boris sees it in /orders, the comment in
    # /comments.
    assert any("Новый заказ" in m.text for m in await vk.deliver() if m.peer_id == ANNA)
    [orders] = await vk.say(BORIS, "/orders")
    assert order.number and order.number in orders.text and "Осень" in orders.text
    [comments] = await vk.say(BORIS, "/comments")
    assert "2 шт, размер 44" in comments.text


async def test_a_question_is_only_a_comment(vk: VkWorld, post_id: int, app: App) -> None:
    await vk.comment(BORIS, post_id, "а когда стоп?")
    await vk.comment(ANNA, post_id, "2 шт, размер 44")  # the organizer under her own post
    await vk.comment(VERA, post_id, "Спасибо, всё пришло!")
    assert await count(app, Comment) == 3
    assert await vk.deliver() == [] and vk.server.comments == []
    assert await count(app, OutboxMessage) == 0
    [comments] = await vk.say(BORIS, "/comments")
    assert "а когда стоп?" in comments.text and "Осень" in comments.text


async def test_a_buyer_who_does_not_allow_messages_gets_a_reply_under_the_comment(
    vk: VkWorld, post_id: int, app: App
) -> None:
    vk.server.set_messages_allowed(BORIS, False)
    await vk.comment(BORIS, post_id, "хочу синее 46")
    assert await vk.deliver() == []  # no private message VK would refuse
    [comment] = await vk.rows(Comment)
    [reply] = vk.server.comments
    assert (reply.owner_id, reply.post_id, reply.from_group) == (-GROUP_ID, post_id, GROUP_ID)
    assert reply.reply_to_comment == int(comment.external_id.split(":")[1])
    link = f"https://vk.me/club{GROUP_ID}?ref=co_{comment.id}"
    assert "Платье синее, 46 × 1" in reply.text and link in reply.text
    boris = await vk_person(vk, BORIS)
    assert boris.reachable  # nothing was tried, so nothing failed

    # Boris allows the community's messages and opens the link: the same draft.
    await vk.push(1, lambda: vk.server.message_allow(BORIS))
    [draft] = await vk.open_link(BORIS, f"co_{comment.id}")
    assert "Платье синее, 46 × 1" in draft.text
    sent = await vk.press(BORIS, ru("comment-orders-button-confirm"))
    assert "✅ Заказ оформлен!" in sent[-1].text
    [order] = await vk.rows(Order)
    assert order.due_kop == 148_350

    # The link is Boris's alone, and opens a decided draft no more.
    [other] = await vk.open_link(VERA, f"co_{comment.id}")
    assert other.text == ru("comment-orders-not-found")
    [again] = await vk.open_link(BORIS, f"co_{comment.id}")
    assert again.text == ru("comment-orders-already-decided")


def lock_is_free(app: App) -> bool:
    """Whether another writer could take SQLite's write lock right now."""
    conn = sqlite3.connect(app.settings.database_url.split(":///", 1)[1], timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


@pytest.mark.parametrize("allowed", [True, False])
async def test_vk_is_asked_and_answered_with_the_database_free(
    vk: VkWorld, post_id: int, app: App, allowed: bool
) -> None:
    if not app.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's single write lock is what is checked")
    vk.server.set_messages_allowed(BORIS, allowed)
    free: list[tuple[str, bool]] = []
    for method in ("messages.isMessagesFromGroupAllowed", "wall.createComment"):
        handler, kinds = vk.server._methods[method]

        def checking(*args: Any, _handler: Any = handler, _method: str = method) -> Any:
            free.append((_method, lock_is_free(app)))
            return _handler(*args)

        vk.server._methods[method] = (checking, kinds)
    await vk.comment(BORIS, post_id, "хочу синее 46")
    # However long VK takes to answer, the outbox sender and the scheduler can write meanwhile.
    expected = [("messages.isMessagesFromGroupAllowed", True)]
    if not allowed:
        expected.append(("wall.createComment", True))
    assert free == expected
    assert (len(await vk.deliver()) == 1) is allowed


async def test_a_double_pressed_confirm_places_one_order(
    vk: VkWorld, post_id: int, app: App
) -> None:
    await vk.comment(BORIS, post_id, "Платье синее 42")
    await vk.deliver()
    first = draft_of(vk, BORIS)
    await vk.press(BORIS, ru("comment-orders-button-confirm"))
    [order] = await vk.rows(Order)

    # A second comment joins the same order; its Confirm pressed twice adds one line once.
    await vk.comment(BORIS, post_id, "шарф 3 шт")
    await vk.deliver()
    second = draft_of(vk, BORIS)
    assert second.cmid != first.cmid
    assert ru("comment-orders-draft-joins", number=order.number) in second.text
    await vk.press_in(second, BORIS, DRAFT_BUTTONS[0])
    [repeated] = await vk.press_in(second, BORIS, DRAFT_BUTTONS[0])
    assert repeated.text == ru("comment-orders-already-decided")
    # The first draft's button, pressed again much later, neither.
    [stale] = await vk.press(BORIS, ru("comment-orders-button-confirm"))
    assert stale.text == ru("comment-orders-already-decided")

    [order] = await vk.rows(Order)
    async with app.session_factory() as session:
        lines = list(await session.scalars(select(OrderLine).order_by(OrderLine.id)))
    assert [(line.size, line.quantity) for line in lines] == [("42", 1), ("", 3)]
    assert order.due_kop == 351_900  # (1 290 ₽ + 3 × 590 ₽) + 15 %


async def test_cancel_and_expiry(vk: VkWorld, post_id: int, app: App, clock: FrozenClock) -> None:
    await vk.comment(BORIS, post_id, "x2 46")
    await vk.deliver()
    draft = draft_of(vk, BORIS)
    assert await vk.press(BORIS, ru("comment-orders-button-cancel")) == []  # edited in place
    assert vk.shown(BORIS)[-1].text == ru("comment-orders-cancelled")
    [refused] = await vk.press_in(draft, BORIS, DRAFT_BUTTONS[0])
    assert refused.text == ru("comment-orders-already-decided")

    await vk.comment(BORIS, post_id, "р. 42")
    await vk.deliver()
    clock.advance(days=DRAFT_VALID_FOR.days, hours=1)
    [late] = await vk.press(BORIS, ru("comment-orders-button-confirm"))
    assert late.text == ru("comment-orders-expired", days=DRAFT_VALID_FOR.days)
    assert await count(app, Order) == 0
    # Decided drafts are remembered longer than drafts live, so none can come back.
    assert DRAFT_VALID_FOR < PROCESSED_UPDATES_KEPT


async def test_no_drafts_from_comments_on_a_stopped_purchase(
    vk: VkWorld, post_id: int, app: App
) -> None:
    await vk.say(ANNA, "/purchase 1")
    await vk.press_nth(ANNA, 1)
    await vk.press_nth(ANNA, 1)
    [purchase] = await vk.rows(Purchase)
    assert purchase.status is PurchaseStatus.STOPPED

    vk.server.set_messages_allowed(VERA, False)
    await vk.comment(BORIS, post_id, "2 шт, размер 44")
    await vk.comment(VERA, post_id, "2 шт, размер 44")
    assert await count(app, Comment) == 2
    assert vk.server.comments == []
    assert [m for m in await vk.deliver() if m.peer_id in (BORIS, VERA)] == []
    [comments] = await vk.say(BORIS, "/comments")
    assert "2 шт, размер 44" in comments.text


async def test_a_draft_confirmed_after_the_stop_is_refused(
    vk: VkWorld, post_id: int, app: App
) -> None:
    await vk.comment(BORIS, post_id, "44")
    await vk.deliver()
    await vk.say(ANNA, "/purchase 1")
    await vk.press_nth(ANNA, 1)
    await vk.press_nth(ANNA, 1)
    [refused] = await vk.press(BORIS, ru("comment-orders-button-confirm"))
    assert refused.text == ru("orders-purchase-closed")
    assert await count(app, Order) == 0


async def test_forged_draft_buttons_are_refused(vk: VkWorld, post_id: int, app: App) -> None:
    await vk.comment(BORIS, post_id, "44")
    [comment] = await vk.rows(Comment)
    # Vera presses a copy of Boris's button; Boris buttons naming an item or a size the
    # purchase does not have.
    sent = await vk.push(
        1, lambda: vk.server.message_event(VERA, {"p": f"bcoy:{comment.id}:1:1:2"})
    )
    assert sent[-1].text == ru("comment-orders-not-found")
    sent = await vk.push(
        1, lambda: vk.server.message_event(BORIS, {"p": f"bcoy:{comment.id}:999:0:2"})
    )
    assert sent[-1].text == ru("orders-item-unavailable")
    sent = await vk.push(
        1, lambda: vk.server.message_event(BORIS, {"p": f"bcoy:{comment.id}:1:7:2"})
    )
    assert sent[-1].text == ru("comment-orders-outdated")
    assert await count(app, Order) == 0


async def test_a_draft_beyond_the_cart_limits_is_refused_and_kept(
    vk: VkWorld, post_id: int, app: App
) -> None:
    await vk.comment(BORIS, post_id, "44")
    await vk.comment(BORIS, post_id, "44 99 шт")
    await vk.deliver()
    first, second = [s for s in vk.shown(BORIS) if s.buttons]
    await vk.press_in(first, BORIS, DRAFT_BUTTONS[0])
    [refused] = await vk.press_in(second, BORIS, DRAFT_BUTTONS[0])
    assert refused.text == ru("orders-line-too-large", name="Платье синее", max=99)
    [order] = await vk.rows(Order)
    assert order.items_total_kop == 129_000
    # Nothing was decided: the same button still answers (and still refuses).
    [again] = await vk.press_in(second, BORIS, DRAFT_BUTTONS[0])
    assert again.text == refused.text


async def test_a_draft_joins_an_open_cart_of_the_purchase(vk: VkWorld, post_id: int) -> None:
    # Boris is choosing in the bot when he also comments: the draft joins his cart, which
    # he confirms himself with whatever else he put there.
    await vk.open_link(BORIS, "p_1")
    await vk.steps(BORIS, "#1", "2", "1", "#1")  # the scarf, one, no note: the cart
    await vk.comment(BORIS, post_id, "44 2 шт")
    await vk.deliver()
    sent = await vk.press(BORIS, ru("comment-orders-button-confirm"))
    assert sent[-1].text.startswith(ru("comment-orders-added-to-cart", line="Платье синее, 44 × 2"))
    assert await vk.rows(Order) == []
    sent = await vk.press(BORIS, ru("orders-button-confirm"))
    [order] = await vk.rows(Order)
    assert order.items_total_kop == 59_000 + 2 * 129_000


# --- Telegram: the same hook under a channel's posts --------------------------------------------

GLEB, DINA, CHANNEL, DISCUSSION = 604, 605, -100222, -100333


async def test_telegram_discussion_comments(tg: TelegramHarness, app: App) -> None:
    anna = await tg.make_organizer(601)
    async with app.session_factory() as session, session.begin():
        purchase = Purchase(organizer_id=anna.id, title="Носки", status=PurchaseStatus.OPEN)
        session.add(purchase)
        await session.flush()
        session.add(
            PurchaseItem(purchase_id=purchase.id, name="Носки", price_kop=25_000, sizes=["38-40"])
        )
    await tg.push(tg.server.my_chat_member(601, CHANNEL, chat_type="channel", chat_title="Канал"))
    tg.server.set_chat_member(CHANNEL, 601, "creator")
    await tg.say(601, "/link")
    await tg.press(601, ru("communities-button-link-to", title="Канал"))
    await tg.say(601, f"/post {purchase.id}")
    sent = await tg.press(601, "Канал")
    [post] = [r for r in sent if r["chat_id"] == CHANNEL]
    forward = automatic_forward(
        tg.server,
        post["message_id"],
        channel=CHANNEL,
        discussion=DISCUSSION,
        title="Канал",
        text="Носки",
    )
    await tg.push(forward)

    # Gleb started the bot: the draft comes in private; nothing is said in the group.
    await tg.say(GLEB, "/start")
    comment = _comment(tg, GLEB, "Возьму 2 пары", forward["message"])
    assert await tg.push(comment) == []
    assert {"chat_id": GLEB, "action": "typing"} in tg.server.chat_actions
    sender = fast_sender(app, tg.adapter.transport)
    await sender.drain()
    draft = tg.server.messages_to(GLEB)[-1]
    assert "Носки, 38-40 × 2" in texts([draft])[0]
    assert [b["text"] for b in buttons(draft)] == DRAFT_BUTTONS
    sent = await tg.press(GLEB, DRAFT_BUTTONS[0])
    assert "✅ Заказ оформлен!" in texts(sent)[-1]
    assert await count(app, Order) == 1

    # Dina never started the bot (the fake refuses her as if she blocked it): a reply in the
    # post's thread, with a button that starts the bot on the draft.
    tg.server.block_user(DINA)
    comment = _comment(tg, DINA, "+ 38-40", forward["message"])
    [reply] = await tg.push(comment)
    assert reply["chat_id"] == DISCUSSION
    assert reply["message"]["reply_to_message"]["message_id"] == comment["message"]["message_id"]
    stored = (await rows(app, Comment))[-1]
    assert buttons(reply) == [
        {
            "text": ru("comment-orders-button-open"),
            "url": f"https://t.me/{BOT_USERNAME}?start=co_{stored.id}",
        }
    ]
    tg.server.unblock_user(DINA)
    sent = await tg.say(DINA, f"/start co_{stored.id}")
    assert "Носки, 38-40 × 1" in texts(sent)[0]
    await tg.press(DINA, DRAFT_BUTTONS[0])
    assert await count(app, Order) == 2
    # The post, and its thread in the discussion group (storage/repositories/communities.py).
    assert await count(app, PurchasePost) == 2
    assert await count(app, PurchasePost, PurchasePost.external_post_id.like("thread:%")) == 1


def _comment(tg: TelegramHarness, user: int, text: str, copy: dict[str, Any]) -> dict[str, Any]:
    return tg.server.user_message(
        user, text, chat_id=DISCUSSION, chat_type="supergroup", extra={"reply_to_message": copy}
    )
