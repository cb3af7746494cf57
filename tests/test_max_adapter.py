"""The MAX adapter end to end: its own long-polling loop against the fake MAX Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from tests.support.max import MaxHarness, running_max, texts

ANNA, BORIS, CLAIRE = 501, 502, 503


@pytest.fixture
async def mx(app: App) -> AsyncIterator[MaxHarness]:
    async with running_max(app) as harness:
        yield harness


async def test_start_help_and_the_command_menu(mx: MaxHarness) -> None:
    sent = await mx.say(ANNA, "/start")
    assert len(sent) == 1 and sent[0].user_id == ANNA
    assert "Здравствуйте, Test!" in texts(sent)[0]
    assert [b["text"] for b in sent[0].buttons] == [
        "🛍 Покупки",
        "📦 Мои заказы",
        "💳 Оплатить",
        "🎁 Пригласить друзей",
        "Помощь",
    ]
    sent = await mx.press(ANNA, "Помощь")
    assert "Что я умею:" in "".join(texts(sent))
    assert len(mx.server.answers) == 1
    menu = {c["name"]: c["description"] for c in mx.server.commands or []}
    assert menu["help"] == "список команд" and "link" not in menu
