"""Webhook mode: the route on the bot's web server with the secret token, setWebhook on start,
idempotency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.adapters.telegram.adapter import ALLOWED_UPDATES, SECRET_HEADER, webhook_url
from bot.app import App
from bot.settings import Settings
from storage.models import ProcessedUpdate, User
from tests.support.queries import count
from tests.support.telegram import TelegramHarness, running_adapter, texts
from tests.support.texts import TEXTS

SECRET = "webhook-secret-0123456789"
PATH = "/tg/hook"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The app's web server, which the webhook shares, on any free port of 127.0.0.1.
    return settings.model_copy(update={"webhook_host": "127.0.0.1", "webhook_port": 0})


@pytest.fixture
async def tg(app: App, settings: Settings) -> AsyncIterator[TelegramHarness]:
    webhook_settings = settings.model_copy(
        update={
            "telegram_webhook_url": "https://bot.example.org",
            "telegram_webhook_secret": SecretStr(SECRET),
            "telegram_webhook_path": PATH,
        }
    )
    async with running_adapter(app, webhook_settings) as harness:
        yield harness


async def post(tg: TelegramHarness, update: Any, secret: str | None = SECRET) -> int:
    headers = {} if secret is None else {SECRET_HEADER: secret}
    url = f"http://127.0.0.1:{tg.adapter.webhook_port}{PATH}"
    async with aiohttp.ClientSession() as http:
        if isinstance(update, bytes):
            response = await http.post(url, data=update, headers=headers)
        else:
            response = await http.post(url, json=update, headers=headers)
        async with response:
            return response.status


def start_update(update_id: int, user_id: int = 42, text: str = "/start") -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1,
            "chat": {"id": user_id, "type": "private", "first_name": "Ivan"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Ivan", "language_code": "ru"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def test_webhook_is_registered_with_secret_and_allowed_updates(tg: TelegramHarness) -> None:
    webhook = tg.server.webhook
    assert webhook is not None
    assert webhook["url"] == "https://bot.example.org/tg/hook"
    assert webhook["secret_token"] == SECRET
    assert webhook["allowed_updates"] == ALLOWED_UPDATES
    # Polling is not used in webhook mode.
    assert tg.server.calls("getUpdates") == []


def test_webhook_url_keeps_a_path_given_for_a_reverse_proxy() -> None:
    assert webhook_url("https://bot.example.org", "/hook") == "https://bot.example.org/hook"
    assert webhook_url("https://bot.example.org/", "/hook") == "https://bot.example.org/hook"
    assert webhook_url("https://example.org/bots/sp", "/hook") == "https://example.org/bots/sp"


async def test_wrong_secret_is_refused_and_nothing_happens(tg: TelegramHarness, app: App) -> None:
    assert await post(tg, start_update(1), secret="guess") == 403
    assert await post(tg, start_update(2), secret=None) == 403
    assert await post(tg, start_update(3), secret="") == 403
    assert await count(app, User) == 0 and await count(app, ProcessedUpdate) == 0
    assert tg.server.sent == []


async def test_right_secret_is_processed_once(tg: TelegramHarness, app: App) -> None:
    assert await post(tg, start_update(10)) == 200
    # The answer was sent before the webhook request returned.
    assert len(tg.server.sent) == 1
    assert texts(tg.server.sent) == [TEXTS.get("ru", "start-welcome", name="Ivan")]
    # Telegram redelivers the same update (e.g. our answer timed out): nothing twice.
    assert await post(tg, start_update(10)) == 200
    assert len(tg.server.sent) == 1
    assert await count(app, ProcessedUpdate) == 1


async def test_malformed_and_unhandled_updates(tg: TelegramHarness, app: App) -> None:
    assert await post(tg, b"{not json") == 400
    assert await post(tg, [1, 2, 3]) == 400
    assert await post(tg, {"no_update_id": True}) == 400
    unhandled = [
        {"update_id": 21, "edited_message": start_update(21)["message"]},
        {
            "update_id": 22,
            "channel_post": {
                "message_id": 1,
                "date": 1,
                "chat": {"id": -100900, "type": "channel", "title": "Channel"},
                "text": "/start",
            },
        },
        {
            "update_id": 23,
            "chat_join_request": {
                "chat": {"id": -100500, "type": "supergroup", "title": "Group"},
                "from": {"id": 42, "is_bot": False, "first_name": "Ivan"},
                "user_chat_id": 42,
                "date": 1,
            },
        },
        {"update_id": 24, "something_new": {"field": 1}},
    ]
    for update in unhandled:
        assert await post(tg, update) == 200
    assert tg.server.sent == []
    assert await count(app, User) == 0 and await count(app, ProcessedUpdate) == 0
    # The bot still works afterwards.
    assert await post(tg, start_update(30)) == 200
    assert len(tg.server.sent) == 1
