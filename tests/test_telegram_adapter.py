"""The Telegram adapter end to end: the real aiogram polling loop against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib

from aiogram.types import Update
from pydantic import SecretStr
from sqlalchemy import select

from bot.adapters.telegram.adapter import ALLOWED_UPDATES, run_telegram
from bot.adapters.telegram.events import chat_key, to_incoming
from bot.app import App
from bot.core.events import AttachmentKind, ChatKind, EventKind
from bot.core.replies import Reply
from bot.settings import Settings
from domain.lifecycle import PurchaseStatus
from storage.models import (
    DialogState,
    Media,
    Organizer,
    OutboxKind,
    ProcessedUpdate,
    Purchase,
    PurchaseItem,
    User,
)
from storage.uow import UnitOfWork
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.queries import count
from tests.support.telegram import BOT_ID, BOT_USERNAME, TOKEN, TelegramHarness, buttons, texts
from tests.support.texts import ru

ANNA, BORIS, CLAIRE = 501, 502, 503


async def test_start_help_and_the_command_menus(tg: TelegramHarness) -> None:
    sent = await tg.say(ANNA, "/start")
    assert len(sent) == 1 and sent[0]["chat_id"] == ANNA
    assert "Здравствуйте, Test!" in texts(sent)[0]
    assert [b["text"] for b in buttons(sent[0])] == [
        "🛍 Покупки",
        "📦 Мои заказы",
        "💳 Оплатить",
        "🎁 Пригласить друзей",
        "Помощь",
    ]

    sent = await tg.press(ANNA, "Помощь")
    assert "Что я умею:" in texts(sent)[0] and "/lang — язык бота" in texts(sent)[0]
    assert len(tg.server.callback_answers) == 1  # the button stopped spinning

    # The language comes from the person's Telegram on their first message.
    sent = await tg.say(CLAIRE, "/help", language_code="en")
    assert "What I can do:" in texts(sent)[0]

    # The menu per language, from the router's public commands and their cmd-* texts.
    ru = {c["command"]: c["description"] for c in tg.server.commands_for(language_code="ru")}
    en = {c["command"]: c["description"] for c in tg.server.commands_for(language_code="en")}
    assert ru["help"] == "список команд" and en["help"] == "list of commands"
    assert "organizer" in ru and "link" not in ru  # organizers' commands are not public
    assert tg.server.commands_for() is not None  # the default menu for other languages


async def test_language_button_is_answered_and_changes_the_language(
    tg: TelegramHarness, app: App
) -> None:
    sent = await tg.say(ANNA, "/lang")
    assert texts(sent) == ["Выберите язык:"]
    sent = await tg.press(ANNA, "English")
    assert texts(sent) == ["Done: I speak English now."]
    assert tg.server.callback_answers[-1]["text"] is None
    user = await tg.user(ANNA)
    assert user is not None and user.language == "en"


async def test_organizer_registration_dialog_with_bad_input(tg: TelegramHarness, app: App) -> None:
    sent = await tg.say(ANNA, "/organizer")
    assert texts(sent) == [ru("organizer-ask-name")]
    # A document where a name was asked for: a clear answer, the dialog stays at its step.
    sent = await tg.say(ANNA, None, document=("price.xlsx", b"PK\x03\x04"))
    assert texts(sent) == [ru("organizer-name-invalid", min=2, max=64)]
    assert await count(app, Organizer) == 0 and await count(app, DialogState) == 1
    sent = await tg.say(ANNA, "Закупки Анны")
    assert "Закупки Анны" in texts(sent)[0]
    assert await count(app, Organizer) == 1 and await count(app, DialogState) == 0

    # The profile photo step: a document is refused, a photo is stored with its file_id.
    await tg.say(ANNA, "/organizer")
    await tg.press(ANNA, "Фото")
    sent = await tg.say(ANNA, None, document=("notes.txt", b"hello"))
    assert texts(sent) == [ru("organizer-photo-expected")]
    assert await count(app, Media) == 0
    sent = await tg.say(ANNA, None, photo=b"\xff\xd8jpeg")
    assert await count(app, Media) == 1
    async with app.session_factory() as session:
        media = await session.scalar(select(Media))
    assert media is not None and media.platform == "telegram" and media.file_id
    # The profile now shows the photo: sent as a photo by its Telegram file_id.
    assert any(r["method"] == "sendPhoto" for r in sent)


async def test_commands_in_groups(tg: TelegramHarness, app: App) -> None:
    group = -100777
    sent = await tg.say(ANNA, f"/help@{BOT_USERNAME}", chat_id=group, chat_type="supergroup")
    assert len(sent) == 1 and sent[0]["chat_id"] == group and "Что я умею" in texts(sent)[0]
    # Another bot's command, plain chatter and a private command: nothing leaks into the group.
    assert await tg.say(ANNA, "/help@other_bot", chat_id=group, chat_type="supergroup") == []
    assert await tg.say(ANNA, "всем привет", chat_id=group, chat_type="supergroup") == []
    sent = await tg.say(ANNA, "/orders", chat_id=group, chat_type="supergroup")
    assert texts(sent) == [ru("group-use-private")]


async def test_deep_links_valid_and_garbage(tg: TelegramHarness) -> None:
    sent = await tg.say(ANNA, "/start ../../etc/passwd")
    assert texts(sent)[0].startswith(ru("start-link-unknown"))
    sent = await tg.say(ANNA, "/start " + "x" * 65)
    assert texts(sent)[0].startswith(ru("start-link-unknown"))
    sent = await tg.say(ANNA, "/start p_99999999999")
    assert len(sent) == 1  # a clear refusal, not a crash


async def test_forged_and_foreign_callback_data_is_answered(tg: TelegramHarness, app: App) -> None:
    await tg.say(ANNA, "/start")
    for data in ("zzz:1", "lang:de", "cmd:help:x:y", "opp:99999:show", "", "🙂" * 20):
        before = len(tg.server.callback_answers)
        sent = await tg.callback(ANNA, data)
        assert len(tg.server.callback_answers) == before + 1, data
        assert len(sent) == 1 and sent[0]["chat_id"] == ANNA, data
    # Someone else's pickup point in a well-formed payload: refused, nothing changed.
    await tg.make_organizer(BORIS, "Boris")
    sent = await tg.callback(ANNA, "opp:1:retire_yes")
    assert len(sent) == 1
    assert tg.server.errors == []


async def test_long_texts_edited_messages_and_blocking(tg: TelegramHarness, app: App) -> None:
    await tg.say(ANNA, "/start")
    sent = await tg.say(ANNA, "я" * 4097)
    assert texts(sent) == [ru("error-text-too-long", limit=4096)]

    # Edited messages are not asked for: Telegram (the fake) drops them, nothing happens.
    processed = await count(app, ProcessedUpdate)
    edit = tg.server.edited_message(ANNA, 1, "/organizer")
    await tg.server.wait_for(lambda: edit in tg.server.filtered_updates)
    assert "edited_message" not in ALLOWED_UPDATES

    # The person blocks the bot, then unblocks it: recorded, nothing sent.
    block = tg.server.push_update(
        {
            "my_chat_member": {
                "chat": {"id": ANNA, "type": "private", "first_name": "Test"},
                "from": {"id": ANNA, "is_bot": False, "first_name": "Test"},
                "date": 1,
                "old_chat_member": {"status": "member", "user": tg.server.bot_user},
                "new_chat_member": {
                    "status": "kicked",
                    "user": tg.server.bot_user,
                    "until_date": 0,
                },
            }
        }
    )
    assert await tg.push(block) == []
    user = await tg.user(ANNA)
    assert user is not None and user.messages_allowed is False
    assert await count(app, ProcessedUpdate) == processed + 1


async def test_unhandled_update_types_are_ignored(tg: TelegramHarness, app: App) -> None:
    await tg.say(ANNA, "/start")
    users, processed = await count(app, User), await count(app, ProcessedUpdate)
    raw_updates = [
        {"update_id": 9001, "poll": _poll()},
        {"update_id": 9002, "chat_join_request": _join_request()},
        {"update_id": 9003, "edited_message": _message(-100500, "supergroup", "/help")},
        {"update_id": 9004, "channel_post": _channel_post()},
        {"update_id": 9005, "message": _channel_post()},
    ]
    for raw in raw_updates:
        update = Update.model_validate(raw)
        assert to_incoming(update, bot_id=BOT_ID, bot_username=BOT_USERNAME) is None
        await tg.adapter.handle(update)  # straight into the adapter, as a webhook could
    assert await count(app, User) == users and await count(app, ProcessedUpdate) == processed
    assert len(tg.server.sent) == 1


async def test_incoming_from_updates() -> None:
    update = Update.model_validate(
        {
            "update_id": 7,
            "message": {
                **_message(-100500, "supergroup", "/Orders@SP_Test_Bot 12"),
                "photo": [
                    {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
                    {
                        "file_id": "big",
                        "file_unique_id": "b",
                        "width": 900,
                        "height": 900,
                        "file_size": 1234,
                    },
                ],
            },
        }
    )
    event = to_incoming(update, bot_id=BOT_ID, bot_username=BOT_USERNAME)
    assert event is not None
    assert (event.platform, event.update_id, event.bot_key) == ("telegram", "7", "")
    assert (event.command, event.args, event.addressed) == ("orders", "12", True)
    assert event.chat.kind is ChatKind.GROUP and event.chat.external_id == "-100500"
    assert event.sender.external_id == "42" and event.sender.language_code == "ru"
    (photo,) = event.attachments
    assert (photo.kind, photo.file_id, photo.size) == (AttachmentKind.PHOTO, "big", 1234)
    assert chat_key(update) == -100500

    document = Update.model_validate(
        {
            "update_id": 8,
            "message": {
                **_message(42, "private", None),
                "document": {
                    "file_id": "doc",
                    "file_unique_id": "d",
                    "file_name": "list.xlsx",
                    "mime_type": "application/vnd.ms-excel",
                    "file_size": 99,
                },
                "caption": "прайс",
            },
        }
    )
    event = to_incoming(document, bot_id=BOT_ID, bot_username=BOT_USERNAME)
    assert event is not None and event.text == "прайс" and event.kind is EventKind.MESSAGE
    (doc,) = event.attachments
    assert (doc.kind, doc.file_name, doc.mime_type, doc.size) == (
        AttachmentKind.DOCUMENT,
        "list.xlsx",
        "application/vnd.ms-excel",
        99,
    )


async def test_one_chat_in_order_other_chats_not_held_up(tg: TelegramHarness) -> None:
    await tg.say(ANNA, "/start")
    await tg.say(BORIS, "/start")
    # Anna's answers are slow to send; Boris, in another chat, is answered meanwhile, and
    # Anna's three messages are answered in the order she wrote them.
    tg.server.delay_next("sendMessage", 1.0, chat_id=ANNA)
    pushed = [tg.server.user_message(ANNA, text) for text in ("/help", "/lang", "/cancel")]
    await tg.server.wait_for(lambda: tg.server.calls("sendMessage")[-1]["chat_id"] == ANNA)
    boris = await tg.say(BORIS, "/cancel")
    assert texts(boris) == [ru("cancel-nothing")]
    for update in pushed:
        await tg.adapter.wait_handled(update["update_id"])
    anna = [r["plain_text"] for r in tg.server.messages_to(ANNA)[1:]]
    assert anna[0].startswith(ru("help-title")) and anna[1] == ru("lang-choose")
    assert anna[2] == ru("cancel-nothing")
    order = [(r["chat_id"], r["plain_text"]) for r in tg.server.sent]
    assert order.index((BORIS, ru("cancel-nothing"))) < order.index((ANNA, anna[0]))


async def test_personal_command_menus_for_organizers(tg: TelegramHarness) -> None:
    await tg.make_organizer(ANNA)
    await tg.say(BORIS, "/start")
    await tg.adapter.set_personal_commands()
    menu = tg.server.commands_for({"type": "chat", "chat_id": ANNA})
    assert menu is not None
    names = {c["command"] for c in menu}
    assert {"start", "organizer", "link", "post"} <= names
    assert tg.server.commands_for({"type": "chat", "chat_id": BORIS}) is None


async def test_menu_edits_and_falls_back_to_a_new_message(tg: TelegramHarness, app: App) -> None:
    organizer = await tg.make_organizer(BORIS, "Boris")
    photo_id = tg.server.add_file(b"\xff\xd8socks", kind="photo", mime_type="image/jpeg")
    async with app.session_factory() as session, session.begin():
        media = Media(platform="telegram", file_id=photo_id, kind="photo")
        session.add(media)
        await session.flush()
        for title in ("Носки", "Шапки"):
            purchase = Purchase(
                organizer_id=organizer.id,
                title=title,
                status=PurchaseStatus.OPEN,
                photo_id=media.id,
            )
            session.add(purchase)
            await session.flush()
            session.add(PurchaseItem(purchase_id=purchase.id, name="Пара", price_kop=30_000))

    sent = await tg.say(ANNA, "/purchases")
    assert texts(sent)[0].startswith(ru("catalog-list-title", total=2, page=1, pages=1))
    # The card has a photo: a photo message with the card's buttons.
    (card,) = await tg.press(ANNA, "1. Шапки")
    assert card["method"] == "sendPhoto" and "Шапки" in card["caption"]
    # "Back" edits in place where it can; a photo message has no text to edit, so the list
    # comes as a new message, and the button is answered all the same.
    answers = len(tg.server.callback_answers)
    sent = await tg.press(ANNA, ru("catalog-button-back"))
    assert texts(sent)[0].startswith(ru("catalog-list-title", total=2, page=1, pages=1))
    assert len(tg.server.callback_answers) == answers + 1
    # From the text list, a page button edits the list message itself.
    list_message = sent[0]["message_id"]
    edits = len(tg.server.edits)
    assert await tg.callback(ANNA, "bcat:0", message_id=list_message) == []
    assert len(tg.server.edits) == edits  # the same text: "not modified" is not an error
    assert tg.server.errors == []


async def test_flood_control_on_a_reply_is_waited_out(tg: TelegramHarness) -> None:
    await tg.say(ANNA, "/start")
    tg.server.fail_next("sendMessage", 429, retry_after=1, chat_id=ANNA)
    sent = await tg.say(ANNA, "/cancel")
    assert texts(sent) == [ru("cancel-nothing")]
    assert tg.server.too_many_requests == 0 and len(tg.server.calls("sendMessage")) == 3


async def test_a_failed_callback_answer_still_sends_the_reply(tg: TelegramHarness) -> None:
    await tg.say(ANNA, "/lang")
    tg.server.fail_next("answerCallbackQuery", 400, "Bad Request: query is too old")
    sent = await tg.press(ANNA, "English")
    assert texts(sent) == ["Done: I speak English now."]
    await asyncio.sleep(0)


def _message(chat_id: int, chat_type: str, text: str | None) -> dict:
    chat: dict = {"id": chat_id, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "Group"
    message: dict = {
        "message_id": 5,
        "date": 1,
        "chat": chat,
        "from": {"id": 42, "is_bot": False, "first_name": "Ivan", "language_code": "ru"},
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split(" ")[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return message


def _channel_post() -> dict:
    chat = {"id": -100900, "type": "channel", "title": "Закупки"}
    return {"message_id": 3, "date": 1, "chat": chat, "sender_chat": chat, "text": "/help"}


def _poll() -> dict:
    return {
        "id": "p1",
        "question": "Берём?",
        "options": [
            {"persistent_id": "1", "text": "да", "voter_count": 1},
            {"persistent_id": "2", "text": "нет", "voter_count": 0},
        ],
        "allows_revoting": False,
        "members_only": False,
        "total_voter_count": 1,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
    }


def _join_request() -> dict:
    return {
        "chat": {"id": -100500, "type": "supergroup", "title": "Group"},
        "from": {"id": 42, "is_bot": False, "first_name": "Ivan"},
        "user_chat_id": 42,
        "date": 1,
    }


async def test_start_up_waits_for_telegram_and_survives_a_failed_menu(app: App) -> None:
    async with FakeTelegramServer(token=TOKEN) as server:
        server.fail_next("getMe", 502)
        server.fail_next("setMyCommands", 400, "Bad Request: BOT_COMMAND_INVALID")
        harness = TelegramHarness(app, server)
        await harness.start()
        try:
            sent = await harness.say(ANNA, "/start")
            assert len(sent) == 1
            assert len(server.calls("getMe")) >= 2  # the failed one was retried
        finally:
            await harness.stop()


async def test_run_telegram_answers_and_delivers_the_outbox(app: App, settings: Settings) -> None:
    async with FakeTelegramServer(token=TOKEN) as server:
        app.settings = settings.model_copy(
            update={"telegram_token": SecretStr(TOKEN), "telegram_api_url": server.base_url}
        )
        running = asyncio.create_task(run_telegram(app))
        try:
            server.user_message(ANNA, "/start")
            (welcome,) = await server.wait_for_sent(1)
            assert welcome["chat_id"] == ANNA
            # A message queued by any handler goes out through the same bot.
            async with app.session_factory() as session, session.begin():
                uow = UnitOfWork(session)
                anna = await uow.users.find("telegram", str(ANNA))
                assert anna is not None
                await uow.outbox.enqueue(anna, Reply("📨 из очереди"), OutboxKind.ANSWER)
            sent = await server.wait_for_sent(2)
            assert sent[1]["chat_id"] == ANNA and sent[1]["text"] == "📨 из очереди"
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running


async def test_the_bots_session_sends_json_and_still_uploads_files() -> None:
    from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

    from bot.adapters.telegram.adapter import make_bot

    async with FakeTelegramServer(token=TOKEN) as server:
        bot = make_bot(TOKEN, server.base_url)
        try:
            markup = InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="Мои заказы", callback_data="c:1")]]
            )
            sent = await bot.send_message(
                5, "Привет — «кавычки» & emoji 🎉", reply_markup=markup, disable_notification=False
            )
            assert sent.text == "Привет — «кавычки» & emoji 🎉"
            (call,) = server.calls("sendMessage")
            assert call["chat_id"] == 5 and call["disable_notification"] is False
            assert call["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "c:1"
            # A file goes as aiogram's multipart form.
            await bot.send_document(5, BufferedInputFile(b"col1;col2", filename="export.csv"))
            (upload,) = server.calls("sendDocument")
            assert upload["document"].content == b"col1;col2"
            assert server.encodings == [
                ("sendMessage", "application/json"),
                ("sendDocument", "multipart/form-data"),
            ]
        finally:
            await bot.session.close()


async def test_the_bots_json_requests_are_what_aiogram_would_send() -> None:
    """The bot's session sends the requests made on every update (a reply, an edit, an
    answered button) as a JSON body; aiogram's own session sends the same methods as a form,
    and Telegram must get the same request either way."""
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    from bot.adapters.telegram.adapter import make_bot
    from bot.adapters.telegram.transport import TelegramTransport
    from bot.core.replies import Button

    reply = Reply(
        "Заказ №7 — «Чай» × 2\n" + "слово " * 800,  # over 4096: split
        buttons=[
            [Button("Оплатил", payload="pay:7"), Button("Сайт", url="https://example.com/a?b=1")],
            [],
            [Button("Назад", payload="c:orders")],
        ],
    )
    requests = {}
    for name in ("direct", "aiogram"):
        async with FakeTelegramServer(token=TOKEN) as server:
            if name == "direct":
                bot = make_bot(TOKEN, server.base_url)
            else:
                api = TelegramAPIServer.from_base(server.base_url)
                bot = Bot(TOKEN, session=AiohttpSession(api=api))
            transport = TelegramTransport(bot)
            try:
                first = await transport.send("5", reply) or ""
                await transport.edit("5", first, Reply("Изменено", buttons=reply.buttons))
                await transport.edit("5", first, Reply("Без кнопок"))
                update = server.callback_query(5, "pay:7", message_id=int(first))
                query = update["callback_query"]["id"]
                await transport.answer_button(query)
                await transport.answer_button(query, "Только в личке")
            finally:
                await bot.session.close()
            requests[name] = {
                method: server.calls(method)
                for method in ("sendMessage", "editMessageText", "answerCallbackQuery")
            }
    assert requests["direct"] == requests["aiogram"]
    sent = requests["direct"]["sendMessage"]
    assert len(sent) == 3 and not any("reply_markup" in part for part in sent[:-1])
    assert sent[-1]["reply_markup"]["inline_keyboard"][0][1]["url"] == "https://example.com/a?b=1"
    assert [a.get("show_alert") for a in requests["direct"]["answerCallbackQuery"]] == [None, True]
