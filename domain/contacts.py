"""How an organizer finds a buyer outside the bot: for the distribution file only.

At the pickup desk the organizer needs to reach the person ("where are you? we close at
7"): a Telegram @username with its t.me link, a VK profile link (vk.com/id…, which opens
the profile whatever the person's short name), and the platform's name where it has no
public link (Odnoklassniki and MAX profiles are not addressed by a bot's user id; a
Telegram user without a username has no public link either).
"""

from __future__ import annotations

import re

PLATFORM_NAMES = {
    "telegram": "Telegram",
    "vk": "VK",
    "ok": "Одноклассники",
    "max": "MAX",
    "console": "console",
}
# Telegram usernames: 5-32 of letters, digits and "_" (older ones may be shorter).
_TG_USERNAME = re.compile(r"^[A-Za-z0-9_]{3,32}$")


def buyer_contact(platform: str, external_id: str, username: str | None) -> str:
    """ "https://t.me/anna_k (@anna_k)", "https://vk.com/id123", or the platform's name."""
    name = PLATFORM_NAMES.get(platform, platform)
    if platform == "telegram":
        handle = (username or "").lstrip("@")
        if _TG_USERNAME.fullmatch(handle):
            # The link first: a cell starting with "@" is a formula to a spreadsheet.
            return f"https://t.me/{handle} (@{handle})"
        return name
    if platform == "vk" and external_id.isascii() and external_id.isdigit():
        return f"https://vk.com/id{external_id}"
    return name
