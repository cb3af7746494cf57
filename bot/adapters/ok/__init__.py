"""Odnoklassniki group messages through the OK Bot API (a part of OK's Graph API): one bot
identity per group access token, updates by webhook."""

from __future__ import annotations

from bot.core.platform import Platform, Runtime
from bot.settings import Settings, SettingsError

PLATFORM = "ok"


def _configured(settings: Settings) -> bool:
    return bool(settings.ok_tokens)


def check_settings(settings: Settings) -> None:
    """OK_TOKENS without OK_WEBHOOK_URL cannot receive anything: say so at start.

    OK documents a long-polling subscription too (graph.user.subscribe with
    "longPolling": true, then GET graph.user.updates), but the answer of graph.user.updates
    is not described in the documents we could read, so the bot does not guess at it."""
    if settings.ok_tokens and not settings.ok_webhook_url:
        raise SettingsError(
            "Invalid setting OK_WEBHOOK_URL: required with OK_TOKENS (OK delivers group "
            "messages to a public http(s) URL only; see the README's Odnoklassniki section)"
        )


async def _run(runtime: Runtime) -> None:
    from bot.adapters.ok.adapter import run_ok

    await run_ok(runtime)


registered = Platform(PLATFORM, _configured, _run)
