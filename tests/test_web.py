"""The bot's one web server (bot/web.py): /healthz, /metrics, and the Telegram webhook on the
same port, with the real app, the real Telegram adapter and the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot import app as app_module
from bot.adapters.telegram.adapter import SECRET_HEADER
from bot.adapters.vk.adapter import run_vk
from bot.app import App, create_app, run_platforms
from bot.settings import Settings, load_settings
from domain.clock import FrozenClock
from storage.db import create_engine
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.vk_server import FakeVkServer
from tests.support import vk as vk_support
from tests.support.drivers import wait_until
from tests.support.environment import PG_URL
from tests.support.outbox import FAST, person, queue, wait_settled
from tests.support.telegram import TOKEN, TelegramHarness, running_adapter

JSON = dict[str, Any]


TELEGRAM = (("platform", "telegram"),)
Key = tuple[str, tuple[tuple[str, str], ...]]


def updates(outcome: str) -> Key:
    return ("bot_updates_total", (("outcome", outcome), ("platform", "telegram")))


def sends(result: str) -> Key:
    return ("bot_outbox_sends_total", (("platform", "telegram"), ("result", result)))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Any free port of 127.0.0.1, as WEBHOOK_PORT=0 asks.
    return settings.model_copy(update={"webhook_host": "127.0.0.1", "webhook_port": 0})


@pytest.fixture
async def served(app: App) -> App:
    """The app with its web server listening (what run_platforms does with WEBHOOK_PORT)."""
    await app.web.start()
    return app


async def get(port: int, path: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}{path}") as r:
        return r.status, r.headers.get("Content-Type", ""), await r.text()


async def healthz(app: App) -> tuple[int, JSON]:
    assert app.web.port is not None
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{app.web.port}/healthz") as response,
    ):
        return response.status, await response.json()


async def metrics(app: App) -> dict[Key, float]:
    """Every sample of /metrics by name and labels, parsed as Prometheus parses it."""
    assert app.web.port is not None
    status, content_type, text = await get(app.web.port, "/metrics")
    assert status == 200
    assert content_type.startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


# --- /healthz ---------------------------------------------------------------------------------


async def test_healthz_reports_the_database_and_telegram_last_call(
    served: App, tg: TelegramHarness, clock: FrozenClock
) -> None:
    # getMe went through the adapter's session when it started; calls are timed on the
    # one clock, which stands still here unless moved.
    assert tg.server.calls("getMe")
    started = clock.now()
    clock.advance(seconds=30)
    status, body = await healthz(served)
    assert status == 200
    assert body["status"] == "ok" and body["database"]["ok"] is True
    telegram = body["platforms"]["telegram"]
    last_ok = datetime.fromisoformat(telegram["last_ok"])
    # A getUpdates may have been answered after the move.
    assert last_ok in (started, clock.now())
    assert telegram["seconds_since"] == (clock.now() - last_ok).total_seconds()
    assert body["scheduler"] == {"running": False, "leader": False}
    assert body["outbox"] == {}


async def test_healthz_tells_which_leases_this_process_holds(
    served: App, tg: TelegramHarness
) -> None:
    await served.start_scheduler(timers=False)
    sender = served.start_sender(tg.adapter.transport, **FAST)
    await wait_until(lambda: sender._lease_valid_until > sender.monotonic())
    status, body = await healthz(served)
    assert status == 200
    assert body["scheduler"] == {"running": True, "leader": True}
    assert body["outbox"] == {"telegram": {"leader": True}}
    samples = await metrics(served)
    assert samples[("bot_scheduler_leader", ())] == 1
    assert samples[("bot_outbox_leader", TELEGRAM)] == 1


@pytest.fixture
async def doomed_app(
    settings: Settings, migrated_template: str, tmp_path: Path
) -> AsyncIterator[tuple[App, Path | None]]:
    """An app whose database can be taken away: a SQLite file in a folder of its own, or
    (on PostgreSQL) nothing to take away but the engine, pointed at a port nobody listens on."""
    folder: Path | None = None
    if not PG_URL:
        folder = tmp_path / "doomed"
        folder.mkdir()
        shutil.copy(migrated_template, folder / "bot.sqlite3")
        settings = settings.model_copy(
            update={"database_url": f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}"}
        )
    app = await create_app(settings, run_migrations=False)
    await app.web.start()
    try:
        yield app, folder
    finally:
        await app.close()


async def test_healthz_is_503_when_the_database_does_not_answer(
    doomed_app: tuple[App, Path | None],
) -> None:
    app, folder = doomed_app
    status, body = await healthz(app)
    assert status == 200 and body["database"]["ok"] is True
    await app.engine.dispose()
    if folder is not None:
        # The pool is empty; the next connection finds no folder to open the file in.
        shutil.rmtree(folder)
    else:
        app.engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/test_web_gone")
    status, body = await healthz(app)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is False and body["database"]["error"]
    # The rest of the process still answers, and says what it cannot know.
    samples = await metrics(app)
    assert samples[("bot_database_up", ())] == 0
    status, _, _ = await get(app.web.port or 0, "/nowhere")
    assert status == 404


async def test_healthz_has_vk_last_call_once_the_community_polls(served: App) -> None:
    async with FakeVkServer(group_id=vk_support.GROUP_ID, token=vk_support.TOKEN) as server:
        settings = load_settings(
            database_url=served.settings.database_url,
            vk_tokens=vk_support.TOKEN,
            vk_api_url=server.base_url,
            vk_rate_per_token=vk_support.FAST,
        )
        running = asyncio.create_task(run_vk(replace(served, settings=settings), wait=1))
        try:
            # Only the long poll talks to VK while nobody writes: it alone keeps "vk" fresh.
            await wait_until(lambda: server.longpoll_checks > 0, timeout=10)
            await wait_until(lambda: "vk" in served.health.last_ok(), timeout=10)
            status, body = await healthz(served)
            assert status == 200 and body["platforms"]["vk"]["seconds_since"] == 0
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)


# --- /metrics ---------------------------------------------------------------------------------


async def test_metrics_count_a_handled_update_and_its_time(
    served: App, tg: TelegramHarness
) -> None:
    replies = await tg.say(42, "/start")
    assert replies
    samples = await metrics(served)
    assert samples[updates("handled")] == 1
    assert samples[("bot_update_handling_seconds_count", TELEGRAM)] == 1
    assert samples[("bot_update_handling_seconds_sum", TELEGRAM)] > 0
    assert samples[("bot_database_up", ())] == 1
    assert samples[("bot_platform_last_ok_timestamp_seconds", TELEGRAM)] > 0


async def test_metrics_show_the_outbox_backlog_then_the_sends(
    served: App, tg: TelegramHarness, clock: FrozenClock
) -> None:
    buyer = await person(served, 42)
    await queue(served, buyer, "Поступила оплата")
    clock.advance(seconds=90)
    samples = await metrics(served)
    assert samples[("bot_outbox_backlog", TELEGRAM)] == 1
    assert samples[("bot_outbox_oldest_pending_age_seconds", TELEGRAM)] == 90
    # The sender delivers it through the fake Bot API.
    served.start_sender(tg.adapter.transport, **FAST)
    await wait_settled(served)
    samples = await metrics(served)
    assert samples[("bot_outbox_backlog", TELEGRAM)] == 0
    assert samples[sends("sent")] == 1
    assert samples[sends("failed")] == samples[sends("retry")] == 0


async def test_each_app_has_its_own_registry(served: App, settings: Settings) -> None:
    other = await create_app(settings, run_migrations=False)
    try:
        assert other.metrics.registry is not served.metrics.registry
        other.metrics.observe_update("telegram", "handled", 0.01)
        samples = await metrics(served)
        assert updates("handled") not in samples
    finally:
        await other.close()


# --- the shared server ------------------------------------------------------------------------


async def test_the_telegram_webhook_shares_the_server(app: App, settings: Settings) -> None:
    webhook = settings.model_copy(
        update={
            "telegram_webhook_url": "https://bot.example.org",
            "telegram_webhook_secret": SecretStr("webhook-secret-0123456789"),
            "telegram_webhook_path": "/tg/hook",
        }
    )
    update = {
        "update_id": 7,
        "message": {
            "message_id": 7,
            "date": 1,
            "chat": {"id": 42, "type": "private", "first_name": "Ivan"},
            "from": {"id": 42, "is_bot": False, "first_name": "Ivan"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with running_adapter(app, webhook) as tg:
        # Webhook mode started the app's server itself (nobody set it running before).
        assert tg.adapter.webhook_port == app.web.port
        status, body = await healthz(app)
        assert status == 200 and "telegram" in body["platforms"]
        url = f"http://127.0.0.1:{app.web.port}/tg/hook"
        headers = {SECRET_HEADER: "webhook-secret-0123456789"}
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status == 200
            async with http.get(url) as response:
                assert response.status == 405
        assert len(tg.server.sent) == 1
    # The adapter stopped: its route is gone (Telegram retries later), the server stays.
    async with aiohttp.ClientSession() as http, http.post(url, json=update) as response:
        assert response.status == 404
    assert (await healthz(app))[0] == 200


async def test_run_platforms_serves_from_start_to_close(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test process keeps its garbage collector as it is.
    monkeypatch.setattr(app_module, "freeze_startup_objects", lambda: None)
    async with FakeTelegramServer(token=TOKEN) as server:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        running_settings = load_settings(
            database_url=settings.database_url,
            telegram_token=TOKEN,
            telegram_api_url=server.base_url,
            webhook_host="127.0.0.1",
            webhook_port=port,
        )
        running = asyncio.create_task(run_platforms(running_settings))
        try:
            body: JSON = {}

            async def telegram_answered() -> bool:
                nonlocal body
                with contextlib.suppress(aiohttp.ClientError):
                    async with (
                        aiohttp.ClientSession() as http,
                        http.get(f"http://127.0.0.1:{port}/healthz") as response,
                    ):
                        body = await response.json()
                return "telegram" in body.get("platforms", {})

            async with asyncio.timeout(15):
                while not await telegram_answered():
                    assert not running.done(), running.result()
                    await asyncio.sleep(0.05)
            assert body["database"]["ok"] is True
            assert body["scheduler"]["running"] is True
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
    # Closed with the app.
    with pytest.raises(aiohttp.ClientError):
        await get(port, "/healthz")


# --- settings ---------------------------------------------------------------------------------


def test_webhook_settings_keep_their_telegram_names(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WEBHOOK_HOST", "WEBHOOK_PORT", "TELEGRAM_WEBHOOK_HOST", "TELEGRAM_WEBHOOK_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings().webhook_port is None
    assert load_settings().webhook_host == "0.0.0.0"
    monkeypatch.setenv("TELEGRAM_WEBHOOK_PORT", "8443")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_HOST", "127.0.0.1")
    settings = load_settings()
    assert (settings.webhook_host, settings.webhook_port) == ("127.0.0.1", 8443)
    # The generic name wins when both are set.
    monkeypatch.setenv("WEBHOOK_PORT", "9000")
    assert load_settings().webhook_port == 9000
    assert load_settings(telegram_webhook_port=0).webhook_port == 0
    assert load_settings(webhook_port=0).webhook_port == 0


async def test_metrics_count_updates_that_could_not_be_read(
    served: App, tg: TelegramHarness
) -> None:
    poison = tg.server.user_message(42, "/start")
    poison["message"]["chat"] = "not a chat"  # aiogram cannot read it: recorded and skipped
    await tg.say(42, "/help")
    samples = await metrics(served)
    assert samples[("bot_refused_updates_total", (("platform", "telegram"),))] == 1
