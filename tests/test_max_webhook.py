"""MAX in webhook mode on the bot's one web server, /healthz with MAX's last call, ADMIN_IDS
with max:, and `run_platforms` serving MAX next to Telegram and VK in one process."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from datetime import datetime
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot import app as app_module
from bot.adapters import check_platform_names
from bot.adapters.max.adapter import SECRET_HEADER, webhook_url
from bot.app import App, run_platforms
from bot.settings import Settings, SettingsError, load_settings
from domain.clock import FrozenClock
from storage.models import ProcessedUpdate
from tests.fakes.max_server import FakeMaxServer
from tests.fakes.ok_server import FakeOkServer
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.vk_server import FakeVkServer
from tests.support.max import TOKEN, MaxHarness, running_max
from tests.support.queries import count
from tests.support.telegram import TOKEN as TELEGRAM_TOKEN

JSON = dict[str, Any]
SECRET = "max-webhook-secret-0123"
ANNA = 501
OK_TOKEN, OK_GROUP = "ok-group-token", "7001"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_host": "127.0.0.1", "webhook_port": 0})


@pytest.fixture
async def hooked(app: App, settings: Settings) -> Any:
    webhook = settings.model_copy(
        update={
            "max_webhook_url": "https://bot.example.org",
            "max_webhook_secret": SecretStr(SECRET),
            "max_webhook_path": "/max/hook",
        }
    )
    async with running_max(app, webhook) as harness:
        yield harness


async def post(app: App, update: Any, secret: str | None = SECRET, raw: str | None = None) -> int:
    url = f"http://127.0.0.1:{app.web.port}/max/hook"
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http:
        if raw is not None:
            async with http.post(url, data=raw, headers=headers) as response:
                return response.status
        async with http.post(url, json=update, headers=headers) as response:
            return response.status


async def test_the_webhook_is_subscribed_with_its_secret(hooked: MaxHarness, app: App) -> None:
    [subscription] = hooked.server.subscriptions
    assert subscription["url"] == "https://bot.example.org/max/hook"
    assert subscription["secret"] == SECRET
    assert "message_created" in subscription["update_types"]
    assert "message_callback" in subscription["update_types"]
    assert "bot_started" in subscription["update_types"]
    assert hooked.adapter.webhook_port == app.web.port
    # MAX posts an update: handled before MAX is answered.
    # MAX posts an update to the subscribed address (here the server's own port).
    hooked.server.subscriptions[0]["url"] = f"http://127.0.0.1:{app.web.port}/max/hook"
    status = await hooked.server.post_to_subscription(hooked.server.user_message(ANNA, "/start"))
    assert status == 200
    assert len(hooked.server.sent_to(ANNA)) == 1
    assert webhook_url("https://h.example/custom", "/max/hook") == "https://h.example/custom"


async def test_wrong_secret_is_refused_and_nothing_happens(hooked: MaxHarness, app: App) -> None:
    update = hooked.server.user_message(ANNA, "/start")
    assert await post(app, update, secret="wrong-secret") == 403
    assert await post(app, update, secret=None) == 403
    assert await post(app, update, secret=SECRET + "\u00e9") == 403
    assert hooked.server.sent == [] and await count(app, ProcessedUpdate) == 0


async def test_redelivery_malformed_and_unhandled_updates(hooked: MaxHarness, app: App) -> None:
    update = hooked.server.user_message(ANNA, "/start")
    assert await post(app, update) == 200
    assert await post(app, update) == 200  # MAX delivers it again: handled once
    assert len(hooked.server.sent_to(ANNA)) == 1
    assert await post(app, None, raw="{not json") == 400
    assert await post(app, {"update_type": "message_created", "message": 5}) == 200
    assert await post(app, {"update_type": "message_edited", "timestamp": 1}) == 200
    assert await count(app, ProcessedUpdate) == 1


async def test_stopped_adapter_gives_its_route_back(app: App, settings: Settings) -> None:
    webhook = settings.model_copy(
        update={"max_webhook_url": "https://bot.example.org", "max_webhook_path": "/max/hook"}
    )
    async with running_max(app, webhook) as harness:
        # No MAX_WEBHOOK_SECRET: a random one, given to MAX, is still required.
        [subscription] = harness.server.subscriptions
        assert len(subscription["secret"]) >= 32
        assert await post(app, harness.server.user_message(ANNA, "/start"), secret=None) == 403
    assert await post(app, {"update_type": "bot_started"}) == 404


async def test_polling_removes_a_subscription_left_over(app: App) -> None:
    async with FakeMaxServer(token=TOKEN) as server:
        server.subscriptions.append(
            {"url": "https://old.example/max", "time": 1, "secret": None, "update_types": None}
        )
        harness = MaxHarness(app, server)
        await harness.start()
        try:
            assert server.subscriptions == []
            assert len(await harness.say(ANNA, "/start")) == 1
        finally:
            await harness.stop()


async def test_healthz_shows_max_last_call(
    app: App, clock: FrozenClock, settings: Settings
) -> None:
    await app.web.start()
    async with running_max(app):
        started = clock.now()
        clock.advance(seconds=30)
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{app.web.port}/healthz") as response,
        ):
            body = await response.json()
        assert response.status == 200
        last_ok = datetime.fromisoformat(body["platforms"]["max"]["last_ok"])
        assert last_ok in (started, clock.now())


def test_admin_ids_take_max_and_the_settings_read_max_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(admin_ids="telegram:1, max:5001,vk:2")
    assert settings.is_admin("max", "5001")
    check_platform_names(settings)  # max is a known platform
    with pytest.raises(SettingsError):
        check_platform_names(load_settings(admin_ids="maxx:1"))
    monkeypatch.setenv("MAX_TOKEN", "abc")
    monkeypatch.setenv("MAX_API_URL", "http://127.0.0.1:1/")
    monkeypatch.setenv("MAX_WEBHOOK_URL", "")
    monkeypatch.setenv("MAX_RATE_PER_SECOND", "10")
    read = load_settings()
    assert read.max_token is not None and read.max_token.get_secret_value() == "abc"
    assert read.max_api_url == "http://127.0.0.1:1" and read.max_webhook_url is None
    assert read.max_rate_per_second == 10
    assert load_settings(max_token="").max_token is None
    with pytest.raises(SettingsError, match="MAX_API_URL"):
        load_settings(max_api_url="platform-api.max.ru")
    with pytest.raises(SettingsError, match="MAX_WEBHOOK_PATH"):
        load_settings(max_webhook_path="hook")


async def test_one_process_serves_telegram_vk_ok_and_max(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "freeze_startup_objects", lambda: None)
    async with (
        FakeTelegramServer(token=TELEGRAM_TOKEN) as tg_server,
        FakeVkServer(group_id=1001, token="vk-token-1") as vk_server,
        FakeMaxServer(token=TOKEN) as max_server,
        FakeOkServer({OK_TOKEN: OK_GROUP}) as ok_server,
    ):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        running_settings = load_settings(
            database_url=settings.database_url,
            telegram_token=TELEGRAM_TOKEN,
            telegram_api_url=tg_server.base_url,
            vk_tokens="vk-token-1",
            vk_api_url=vk_server.base_url,
            max_token=TOKEN,
            max_api_url=max_server.base_url,
            ok_tokens=OK_TOKEN,
            ok_api_url=ok_server.base_url,
            ok_webhook_url=f"http://127.0.0.1:{port}/ok",
            webhook_host="127.0.0.1",
            webhook_port=port,
        )
        running = asyncio.create_task(run_platforms(running_settings))
        try:
            # MAX answers only what comes after its first poll (no marker yet: the last one).
            await max_server.wait_for(lambda: max_server.polls >= 2, timeout=20)
            max_server.user_message(ANNA, "/start")
            tg_server.user_message(ANNA, "/start")
            vk_server.message_new(ANNA, "/start")
            await max_server.wait_for(lambda: len(max_server.sent_to(ANNA)) == 1, timeout=20)
            await tg_server.wait_for_sent(1, timeout=20)
            await vk_server.wait_for_sent(1, timeout=20)
            async with asyncio.timeout(20):
                while not ok_server.group().subscriptions:  # noqa: ASYNC110 (the fake's state)
                    await asyncio.sleep(0.02)
            assert await ok_server.push(ok_server.message_created(ANNA, "/start")) == [200]
            assert len(ok_server.sent) == 1
            body: JSON = {}
            async with asyncio.timeout(10):
                while not {"max", "ok"} <= set(body.get("platforms", {})):
                    with contextlib.suppress(aiohttp.ClientError):
                        async with (
                            aiohttp.ClientSession() as http,
                            http.get(f"http://127.0.0.1:{port}/healthz") as response,
                        ):
                            body = await response.json()
                    await asyncio.sleep(0.05)
            assert {"telegram", "vk", "ok", "max"} <= set(body["platforms"])
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
