"""Telegram on aiogram 3: long polling, or a webhook with TELEGRAM_WEBHOOK_URL."""

from __future__ import annotations

from bot.core.platform import Platform, Runtime
from bot.settings import Settings

PLATFORM = "telegram"


def _configured(settings: Settings) -> bool:
    return settings.telegram_token is not None


async def _run(runtime: Runtime) -> None:
    # aiogram is imported only by a process that runs Telegram.
    from bot.adapters.telegram.adapter import run_telegram

    await run_telegram(runtime)


registered = Platform(PLATFORM, _configured, _run)
