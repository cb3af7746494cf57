"""The OK adapter against the fake OK Bot API, item by item of the adapter checklist
(bot/adapters/README.md): update shapes, redelivery, order, replies, errors, the outbox,
stopping, the webhook route on the shared server, /healthz, start-up settings."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapters import check_platform_names, configured
from bot.adapters.ok.adapter import OkAdapter, run_ok, webhook_suffix
from bot.adapters.ok.events import INVALID_PAYLOAD, ok_start_link, to_incoming
from bot.adapters.ok.transport import OkTransport, keyboard, split_text
from bot.app import App
from bot.core.events import AttachmentKind, ChatKind, EventKind
from bot.core.replies import Button, Document, FileRef, Photo, Reply
from bot.core.transport import (
    MessagesNotAllowed,
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
    TemporaryFailure,
)
from bot.settings import SettingsError, load_settings
from bot.web import WebServer
from storage.models import OutboxMessage, User
from tests.fakes.ok_server import FakeOkServer
from tests.support.ok import ANNA, BORIS, GROUP_ID, TOKEN, OkWorld, ok_world

FAST = 10_000.0


@pytest.fixture
async def ok(app: App) -> AsyncIterator[OkWorld]:
    async with ok_world(app) as world:
        yield world


@pytest.fixture
async def server() -> AsyncIterator[FakeOkServer]:
    async with FakeOkServer({TOKEN: GROUP_ID}) as fake:
        yield fake


@pytest.fixture
async def transport(server: FakeOkServer) -> AsyncIterator[OkTransport]:
    connected = await OkTransport.connect([TOKEN], server.base_url, rate_per_token=FAST)
    yield connected
    await connected.close()


# --- update shapes ---------------------------------------------------------------------------


def message(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "webhookType": "MESSAGE_CREATED",
        "sender": {"user_id": "user:123456789012", "name": "Вася"},
        "recipient": {"chat_id": "chat:C3ecb9d02a600"},
        "message": {"text": "/orders", "seq": 1, "mid": "mid:C3ecb9d02a600.15cea67d78d2059"},
        "timestamp": 1498581292941,
    }
    body.update(overrides)
    return body


def test_update_shapes() -> None:
    event = to_incoming(message(), GROUP_ID)
    assert event is not None
    assert (event.platform, event.bot_key, event.update_id) == (
        "ok",
        GROUP_ID,
        "mid:C3ecb9d02a600.15cea67d78d2059",
    )
    assert event.sender.external_id == "123456789012" and event.sender.name == "Вася"
    assert event.chat.external_id == "123456789012" and event.chat.kind is ChatKind.PRIVATE
    assert (event.kind, event.command) == (EventKind.MESSAGE, "orders")
    # The documents' own example has no webhookType: a new message.
    documented = message()
    del documented["webhookType"]
    assert to_incoming(documented, GROUP_ID) is not None
    bare = to_incoming(message(message={"text": "заказы", "mid": "mid:1"}), GROUP_ID)
    assert bare is not None and bare.command is None and bare.bare_commands
    press = {
        "webhookType": "MESSAGE_CALLBACK",
        "callbackId": "cb-1",
        "payload": "lang:en",
        "sender": {"user_id": "user:5"},
        "recipient": {"chat_id": "chat:C5"},
        "message": {"mid": "mid:C5.1"},
    }
    event = to_incoming(press, GROUP_ID)
    assert event is not None and event.kind is EventKind.BUTTON
    assert (event.payload, event.update_id, event.message_id) == ("lang:en", "cb:cb-1", "mid:C5.1")
    image = {"type": "IMAGE", "payload": {"id": "1", "token": "tk", "url": "https://i.mycdn.me/1"}}
    file = {"type": "FILE", "payload": {"token": "ftk", "name": "чек.pdf", "size": 10}}
    share = {"type": "SHARE", "payload": {"url": "https://ya.ru/"}}
    event = to_incoming(
        message(message={"text": "", "mid": "mid:2", "attachments": [image, file, share]}),
        GROUP_ID,
    )
    assert event is not None
    assert [(a.kind, a.file_id) for a in event.attachments] == [
        (AttachmentKind.PHOTO, "token:tk"),
        (AttachmentKind.DOCUMENT, "token:ftk"),
        (AttachmentKind.OTHER, "share"),
    ]
    assert event.attachments[1].file_name == "чек.pdf"
    url_only = {"type": "IMAGE", "payload": {"url": "https://i.mycdn.me/2"}}
    event = to_incoming(message(message={"mid": "mid:3", "attachment": url_only}), GROUP_ID)
    assert event is not None and event.attachments[0].file_id == "url:https://i.mycdn.me/2"


@pytest.mark.parametrize(
    ("text", "args"),
    [
        (ok_start_link(GROUP_ID, "p_1"), "p_1"),
        ("start=inv_AbC-9", "inv_AbC-9"),
        ("/start p_2", "p_2"),
    ],
)
def test_start_links_sent_to_the_group_start_the_bot(text: str, args: str) -> None:
    event = to_incoming(message(message={"text": text, "mid": "mid:4"}), GROUP_ID)
    assert event is not None and (event.command, event.args) == ("start", args)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        "text",
        {},
        {"webhookType": "CHAT_SYSTEM", "sender": {"user_id": "user:1"}},
        {"webhookType": "MESSAGE_CREATED", "sender": {"user_id": 5}, "message": {}},
        {"webhookType": "MESSAGE_CREATED", "sender": "user:1", "message": {}},
        {"webhookType": "MESSAGE_CREATED", "sender": {"user_id": "user:../../x"}, "message": {}},
        {"webhookType": 7, "sender": {"user_id": "user:1"}},
    ],
)
def test_malformed_updates_are_not_handled(raw: Any) -> None:
    event = to_incoming(raw, GROUP_ID) if isinstance(raw, dict) else None
    assert event is None or event.sender.external_id == "5"


@pytest.mark.parametrize("payload", [None, 5, "", "x" * 65, {"p": "lang:en"}])
def test_forged_payloads_are_outdated_buttons(payload: Any) -> None:
    press = {
        "webhookType": "MESSAGE_CALLBACK",
        "callbackId": "cb",
        "payload": payload,
        "sender": {"user_id": "user:5"},
    }
    event = to_incoming(press, GROUP_ID)
    assert event is not None and event.payload == INVALID_PAYLOAD


def test_messages_of_huge_and_odd_text_survive() -> None:
    event = to_incoming(
        message(message={"text": "x" * 100_000, "mid": "m" * 500, "attachments": "no"}),
        GROUP_ID,
    )
    assert event is not None and event.update_id.startswith("h") and event.attachments == ()


# --- the adapter behind the web server -------------------------------------------------------


async def test_subscribes_once_and_drops_stale_subscriptions(app: App) -> None:
    async with FakeOkServer({TOKEN: GROUP_ID}) as server:
        group = server.group()
        transport = await OkTransport.connect([TOKEN], server.base_url, rate_per_token=FAST)
        web = WebServer("127.0.0.1", 0, app)
        port = await web.start()
        public = f"http://127.0.0.1:{port}/ok/hook"
        group.subscriptions = [
            {"time": 1, "url": f"{public}/{GROUP_ID}/old-secret"},
            {"time": 2, "url": "https://other.service/hook"},
        ]
        adapter = OkAdapter(app.dispatcher, transport)
        try:
            await adapter.start(web, public)
            ours = public + webhook_suffix(transport.default)
            assert [s["url"] for s in group.subscriptions] == ["https://other.service/hook", ours]
            await adapter.subscribe(transport.default, ours)
            assert [s["url"] for s in group.subscriptions].count(ours) == 1
        finally:
            await adapter.stop()
            await web.stop()
            await transport.close()


async def test_webhook_path_is_the_secret_and_healthz_shows_ok(ok: OkWorld, app: App) -> None:
    ok.transport.report_to(app.health.recorder("ok"))
    url = ok.server.group().subscriptions[0]["url"]
    assert url.startswith(ok.public_url + f"/{GROUP_ID}/") and TOKEN not in url
    body = json.dumps(ok.server.message_created(ANNA, "/start")).encode()
    async with aiohttp.ClientSession() as http:
        wrong = f"{ok.public_url}/{GROUP_ID}/not-the-secret"
        async with http.post(wrong, data=body) as response:
            assert response.status == 404
        assert ok.server.sent == []
        async with http.post(url, data=b"{not json") as response:
            assert response.status == 200  # never better next time: dropped
        async with http.post(url, data=b'{"webhookType": "CHAT_SYSTEM"}') as response:
            assert response.status == 200
        await ok.say(ANNA, "/start")
        async with http.get(f"http://127.0.0.1:{ok.web.port}/healthz") as response:
            health = await response.json()
    assert "ok" in health["platforms"] and health["platforms"]["ok"]["seconds_since"] >= 0


async def test_a_redelivered_update_is_handled_once(ok: OkWorld) -> None:
    body = ok.server.message_created(ANNA, "/start")
    first = await ok.push(body)
    assert len(first) == 1
    assert await ok.push(body) == []  # OK sends it again: answered 200, nothing twice
    users = [u for u in await ok.rows(User) if u.platform == "ok"]
    assert len(users) == 1


async def test_one_persons_updates_in_order_others_alongside(ok: OkWorld) -> None:
    """Anna's second message waits behind her first, held in the dispatcher; Boris is
    answered meanwhile."""
    gate, held = asyncio.Event(), asyncio.Event()
    inner = ok.adapter.dispatcher

    class Gated:
        session_factory = inner.session_factory

        async def feed(self, event: Any) -> Any:
            if event.sender.external_id == str(ANNA) and event.command == "help":
                held.set()
                await gate.wait()
            return await inner.feed(event)

    ok.adapter.dispatcher = Gated()  # type: ignore[assignment]
    first = asyncio.create_task(ok.server.push(ok.server.message_created(ANNA, "/help")))
    await asyncio.wait_for(held.wait(), 5)
    second = asyncio.create_task(ok.server.push(ok.server.message_created(ANNA, "/orders")))
    [boris] = await ok.say(BORIS, "/help")
    assert boris.user_id == f"user:{BORIS}"
    assert ok.server.sent_to(ANNA) == []  # her /orders waits behind her /help
    gate.set()
    assert await first == [200] and await second == [200]
    answers = [m.text for m in ok.server.sent_to(ANNA)]
    assert answers[0] == boris.text  # /help first, then /orders
    assert len(answers) >= 2 and answers[-1] != boris.text


async def test_every_press_is_answered_even_a_forged_one(ok: OkWorld) -> None:
    await ok.say(ANNA, "/start")
    sent = await ok.press_payload(ANNA, "not-ours", mid=None)
    [answer] = ok.server.answers
    assert answer.message["text"] and sent[0].text == answer.message["text"]
    # A dispatcher that answers nothing (a redelivered press) still answers, with no text.
    body = ok.server.callback(ANNA, "not-ours")
    await ok.push(body)
    ok.server.callbacks[body["callbackId"]] = body["recipient"]["chat_id"]
    await ok.push(body)
    assert ok.server.callbacks == {}
    assert ok.server.answers[-1].message == {"text": ""}


async def test_replies_that_fail_now_go_to_the_outbox(ok: OkWorld) -> None:
    ok.server.fail_next("status", 502, times=3)
    sent = await ok.say(ANNA, "/start")
    assert sent == []
    [queued] = await ok.rows(OutboxMessage)
    assert queued.platform == "ok" and queued.chat_id == str(ANNA)
    delivered = await ok.deliver()
    assert [m.user_id for m in delivered] == [f"user:{ANNA}"]


async def test_stopping_lets_requests_in_hand_finish(app: App) -> None:
    async with ok_world(app) as ok:
        body = ok.server.message_created(ANNA, "/start")
        pushing = asyncio.create_task(ok.server.push(body))
        while not ok.server.sent:  # noqa: ASYNC110 (the request in hand, before stopping)
            await asyncio.sleep(0.005)
        await ok.adapter.stop(timeout=5)
        assert await pushing == [200]
        assert len(ok.server.sent_to(ANNA)) == 1
        # After stopping the path is gone: OK delivers later, to the next run.
        assert await ok.server.push(ok.server.message_created(BORIS, "/start")) == [404]


# --- the transport ---------------------------------------------------------------------------


async def test_long_text_buttons_and_links(server: FakeOkServer, transport: OkTransport) -> None:
    server.allow(11)
    text = ("строка\n" * 1000).strip()
    reply = Reply(
        text,
        buttons=[
            [Button("Да", payload="yes"), Button("Нет", payload="no")],
            [Button("Сайт", url="https://ok.ru/group/1")],
        ],
    )
    await transport.send("11", reply)
    parts = server.sent_to(11)
    assert len(parts) == 2 and all(len(p.text) <= 4000 for p in parts)
    assert "\n".join(p.text for p in parts) == text
    assert parts[0].buttons == [] and [b["type"] for b in parts[1].buttons] == [
        "CALLBACK",
        "CALLBACK",
        "LINK",
    ]
    assert [b.get("payload") for b in parts[1].buttons][:2] == ["yes", "no"]
    assert split_text("a" * 10, 4) == ["aaaa", "aaaa", "aa"]
    assert keyboard([]) is None


async def test_photos_and_documents_out(server: FakeOkServer, transport: OkTransport) -> None:
    server.allow(11)
    picture = Reply("Фото", photo=Photo(content=b"\x89PNG..."))
    await transport.send("11", picture)
    await transport.send("11", picture)  # one upload per picture
    assert [kind for kind, _ in server.uploads] == ["IMAGE"]
    assert server.sent[-1].images == [{"token": server.sent[0].images[0]["token"]}]
    await transport.send("11", Reply("Чек", document=Document("чек.pdf", b"%PDF-1.4")))
    assert server.uploads[-1] == ("FILE", b"%PDF-1.4") and server.sent[-1].files
    again = Reply("Файл", file=FileRef("token:ftk", "ok", "a.pdf"))
    await transport.send("11", again)
    assert server.sent[-1].files == [{"token": "ftk"}]
    # Another platform's ids are not sendable: the text goes alone.
    await transport.send("11", Reply("Текст", photo=Photo(file_id="AgAD", platform="telegram")))
    await transport.send("11", Reply("Текст", file=FileRef("doc1_2", "vk")))
    assert [m.attachments for m in server.sent[-2:]] == [[], []]
    await transport.send("11", Reply("По ссылке", photo=Photo(file_id="url:https://i.mycdn.me/x")))
    assert server.sent[-1].images == [{"url": "https://i.mycdn.me/x"}]


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (("status", (429, 7)), RetryAfter),
        (("status", 503), TemporaryFailure),
        (("garbage", None), TemporaryFailure),
        (("error", 8), RetryAfter),
        (("error", 2), TemporaryFailure),
        (("error", 10), RecipientUnreachable),
        (("error", 100), PermanentFailure),
    ],
)
async def test_errors_map_to_delivery_errors(
    server: FakeOkServer, transport: OkTransport, failure: tuple[str, Any], expected: type
) -> None:
    server.allow(11)
    server.fail_next(*failure)
    with pytest.raises(expected) as caught:
        await transport.send("11", Reply("x"))
    if failure == ("status", (429, 7)):
        assert isinstance(caught.value, RetryAfter) and caught.value.seconds == 7
    await transport.send("11", Reply("x"))  # and the next call goes through


async def test_people_who_do_not_take_messages(
    server: FakeOkServer, transport: OkTransport
) -> None:
    with pytest.raises(MessagesNotAllowed):
        await transport.send("12", Reply("x"))
    with pytest.raises(PermanentFailure):
        await transport.send("not an id!", Reply("x"))


async def test_send_many_in_calls_of_100(server: FakeOkServer, transport: OkTransport) -> None:
    people = [str(1000 + n) for n in range(150)]
    for person in people[:-1]:
        server.allow(person)
    before = len(server.calls)
    results = await transport.send_many([*people, "bad id!"], Reply("Всем"))
    assert [c for c in server.calls[before:]] == [("POST", "me/messages")] * 2
    assert all(results[p] is None for p in people[:-1])
    assert isinstance(results[people[-1]], MessagesNotAllowed)
    assert isinstance(results["bad id!"], PermanentFailure)
    server.fail_next("status", 503)
    with pytest.raises(TemporaryFailure):
        await transport.send_many(people[:3], Reply("Всем"))


async def test_a_wrong_token_is_refused_at_start(server: FakeOkServer) -> None:
    with pytest.raises(RuntimeError, match="OK token #1 was not accepted") as caught:
        await OkTransport.connect(["wrong"], server.base_url)
    assert "wrong" not in str(caught.value)


# --- settings --------------------------------------------------------------------------------


def test_settings_and_the_start_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(
        ok_tokens="a, b",
        ok_webhook_url="https://bot.example/ok/",
        admin_ids="ok:123456789012",
    )
    assert [t.get_secret_value() for t in settings.ok_tokens] == ["a", "b"]
    assert settings.ok_webhook_url == "https://bot.example/ok"
    assert settings.is_admin("ok", "123456789012")
    assert [p.name for p in configured(settings)] == ["ok"]
    check_platform_names(settings)
    without_url = load_settings(ok_tokens="a", ok_webhook_url="")
    with pytest.raises(SettingsError, match="OK_WEBHOOK_URL: required with OK_TOKENS"):
        check_platform_names(without_url)
    with pytest.raises(SettingsError, match="OK_WEBHOOK_URL"):
        load_settings(ok_webhook_url="bot.example/ok")


def test_bot_with_ok_tokens_but_no_webhook_url_stops_at_start(tmp_path: Path) -> None:
    """`python bot.py` with OK_TOKENS and no OK_WEBHOOK_URL: one line, exit code 2."""
    root = Path(__file__).resolve().parents[1]
    (tmp_path / ".env").write_text("OK_TOKENS=tkn1\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(root / "bot.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith(("OK_", "TELEGRAM_", "VK_"))},
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("Invalid setting OK_WEBHOOK_URL: required with OK_TOKENS")
    )


async def test_a_press_whose_answer_fails_is_still_answered(ok: OkWorld) -> None:
    await ok.say(ANNA, "/start")
    ok.server.fail_next("status", 502)  # the answer carrying the reply
    sent = await ok.press_payload(ANNA, "not-ours", mid=None)
    [answer] = ok.server.answers
    assert answer.message == {"text": ""}  # answered again, empty
    assert len(sent) == 1 and sent[0].text  # and the reply went as a message


class SlowDispatcher:
    """The dispatcher, taking its time: a handler still busy when the bot stops."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.session_factory = inner.session_factory
        self.started = asyncio.Event()

    async def feed(self, event: Any) -> Any:
        self.started.set()
        await asyncio.sleep(30)
        return await self.inner.feed(event)


