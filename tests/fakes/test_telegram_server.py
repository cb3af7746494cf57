"""The fake Telegram server, exercised through the real aiogram Bot and Dispatcher."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
)

from tests.fakes.telegram_server import FakeTelegramServer, UploadedFile

TOKEN = "123456:TEST-token"


def make_bot(server: FakeTelegramServer, token: str = TOKEN) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    return Bot(token, session=session)


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    bot = make_bot(server)
    yield bot
    await bot.session.close()


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(text=label, callback_data=f"cb:{label}") for label in labels]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


async def test_get_me_returns_configured_identity(server: FakeTelegramServer, bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.first_name, me.is_bot) == (
        123456,
        "sp_test_bot",
        "SP Test Bot",
        True,
    )
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.requests == [("getMe", {})]


async def test_wrong_token_and_unknown_method(server: FakeTelegramServer) -> None:
    intruder = make_bot(server, token="999:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await intruder.get_me()
    finally:
        await intruder.session.close()

    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.base_url}/bot{TOKEN}/sendSticker") as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        async with http.post(f"{server.base_url}/bot999:WRONG/getMe") as resp:
            assert resp.status == 401
            assert (await resp.json())["description"] == "Unauthorized"


async def test_send_message_records_keyboard_and_numbers_messages_per_chat(
    server: FakeTelegramServer, bot: Bot
) -> None:
    first = await bot.send_message(
        42, "<b>Закупка</b> открыта", parse_mode="HTML", reply_markup=keyboard("Да", "Нет")
    )
    second = await bot.send_message(42, "ещё")
    other = await bot.send_message(-1001234567890, "в группу")

    # aiogram parsed what the fake returned: Telegram strips HTML into entities.
    assert isinstance(first, Message)
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.text == "Закупка открыта"
    assert first.entities is not None and first.entities[0].type == "bold"
    assert first.from_user is not None and first.from_user.username == "sp_test_bot"
    assert first.reply_markup is not None
    assert first.reply_markup.inline_keyboard[0][1].callback_data == "cb:Нет"
    assert other.chat.type == "supergroup"

    record = server.messages_to(42)[0]
    assert record["method"] == "sendMessage"
    assert record["text"] == "<b>Закупка</b> открыта"
    assert record["plain_text"] == "Закупка открыта"
    assert record["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Да", "callback_data": "cb:Да"}, {"text": "Нет", "callback_data": "cb:Нет"}]
        ]
    }
    assert [r["text"] for r in server.messages_to(42)] == ["<b>Закупка</b> открыта", "ещё"]
    assert server.sent_count == 3


async def test_send_photo_and_document_uploads(server: FakeTelegramServer, bot: Bot) -> None:
    photo = await bot.send_photo(
        7,
        BufferedInputFile(b"\xff\xd8fake-jpeg", filename="cat.jpg"),
        caption="Кот",
        reply_markup=keyboard("Купить"),
    )
    document = await bot.send_document(7, BufferedInputFile(b"a;b\n1;2\n", filename="orders.csv"))

    sent_photo, sent_document = server.messages_to(7)
    assert sent_photo["photo"]["filename"] == "cat.jpg"
    assert sent_photo["photo"]["content"] == b"\xff\xd8fake-jpeg"
    assert sent_photo["photo"]["uploaded"] is True
    assert sent_photo["caption"] == "Кот"
    # reply_markup arrives as a JSON string inside a multipart field; the fake parses it.
    assert sent_photo["reply_markup"]["inline_keyboard"][0][0]["text"] == "Купить"
    assert isinstance(server.calls("sendPhoto")[0]["photo"], UploadedFile)
    assert sent_document["document"]["filename"] == "orders.csv"
    assert sent_document["document"]["content"] == b"a;b\n1;2\n"

    assert photo.photo is not None and photo.photo[-1].file_id == sent_photo["photo"]["file_id"]
    assert photo.caption == "Кот"
    assert document.document is not None and document.document.file_name == "orders.csv"
    assert document.document.mime_type == "text/csv"

    # The file can be fetched back the way a bot downloads user uploads.
    downloaded = await bot.download(photo.photo[-1].file_id)
    assert downloaded is not None and downloaded.read() == b"\xff\xd8fake-jpeg"
    # Re-sending by file_id reuses the stored file.
    again = await bot.send_photo(7, photo.photo[-1].file_id)
    assert server.sent[-1]["photo"]["uploaded"] is False
    assert again.photo is not None and again.photo[-1].file_id == photo.photo[-1].file_id

    # Media groups reference their uploads as attach://<part> inside the JSON "media" field.
    album = await bot.send_media_group(
        7,
        [
            InputMediaPhoto(media=BufferedInputFile(b"one", "1.jpg"), caption="Лот 1"),
            InputMediaPhoto(media=BufferedInputFile(b"two", "2.jpg")),
        ],
    )
    assert [m.media_group_id for m in album] == [album[0].media_group_id] * 2
    assert [r["photo"]["content"] for r in server.sent[-2:]] == [b"one", b"two"]
    assert server.sent[-2]["caption"] == "Лот 1"


async def test_json_and_urlencoded_bodies_are_understood(server: FakeTelegramServer) -> None:
    url = f"{server.base_url}/bot{TOKEN}/sendMessage"
    markup = '{"inline_keyboard": [[{"text": "Ок", "callback_data": "ok"}]]}'
    async with aiohttp.ClientSession() as http:
        async with http.post(
            url, json={"chat_id": "5", "text": "123", "reply_markup": markup}
        ) as resp:
            assert (await resp.json())["ok"] is True
        async with http.post(
            url, data={"chat_id": "5", "text": "true", "disable_notification": "true"}
        ) as resp:
            assert (await resp.json())["result"]["text"] == "true"

    first, second = server.messages_to(5)
    assert first["text"] == "123"  # text fields stay strings even when they look like JSON
    assert first["reply_markup"] == {"inline_keyboard": [[{"text": "Ок", "callback_data": "ok"}]]}
    assert second["params"] == {"chat_id": 5, "text": "true", "disable_notification": True}


async def test_get_updates_honours_offset_and_limit(server: FakeTelegramServer, bot: Bot) -> None:
    pushed = [server.user_message(1, f"msg {i}") for i in range(3)]
    assert [u["update_id"] for u in pushed] == [1, 2, 3]

    updates = await bot.get_updates(limit=2)
    assert [u.update_id for u in updates] == [1, 2]
    assert updates[0].message is not None and updates[0].message.text == "msg 0"

    # Confirming with offset drops everything below it.
    updates = await bot.get_updates(offset=3)
    assert [u.update_id for u in updates] == [3]
    assert await bot.get_updates(offset=4) == []
    assert server.pending_updates == []


async def test_long_poll_returns_early_when_an_update_arrives(
    server: FakeTelegramServer, bot: Bot
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await server.wait_for(lambda: server.calls("getUpdates"))
    server.user_message(1, "/start")

    updates = await poll

    assert time.monotonic() - started < 2
    assert len(updates) == 1 and updates[0].message is not None
    message = updates[0].message
    assert message.text == "/start"
    assert message.entities is not None and message.entities[0].type == "bot_command"


async def test_long_poll_waits_for_timeout_when_idle(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 3


async def test_builders_produce_updates_aiogram_parses(
    server: FakeTelegramServer, bot: Bot
) -> None:
    server.user_message(
        10, "/buy@sp_test_bot 3", chat_id=-1001, chat_type="supergroup", username="anna"
    )
    server.user_message(10, "чек", photo=b"jpeg-bytes")
    server.my_chat_member(10, -1002, chat_type="channel", chat_title="Закупки")
    server.channel_post(-1002, "Новая закупка")
    server.edited_message(10, 1, "чек (исправлено)")

    updates = await bot.get_updates()

    command, photo, joined, post, edited = updates
    assert command.message is not None and command.message.chat.type == "supergroup"
    assert command.message.entities is not None and command.message.entities[0].length == len(
        "/buy@sp_test_bot"
    )
    assert command.message.from_user is not None and command.message.from_user.username == "anna"
    assert photo.message is not None and photo.message.photo and photo.message.caption == "чек"
    assert joined.my_chat_member is not None
    assert joined.my_chat_member.new_chat_member.status == "administrator"
    assert joined.my_chat_member.chat.title == "Закупки"
    assert post.channel_post is not None and post.channel_post.sender_chat is not None
    assert edited.edited_message is not None and edited.edited_message.caption == "чек (исправлено)"
    # The photo a user sent can be downloaded through getFile.
    assert photo.message.photo is not None
    file = await bot.get_file(photo.message.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"jpeg-bytes"
    # The bot is now an admin of the channel as far as getChatMember is concerned.
    member = await bot.get_chat_member(-1002, 123456)
    assert isinstance(member, ChatMemberAdministrator) and member.can_post_messages


async def test_callback_answer_and_edit(server: FakeTelegramServer, bot: Bot) -> None:
    sent = await bot.send_message(42, "Выберите", reply_markup=keyboard("Да", "Нет"))
    update = server.press_button(42, "Нет")
    assert update["callback_query"]["data"] == "cb:Нет"

    (parsed,) = await bot.get_updates()
    query = parsed.callback_query
    assert query is not None and query.message is not None
    assert query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id, text="Принято", show_alert=True)
    assert server.callback_answers == [
        {
            "callback_query_id": query.id,
            "text": "Принято",
            "show_alert": True,
            "url": None,
            "cache_time": None,
        }
    ]

    edited = await bot.edit_message_text("Вы выбрали «Нет»", chat_id=42, message_id=sent.message_id)
    assert isinstance(edited, Message) and edited.text == "Вы выбрали «Нет»"
    # Like Telegram, an edit without reply_markup removes the keyboard, and a no-op is refused.
    assert edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Вы выбрали «Нет»", chat_id=42, message_id=sent.message_id)
    await bot.edit_message_reply_markup(
        chat_id=42, message_id=sent.message_id, reply_markup=keyboard("Ок")
    )
    assert (
        server.message(42, sent.message_id)["reply_markup"]["inline_keyboard"][0][0]["text"] == "Ок"
    )
    assert [e["method"] for e in server.edits] == ["editMessageText", "editMessageReplyMarkup"]

    assert await bot.delete_message(42, sent.message_id)
    assert server.deleted == [(42, sent.message_id)]
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(42, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("no-such-query")


async def test_get_chat_member_statuses(server: FakeTelegramServer, bot: Bot) -> None:
    server.set_chat_member(-100500, 1, "creator")
    server.set_chat_member(-100500, 2, "administrator", can_promote_members=True)

    owner = await bot.get_chat_member(-100500, 1)
    admin = await bot.get_chat_member(-100500, 2)
    member = await bot.get_chat_member(-100500, 3)

    assert isinstance(owner, ChatMemberOwner)
    assert isinstance(admin, ChatMemberAdministrator) and admin.can_promote_members
    assert isinstance(member, ChatMemberMember) and member.user.id == 3
    admins = await bot.get_chat_administrators(-100500)
    assert sorted(a.user.id for a in admins) == [1, 2]
    chat = await bot.get_chat(-100500)
    assert chat.type == "group"


async def test_fail_next_raises_retry_after_once(server: FakeTelegramServer, bot: Bot) -> None:
    server.fail_next("sendMessage", 429, retry_after=7)

    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(1, "первая попытка")
    assert caught.value.retry_after == 7
    assert "Too Many Requests" in caught.value.message

    await bot.send_message(1, "вторая попытка")
    assert [r["text"] for r in server.sent] == ["вторая попытка"]
    assert len(server.calls("sendMessage")) == 2


async def test_fail_next_can_target_one_chat(server: FakeTelegramServer, bot: Bot) -> None:
    server.fail_next("sendMessage", 500, "Internal Server Error", chat_id=2, times=2)

    await bot.send_message(1, "ok")
    for _ in range(2):
        with pytest.raises(Exception, match="Internal Server Error"):
            await bot.send_message(2, "fails")
    await bot.send_message(2, "ok again")
    assert [r["chat_id"] for r in server.sent] == [1, 2]


async def test_blocked_user_and_bad_requests(server: FakeTelegramServer, bot: Bot) -> None:
    server.block_user(99)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(99, "привет")

    server.fail_next("sendMessage", 400, "Bad Request: chat not found")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(1, "привет")
    # Errors a real bot meets: HTML Telegram does not accept, too long texts, long callback_data.
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "br"'):
        await bot.send_message(1, "строка<br>строка", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1, "я" * 4097)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="д" * 33)]]
        )
        await bot.send_message(1, "кнопка", reply_markup=markup)
    assert server.sent == []


async def test_rate_limits_answer_429() -> None:
    now = [0.0]
    async with FakeTelegramServer(
        token=TOKEN, global_rate=3.0, per_chat_rate=1.0, clock=lambda: now[0]
    ) as server:
        bot = make_bot(server)
        try:
            await bot.send_message(1, "a")
            with pytest.raises(TelegramRetryAfter) as caught:
                await bot.send_message(1, "b")  # second message to one chat within a second
            assert caught.value.retry_after == 1

            await bot.send_message(2, "c")
            await bot.send_message(3, "d")
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(4, "e")  # fourth message overall within a second

            now[0] += 1.0
            await bot.send_message(1, "b, later")
        finally:
            await bot.session.close()

    assert server.too_many_requests == 2
    assert server.sent_count == 4
    assert [r["text"] for r in server.messages_to(1)] == ["a", "b, later"]


async def test_delay_next_simulates_timeouts(server: FakeTelegramServer, bot: Bot) -> None:
    server.delay_next("sendMessage", 2)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1, "lost", request_timeout=0.2)  # type: ignore[arg-type]
    assert server.sent == []

    # process_first: Telegram delivered the message but the answer came too late.
    server.delay_next("sendMessage", 2, process_first=True)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1, "delivered", request_timeout=0.2)  # type: ignore[arg-type]
    assert [r["text"] for r in server.sent] == ["delivered"]


async def test_webhook_and_commands(server: FakeTelegramServer, bot: Bot) -> None:
    await bot.set_webhook("https://example.invalid/hook", secret_token="s3cret")
    assert server.webhook is not None and server.webhook["secret_token"] == "s3cret"
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    with pytest.raises(TelegramConflictError):
        await bot.get_updates()
    await bot.delete_webhook(drop_pending_updates=True)
    assert server.webhook is None

    await bot.set_my_commands(
        [BotCommand(command="start", description="Начать")], language_code="ru"
    )
    assert server.commands_for(language_code="ru") == [
        {"command": "start", "description": "Начать"}
    ]
    assert [c.command for c in await bot.get_my_commands(language_code="ru")] == ["start"]
    await bot.delete_my_commands(language_code="ru")
    assert server.commands_for(language_code="ru") is None

    await bot.send_chat_action(5, "typing")
    assert server.chat_actions == [{"chat_id": 5, "action": "typing"}]


async def test_wait_for_sent_times_out(server: FakeTelegramServer) -> None:
    with pytest.raises(TimeoutError, match="expected 1 sent message"):
        await server.wait_for_sent(1, timeout=0.05)


async def test_dispatcher_polling_answers_a_pushed_message(
    server: FakeTelegramServer, bot: Bot
) -> None:
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"Эхо: {message.text}")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=2))
    try:
        server.user_message(77, "привет")
        sent = await server.wait_for_sent(1)
        assert sent[0]["chat_id"] == 77
        assert sent[0]["text"] == "Эхо: привет"

        server.user_message(77, "ещё раз")
        sent = await server.wait_for_sent(2)
        assert sent[1]["text"] == "Эхо: ещё раз"
    finally:
        await dp.stop_polling()
        await polling
    # The first update was confirmed by the follow-up getUpdates offset.
    assert all(u["update_id"] > 1 for u in server.pending_updates)
    assert server.errors == []
