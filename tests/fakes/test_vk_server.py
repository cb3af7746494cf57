"""The fake VK server driven by the real vk_api (blocking, so every call goes through a thread)."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import requests
import vk_api
from vk_api.bot_longpoll import VkBotEventType, VkBotLongPoll, VkBotMessageEvent
from vk_api.exceptions import ApiError, ApiHttpError
from vk_api.keyboard import VkKeyboard, VkKeyboardColor

from bot.adapters.vk.session import make_vk_api, make_vk_session
from tests.fakes.vk_server import FakeVkServer

GROUP_ID = 1001
TOKEN = "vk-token-1"

# A 1x1 PNG is enough for the upload path; the fake stores the bytes as given.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture
async def server() -> AsyncIterator[FakeVkServer]:
    async with FakeVkServer(group_id=GROUP_ID, token=TOKEN) as fake:
        yield fake


@pytest.fixture
def vk(server: FakeVkServer) -> vk_api.VkApi:
    return make_vk_api(TOKEN, server.base_url, min_interval=0)


async def call(vk: vk_api.VkApi, method: str, **values: Any) -> Any:
    return await asyncio.to_thread(vk.method, method, values)


# ------------------------------------------------------------------------------ session


def test_session_rewrites_only_the_api_host() -> None:
    session = make_vk_session("http://127.0.0.1:9999/")
    rewrite = session.rewrite_url
    # vk_api 11.10.1 itself posts to api.vk.ru; api.vk.com is what docs and settings use.
    assert rewrite("https://api.vk.ru/method/users.get") == "http://127.0.0.1:9999/method/users.get"
    assert rewrite("https://api.vk.com/method/a.b?x=1") == "http://127.0.0.1:9999/method/a.b?x=1"
    assert rewrite("https://lp.vk.com/wh123?act=a_check") == "https://lp.vk.com/wh123?act=a_check"
    assert rewrite("https://api.vk.community/x") == "https://api.vk.community/x"

    public = make_vk_session("https://api.vk.com")
    assert public.api_base is None
    assert public.rewrite_url("https://api.vk.ru/method/x") == "https://api.vk.ru/method/x"


def test_make_vk_api_disables_vk_api_retry_handlers() -> None:
    vk = make_vk_api(TOKEN, "http://127.0.0.1:9")
    assert vk_api.exceptions.TOO_MANY_RPS_CODE not in vk.error_handlers
    assert vk_api.exceptions.CAPTCHA_ERROR_CODE not in vk.error_handlers
    assert vk.api_version == "5.199"


# ----------------------------------------------------------------------------- messages


async def test_send_to_one_user_records_text_keyboard_and_random_id(
    server: FakeVkServer, vk: vk_api.VkApi
) -> None:
    keyboard = VkKeyboard(one_time=False, inline=True)
    keyboard.add_callback_button("Заказать", color=VkKeyboardColor.POSITIVE, payload={"a": "o"})

    message_id = await call(
        vk,
        "messages.send",
        peer_id=42,
        message="Привет",
        random_id=777,
        keyboard=keyboard.get_keyboard(),
    )

    assert isinstance(message_id, int)
    [sent] = await server.wait_for_sent(1)
    assert (sent.peer_id, sent.text, sent.random_id, sent.message_id) == (
        42,
        "Привет",
        777,
        message_id,
    )
    assert sent.keyboard is not None and sent.keyboard["inline"] is True
    button = sent.keyboard["buttons"][0][0]["action"]
    assert (button["type"], button["label"], json.loads(button["payload"])) == (
        "callback",
        "Заказать",
        {"a": "o"},
    )
    assert server.calls[-1][0] == "messages.send"
    assert server.calls[-1][1]["access_token"] == TOKEN


async def test_send_to_100_peer_ids_returns_per_peer_results(
    server: FakeVkServer, vk: vk_api.VkApi
) -> None:
    peers = list(range(1, 101))
    server.set_messages_allowed(50, False)

    result = await asyncio.to_thread(
        vk.get_api().messages.send, peer_ids=peers, message="Сбор открыт", random_id=5
    )

    assert [item["peer_id"] for item in result] == peers
    assert result[49] == {
        "peer_id": 50,
        "error": {"code": 901, "description": "Can't send messages for users without permission"},
    }
    assert all("message_id" in item for i, item in enumerate(result) if i != 49)
    assert len(server.sent) == 99
    assert {m.text for m in server.sent} == {"Сбор открыт"}

    with pytest.raises(ApiError) as too_many:
        await call(vk, "messages.send", peer_ids="1," * 100 + "1", message="x", random_id=6)
    assert too_many.value.code == 100


async def test_random_id_deduplicates_like_vk(server: FakeVkServer, vk: vk_api.VkApi) -> None:
    first = await call(vk, "messages.send", peer_id=7, message="one", random_id=99)
    again = await call(vk, "messages.send", peer_id=7, message="one", random_id=99)
    other_peer = await call(vk, "messages.send", peer_id=8, message="one", random_id=99)
    no_dedup = [await call(vk, "messages.send", peer_id=7, message="z", random_id=0) for _ in "ab"]

    assert first == again
    assert other_peer != first
    assert no_dedup[0] != no_dedup[1]
    assert [m.peer_id for m in server.sent] == [7, 8, 7, 7]

    with pytest.raises(ApiError) as missing:
        await call(vk, "messages.send", peer_id=7, message="no random id")
    assert missing.value.code == 100


async def test_keyboard_must_be_a_json_string(server: FakeVkServer, vk: vk_api.VkApi) -> None:
    # requests form-encodes a dict's keys, so a dict keyboard reaches VK as garbage: error 911.
    with pytest.raises(ApiError) as bad:
        await call(
            vk, "messages.send", peer_id=1, message="x", random_id=1, keyboard={"buttons": []}
        )
    assert bad.value.code == 911
    assert server.sent == []


async def test_event_answer_and_edit_by_conversation_message_id(
    server: FakeVkServer, vk: vk_api.VkApi
) -> None:
    await call(vk, "messages.send", peer_id=42, message="Товар", random_id=1)
    event = server.message_event(42, {"cmd": "join"})
    obj = event["object"]
    assert obj["conversation_message_id"] == server.sent[0].conversation_message_id

    snackbar = json.dumps({"type": "show_snackbar", "text": "Готово"})
    answer = await call(
        vk,
        "messages.sendMessageEventAnswer",
        event_id=obj["event_id"],
        user_id=42,
        peer_id=42,
        event_data=snackbar,
    )
    edited = await call(
        vk,
        "messages.edit",
        peer_id=42,
        conversation_message_id=obj["conversation_message_id"],
        message="Товар (1 заказ)",
    )

    assert (answer, edited) == (1, 1)
    assert server.event_answers[0].event_data == {"type": "show_snackbar", "text": "Готово"}
    assert server.edits[0].text == "Товар (1 заказ)"
    assert server.edits[0].message_id == server.sent[0].message_id
    with pytest.raises(ApiError):
        await call(vk, "messages.sendMessageEventAnswer", event_id="nope", user_id=42, peer_id=42)


async def test_users_groups_permissions_and_wall(server: FakeVkServer, vk: vk_api.VkApi) -> None:
    server.set_user(5, "Анна", "Петрова")
    server.message_deny(6)
    api = vk.get_api()

    users = await asyncio.to_thread(api.users.get, user_ids=[5, 6])
    groups = await asyncio.to_thread(api.groups.getById)
    allowed = await asyncio.to_thread(
        api.messages.isMessagesFromGroupAllowed, group_id=GROUP_ID, user_id=6
    )
    comment = await asyncio.to_thread(
        api.wall.createComment, owner_id=-GROUP_ID, post_id=10, from_group=GROUP_ID, message="2 шт"
    )

    assert [(u["id"], u["first_name"]) for u in users] == [(5, "Анна"), (6, "User6")]
    assert groups["groups"][0]["id"] == GROUP_ID
    assert allowed == {"is_allowed": 0}
    assert (
        server.comments[0].text == "2 шт" and server.comments[0].comment_id == comment["comment_id"]
    )
    # Real VK serves wall.post to user tokens only.
    with pytest.raises(ApiError) as wall_post:
        await asyncio.to_thread(api.wall.post, owner_id=-GROUP_ID, message="x", from_group=1)
    assert wall_post.value.code == 27


# ------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("code", "msg"),
    [
        (6, "Too many requests per second"),
        (9, "Flood control"),
        (901, "Can't send messages for users without permission"),
        (902, "Can't send messages to this user due to their privacy settings"),
    ],
)
async def test_injected_errors_surface_as_api_error_without_retry(
    server: FakeVkServer, vk: vk_api.VkApi, code: int, msg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.fail_next("messages.send", code, msg)
    # Counted, not timed (a loaded machine makes any call slow): vk_api's own pause between
    # requests is a third of a second; its stock error-6 handler sleeps 0.5 s and retries.
    slept: list[float] = []
    real_sleep = time.sleep
    monkeypatch.setattr(time, "sleep", lambda seconds: (slept.append(seconds), real_sleep(seconds)))

    with pytest.raises(ApiError) as error:
        await call(vk, "messages.send", peer_id=1, message="x", random_id=1)

    assert error.value.code == code
    assert error.value.error["error_msg"] == msg
    assert {"key": "method", "value": "messages.send"} in error.value.error["request_params"]
    # One request, no vk_api sleep-and-retry (its stock error-6 handler sleeps 0.5 s).
    assert len(server.calls_of("messages.send")) == 1
    assert all(seconds < 0.4 for seconds in slept), slept
    assert server.sent == []


async def test_stock_vk_api_retries_error_6_by_itself(server: FakeVkServer) -> None:
    # Documents the behaviour make_vk_api switches off: sleep 0.5 s, then the same call again.
    stock = vk_api.VkApi(token=TOKEN, api_version="5.199", session=make_vk_session(server.base_url))
    server.fail_next("messages.send", 6)

    message_id = await call(stock, "messages.send", peer_id=1, message="x", random_id=1)

    assert isinstance(message_id, int)
    assert len(server.calls_of("messages.send")) == 2


async def test_http_500_and_bad_token(server: FakeVkServer, vk: vk_api.VkApi) -> None:
    server.http_error_next("messages.send", status=500)
    with pytest.raises(ApiHttpError) as http_error:
        await call(vk, "messages.send", peer_id=1, message="x", random_id=1)
    assert http_error.value.response.status_code == 500

    stranger = make_vk_api("wrong-token", server.base_url)
    with pytest.raises(ApiError) as auth:
        await call(stranger, "groups.getById")
    assert auth.value.code == 5

    with pytest.raises(ApiError) as unknown:
        await call(vk, "messages.doesNotExist")
    assert unknown.value.code == 3


async def test_rate_limit_answers_error_6() -> None:
    async with FakeVkServer(group_id=GROUP_ID, token=TOKEN, rate_per_token=5) as server:
        vk = make_vk_api(TOKEN, server.base_url, min_interval=0)
        codes = []
        for random_id in range(1, 9):
            try:
                await call(vk, "messages.send", peer_id=1, message="x", random_id=random_id)
                codes.append(0)
            except ApiError as exc:
                codes.append(exc.code)

    assert codes == [0] * 5 + [6] * 3
    assert server.too_many_requests == 3


async def test_two_communities_on_one_server() -> None:
    async with FakeVkServer(group_id=1, token="t1", tokens={"t2": 2}) as server:
        first = make_vk_api("t1", server.base_url, min_interval=0)
        second = make_vk_api("t2", server.base_url, min_interval=0)
        await call(first, "messages.send", peer_id=9, message="a", random_id=1)
        await call(second, "messages.send", peer_id=9, message="b", random_id=1)

    assert [(m.group_id, m.text) for m in server.sent] == [(1, "a"), (2, "b")]


# ------------------------------------------------------------------------------- upload


async def test_vk_upload_photo_and_document(server: FakeVkServer, vk: vk_api.VkApi) -> None:
    upload = vk_api.VkUpload(vk)

    photos = await asyncio.to_thread(upload.photo_messages, io.BytesIO(PNG), peer_id=42)
    doc = await asyncio.to_thread(
        upload.document_message, io.BytesIO(b"a;b\n1;2\n"), title="order.csv", peer_id=42
    )

    photo = photos[0]
    attachment = f"photo{photo['owner_id']}_{photo['id']}_{photo['access_key']}"
    assert photo["owner_id"] == -GROUP_ID
    assert server.uploads[0].data == PNG
    assert server.uploads[0].attachment == attachment
    assert doc["type"] == "doc" and doc["doc"]["title"] == "order.csv"
    assert server.uploads[1].data == b"a;b\n1;2\n"

    await call(vk, "messages.send", peer_id=42, attachment=attachment, random_id=3)
    assert server.sent[-1].attachment == attachment

    # Without peer_id vk_api falls back to docs.getUploadServer, a user-token-only method.
    with pytest.raises(ApiError) as no_peer:
        await asyncio.to_thread(upload.document_message, io.BytesIO(b"x"), title="a.txt")
    assert no_peer.value.code == 27


# ---------------------------------------------------------------------------- long poll


async def make_longpoll(vk: vk_api.VkApi, wait: int = 2) -> VkBotLongPoll:
    # The constructor already calls groups.getLongPollServer, so it blocks too.
    return await asyncio.to_thread(VkBotLongPoll, vk, GROUP_ID, wait)


async def test_longpoll_delivers_message_new_with_payload(
    server: FakeVkServer, vk: vk_api.VkApi
) -> None:
    longpoll = await make_longpoll(vk, wait=5)
    assert longpoll.server == f"{server.base_url}/lp/{GROUP_ID}"

    pending = asyncio.create_task(asyncio.to_thread(longpoll.check))
    await asyncio.sleep(0.05)  # the check is now waiting on the server
    started = time.monotonic()
    server.message_new(42, "Хочу", payload={"cmd": "order", "item": 3})
    events = await pending

    assert time.monotonic() - started < 1  # woke up early, did not wait out `wait`
    [event] = events
    assert isinstance(event, VkBotMessageEvent)
    assert event.type is VkBotEventType.MESSAGE_NEW
    assert event.group_id == GROUP_ID and event.from_user
    assert event.message.text == "Хочу" and event.message.peer_id == 42
    assert json.loads(event.message.payload) == {"cmd": "order", "item": 3}
    assert event.client_info["keyboard"] is True


async def test_longpoll_other_event_shapes(server: FakeVkServer, vk: vk_api.VkApi) -> None:
    # Pushed before the first poll: still delivered (the fake starts at the first undelivered one).
    server.message_event(42, {"cmd": "join"})
    server.message_allow(42, key="ref")
    server.wall_reply_new(43, post_id=10, text="2 шт, размер 44")
    server.group_join(44)
    longpoll = await make_longpoll(vk)

    events = await asyncio.to_thread(longpoll.check)

    assert [e.type for e in events] == [
        VkBotEventType.MESSAGE_EVENT,
        VkBotEventType.MESSAGE_ALLOW,
        VkBotEventType.WALL_REPLY_NEW,
        VkBotEventType.GROUP_JOIN,
    ]
    assert events[0].object.payload == {"cmd": "join"}
    assert events[2].object.post_id == 10 and events[2].object.from_id == 43
    assert len({e.raw["event_id"] for e in events}) == 4
    assert all(e.group_id == GROUP_ID for e in events)


async def test_longpoll_recovers_from_failed_1_2_3(server: FakeVkServer, vk: vk_api.VkApi) -> None:
    longpoll = await make_longpoll(vk, wait=1)
    key_requests = len(server.calls_of("groups.getLongPollServer"))

    server.longpoll_fail(1)
    assert await asyncio.to_thread(longpoll.check) == []
    server.message_new(1, "after 1")
    assert [e.message.text for e in await asyncio.to_thread(longpoll.check)] == ["after 1"]

    server.longpoll_fail(2)
    old_key = longpoll.key
    assert await asyncio.to_thread(longpoll.check) == []  # vk_api re-fetched the key, kept ts
    assert longpoll.key != old_key
    server.message_new(1, "after 2")
    assert [e.message.text for e in await asyncio.to_thread(longpoll.check)] == ["after 2"]

    server.longpoll_fail(3)
    assert await asyncio.to_thread(longpoll.check) == []  # new key and ts
    server.message_new(1, "after 3")
    assert [e.message.text for e in await asyncio.to_thread(longpoll.check)] == ["after 3"]

    assert len(server.calls_of("groups.getLongPollServer")) == key_requests + 2


async def test_longpoll_http_error_raises_in_check(server: FakeVkServer, vk: vk_api.VkApi) -> None:
    longpoll = await make_longpoll(vk, wait=1)
    server.longpoll_http_error(502)
    # vk_api calls .json() on the body without checking the status.
    with pytest.raises(requests.exceptions.JSONDecodeError):
        await asyncio.to_thread(longpoll.check)
    server.message_new(1, "still there")
    assert [e.message.text for e in await asyncio.to_thread(longpoll.check)] == ["still there"]


# ----------------------------------------------------------------------- threaded server


def test_threaded_server_for_synchronous_code() -> None:
    with FakeVkServer(group_id=GROUP_ID, token=TOKEN) as server:
        vk = make_vk_api(TOKEN, server.base_url, min_interval=0)
        longpoll = VkBotLongPoll(vk, GROUP_ID, wait=2)
        server.message_new(42, "hi")
        [event] = longpoll.check()
        vk.method("messages.send", {"peer_id": 42, "message": "echo", "random_id": 1})
        [sent] = server.wait_for_sent_sync(1)

    assert event.message.text == "hi"
    assert sent.text == "echo"
