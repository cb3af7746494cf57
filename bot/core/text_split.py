"""Cutting a long reply into messages: at line breaks where possible, else at spaces, else
anywhere. Telegram measures its limit in UTF-16 units, MAX in characters: the measure is a
parameter (VK's and OK's cutters are different rules of their own, see their transports)."""

from __future__ import annotations

from collections.abc import Callable


def char_prefix_within(text: str, limit: int) -> str:
    """The longest prefix of at most `limit` characters."""
    return text[:limit]


def split_text(
    text: str,
    limit: int,
    *,
    length: Callable[[str], int] = len,
    prefix_within: Callable[[str, int], str] = char_prefix_within,
) -> list[str]:
    """Cut a text into pieces of at most `limit` (as `length` counts), at line breaks if
    possible, else at spaces, else anywhere (`prefix_within`: the longest prefix that fits,
    never inside a character). Blank pieces are dropped."""
    if length(text) <= limit:
        return [text]
    pieces: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        for chunk in _fit_line(line, limit, length, prefix_within):
            candidate = chunk if current is None else f"{current}\n{chunk}"
            if length(candidate) <= limit:
                current = candidate
            else:
                if current is not None:
                    pieces.append(current)
                current = chunk
    if current is not None:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


def _fit_line(
    line: str,
    limit: int,
    length: Callable[[str], int],
    prefix_within: Callable[[str, int], str],
) -> list[str]:
    if length(line) <= limit:
        return [line]
    chunks: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if length(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = ""
        while length(word) > limit:
            head = prefix_within(word, limit)
            chunks.append(head)
            word = word[len(head) :]
        current = word
    if current:
        chunks.append(current)
    return chunks
