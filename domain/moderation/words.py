"""The project's word lists (words/*.txt beside this module), read once at import.

Blank lines and lines starting with "#" are comments. Extend a list by adding a line.
"""

from __future__ import annotations

import re
from pathlib import Path

WORDS = Path(__file__).resolve().parent / "words"


def lines(name: str) -> list[str]:
    """The entries of words/`name`, without comments and blank lines."""
    text = (WORDS / name).read_text(encoding="utf-8")
    return [s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#")]


def whole_word_pattern(name: str) -> re.Pattern[str]:
    """One pattern of every line of words/`name` (each a regular expression), to be used with
    `fullmatch` on one normalized word."""
    return re.compile("|".join(f"(?:{line})" for line in lines(name)))