async def test_an_update_given_up_at_stop_is_left_to_ok_to_deliver_again(app: App) -> None:
    async with ok_world(app) as ok:
        slow = SlowDispatcher(app.dispatcher)
        ok.adapter.dispatcher = slow  # type: ignore[assignment]
        pushing = asyncio.create_task(ok.server.push(ok.server.message_created(ANNA, "/start")))
        await asyncio.wait_for(slow.started.wait(), 5)
        await ok.adapter.stop(timeout=0.1)
        assert await pushing == [503]  # not answered 200: OK sends it again later
        assert ok.server.sent == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_run_ok_with_the_settings_on_the_shared_web_server(app: App) -> None:
    """run_ok as the app runs it: the route on the app's web server (beside /healthz), the
    subscription of OK_WEBHOOK_URL's path, the outbox sender, /healthz showing OK."""
    port = free_port()
    async with FakeOkServer({TOKEN: GROUP_ID}) as server:
        settings = load_settings(
            database_url=app.settings.database_url,
            ok_tokens=TOKEN,
            ok_api_url=server.base_url,
            ok_webhook_url=f"http://127.0.0.1:{port}/public/ok",
            ok_rate_per_token=FAST,
            webhook_host="127.0.0.1",
            webhook_port=port,
        )
        runtime = replace(app, settings=settings)
        running = asyncio.create_task(run_ok(runtime))
        try:
            async with asyncio.timeout(10):
                while not server.group().subscriptions:  # noqa: ASYNC110 (the fake's state)
                    await asyncio.sleep(0.01)
            [subscription] = server.group().subscriptions
            assert subscription["url"].startswith(f"http://127.0.0.1:{port}/public/ok/{GROUP_ID}/")
            assert await server.push(server.message_created(42, "/help")) == [200]
            [reply] = server.sent
            assert reply.text.startswith("Что я умею")
            assert "ok" in runtime.senders
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{port}/healthz") as response,
            ):
                assert "ok" in (await response.json())["platforms"]
            running.cancel()
            with pytest.raises(asyncio.CancelledError):
                await running
            # Stopped: the path is gone (the server stays for /healthz until the app
            # closes); OK's next delivery waits for the next run.
            assert await server.push(server.message_created(42, "/help")) == [404]
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            await runtime.close()
