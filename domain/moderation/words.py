"""The project's word lists (words/*.txt beside this module), read once at import.

Blank lines and lines starting with "#" are comments. Extend a list by adding a line.
"""

from __future__ import annotations

import re
from pathlib import Path

# The parser of `re` itself, to read which pieces of text a pattern requires.
from re import _constants as _sre_constants
from re import _parser as _sre_parse

WORDS = Path(__file__).resolve().parent / "words"


def lines(name: str) -> list[str]:
    """The entries of words/`name`, without comments and blank lines."""
    text = (WORDS / name).read_text(encoding="utf-8")
    return [s for s in (line.strip() for line in text.splitlines()) if s and not s.startswith("#")]


def whole_word_pattern(name: str) -> re.Pattern[str]:
    """One pattern of every line of words/`name` (each a regular expression), to be used with
    `fullmatch` on one normalized word."""
    return re.compile("|".join(f"(?:{line})" for line in lines(name)))


def required_pieces(pattern: str) -> frozenset[str] | None:
    """Pieces of text one of which every match of `pattern` contains ("ху" for
    "(?:на|по)?ху[йя]\\w*"), or None when no piece of two letters or more is certain. A word
    that holds none of them cannot match, so the pattern need not run."""
    items = list(_sre_parse.parse(pattern))
    if len(items) == 1 and items[0][0] is _sre_constants.BRANCH:
        pieces = [_longest_literal(list(branch)) for branch in items[0][1][1]]
    else:
        pieces = [_longest_literal(items)]
    if any(piece is None for piece in pieces):
        return None
    return frozenset(piece for piece in pieces if piece is not None)


def _longest_literal(items: list[tuple[object, object]]) -> str | None:
    best = run = ""
    for kind, value in items:
        if kind is _sre_constants.LITERAL:
            run += chr(value)  # type: ignore[arg-type]
            best = max(best, run, key=len)
        else:
            run = ""
    return best if len(best) >= 2 else None


class Prefilter:
    """Says quickly that a word cannot match any line of some word lists: one search for
    all the lines' `required_pieces` at once."""

    def __init__(self, *names: str) -> None:
        pieces: set[str] = set()
        self.always = False
        for name in names:
            for line in lines(name):
                required = required_pieces(line)
                if required is None:
                    self.always = True
                else:
                    pieces |= required
        ordered = sorted(pieces, key=len, reverse=True)
        self._search = re.compile("|".join(map(re.escape, ordered))).search

    def may_match(self, word: str) -> bool:
        return self.always or self._search(word) is not None
