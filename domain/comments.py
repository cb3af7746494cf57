"""What a buyer's comment on an item may be."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Literal

COMMENT_MAX_LENGTH = 1000
# Where a comment was written (`Comment.source`): in the bot's own chat, or else under a
# community's post, named by the post's platform ("vk", "telegram"): each platform numbers
# its comments its own way, and a comment id is unique only within its platform.
IN_BOT = "bot"


def clean_comment(text: str) -> str | None:
    """The comment trimmed, or None when it is empty, too long or carries control characters.

    Line breaks are kept (people write lists of sizes); other control and format characters
    are refused because they break layouts in messages and exports.
    """
    comment = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not 1 <= len(comment) <= COMMENT_MAX_LENGTH:
        return None
    for ch in comment:
        if ch in "\n\t\u200d":
            continue
        if unicodedata.category(ch) in ("Cc", "Cf"):
            return None
    return comment


WaitUnit = Literal["minutes", "hours", "days"]


def waited(since: datetime, now: datetime) -> tuple[int, WaitUnit]:
    """How long a comment has waited for an answer, in the largest whole unit a person
    reads at a glance: minutes under an hour, hours under a day, then days."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return minutes, "minutes"
    if minutes < 24 * 60:
        return minutes // 60, "hours"
    return minutes // (24 * 60), "days"
