"""The MAX adapter end to end: its own long-polling loop against the fake MAX Bot API
(tests/fakes/max_server.py), the real dispatcher and handlers on a real database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.adapters.max.client import MaxClient
from bot.adapters.max.events import Malformed, chat_key, to_incoming, update_id_of
from bot.adapters.max.transport import MaxTransport, split_text
from bot.app import App
from bot.core.events import AttachmentKind, ChatKind, EventKind, Membership, MembershipChange
from bot.core.replies import Button, Document, FileRef, Photo, Reply
from bot.core.transport import (
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
    TemporaryFailure,
)
from domain.lifecycle import PurchaseStatus
from storage.models import (
    Community,
    Order,
    OutboxKind,
    PaymentReport,
    PaymentReportStatus,
    ProcessedUpdate,
    Purchase,
    PurchasePost,
    RefusedUpdate,
    User,
)
from storage.uow import UnitOfWork
from tests.fakes.max_server import FakeMaxServer
from tests.support.max import TOKEN, MaxHarness, running_max, texts
from tests.support.queries import count
from tests.support.texts import NBSP, ru

ANNA, BORIS, VERA = 501, 502, 503
GROUP = -7001


@pytest.fixture
async def mx(app: App) -> AsyncIterator[MaxHarness]:
    async with running_max(app) as harness:
        yield harness


async def user_row(app: App, external_id: int) -> User | None:
    async with app.session_factory() as session:
        return await session.scalar(
            select(User).where(User.platform == "max", User.external_id == str(external_id))
        )


# --- updates in ---------------------------------------------------------------------------------


async def test_start_help_and_the_command_menu(mx: MaxHarness) -> None:
    sent = await mx.say(ANNA, "/start")
    assert len(sent) == 1 and sent[0].user_id == ANNA and sent[0].chat_id is None
    assert "Здравствуйте, Test!" in texts(sent)[0]
    assert [b["text"] for b in sent[0].buttons] == [
        "🛍 Покупки",
        "📦 Мои заказы",
        "💳 Оплатить",
        "🎁 Пригласить друзей",
        "Помощь",
    ]
    assert all(b["type"] == "callback" for b in sent[0].buttons)
    sent = await mx.press(ANNA, "Помощь")
    assert "Что я умею:" in "".join(texts(sent))
    assert [a["callback_id"] for a in mx.server.answers] == [
        mx.server.updates[-1]["callback"]["callback_id"]
    ]
    # The language comes from the person's MAX locale.
    sent = await mx.say(VERA, "/help", locale="en-US")
    assert "What I can do:" in texts(sent)[0]
    # The menu: public commands, in the default language (MAX has one menu per bot).
    menu = {c["name"]: c["description"] for c in mx.server.commands or []}
    assert menu["help"] == "список команд" and "organizer" in menu and "link" not in menu
    # Every call carried the token in the header, none in a query string.
    assert all("access_token" not in query for _, _, query, _ in mx.server.calls)


async def test_incoming_from_updates() -> None:
    server = FakeMaxServer()  # only its update builders: not started
    server.host, server.port = "127.0.0.1", 1
    raw = server.user_message(42, "/Orders@SP_Max_Bot 12", chat_id=GROUP, locale="ru-RU")
    raw["message"]["body"]["attachments"] = [
        {"type": "image", "payload": {"photo_id": 1, "token": "tok-1", "url": "https://x"}},
        {
            "type": "file",
            "payload": {"url": "https://x", "token": "f-1"},
            "filename": "a.xlsx",
            "size": 99,
        },
        {"type": "sticker", "payload": {"url": "https://s", "code": "c"}},
        {"type": "inline_keyboard", "payload": {"buttons": []}},
        "garbage",
    ]
    event = to_incoming(raw, bot_username="sp_max_bot")
    assert event is not None and event.platform == "max" and event.bot_key == ""
    assert event.update_id == f"m:{raw['message']['body']['mid']}" == update_id_of(raw)
    assert (event.command, event.args, event.addressed) == ("orders", "12", True)
    assert event.chat.kind is ChatKind.GROUP and event.chat.external_id == f"chat:{GROUP}"
    assert event.sender.external_id == "42" and event.sender.language_code == "ru"
    photo, document, other = event.attachments
    assert (photo.kind, photo.file_id) == (AttachmentKind.PHOTO, "tok-1")
    assert (document.kind, document.file_name, document.size) == (
        AttachmentKind.DOCUMENT,
        "a.xlsx",
        99,
    )
    assert other.kind is AttachmentKind.OTHER
    assert chat_key(raw) == f"c{GROUP}"
    # Another bot's command in a group is not for us.
    other_bot = to_incoming(
        server.user_message(42, "/help@other_bot", chat_id=GROUP), bot_username="sp_max_bot"
    )
    assert other_bot is not None and other_bot.addressed is False

    started = server.bot_started(42, "p_7")
    event = to_incoming(started)
    assert event is not None and (event.command, event.args) == ("start", "p_7")
    assert event.chat.external_id == "42" and event.chat.kind is ChatKind.PRIVATE
    stopped = to_incoming(server.bot_stopped(42))
    assert stopped is not None and stopped.kind is EventKind.CONSENT
    added = to_incoming(server.bot_added(GROUP, 42, channel=True), chat_title="Закупки")
    assert added is not None and added.chat.kind is ChatKind.CHANNEL
    assert added.chat.title == "Закупки"
    assert added.detail(MembershipChange) == MembershipChange(Membership.JOINED)
    removed = server.bot_added(GROUP, 42)
    removed["update_type"] = "bot_removed"
    left = to_incoming(removed)
    assert left is not None and left.detail(MembershipChange) == MembershipChange(Membership.LEFT)
    # Update ids repeat with a redelivery, and differ between updates.
    assert update_id_of(started) == update_id_of(dict(started))
    assert update_id_of(started) != update_id_of(removed)

    # Types we do not handle: None. Malformed ones of types we do: Malformed, never more.
    assert to_incoming({"update_type": "message_edited", "timestamp": 1}) is None
    assert to_incoming({"update_type": "chat_title_changed"}) is None
    channel_post = server.user_message(42, "/help", chat_id=GROUP)
    channel_post["message"]["recipient"]["chat_type"] = "channel"
    assert to_incoming(channel_post) is None
    anonymous = server.user_message(42, "hi")
    anonymous["message"]["sender"] = None
    assert to_incoming(anonymous) is None
    bad: list[object] = [
        None,
        [],
        "text",
        {"update_type": "message_created"},
        {"update_type": "message_created", "message": {"body": {"mid": 5}}},
        {"update_type": "message_callback", "callback": {"callback_id": "x", "user": "nobody"}},
        {"update_type": "bot_started", "timestamp": 1, "chat_id": "1", "user": {"user_id": 1}},
        {"update_type": "bot_added", "timestamp": 1, "chat_id": 1, "user": {"user_id": "1"}},
    ]
    for raw_bad in bad:
        with pytest.raises(Malformed):
            to_incoming(raw_bad)
    wrong_text = server.user_message(42, "x")
    wrong_text["message"]["body"]["text"] = {"no": 1}
    with pytest.raises(Malformed):
        to_incoming(wrong_text)
    # A payload that is not a string, or huge: a button the dispatcher will call outdated.
    pressed = {
        "update_type": "message_callback",
        "timestamp": 1,
        "callback": {
            "timestamp": 1,
            "callback_id": "cb",
            "payload": {"a": 1},
            "user": {"user_id": 42, "first_name": "I"},
        },
        "message": None,
    }
    event = to_incoming(pressed)
    assert event is not None and event.payload in ("", None) and event.chat.external_id == "42"
    pressed["callback"]["payload"] = "x" * 100_000
    event = to_incoming(pressed)
    assert event is not None and event.kind is EventKind.BUTTON


async def test_commands_in_groups(mx: MaxHarness) -> None:
    mx.server.add_chat(GROUP, "Группа", admins=[ANNA])
    sent = await mx.say(ANNA, "/help@sp_max_bot", chat_id=GROUP)
    assert len(sent) == 1 and sent[0].chat_id == GROUP and "Что я умею" in sent[0].text
    assert await mx.say(ANNA, "/help@other_bot", chat_id=GROUP) == []
    assert await mx.say(ANNA, "всем привет", chat_id=GROUP) == []
    sent = await mx.say(ANNA, "/orders", chat_id=GROUP)
    assert texts(sent) == [ru("group-use-private")]


async def test_deep_links_forged_buttons_and_unhandled_updates(mx: MaxHarness, app: App) -> None:
    sent = await mx.push(mx.server.bot_started(ANNA, "../../etc/passwd"))
    assert texts(sent)[0].startswith(ru("start-link-unknown"))
    sent = await mx.push(mx.server.bot_started(ANNA, "p_99999999999"))
    assert len(sent) == 1
    sent = await mx.push(mx.server.bot_started(BORIS))  # no payload: the greeting
    assert "Здравствуйте" in sent[0].text
    await mx.say(ANNA, "/start")
    [menu] = mx.server.sent_to(ANNA)[-1:]
    for data in ("zzz:1", "lang:de", "opp:99999:show", "🙂" * 20, "x" * 2000):
        before = len(mx.server.answers)
        sent = await mx.push(mx.server.press(ANNA, menu, data))
        assert len(mx.server.answers) == before + 1, data  # always answered
        assert len(sent) == 1 and sent[0].user_id == ANNA, data
    processed = await count(app, ProcessedUpdate)
    for raw in (
        {"update_type": "message_edited", "timestamp": 5, "message": {}},
        {"update_type": "user_added", "timestamp": 6, "chat_id": GROUP, "user": {}},
    ):
        mx.server.push(raw)
    await mx.say(BORIS, "/cancel")  # after them in the same polling: they are behind us
    assert await count(app, ProcessedUpdate) == processed + 1


async def test_malformed_updates_are_refused_once_and_polling_goes_on(
    mx: MaxHarness, app: App
) -> None:
    mx.server.push({"update_type": "message_created", "timestamp": 1, "message": "nonsense"})
    mx.server.push({"update_type": "bot_started", "timestamp": 2, "chat_id": 1, "user": None})
    mx.server.push(
        {
            "update_type": "message_created",
            "message": {"sender": {"user_id": 1}, "body": {"mid": "m1"}, "recipient": 5},
        }
    )
    sent = await mx.say(ANNA, "/cancel")
    assert texts(sent) == [ru("cancel-nothing")]
    async with app.session_factory() as session:
        refused = (await session.scalars(select(RefusedUpdate))).all()
    assert len(refused) == 3 and all(r.platform == "max" for r in refused)
    # Garbage, 5xx and 429 from /updates: the loop backs off and asks again.
    mx.server.fail_next("/updates", 200, "<html>proxy</html>")
    mx.server.fail_next("/updates", 502)
    mx.server.fail_next("/updates", 429, {"code": "too.many.requests", "message": "slow"})
    mx.server.fail_next("/updates", 200, {"updates": "x", "marker": 5})
    sent = await mx.say(ANNA, "/cancel")
    assert texts(sent) == [ru("cancel-nothing")]


async def test_a_redelivered_update_is_handled_once(mx: MaxHarness, app: App) -> None:
    update = mx.server.user_message(ANNA, "/organizer Анна СП")
    await mx.push(update)
    again = mx.server.push(dict(update))  # MAX delivers the same update again
    await asyncio.sleep(0)
    sent = await mx.push(again)
    assert sent == []
    assert await count(app, ProcessedUpdate) == 1


async def test_one_chat_in_order_other_chats_not_held_up(mx: MaxHarness) -> None:
    await mx.say(ANNA, "/start")
    await mx.say(BORIS, "/start")
    mx.server.delay_next("/messages", 1.0)
    pushed = [mx.server.user_message(ANNA, text) for text in ("/help", "/lang", "/cancel")]
    await mx.server.wait_for(lambda: len(mx.server.called("POST", "/messages")) >= 3)
    boris = await mx.say(BORIS, "/cancel")
    assert texts(boris) == [ru("cancel-nothing")]
    for update in pushed:
        await mx.adapter.wait_handled(update)
    anna = mx.texts_to(ANNA)[1:]
    assert anna[0].startswith(ru("help-title")) and anna[1] == ru("lang-choose")
    assert anna[2] == ru("cancel-nothing")
    order = [(m.user_id, m.text) for m in mx.server.sent]
    assert order.index((BORIS, ru("cancel-nothing"))) < order.index((ANNA, anna[0]))


# --- replies out --------------------------------------------------------------------------------


async def test_transport_replies_split_buttons_photos_files_and_edits(mx: MaxHarness) -> None:
    transport = mx.adapter.transport
    server = mx.server
    # A long text: pieces of at most 4,000 characters, the keyboard on the last.
    long_text = "\n".join(["строка " * 50] * 40)
    buttons = [[Button("Да", "yes:1"), Button("Сайт", url="https://example.org")]]
    mid = await transport.send(str(ANNA), Reply(long_text, buttons))
    parts = server.sent_to(ANNA)
    assert len(parts) == len(split_text(long_text)) >= 3 and parts[0].mid == mid
    assert all(len(p.text or "") <= 4000 for p in parts)
    assert "".join((p.text or "").replace("\n", "") for p in parts) == long_text.replace("\n", "")
    assert [p.buttons for p in parts[:-1]] == [[]] * (len(parts) - 1)
    assert parts[-1].buttons == [
        {"type": "callback", "text": "Да", "payload": "yes:1"},
        {"type": "link", "text": "Сайт", "url": "https://example.org"},
    ]
    assert split_text("а" * 9000) == ["а" * 4000, "а" * 4000, "а" * 1000]

    # Photos: bytes are uploaded; a MAX token goes as it is; another platform's: text only.
    await transport.send(str(ANNA), Reply("фото", photo=Photo(content=b"\xff\xd8jpeg")))
    [upload] = [c for c in server.calls if c[0] == "UPLOAD"]
    assert upload[3] == b"\xff\xd8jpeg"
    sent = server.sent[-1]
    [image] = sent.files
    assert image["type"] == "image" and sent.text == "фото"
    await transport.send(
        str(ANNA), Reply("снова", photo=Photo(file_id=image["payload"]["token"], platform="max"))
    )
    assert server.sent[-1].files == [image]
    await transport.send(
        str(ANNA), Reply("чужое", photo=Photo(file_id="AgAD", platform="telegram"))
    )
    assert server.sent[-1].files == [] and server.sent[-1].text == "чужое"

    # Documents: uploaded as a file, a message of its own before the text.
    before = len(server.sent)
    await transport.send(str(ANNA), Reply("выгрузка", document=Document("orders.csv", b"a;b\n1;2")))
    document, text = server.sent[before:]
    assert document.files[0]["type"] == "file" and document.text is None
    assert text.text == "выгрузка"
    token = document.files[0]["payload"]["token"]
    await transport.send(str(ANNA), Reply("чек", file=FileRef(token, "max", "r.pdf")))
    assert server.sent[-2].files[0]["payload"]["token"] == token
    await transport.send(str(ANNA), Reply("чек", file=FileRef("BQAD", "telegram")))
    assert server.sent[-1].files == [] and server.sent[-1].text == "чек"

    # An edit replaces text and keyboard; an unknown message cannot be edited.
    edited = server.sent_to(ANNA)[0]
    await transport.edit(str(ANNA), edited.mid, Reply("новый текст"))
    assert edited.text == "новый текст" and edited.buttons == [] and edited.edits == 1
    with pytest.raises(RecipientUnreachable):
        await transport.edit(str(ANNA), "mid.unknown", Reply("x"))
    with pytest.raises(PermanentFailure):
        await transport.edit(str(ANNA), edited.mid, Reply("x" * 4001))
    # Groups go by chat_id.
    server.add_chat(GROUP, "Группа")
    await transport.send(f"chat:{GROUP}", Reply("в группу"))
    assert server.sent[-1].chat_id == GROUP and server.sent[-1].user_id is None
    with pytest.raises(PermanentFailure):
        await transport.send("not-a-chat", Reply("x"))


async def test_transport_errors(mx: MaxHarness) -> None:
    transport = mx.adapter.transport
    server = mx.server
    server.fail_next("/messages", 429, {"code": "too.many.requests", "message": "slow down"})
    with pytest.raises(RetryAfter):
        await transport.send(str(ANNA), Reply("x"))
    for status in (500, 502, 503):
        server.fail_next("/messages", status)
        with pytest.raises(TemporaryFailure):
            await transport.send(str(ANNA), Reply("x"))
    server.fail_next("/messages", 200, "<html>not json</html>")
    with pytest.raises(TemporaryFailure):
        await transport.send(str(ANNA), Reply("x"))
    server.delay_next("/messages", 2.0)
    slow = MaxTransport(MaxClient(TOKEN, server.base_url, timeout=0.3))
    with pytest.raises(TemporaryFailure):
        await slow.send(str(ANNA), Reply("x"))
    await slow.client.close()
    server.block(BORIS)
    with pytest.raises(RecipientUnreachable):
        await transport.send(str(BORIS), Reply("x"))
    server.fail_next("/messages", 400, {"code": "proto.payload", "message": "bad"})
    with pytest.raises(PermanentFailure):
        await transport.send(str(ANNA), Reply("x"))
    # An upload not ready yet: tried again after a pause.
    mx.adapter.transport.attachment_pause = 0.01
    server.fail_next("/messages", 400, {"code": "attachment.not.ready", "message": "wait"})
    assert await transport.send(str(ANNA), Reply("x", photo=Photo(content=b"img"))) is not None
    # Several chats: one blocked does not stop the others.
    results = await transport.send_many([str(ANNA), str(BORIS), str(VERA)], Reply("всем"))
    assert results[str(ANNA)] is None and results[str(VERA)] is None
    assert isinstance(results[str(BORIS)], RecipientUnreachable)


async def test_menu_edits_and_falls_back_to_a_new_message(mx: MaxHarness) -> None:
    from bot.core.events import Chat, Incoming, Sender

    await mx.say(ANNA, "/start")
    [menu] = mx.server.sent_to(ANNA)
    pressed = Incoming(
        platform="max",
        update_id="c:test",
        sender=Sender(str(ANNA)),
        chat=Chat(str(ANNA)),
        kind=EventKind.BUTTON,
        payload="x",
        message_id=menu.mid,
    )
    # The pressed message is edited in place: its text and keyboard replaced, nothing new.
    await mx.adapter.deliver(pressed, [Reply("страница 2", [[Button("Назад", "b:1")]], edit=True)])
    assert len(mx.server.sent_to(ANNA)) == 1
    assert menu.text == "страница 2" and menu.edits == 1
    assert [b["text"] for b in menu.buttons] == ["Назад"]
    # One message to edit: a second edit reply of the same event is a new message.
    await mx.adapter.deliver(pressed, [Reply("a", edit=True), Reply("b", edit=True)])
    assert menu.text == "a" and mx.texts_to(ANNA)[-1] == "b"
    # MAX refuses the edit (the message is gone): a new message instead.
    mx.server.messages.pop(menu.mid)
    await mx.adapter.deliver(pressed, [Reply("заново", edit=True)])
    assert mx.texts_to(ANNA)[-1] == "заново" and menu.text == "a"
    # A photo cannot replace a text: a new message with the photo.
    await mx.adapter.deliver(pressed, [Reply("с фото", photo=Photo(content=b"jpeg"), edit=True)])
    assert mx.server.sent[-1].text == "с фото" and mx.server.sent[-1].files


async def test_reply_retries_and_a_blocked_person(mx: MaxHarness, app: App) -> None:
    await mx.say(ANNA, "/start")
    mx.server.fail_next("/messages", 429, {"code": "too.many.requests", "message": "x"})
    mx.server.fail_next("/messages", 503)
    sent = await mx.say(ANNA, "/cancel")
    assert texts(sent) == [ru("cancel-nothing")]
    # MAX refuses every try: the reply waits in the outbox, delivered later.
    mx.server.fail_next("/messages", 503, times=3)
    assert await mx.say(ANNA, "/cancel") == []
    delivered = await mx.deliver()
    assert texts(delivered) == [ru("cancel-nothing")]
    # A person who stopped the bot: recorded, and the blocked person's replies are dropped.
    await mx.say(BORIS, "/start")
    assert await mx.push(mx.server.bot_stopped(BORIS)) == []
    boris = await user_row(app, BORIS)
    assert boris is not None and boris.messages_allowed is False
    mx.server.block(VERA)
    assert await mx.say(VERA, "/start") == []
    # A failed callback answer still lets the reply go.
    await mx.say(ANNA, "/lang")
    mx.server.fail_next("/answers", 400, {"code": "not.found", "message": "too old"})
    sent = await mx.press(ANNA, "English")
    assert texts(sent) == ["Done: I speak English now."]


async def test_the_outbox_goes_out_through_max_under_its_limits(
    mx: MaxHarness, app: App, running_clock: object
) -> None:
    """A broadcast to 40 people through the outbox sender with MAX's declared limit (30
    requests a second) against a server that answers 429 beyond it: everyone gets it once,
    a 429 is retried later, and the pace stays near the limit."""
    from bot.delivery.outbox import Sender

    people = range(600, 640)
    for person in people:
        await mx.say(person, "/start")
    assert mx.adapter.transport.limits.per_bot == 30.0
    mx.server.rate_limit = True
    sender = Sender(
        mx.adapter.transport,
        app.session_factory,
        app.texts,
        poll_interval=0.02,
        backoff_base=0.01,
        backoff_max=0.05,
        report_interval=0.0,
        max_attempts=5,
    )
    async with app.session_factory() as session, session.begin():
        uow = UnitOfWork(session)
        for person in people:
            user = await uow.users.find("max", str(person))
            assert user is not None
            await uow.outbox.enqueue(user, Reply(f"рассылка {person}"), OutboxKind.ANSWER)
    before = len(mx.server.sent)
    loop = asyncio.get_running_loop()
    started = loop.time()
    while len(mx.server.sent) - before < len(people) and loop.time() - started < 15:
        await sender.drain()
        await asyncio.sleep(0.05)
    took = loop.time() - started
    got = [m.user_id for m in mx.server.sent[before:]]
    assert sorted(got) == list(people)  # each once
    assert took >= 0.3  # 40 messages at 30 a second (the bucket may start full)


# --- a journey ----------------------------------------------------------------------------------


async def make_organizer_with_purchase(mx: MaxHarness) -> None:
    await mx.say(ANNA, "/organizer Анна СП")
    await mx.say(ANNA, "/organizer")
    await mx.press(ANNA, ru("organizer-button-pay"))
    await mx.say(ANNA, "Карта 2200 0000 0000 0000, Анна А.")
    await mx.press(ANNA, ru("organizer-button-points"))
    await mx.press_nth(ANNA, 1)
    for answer in ("Центр", "ул. Ленина, 1", "пн–пт 10–19"):
        await mx.say(ANNA, answer)
    sent = await mx.say(
        ANNA, "/newpurchase Осень; Orby; Одежда; сбор 15%; стоп 01.12.2026; оплата 05.12.2026"
    )
    assert "Осень" in sent[0].text
    sent = await mx.say(ANNA, "Платье синее; 1290; 42,44,46; PL-1\nШарф; 590")
    assert any("Добавлено товаров: 2." in (m.text or "") for m in sent)
    for _ in range(3):
        await mx.press_nth(ANNA, 1)
    assert any("статус «сбор заказов»" in text for text in mx.texts_to(ANNA))


async def test_journey_purchase_posted_ordered_paid_through_max(mx: MaxHarness, app: App) -> None:
    """The organizer opens a purchase, links her MAX group (the bot checks she is an admin
    there), posts the purchase with an "Order" link; two buyers order through the deep link;
    a buyer reports a payment with a receipt photo; the organizer confirms; he is told."""
    await make_organizer_with_purchase(mx)
    mx.server.add_chat(GROUP, "СП Анны", admins=[BORIS])
    [greeting] = await mx.push(mx.server.bot_added(GROUP, ANNA))
    assert greeting.chat_id == GROUP and greeting.text == ru("communities-welcome-group")
    # Anna is not an admin of the group (yet): refused.
    sent = await mx.press_in_chat(ANNA, GROUP, ru("communities-button-link"))
    assert "СП Анны" in (sent[-1].text or "")
    [community] = await rows_of(app, Community)
    assert community.organizer_id is None and community.title == "СП Анны"
    mx.server.admins[GROUP] = [BORIS, ANNA]
    await mx.press_in_chat(ANNA, GROUP, ru("communities-button-link"))
    [community] = await rows_of(app, Community)
    assert community.external_id == f"chat:{GROUP}" and community.organizer_id is not None

    await mx.say(ANNA, "/post 1")
    await mx.press(ANNA, "СП Анны")
    [post] = [m for m in mx.server.sent_to_chat(GROUP) if "Осень" in (m.text or "")]
    [order] = post.buttons
    assert order["type"] == "link" and order["url"] == "https://max.ru/sp_max_bot?start=p_1"
    [recorded] = await rows_of(app, PurchasePost)
    assert recorded.external_post_id == post.mid

    sent = await mx.push(mx.server.bot_started(BORIS, "p_1", name="Борис"))
    assert "Осень" in sent[0].text
    sent = await mx.steps(BORIS, "#1", "1", "42", "2", "#1", "#3")
    assert "✅ Заказ оформлен!" in (sent[-1].text or "")
    mx.server.bot_started(VERA, "p_1", name="Vera")["user_locale"] = "en"
    await asyncio.sleep(0)
    await mx.adapter.wait_handled(mx.server.updates[-1])
    sent = await mx.steps(VERA, "#1", "2", "3", "#1", "#3")
    assert "✅ Order placed!" in (sent[-1].text or "")
    orders = await rows_of(app, Order)
    assert [o.due_kop for o in orders] == [296_700, 203_550]
    news = [m.text or "" for m in await mx.deliver() if m.user_id == ANNA]
    assert sum("Новый заказ" in text for text in news) == 2

    for _ in range(2):
        await mx.say(ANNA, "/purchase 1")
        await mx.press_nth(ANNA, 1)
        await mx.press_nth(ANNA, 1)
    [purchase] = await rows_of(app, Purchase)
    assert purchase.status is PurchaseStatus.PAYMENT
    await mx.deliver()
    assert any("пора оплатить" in text for text in mx.texts_to(BORIS))

    sent = await mx.say(BORIS, "/pay")
    assert "Карта 2200" in "\n".join(texts(sent))
    await mx.steps(BORIS, "2967", "#1", "#1")
    receipt = mx.server.photo()
    await mx.say(BORIS, None, attachments=[receipt])
    await mx.press_nth(BORIS, 1)
    sent = await mx.press(BORIS, "Отправить")
    assert "отправлено организатору Анна СП" in (sent[-1].text or "")
    [report] = await rows_of(app, PaymentReport)
    assert report.amount_kop == 296_700 and report.receipt_id is not None

    [notice] = [m for m in await mx.deliver() if m.user_id == ANNA]
    assert "Оплата №1 от Test" in (notice.text or "")
    assert f"2{NBSP}967{NBSP}₽" in (notice.text or "")
    assert notice.files == [{"type": "image", "payload": {"token": receipt["payload"]["token"]}}]
    assert [b["text"] for b in notice.buttons] == ["✅ Подтвердить", "❌ Отклонить"]
    await mx.push(mx.server.press_label(ANNA, "✅ Подтвердить"))
    [report] = await rows_of(app, PaymentReport)
    assert report.status is PaymentReportStatus.CONFIRMED
    [told] = [m for m in await mx.deliver() if m.user_id == BORIS]
    assert "подтвердил вашу оплату" in (told.text or "")


async def rows_of(app: App, model: type) -> list:
    async with app.session_factory() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())


async def test_referral_round_links_on_max(mx: MaxHarness, app: App, clock: object) -> None:
    """/invite gives a max.ru link with a start payload; friends opening it (bot_started)
    count towards the round; a second opening and a self-invite do not."""
    import re

    from storage.models import Invite, InviteStatus
    from tests.support.referrals import open_round

    await open_round(app, clock, threshold=2)  # type: ignore[arg-type]
    sent = await mx.say(ANNA, "/invite")
    text = "\n".join(texts(sent))
    links = set(re.findall(r"https://max\.ru/sp_max_bot\?start=([\w-]+)", text))
    assert len(links) == 1, text  # the link, in the ready text to forward too
    [link] = links
    assert await mx.push(mx.server.bot_started(ANNA, link))  # herself: not counted
    await mx.push(mx.server.bot_started(BORIS, link))
    await mx.push(mx.server.bot_started(BORIS, link))  # again: the first arrival stands
    await mx.push(mx.server.bot_started(VERA, link))
    invites = await rows_of(app, Invite)
    counted = [i for i in invites if i.status is InviteStatus.COUNTED]
    refused = [i for i in invites if i.status is InviteStatus.REFUSED]
    assert len(counted) == 2 and len(refused) == 1 and len(invites) == 3
    sent = await mx.say(ANNA, "/invite")
    assert "2 из 2" in "\n".join(texts(sent))
    await mx.deliver()
    assert any("промокод" in t.lower() for t in mx.texts_to(ANNA))


async def test_a_channel_linked_and_posted_to_and_a_blocked_buyer_marked(
    mx: MaxHarness, app: App
) -> None:
    """A MAX channel: the bot added (no greeting: every subscriber would see it), linked from
    the private chat once MAX says the organizer is its admin, a purchase posted with its
    "Order" link; the bot removed later is recorded. A buyer who blocked the bot is marked
    unreachable by the outbox."""
    await make_organizer_with_purchase(mx)
    channel = -8001
    mx.server.add_chat(channel, "Канал Анны", admins=[ANNA], channel=True)
    assert await mx.push(mx.server.bot_added(channel, ANNA, channel=True)) == []
    await mx.deliver()
    await mx.say(ANNA, "/link")
    await mx.press(ANNA, "Канал Анны")
    [community] = await rows_of(app, Community)
    assert community.kind == "channel" and community.organizer_id is not None
    await mx.say(ANNA, "/post 1")
    await mx.press(ANNA, "Канал Анны")
    [post] = mx.server.sent_to_chat(channel)
    assert "Осень" in (post.text or "")
    assert post.buttons == [
        {
            "type": "link",
            "text": ru("communities-button-order"),
            "url": "https://max.ru/sp_max_bot?start=p_1",
        }
    ]
    removed = mx.server.bot_added(channel, ANNA, channel=True)
    removed["update_type"] = "bot_removed"
    await mx.push(removed)
    [community] = await rows_of(app, Community)
    assert community.active is False

    # Boris orders nothing yet, but is told of a broadcast: he blocked the bot meanwhile.
    await mx.say(BORIS, "/start")
    mx.server.block(BORIS)
    async with app.session_factory() as session, session.begin():
        uow = UnitOfWork(session)
        boris = await uow.users.find("max", str(BORIS))
        assert boris is not None
        await uow.outbox.enqueue(boris, Reply("новости"), OutboxKind.ANSWER)
    await mx.deliver()
    boris_row = await user_row(app, BORIS)
    assert boris_row is not None and boris_row.reachable is False
    assert "chat.denied" in (boris_row.unreachable_reason or "")


async def test_stopping_finishes_what_was_received(app: App) -> None:
    """Updates fetched and in hand when the adapter is told to stop are handled (and
    answered) before it returns; nothing more is asked for."""
    async with running_max(app) as harness:
        server = harness.server
        server.delay_next("/messages", 0.5, times=3)
        pushed = [server.user_message(person, "/cancel") for person in (701, 702, 703)]
        await server.wait_for(lambda: not server.pending)
        await server.wait_for(lambda: len(server.called("POST", "/messages")) >= 3)
        polls = server.polls
        await harness.stop()
        assert {m.user_id for m in server.sent} == {701, 702, 703}
        assert all(u in pushed for u in server.updates)
        assert server.polls <= polls + 1


def test_update_ids_fit_the_database() -> None:
    long_mid = {
        "update_type": "message_created",
        "message": {"body": {"mid": "mid." + "f" * 200}},
    }
    first = update_id_of(long_mid)
    assert len(first) <= 64 and first == update_id_of(long_mid)
    other = {"update_type": "message_created", "message": {"body": {"mid": "mid." + "e" * 200}}}
    assert update_id_of(other) != first
    started = {
        "update_type": "bot_started",
        "timestamp": 1_765_000_000_000,
        "chat_id": -72_000_000_000_000_000,
        "user": {"user_id": 9_000_000_000_000_000},
    }
    assert len(update_id_of(started)) <= 64


async def test_one_poller_per_bot_and_the_other_takes_over(app: App) -> None:
    """Two adapters of one bot on one database: only the lease holder polls (each update
    answered once); when it stops, the other goes on from the kept marker."""
    from collections import Counter

    async with FakeMaxServer(token=TOKEN) as server:
        first = MaxHarness(app, server, lease_ttl=1.0)
        second = MaxHarness(app, server, lease_ttl=1.0)
        await first.start()
        await second.start()
        try:
            for person in range(801, 811):
                server.user_message(person, "/cancel")
            await server.wait_for(lambda: len(server.sent) == 10)
            pollers = [h for h in (first, second) if h.adapter.polling.polling.is_set()]
            assert len(pollers) == 1
            [holder] = pollers
            survivor = second if holder is first else first
            await holder.stop()
            for person in range(811, 816):
                server.user_message(person, "/cancel")
            await server.wait_for(lambda: len(server.sent) == 15, timeout=15)
            assert survivor.adapter.polling.polling.is_set()
        finally:
            await first.stop()
            await second.stop()
    per_person = Counter(m.user_id for m in server.sent)
    assert set(per_person) == set(range(801, 816)) and set(per_person.values()) == {1}
