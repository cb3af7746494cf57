"""Communities through Telegram: the bot added to groups and channels, linking, posting a
purchase, comments in a channel's discussion group."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from domain.lifecycle import PurchaseStatus
from storage.models import (
    Comment,
    Community,
    Order,
    Organizer,
    OutboxMessage,
    PaymentReport,
    PaymentReportStatus,
    Purchase,
    PurchaseItem,
    PurchasePost,
)
from tests.support.outbox import fast_sender
from tests.support.queries import count, rows
from tests.support.telegram import BOT_USERNAME, TelegramHarness, automatic_forward, buttons, texts
from tests.support.texts import NBSP, ru

ANNA, BORIS, VERA, GLEB = 601, 602, 603, 604
GROUP, CHANNEL, DISCUSSION = -100111, -100222, -100333


async def add_purchase(
    app: App, organizer: Organizer, title: str, status: PurchaseStatus = PurchaseStatus.OPEN
) -> Purchase:
    async with app.session_factory() as session, session.begin():
        purchase = Purchase(
            organizer_id=organizer.id, title=title, fee_bp=1500, status=status, supplier="Фабрика"
        )
        session.add(purchase)
        await session.flush()
        session.add(PurchaseItem(purchase_id=purchase.id, name="Носки", price_kop=25_000))
    return purchase


async def add_bot_to(
    tg: TelegramHarness, user_id: int, chat_id: int, chat_type: str, title: str, **kw: Any
) -> list[dict]:
    update = tg.server.my_chat_member(user_id, chat_id, chat_type=chat_type, chat_title=title, **kw)
    return await tg.push(update)


async def test_added_to_a_group_greets_and_links_with_the_button(
    tg: TelegramHarness, app: App
) -> None:
    await tg.make_organizer(ANNA)
    sent = await add_bot_to(tg, ANNA, GROUP, "supergroup", "СП Казань")
    (community,) = await rows(app, Community)
    assert (community.platform, community.external_id, community.kind) == (
        "telegram",
        str(GROUP),
        "group",
    )
    assert community.title == "СП Казань" and community.active and community.organizer_id is None
    anna = await tg.user(ANNA)
    assert anna is not None and community.added_by_user_id == anna.id
    assert len(sent) == 1 and sent[0]["chat_id"] == GROUP
    assert texts(sent) == [ru("communities-welcome-group")]
    assert [b["text"] for b in buttons(sent[0])] == [ru("communities-button-link")]
    # The organizer who added it hears about it in private (through the outbox).
    (notice,) = await rows(app, OutboxMessage)
    assert notice.chat_id == str(ANNA) and "/link" in notice.body["text"]

    # Boris is no organizer: refused. Vera is an organizer but no admin there: refused.
    assert texts(await tg.press(BORIS, ru("communities-button-link"), chat_id=GROUP)) == [
        ru("need-organizer")
    ]
    await tg.make_organizer(VERA, "Vera")
    sent = await tg.press(VERA, ru("communities-button-link"), chat_id=GROUP)
    assert texts(sent) == [ru("communities-not-admin", title="СП Казань")]
    assert (await rows(app, Community))[0].organizer_id is None
    # Anna is an admin: linked; the greeting is edited into the confirmation.
    tg.server.set_chat_member(GROUP, ANNA, "creator")
    edits = len(tg.server.edits)
    sent = await tg.press(ANNA, ru("communities-button-link"), chat_id=GROUP)
    assert sent == [] and len(tg.server.edits) == edits + 1
    assert tg.server.edits[-1]["chat_id"] == GROUP
    assert "Anna's buys" in tg.server.edits[-1]["text"]
    (community,) = await rows(app, Community)
    assert community.organizer_id is not None and community.linked_at is not None
    assert len(tg.server.callback_answers) == 3


async def test_channel_linked_from_the_private_chat_and_removal(
    tg: TelegramHarness, app: App
) -> None:
    await tg.make_organizer(ANNA)
    # Added to a channel: recorded, nothing posted in the channel.
    assert await add_bot_to(tg, ANNA, CHANNEL, "channel", "Закупки Анны") == []
    (community,) = await rows(app, Community)
    assert community.kind == "channel" and community.active

    sent = await tg.say(ANNA, "/link")
    assert (
        ru("communities-entry-not-linked", number="1", title="Закупки Анны", kind="channel")
        in (texts(sent)[0])
    )
    # getChatMember says Anna is a plain member: refused, not linked.
    tg.server.set_chat_member(CHANNEL, ANNA, "member")
    label = ru("communities-button-link-to", title="Закупки Анны")
    sent = await tg.press(ANNA, label)
    assert texts(sent) == [ru("communities-not-admin", title="Закупки Анны")]
    assert (await rows(app, Community))[0].organizer_id is None
    # Now she is an admin.
    tg.server.set_chat_member(CHANNEL, ANNA, "administrator")
    await tg.press(ANNA, label)
    (community,) = await rows(app, Community)
    assert community.organizer_id is not None
    sent = await tg.say(ANNA, "/link")
    assert "привязано к вам" in texts(sent)[0]

    # The bot is removed from the channel: kept for history, no longer active, Anna told.
    removed = tg.server.my_chat_member(
        ANNA, CHANNEL, chat_type="channel", new_status="left", old_status="administrator"
    )
    assert await tg.push(removed) == []
    (community,) = await rows(app, Community)
    assert community.active is False
    assert any(
        m.body["text"] == ru("communities-removed", title="Закупки Анны")
        for m in await rows(app, OutboxMessage)
    )
    sent = await tg.say(ANNA, "/link")
    assert texts(sent) == [ru("communities-none")]


async def test_link_typed_in_the_group_and_group_migration(tg: TelegramHarness, app: App) -> None:
    await tg.make_organizer(ANNA)
    tg.server.set_chat_member(-4001, ANNA, "administrator")
    sent = await tg.say(
        ANNA, f"/link@{BOT_USERNAME}", chat_id=-4001, chat_type="group", chat_title="Двор"
    )
    assert texts(sent) == [ru("communities-linked", title="Двор", organizer="Anna's buys")]
    # The group becomes a supergroup with a new id: the community follows.
    migrated = tg.server.user_message(
        ANNA, None, chat_id=-4001, chat_type="group", extra={"migrate_to_chat_id": -1004001}
    )
    await tg.push(migrated)
    (community,) = await rows(app, Community)
    assert community.external_id == "-1004001" and community.organizer_id is not None


async def test_post_a_purchase_and_collect_discussion_comments(
    tg: TelegramHarness, app: App
) -> None:
    anna = await tg.make_organizer(ANNA)
    purchase = await add_purchase(app, anna, "Носки оптом")
    await add_purchase(app, anna, "Черновик", PurchaseStatus.DRAFT)
    await add_bot_to(tg, ANNA, CHANNEL, "channel", "Закупки Анны")
    tg.server.set_chat_member(CHANNEL, ANNA, "creator")
    await tg.say(ANNA, "/link")
    await tg.press(ANNA, ru("communities-button-link-to", title="Закупки Анны"))

    sent = await tg.say(ANNA, "/post")
    assert texts(sent) == [ru("communities-choose-purchase")]
    assert [b["text"] for b in buttons(sent[0])] == [f"#{purchase.id} Носки оптом"]
    sent = await tg.press(ANNA, f"#{purchase.id} Носки оптом")
    assert texts(sent) == [ru("communities-choose-community", title="Носки оптом")]
    sent = await tg.press(ANNA, "Закупки Анны")
    (post,) = [r for r in sent if r["chat_id"] == CHANNEL]
    assert "Носки оптом" in texts([post])[0] and "Носки" in texts([post])[0]
    (order_button,) = buttons(post)
    assert order_button == {
        "text": ru("communities-button-order"),
        "url": f"https://t.me/{BOT_USERNAME}?start=p_{purchase.id}",
    }
    (recorded,) = await rows(app, PurchasePost)
    assert recorded.purchase_id == purchase.id
    assert recorded.external_post_id == str(post["message_id"])
    confirmation = tg.server.edits[-1]
    assert confirmation["chat_id"] == ANNA and "Носки оптом" in confirmation["text"]

    # The post's button opens the purchase in the private chat.
    sent = await tg.say(GLEB, f"/start p_{purchase.id}")
    assert "Носки оптом" in texts(sent)[0]

    # Telegram copies the post into the channel's discussion group; Gleb comments under it.
    forward = automatic_forward(
        tg.server,
        post["message_id"],
        channel=CHANNEL,
        discussion=DISCUSSION,
        title="Закупки Анны",
        text="Носки оптом",
    )
    assert await tg.push(forward) == []  # the copy itself is the channel's, not a person's
    copy = forward["message"]
    comment = tg.server.user_message(
        GLEB,
        "Возьму 2 пары, размер 42",
        chat_id=DISCUSSION,
        chat_type="supergroup",
        extra={"reply_to_message": copy},
    )
    assert await tg.push(comment) == []  # nothing is said in the group
    (stored,) = await rows(app, Comment)
    gleb = await tg.user(GLEB)
    assert gleb is not None
    assert (stored.user_id, stored.purchase_id, stored.source, stored.text) == (
        gleb.id,
        purchase.id,
        "telegram",
        "Возьму 2 пары, размер 42",
    )
    assert stored.external_id == f"{DISCUSSION}:{comment['message']['message_id']}"
    assert (await rows(app, Community))[0].discussion_chat_id == str(DISCUSSION)
    # Gleb sees it in his /comments.
    sent = await tg.say(GLEB, "/comments")
    assert "Возьму 2 пары, размер 42" in texts(sent)[0]

    # Chatter in the discussion group that answers nothing of ours is not a comment.
    await tg.push(
        tg.server.user_message(GLEB, "всем привет", chat_id=DISCUSSION, chat_type="supergroup")
    )
    other = tg.server.user_message(
        GLEB,
        "ответ",
        chat_id=DISCUSSION,
        chat_type="supergroup",
        reply_to_message_id=comment["message"]["message_id"],
    )
    await tg.push(other)
    assert await count(app, Comment) == 1


async def test_posting_refusals(tg: TelegramHarness, app: App) -> None:
    anna = await tg.make_organizer(ANNA)
    vera = await tg.make_organizer(VERA, "Vera")
    annas = await add_purchase(app, anna, "Носки")
    veras = await add_purchase(app, vera, "Шапки")
    closed = await add_purchase(app, anna, "Старое", PurchaseStatus.CLOSED)
    sent = await tg.say(ANNA, "/post")
    assert [b["text"] for b in buttons(sent[0])] == [f"#{annas.id} Носки"]
    # No linked community yet.
    assert texts(await tg.say(ANNA, f"/post {annas.id}")) == [ru("communities-none-linked")]

    await add_bot_to(tg, VERA, CHANNEL, "channel", "Канал Веры")
    tg.server.set_chat_member(CHANNEL, VERA, "creator")
    await tg.say(VERA, "/link")
    await tg.press(VERA, ru("communities-button-link-to", title="Канал Веры"))
    (community,) = await rows(app, Community)

    # Forged buttons: Anna names Vera's purchase, or Vera's community; a closed purchase.
    sent = await tg.callback(ANNA, f"cmo:{veras.id}:{community.id}")
    assert texts(sent) == [ru("communities-purchase-not-found")]
    sent = await tg.callback(ANNA, f"cmo:{annas.id}:{community.id}")
    assert texts(sent) == [ru("communities-not-found")]
    sent = await tg.callback(ANNA, f"cmq:{closed.id}")
    assert texts(sent) == [ru("communities-purchase-not-open", title="Старое")]
    sent = await tg.callback(ANNA, "cmo:99999999999:1")
    assert texts(sent) == [ru("error-button-outdated")]
    assert await count(app, PurchasePost) == 0
    assert tg.server.messages_to(CHANNEL) == []

    # The bot lost its posting right in Vera's channel: a clear answer, nothing recorded.
    tg.server.block_user(CHANNEL)
    await tg.say(VERA, "/post")
    await tg.press(VERA, f"#{veras.id} Шапки")
    sent = await tg.press(VERA, "Канал Веры")
    assert texts(sent) == [ru("communities-post-forbidden", title="Канал Веры")]
    assert await count(app, PurchasePost) == 0


async def steps(tg: TelegramHarness, user_id: int, *inputs: str) -> list[dict]:
    """Type or press in turn ("#N" presses button N, as in the console); all sent records."""
    sent: list[dict] = []
    for step in inputs:
        if step.startswith("#"):
            sent += await tg.press_nth(user_id, int(step[1:]))
        else:
            sent += await tg.say(user_id, step)
    return sent


async def test_journey_purchase_posted_ordered_paid_through_telegram(
    tg: TelegramHarness, app: App
) -> None:
    """Journeys 1–3 and 10 on Telegram: profile, a purchase created and opened, posted to the
    organizer's channel, two buyers order through the post's link (one in English), the
    purchase moves to payment, a buyer reports a payment with a receipt photo, the organizer
    confirms it."""
    # The organizer's profile: payment details and a pickup point.
    await tg.say(ANNA, "/organizer Анна СП")
    await tg.say(ANNA, "/organizer")
    await tg.press(ANNA, ru("organizer-button-pay"))
    await tg.say(ANNA, "Карта 2200 0000 0000 0000, Анна А.")
    await tg.press(ANNA, ru("organizer-button-points"))
    await tg.press_nth(ANNA, 1)
    for answer in ("Центр", "ул. Ленина, 1", "пн–пт 10–19"):
        await tg.say(ANNA, answer)

    # The purchase in one line, items pasted, opened.
    sent = await tg.say(
        ANNA, "/newpurchase Осень; Orby; Одежда; сбор 15%; стоп 01.12.2026; оплата 05.12.2026"
    )
    assert "Осень" in texts(sent)[0]
    sent = await tg.say(ANNA, "Платье синее; 1290; 42,44,46; PL-1\nШарф; 590")
    assert any("Добавлено товаров: 2." in t for t in texts(sent))
    for _ in range(3):
        sent = await tg.press_nth(ANNA, 1)
    opened = "\n".join(texts(sent) + [e["text"] for e in tg.server.edits])
    assert "статус «сбор заказов»" in opened and "/start p_1" in opened

    # Posted to the organizer's channel with the Order link.
    await add_bot_to(tg, ANNA, CHANNEL, "channel", "Закупки Анны")
    tg.server.set_chat_member(CHANNEL, ANNA, "creator")
    await tg.say(ANNA, "/link")
    await tg.press(ANNA, ru("communities-button-link-to", title="Закупки Анны"))
    await tg.say(ANNA, "/post 1")
    await tg.press(ANNA, "Закупки Анны")
    (post,) = tg.server.messages_to(CHANNEL)
    link = buttons(post)[0]["url"]
    payload = link.split("?start=", 1)[1]
    assert payload == "p_1"

    # Two buyers follow the link and order (the console journey's key presses).
    sent = await tg.say(BORIS, f"/start {payload}")
    assert "Осень" in texts(sent)[0]
    sent = await steps(tg, BORIS, "#1", "1", "42", "2", "#1", "#3")
    assert "✅ Заказ оформлен!" in texts(sent)[-1]
    await tg.say(VERA, f"/start {payload}", language_code="en")
    sent = await steps(tg, VERA, "#1", "2", "3", "#1", "#3")
    assert "✅ Order placed!" in texts(sent)[-1]
    async with app.session_factory() as session:
        orders = list(await session.scalars(select(Order).order_by(Order.id)))
    assert [o.due_kop for o in orders] == [296_700, 203_550]

    # Stop, then payment: the buyers are notified through the outbox.
    for _ in range(2):
        await tg.say(ANNA, "/purchase 1")
        await tg.press_nth(ANNA, 1)
        await tg.press_nth(ANNA, 1)
    async with app.session_factory() as session:
        purchase = await session.get(Purchase, 1)
    assert purchase is not None and purchase.status is PurchaseStatus.PAYMENT

    # Boris reports his payment with a receipt photo.
    sent = await tg.say(BORIS, "/pay")
    assert "Карта 2200" in "\n".join(texts(sent))
    await tg.say(BORIS, "2967")
    await tg.press_nth(BORIS, 1)  # paid just now
    await tg.press_nth(BORIS, 1)  # by card
    await tg.say(BORIS, None, photo=b"\xff\xd8receipt")
    await tg.press_nth(BORIS, 1)  # no comment
    sent = await tg.press_nth(BORIS, 1)  # send
    async with app.session_factory() as session:
        report = await session.scalar(select(PaymentReport))
    assert report is not None and report.amount_kop == 296_700 and report.receipt_id is not None

    # The outbox sender delivers through the adapter's transport: the organizer gets the
    # report with Confirm / Reject on Telegram and presses Confirm.
    sender = fast_sender(app, tg.adapter.transport)
    await sender.drain()
    report_message = tg.server.messages_to(ANNA)[-1]
    labels = [b["text"] for b in buttons(report_message)]
    assert len(labels) == 2 and "2 967" in (report_message.get("caption") or "").replace(NBSP, " ")
    await tg.press(ANNA, labels[0])
    async with app.session_factory() as session:
        report = await session.scalar(select(PaymentReport))
        paid = await session.get(Order, orders[0].id)
    assert report is not None and report.status is PaymentReportStatus.CONFIRMED
    assert paid is not None and paid.confirmed_paid_kop == 296_700
    await sender.drain()
    assert "подтвердил вашу оплату" in texts(tg.server.messages_to(BORIS))[-1]
    # The buyers heard about every status change too, each in their language.
    assert any("пора оплатить" in t for t in texts(tg.server.messages_to(BORIS)))
    assert any("Stop in" in t for t in texts(tg.server.messages_to(VERA)))
