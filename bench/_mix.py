"""What the VK and OK benchmarks share: the update mix, and the dispatcher fed alone in the
adapters' order (one person's updates in turn, eight in the dispatcher at a time)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from bot.core.chat_lanes import OrderedWork
from bot.core.events import Incoming
from bot.core.payloads import CommandPayload
from handlers.common import LanguageChoice

CONCURRENCY = 8  # the VK and OK adapters' default


def command_mix(
    events: int,
    users: int,
    *,
    message: Callable[[int, str], dict[str, Any]],
    button: Callable[[int, str], dict[str, Any]],
) -> list[dict[str, Any]]:
    """/help, /lang and a button press, in rounds of one per person (users from 1)."""
    buttons = [
        CommandPayload(name="help").pack(),
        LanguageChoice(code="en").pack(),
        LanguageChoice(code="ru").pack(),
    ]
    raws = []
    for number in range(events):
        user = 1 + number % users
        turn = (number // users) % 3
        if turn == 0:
            raws.append(message(user, "/help"))
        elif turn == 1:
            raws.append(message(user, "/lang"))
        else:
            raws.append(button(user, buttons[number % len(buttons)]))
    return raws


async def feed_in_order(
    app: Any, updates: Iterable[Incoming | None], platform: str, lane: str
) -> float:
    """Seconds the dispatcher takes for `updates`, ordered per person as the adapter does."""
    work = OrderedWork(platform, lane)
    slots = asyncio.Semaphore(CONCURRENCY)

    async def feed(incoming: Incoming) -> None:
        async with slots:
            await app.dispatcher.feed(incoming)

    started = time.perf_counter()
    for incoming in updates:
        assert incoming is not None
        work.submit(incoming.sender.external_id, partial(feed, incoming))
    await work.join()
    return time.perf_counter() - started
