"""The fake OK Bot API driven by a bare aiohttp client, as the documents describe the calls
(not through the bot's transport): what it takes, what it answers, what it refuses."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.fakes.ok_server import FakeOkServer

TOKEN = "ok-token-1"
JSON = {"Content-Type": "application/json;charset=utf-8"}


@pytest.fixture
async def server() -> AsyncIterator[FakeOkServer]:
    async with FakeOkServer({TOKEN: "7001"}) as fake:
        yield fake


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    server: FakeOkServer,
    method: str,
    path: str,
    body: Any = None,
    token: str = TOKEN,
    **params: str,
) -> tuple[int, Any, aiohttp.typedefs.LooseHeaders]:
    async with http.request(
        method,
        f"{server.base_url}/graph/{path}",
        params={"access_token": token, **params},
        data=None if body is None else json.dumps(body),
        headers=JSON if body is not None else None,
    ) as response:
        raw = await response.read()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw
        return response.status, parsed, response.headers


async def test_info_names_the_group_and_a_wrong_token_is_error_102(
    server: FakeOkServer, http: aiohttp.ClientSession
) -> None:
    status, answer, _ = await call(http, server, "GET", "me/info")
    assert status == 200 and answer == {"name": "Group 7001", "group_id": "group:7001"}
    _, answer, headers = await call(http, server, "GET", "me/info", token="nope")
    assert answer["error_code"] == 102 and headers["invocation-error"] == "102"


async def test_subscribe_list_unsubscribe(
    server: FakeOkServer, http: aiohttp.ClientSession
) -> None:
    url = "https://bot.example/ok/7001/x"
    assert (await call(http, server, "POST", "me/subscribe", {"url": url}))[1] == {"success": True}
    await call(http, server, "POST", "me/subscribe", {"url": url})  # once is enough
    _, listed, _ = await call(http, server, "GET", "me/subscriptions")
    assert [s["url"] for s in listed["subscriptions"]] == [url]
    assert (await call(http, server, "POST", "me/subscribe", {"url": "ftp://x"}))[1][
        "error_code"
    ] == 100
    _, answer, _ = await call(http, server, "POST", "me/unsubscribe", {"url": url})
    assert answer == {"success": True}
    assert (await call(http, server, "GET", "me/subscriptions"))[1] == {"subscriptions": []}


async def test_post_needs_json_content_type(
    server: FakeOkServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        f"{server.base_url}/graph/me/subscribe",
        params={"access_token": TOKEN},
        data="url=https://x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ) as response:
        assert (await response.json())["error_code"] == 100


async def test_messages_to_people_who_allow_them_only(
    server: FakeOkServer, http: aiohttp.ClientSession
) -> None:
    server.allow(11)
    body = {"recipient": {"user_id": "user:11"}, "message": {"text": "Hello"}}
    _, answer, _ = await call(http, server, "POST", "me/messages", body)
    assert answer["success"] is True and answer["message_id"].startswith("mid:")
    body = {"recipient": {"user_id": "12"}, "message": {"text": "Hello"}}
    assert (await call(http, server, "POST", "me/messages", body))[1] == {"success": False}
    many = {"recipient": {"user_ids": ["user:11", "12"]}, "message": {"text": "All"}}
    _, answer, _ = await call(http, server, "POST", "me/messages", many)
    assert answer == {"success": [True, False], "chat_ids": [server.chat_of(11), None]}
    assert [m.text for m in server.sent_to(11)] == ["Hello", "All"]
    chat = server.chat_of(11)
    in_chat = {"recipient": {"chat_id": chat}, "message": {"text": "In chat"}}
    assert (await call(http, server, "POST", f"me/messages/{chat}", in_chat))[1]["success"]
    wrong = {"recipient": {"chat_id": "chat:Cffff"}, "message": {"text": "x"}}
    assert (await call(http, server, "POST", f"me/messages/{chat}", wrong))[1]["error_code"] == 100


@pytest.mark.parametrize(
    "message",
    [
        {"text": "x" * 4001},
        {},
        {"text": "x", "attachments": [{"type": "STICKER", "payload": {}}]},
        {
            "text": "x",
            "attachments": [
                {"type": "INLINE_KEYBOARD", "payload": {"keyboard": {"buttons": [[{"type": "X"}]]}}}
            ],
        },
        {
            "text": "x",
            "attachments": [
                {
                    "type": "INLINE_KEYBOARD",
                    "payload": {
                        "keyboard": {"buttons": [[{"type": "LINK", "text": "a", "url": "x"}]]}
                    },
                }
            ],
        },
    ],
)
async def test_bad_messages_are_refused(
    server: FakeOkServer, http: aiohttp.ClientSession, message: dict[str, Any]
) -> None:
    server.allow(11)
    body = {"recipient": {"user_id": "user:11"}, "message": message}
    assert (await call(http, server, "POST", "me/messages", body))[1]["error_code"] == 100
    assert server.sent == []


async def test_keyboard_and_callback_answered_once(
    server: FakeOkServer, http: aiohttp.ClientSession
) -> None:
    server.allow(11)
    keyboard = {
        "type": "INLINE_KEYBOARD",
        "payload": {
            "keyboard": {
                "buttons": [
                    [{"type": "CALLBACK", "text": "Yes", "payload": "y", "intent": "DEFAULT"}],
                    [{"type": "LINK", "text": "Site", "url": "https://ok.ru"}],
                ]
            }
        },
    }
    body = {
        "recipient": {"user_id": "user:11"},
        "message": {"text": "?", "attachments": [keyboard]},
    }
    await call(http, server, "POST", "me/messages", body)
    [sent] = server.sent
    assert [b["text"] for b in sent.buttons] == ["Yes", "Site"]
    press = server.callback(11, "y", mid=sent.mid)
    chat = press["recipient"]["chat_id"]
    answer = {"message": {"text": "Done"}}
    _, result, _ = await call(
        http, server, "POST", f"{chat}/answer", answer, callbackId=press["callbackId"]
    )
    assert result == {"success": True}
    assert [a.message["text"] for a in server.answers] == ["Done"]
    assert server.sent[-1].text == "Done"
    _, again, _ = await call(
        http, server, "POST", f"{chat}/answer", answer, callbackId=press["callbackId"]
    )
    assert again["error_code"] == 100
    other = server.callback(11, "y")
    _, wrong_chat, _ = await call(
        http, server, "POST", "chat:Cffff/answer", answer, callbackId=other["callbackId"]
    )
    assert wrong_chat["error_code"] == 100


async def test_uploads_give_tokens(server: FakeOkServer, http: aiohttp.ClientSession) -> None:
    _, ticket, _ = await call(http, server, "GET", "me/fileUploadUrl", type="IMAGE")
    form = aiohttp.FormData()
    form.add_field("pic1", b"PNG", filename="a.png", content_type="image/png")
    async with http.post(ticket["url"], data=form) as response:
        photos = (await response.json())["photos"]
    [token] = [p["token"] for p in photos.values()]
    _, file_ticket, _ = await call(http, server, "GET", "me/fileUploadUrl", type="FILE")
    form = aiohttp.FormData()
    form.add_field("file", b"PDF", filename="a.pdf")
    async with http.post(file_ticket["url"], data=form) as response:
        assert response.status == 200
    assert server.uploads == [("IMAGE", b"PNG"), ("FILE", b"PDF")]
    server.allow(11)
    body = {
        "recipient": {"user_id": "user:11"},
        "message": {
            "text": "",
            "attachments": [
                {"type": "IMAGE", "payload": {"token": token}},
                {"type": "FILE", "payload": {"token": file_ticket["token"]}},
            ],
        },
    }
    assert (await call(http, server, "POST", "me/messages", body))[1]["success"] is True
    assert server.sent[-1].images == [{"token": token}]


async def test_failures_on_demand(server: FakeOkServer, http: aiohttp.ClientSession) -> None:
    server.fail_next("status", (429, 3))
    status, _, headers = await call(http, server, "GET", "me/info")
    assert status == 429 and headers["Retry-After"] == "3"
    server.fail_next("error", 8)
    _, answer, headers = await call(http, server, "GET", "me/info")
    assert answer["error_code"] == 8 and headers["invocation-error"] == "8"
    server.fail_next("garbage")
    _, answer, _ = await call(http, server, "GET", "me/info")
    assert isinstance(answer, bytes)
    server.fail_next("status", 502)
    assert (await call(http, server, "GET", "me/info"))[0] == 502
    assert (await call(http, server, "GET", "me/info"))[0] == 200


async def test_push_posts_webhook_bodies_to_every_subscription(server: FakeOkServer) -> None:
    got: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        got.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        server.group().subscriptions.append({"time": 1, "url": f"http://127.0.0.1:{port}/hook"})
        server.set_name(11, "Вася")
        body = server.message_created(11, "hi")
        assert await server.push(body) == [200]
        assert got[0]["sender"] == {"user_id": "user:11", "name": "Вася"}
        assert got[0]["message"]["mid"].startswith("mid:")
        assert got[0]["webhookType"] == "MESSAGE_CREATED"
        press = server.callback(11, "p")
        await server.push(press)
        assert got[1]["callbackId"] == press["callbackId"] and got[1]["payload"] == "p"
    finally:
        await runner.cleanup()
