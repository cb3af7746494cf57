"""Rules for short free-text fields people type (names, titles, addresses)."""

from __future__ import annotations

import re
import unicodedata

_LINK = re.compile(r"(https?://|www\.|t\.me/|vk\.com/|@\w)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def clean_line(
    text: str, *, min_length: int, max_length: int, allow_links: bool = False
) -> str | None:
    """A one-line field, trimmed and with spaces collapsed; None when it is not acceptable.

    Control characters are refused (they break layouts in messages and exports); links are
    refused in names, where they would let a profile advertise elsewhere.
    """
    if "\n" in text.strip():
        return None
    line = _SPACES.sub(" ", text).strip()
    if not (min_length <= len(line) <= max_length):
        return None
    if line.startswith("/"):
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d" for ch in line):
        return None
    if not allow_links and _LINK.search(line):
        return None
    return line
