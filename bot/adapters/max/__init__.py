"""MAX (max.ru) through its Bot API: long polling (GET /updates) by default, or a webhook
subscription (POST /subscriptions) with MAX_WEBHOOK_URL.

The client is a thin one of our own on aiohttp (client.py), not a MAX library. Candidates
in the package index (December 2026): maxapi 1.2.3 (2026-10, the most used; an aiogram-like
framework with its own dispatcher and polling loop, pulling in backoff, magic-filter,
aiofiles and puremagic), aiomax 2.12.5, maxapi-lite 0.3.0, aiomax2 0.1.0, umaxbot and others.
The adapter contract needs what these frameworks hide: each update of a batch read on its
own and kept in the inbox before the marker that confirms it is sent (bot/core/intake.py),
the raw HTTP status and error code of every call (429, 5xx, garbage, a blocked person), and
replies built from our neutral `Reply`. Each library's polling loop moves the marker as soon
as it has read a batch and validates updates as a whole, so we would use none of its
receiving and only its HTTP calls, which are a dozen lines of aiohttp. aiohttp is already
here (the shared web server), so MAX adds no dependency.
"""

from __future__ import annotations

from bot.core.platform import Platform, Runtime
from bot.settings import Settings

PLATFORM = "max"


def _configured(settings: Settings) -> bool:
    return settings.max_token is not None


async def _run(runtime: Runtime) -> None:
    from bot.adapters.max.adapter import run_max

    await run_max(runtime)


registered = Platform(PLATFORM, _configured, _run)
