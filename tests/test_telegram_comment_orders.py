"""Orders from comments on Telegram (issue 21), through the real aiogram stack against the fake
Bot API: a reply such as "+1 44" or "беру 2 шт 46" in a channel's discussion group, under the
channel's automatic copy of a purchase post (or further down that post's thread), becomes an
order draft the buyer confirms in private; someone who never started the bot is answered in
the group with a link that opens the draft; chatter is left alone."""

from __future__ import annotations

from aiogram.types import Update
from sqlalchemy import select

from bot.adapters.telegram.events import to_incoming
from bot.app import App
from bot.core.events import CommunityPost, EventKind, PostComment
from domain.lifecycle import PurchaseStatus
from storage.models import Comment, Order, OrderLine, Organizer, Purchase, PurchaseItem
from tests.support.outbox import fast_sender
from tests.support.queries import count, rows
from tests.support.telegram import (
    BOT_ID,
    BOT_USERNAME,
    TelegramHarness,
    automatic_forward,
    buttons,
    texts,
)
from tests.support.texts import ru

ANNA, BORIS, GLEB, DINA = 701, 702, 703, 704
CHANNEL, DISCUSSION = -100777, -100888


async def dress_purchase(app: App, organizer: Organizer) -> Purchase:
    async with app.session_factory() as session, session.begin():
        purchase = Purchase(
            organizer_id=organizer.id,
            title="Платья",
            fee_bp=1000,
            status=PurchaseStatus.OPEN,
            min_pieces=10,
        )
        session.add(purchase)
        await session.flush()
        session.add(
            PurchaseItem(
                purchase_id=purchase.id, name="Платье", price_kop=150_000, sizes=["42", "44", "46"]
            )
        )
    return purchase


async def lines_of(app: App, buyer: int) -> list[tuple[str, int]]:
    async with app.session_factory() as session:
        found = await session.execute(
            select(OrderLine.size, OrderLine.quantity)
            .join(Order, Order.id == OrderLine.order_id)
            .join(Order.purchase)
            .where(Order.buyer_id == buyer)
            .order_by(OrderLine.id)
        )
        return [(size, quantity) for size, quantity in found]


async def test_discussion_group_replies_become_drafts_confirmed_in_private(
    tg: TelegramHarness, app: App
) -> None:
    anna = await tg.make_organizer(ANNA)
    purchase = await dress_purchase(app, anna)
    tg.server.set_chat_member(CHANNEL, ANNA, "creator")
    await tg.push(
        tg.server.my_chat_member(ANNA, CHANNEL, chat_type="channel", chat_title="Платья у Анны")
    )
    await tg.say(ANNA, "/link")
    await tg.press(ANNA, ru("communities-button-link-to", title="Платья у Анны"))
    await tg.say(ANNA, "/post")
    await tg.press(ANNA, f"#{purchase.id} Платья")
    sent = await tg.press(ANNA, "Платья у Анны")
    (post,) = [r for r in sent if r["chat_id"] == CHANNEL]
    # The post shows the minimum's progress (issue 21).
    assert "Собрано 0 % минималки (10 шт), осталось 10 шт." in texts([post])[0]

    forward = automatic_forward(
        tg.server,
        post["message_id"],
        channel=CHANNEL,
        discussion=DISCUSSION,
        title="Платья у Анны",
        text="Платья",
    )
    assert await tg.push(forward) == []
    copy = forward["message"]
    sender = fast_sender(app, tg.adapter.transport)

    # Boris has started the bot: "+1 44" under the post becomes a draft in his private chat.
    await tg.say(BORIS, "/start")
    comment = comment_of_boris = tg.server.user_message(
        BORIS,
        "+1 44",
        chat_id=DISCUSSION,
        chat_type="supergroup",
        extra={"reply_to_message": copy},
    )
    assert await tg.push(comment) == []  # nothing in the group
    await sender.drain()
    draft = tg.server.messages_to(BORIS)[-1]
    assert "Черновик заказа: Платье, 44 × 1" in texts([draft])[0]
    labels = [b["text"] for b in buttons(draft)]
    assert labels == [ru("comment-orders-button-confirm"), ru("comment-orders-button-cancel")]
    await tg.press(BORIS, labels[0])
    boris = await tg.user(BORIS)
    assert boris is not None
    assert await lines_of(app, boris.id) == [("44", 1)]

    # Gleb never started the bot: he cannot be written to first, so the bot answers under
    # his comment in the group with a link that opens the draft in private.
    tg.server.never_started(GLEB)
    comment = tg.server.user_message(
        GLEB,
        "беру 2 шт 46",
        chat_id=DISCUSSION,
        chat_type="supergroup",
        extra={"reply_to_message": copy},
    )
    (answer,) = await tg.push(comment)
    assert answer["chat_id"] == DISCUSSION
    replied = answer["message"]["reply_to_message"]["message_id"]
    assert replied == comment["message"]["message_id"]
    assert "Черновик заказа: Платье, 46 × 2" in texts([answer])[0]
    gleb_comment = (await rows(app, Comment))[-1]
    (link,) = buttons(answer)
    assert link["url"] == f"https://t.me/{BOT_USERNAME}?start=co_{gleb_comment.id}"
    await sender.drain()
    assert tg.server.messages_to(GLEB) == []  # nothing was tried in private
    sent = await tg.say(GLEB, f"/start co_{gleb_comment.id}")
    assert "Черновик заказа: Платье, 46 × 2" in texts(sent)[-1]
    await tg.press(GLEB, ru("comment-orders-button-confirm"))
    gleb = await tg.user(GLEB)
    assert gleb is not None
    assert await lines_of(app, gleb.id) == [("46", 2)]
    # Someone else's link opens nothing.
    sent = await tg.say(DINA, f"/start co_{gleb_comment.id}")
    assert texts(sent) == [ru("comment-orders-not-found")]
    await sender.drain()

    # Further down the post's thread, answering Boris rather than the post, Dina orders too:
    # Telegram names the thread (the copy's id) in every message of it.
    boris_comment = comment_of_boris["message"]

    def under_boris(text: str, thread_id: int = copy["message_id"]) -> dict:
        """Dina's message in a thread (the post's by default), answering Boris's comment."""
        return tg.server.user_message(
            DINA,
            text,
            chat_id=DISCUSSION,
            chat_type="supergroup",
            reply_to_message_id=boris_comment["message_id"],
            message_thread_id=thread_id,
        )

    await tg.say(DINA, "/start")
    answer = under_boris("мне тоже +1 42")
    assert await tg.push(answer) == []
    await sender.drain()
    assert "Черновик заказа: Платье, 42 × 1" in texts(tg.server.messages_to(DINA))[-1]
    # Chatter in the thread is recorded as a comment, and nothing more.
    await tg.push(under_boris("красивое!"))

    # Chatter: a message answering nothing, a question under the post, a sticker-like
    # nothing. Comments are recorded, but no draft and no answer in the group.
    await sender.drain()  # the organizer's news of the orders above
    before = len(tg.server.sent)
    await tg.push(
        tg.server.user_message(DINA, "всем привет", chat_id=DISCUSSION, chat_type="supergroup")
    )
    question = tg.server.user_message(
        DINA,
        "а 44 когда придёт?",
        chat_id=DISCUSSION,
        chat_type="supergroup",
        extra={"reply_to_message": copy},
    )
    await tg.push(question)
    await sender.drain()
    assert tg.server.sent[before:] == []
    # Boris's, Gleb's, Dina's two in the thread and her question.
    assert await count(app, Comment) == 5
    assert await count(app, Order) == 2  # Dina has not confirmed her draft
    # A thread that is not one of our posts' threads is not ours at all.
    await tg.push(under_boris("+1 44", thread_id=copy["message_id"] + 500))
    assert await count(app, Comment) == 5


