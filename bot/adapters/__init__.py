"""The platforms the bot runs on: one package each, and one line each in `PLATFORMS`.

The console (bot/adapters/console) is not among them: it is a chat in the terminal, started
by `bot.py console` or when no platform is configured.
"""

from __future__ import annotations

from bot.adapters import console, ok, telegram, vk
from bot.adapters import max as max_messenger
from bot.core.platform import Platform
from bot.settings import Settings, SettingsError

PLATFORMS: tuple[Platform, ...] = (
    telegram.registered,
    vk.registered,
    ok.registered,
    max_messenger.registered,
)


def configured(settings: Settings) -> list[Platform]:
    """The platforms whose tokens are set; none means the console."""
    return [platform for platform in PLATFORMS if platform.configured(settings)]


def check_platform_names(settings: Settings) -> None:
    """ADMIN_IDS may only name platforms the bot knows (a typo would lock an admin out);
    OK needs its webhook URL (`ok.check_settings`)."""
    known = {platform.name for platform in PLATFORMS} | {console.PLATFORM}
    for entry in settings.admin_ids:
        name = entry.partition(":")[0]
        if name not in known:
            raise SettingsError(
                f"Invalid setting ADMIN_IDS: unknown platform {name!r} in {entry!r}; "
                f"known: {', '.join(sorted(known))}"
            )
    ok.check_settings(settings)
