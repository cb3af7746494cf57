"""The fake MAX server itself, driven by a bare aiohttp client: it must hold to what the
published Bot API says, or the adapter's tests prove nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.max_server import FakeMaxServer

TOKEN = "fake-max-token"
JSON = dict[str, Any]


@pytest.fixture
async def server() -> AsyncIterator[FakeMaxServer]:
    async with FakeMaxServer(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": TOKEN}) as session:
        yield session


async def call(
    http: aiohttp.ClientSession, server: FakeMaxServer, method: str, path: str, **kw: Any
) -> tuple[int, Any]:
    async with http.request(method, server.base_url + path, **kw) as response:
        return response.status, await response.json(content_type=None)


async def test_the_token_goes_in_the_header_only(server: FakeMaxServer) -> None:
    async with aiohttp.ClientSession() as bare:
        async with bare.get(f"{server.base_url}/me") as response:
            assert response.status == 401
            assert (await response.json())["code"] == "verify.token"
        async with bare.get(f"{server.base_url}/me", params={"access_token": TOKEN}) as response:
            assert response.status == 401
        async with bare.get(f"{server.base_url}/me", headers={"Authorization": TOKEN}) as r:
            assert r.status == 200 and (await r.json())["username"] == server.username


async def test_updates_by_marker(server: FakeMaxServer, http: aiohttp.ClientSession) -> None:
    first = server.user_message(1, "a")
    second = server.user_message(2, "b")
    # Without a marker: only the last update, at once.
    status, body = await call(http, server, "GET", "/updates")
    assert status == 200 and body["updates"] == [second] and body["marker"] == 2
    assert first not in server.pending
    third = server.bot_started(3, "p_1")
    status, body = await call(http, server, "GET", "/updates", params={"marker": 2})
    assert body == {"updates": [third], "marker": 3}
    # The same marker again: the same batch (nothing is read until a later marker comes).
    status, body = await call(http, server, "GET", "/updates", params={"marker": 2})
    assert body["updates"] == [third]
    # A later marker confirms; the poll waits for the next update.
    waiting = asyncio.create_task(
        call(http, server, "GET", "/updates", params={"marker": 3, "timeout": 5})
    )
    await asyncio.sleep(0.1)
    assert not waiting.done() and server.pending == []
    fourth = server.bot_stopped(4)
    status, body = await waiting
    assert body == {"updates": [fourth], "marker": 4}
    # An idle poll ends after its timeout, empty, with the same marker.
    status, body = await call(http, server, "GET", "/updates", params={"marker": 4, "timeout": 0})
    assert body == {"updates": [], "marker": 4}
    # Types filter; limits checked.
    server.user_message(5, "x")
    server.bot_started(6)
    status, body = await call(
        http, server, "GET", "/updates", params={"marker": 4, "types": "bot_started"}
    )
    assert [u["update_type"] for u in body["updates"]] == ["bot_started"]
    for bad in ({"limit": 0}, {"limit": 1001}, {"timeout": 91}, {"marker": "x"}):
        status, body = await call(http, server, "GET", "/updates", params={"marker": 4, **bad})
        assert status == 400 and body["code"] == "proto.payload", bad


async def test_messages_keyboards_and_limits(
    server: FakeMaxServer, http: aiohttp.ClientSession
) -> None:
    keyboard = {
        "type": "inline_keyboard",
        "payload": {
            "buttons": [
                [{"type": "callback", "text": "Да", "payload": "yes"}],
                [{"type": "link", "text": "Сайт", "url": "https://example.org"}],
            ]
        },
    }
    status, body = await call(
        http,
        server,
        "POST",
        "/messages",
        params={"user_id": 7},
        json={"text": "привет", "attachments": [keyboard]},
    )
    assert status == 200 and body["message"]["body"]["text"] == "привет"
    [sent] = server.sent
    assert sent.user_id == 7 and sent.mid == body["message"]["body"]["mid"]
    assert [b["text"] for b in sent.buttons] == ["Да", "Сайт"]
    # Exactly one recipient; 4,000 characters at most; text or attachments.
    for params, payload in (
        ({}, {"text": "x"}),
        ({"user_id": 1, "chat_id": 2}, {"text": "x"}),
        ({"user_id": 1}, {"text": "x" * 4001}),
        ({"user_id": 1}, {}),
    ):
        status, body = await call(http, server, "POST", "/messages", params=params, json=payload)
        assert status == 400, (params, payload)
    status, _ = await call(
        http, server, "POST", "/messages", params={"user_id": 1}, json={"text": "x" * 4000}
    )
    assert status == 200
    bad_keyboards = [
        [[{"type": "callback", "text": "x", "payload": "p" * 1025}]],
        [[{"type": "callback", "text": "", "payload": "p"}]],
        [[{"type": "link", "text": "x", "url": "ftp://x"}]],
        [[{"type": "callback", "text": "x", "payload": "p"}] * 8],
        [[{"type": "callback", "text": "x", "payload": "p"}]] * 31,
        [[{"type": "weird", "text": "x"}]],
    ]
    for rows in bad_keyboards:
        status, body = await call(
            http,
            server,
            "POST",
            "/messages",
            params={"user_id": 1},
            json={
                "text": "x",
                "attachments": [{"type": "inline_keyboard", "payload": {"buttons": rows}}],
            },
        )
        assert status == 400 and body["code"] == "proto.payload"
    # A chat the bot is not in; a person who blocked the bot.
    status, body = await call(
        http, server, "POST", "/messages", params={"chat_id": -5}, json={"text": "x"}
    )
    assert status == 404
    server.block(9)
    status, body = await call(
        http, server, "POST", "/messages", params={"user_id": 9}, json={"text": "x"}
    )
    assert status == 403 and body["code"] == "chat.denied"


async def test_edits_answers_and_uploads(
    server: FakeMaxServer, http: aiohttp.ClientSession
) -> None:
    _, body = await call(
        http, server, "POST", "/messages", params={"user_id": 7}, json={"text": "старый"}
    )
    mid = body["message"]["body"]["mid"]
    status, body = await call(
        http, server, "PUT", "/messages", params={"message_id": mid}, json={"text": "новый"}
    )
    assert status == 200 and body == {"success": True}
    assert server.messages[mid].text == "новый" and server.messages[mid].edits == 1
    status, _ = await call(
        http, server, "PUT", "/messages", params={"message_id": "mid.x"}, json={"text": "y"}
    )
    assert status == 404

    press = server.press(7, server.messages[mid], "yes")
    callback_id = press["callback"]["callback_id"]
    status, _ = await call(
        http, server, "POST", "/answers", params={"callback_id": callback_id}, json={}
    )
    assert status == 400  # a message or a notification is required
    status, _ = await call(
        http,
        server,
        "POST",
        "/answers",
        params={"callback_id": callback_id},
        json={"notification": "ok"},
    )
    assert status == 200 and server.answers[-1]["notification"] == "ok"
    status, _ = await call(
        http,
        server,
        "POST",
        "/answers",
        params={"callback_id": "nope"},
        json={"notification": "ok"},
    )
    assert status == 404

    # Upload: a url, the bytes as "data", then the token attaches.
    status, slot = await call(http, server, "POST", "/uploads", params={"type": "image"})
    assert status == 200 and slot["url"].startswith(server.base_url)
    form = aiohttp.FormData()
    form.add_field("data", b"jpeg", filename="a.jpg")
    async with http.post(slot["url"], data=form) as response:
        uploaded = await response.json()
    [version] = uploaded["photos"].values()
    image = {"type": "image", "payload": {"token": version["token"]}}
    status, _ = await call(
        http, server, "POST", "/messages", params={"user_id": 7}, json={"attachments": [image]}
    )
    assert status == 200 and server.sent[-1].files == [image]
    unknown = {"type": "image", "payload": {"token": "forged"}}
    status, _ = await call(
        http, server, "POST", "/messages", params={"user_id": 7}, json={"attachments": [unknown]}
    )
    assert status == 400
    status, _ = await call(http, server, "POST", "/uploads", params={"type": "zip"})
    assert status == 400


async def test_subscriptions_chats_menu_and_failures(
    server: FakeMaxServer, http: aiohttp.ClientSession
) -> None:
    status, _ = await call(
        http,
        server,
        "POST",
        "/subscriptions",
        json={"url": "https://x.example/h", "secret": "bad secret!"},
    )
    assert status == 400
    status, _ = await call(
        http,
        server,
        "POST",
        "/subscriptions",
        json={"url": "https://x.example/h", "secret": "good_secret-1"},
    )
    assert status == 200
    _, body = await call(http, server, "GET", "/subscriptions")
    assert [s["url"] for s in body["subscriptions"]] == ["https://x.example/h"]
    await call(http, server, "DELETE", "/subscriptions", params={"url": "https://x.example/h"})
    assert server.subscriptions == []

    server.add_chat(-70, "Группа", admins=[1, 2])
    _, chat = await call(http, server, "GET", "/chats/-70")
    assert chat["title"] == "Группа" and chat["type"] == "chat"
    _, admins = await call(http, server, "GET", "/chats/-70/members/admins")
    assert [m["user_id"] for m in admins["members"]] == [1, 2]
    assert admins["members"][0]["is_owner"] is True
    status, _ = await call(http, server, "GET", "/chats/-71/members/admins")
    assert status == 404

    status, _ = await call(http, server, "PATCH", "/me", json={"commands": [{"name": ""}]})
    assert status == 400
    await call(
        http, server, "PATCH", "/me", json={"commands": [{"name": "help", "description": "помощь"}]}
    )
    assert server.commands == [{"name": "help", "description": "помощь"}]

    server.fail_next("/messages", 503)
    server.fail_next("/messages", 200, "<html>")
    status, _ = await call(
        http, server, "POST", "/messages", params={"user_id": 1}, json={"text": "x"}
    )
    assert status == 503
    async with http.post(
        f"{server.base_url}/messages", params={"user_id": 1}, json={"text": "x"}
    ) as response:
        assert await response.text() == "<html>"
    server.rate_limit = True
    statuses = [(await call(http, server, "GET", "/me"))[0] for _ in range(35)]
    assert statuses.count(429) >= 4 and statuses[:30] == [200] * 30
    assert server.sent == []  # the injected failures sent nothing