def _discussion_update(message: dict) -> Update:
    chat = {"id": DISCUSSION, "type": "supergroup", "title": "Обсуждение"}
    return Update.model_validate({"update_id": 1, "message": {"date": 1, "chat": chat, **message}})


def test_the_copy_of_a_post_and_its_thread_as_events() -> None:
    channel = {"id": CHANNEL, "type": "channel", "title": "Платья у Анны"}
    copy = {
        "message_id": 50,
        "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
        "sender_chat": channel,
        "is_automatic_forward": True,
        "forward_origin": {"type": "channel", "chat": channel, "message_id": 7, "date": 1},
        "text": "Платья",
    }
    event = to_incoming(_discussion_update(copy), bot_id=BOT_ID, bot_username=BOT_USERNAME)
    assert event is not None and event.kind is EventKind.POST
    assert event.details == CommunityPost(
        community_id=str(CHANNEL),
        post_id="7",
        discussion_chat_id=str(DISCUSSION),
        discussion_message_id="50",
    )
    # A channel's message that is not the automatic copy (an anonymous admin) is not ours.
    anonymous = {**copy, "is_automatic_forward": False}
    assert to_incoming(_discussion_update(anonymous), bot_id=BOT_ID, bot_username=None) is None

    person = {"id": DINA, "is_bot": False, "first_name": "Dina"}
    other = {"message_id": 60, "from": {"id": BORIS, "is_bot": False, "first_name": "B"}}
    answer = {
        "message_id": 61,
        "from": person,
        "text": "+1 42",
        "message_thread_id": 50,
        "reply_to_message": {**other, "date": 1, "chat": {"id": DISCUSSION, "type": "supergroup"}},
    }
    event = to_incoming(_discussion_update(answer), bot_id=BOT_ID, bot_username=BOT_USERNAME)
    assert event is not None and event.kind is EventKind.COMMENT
    assert event.details == PostComment(
        community_id="",
        post_id="",
        comment_id=f"{DISCUSSION}:61",
        discussion_chat_id=str(DISCUSSION),
        thread_id="50",
    )
    # A forum topic's messages carry a thread id too, but are no post's comments.
    topic = {**answer, "is_topic_message": True}
    event = to_incoming(_discussion_update(topic), bot_id=BOT_ID, bot_username=BOT_USERNAME)
    assert event is not None and event.kind is EventKind.MESSAGE
