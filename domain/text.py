"""Text as every database can hold it, and as people mean it.

PostgreSQL's text and JSON types refuse NUL, UTF-8 cannot carry a lone surrogate, and the
same letter may arrive precomposed ("й") or as a base and a combining mark ("и" + U+0306),
which look alike but compare, search and count differently. `clean_text` is applied where a
platform's update becomes a neutral event (bot/core/events.py), so handlers, storage and
exports all see one form on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, and lone surrogates (the JSON of an
# update may spell "\ud800"; no encoder to the database accepts one).
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAK = re.compile("\r\n?")


def clean_text(value: str) -> str:
    """`value` without control characters (tab and newline stay; a carriage return, alone or
    before a newline, becomes a newline), in Unicode NFC."""
    if "\r" in value:
        value = _LINE_BREAK.sub("\n", value)
    value = _UNWANTED.sub("", value)
    # Composed last: a control removed between a letter and its mark lets them compose.
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value


def clean_optional(value: str | None) -> str | None:
    """`clean_text` for a field that may be absent."""
    return None if value is None else clean_text(value)
