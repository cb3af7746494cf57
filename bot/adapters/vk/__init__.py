"""VK community bots on vk_api: Bots Long Poll, one bot identity per community token."""

from __future__ import annotations

from bot.core.platform import Platform, Runtime
from bot.settings import Settings

PLATFORM = "vk"


def _configured(settings: Settings) -> bool:
    return bool(settings.vk_tokens)


async def _run(runtime: Runtime) -> None:
    # vk_api is imported only by a process that runs VK.
    from bot.adapters.vk.adapter import run_vk

    await run_vk(runtime)


registered = Platform(PLATFORM, _configured, _run)
