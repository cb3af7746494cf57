"""`python bot.py moderate`: the chat rules without a chat.

Reads one JSON object a line on standard input, `{"text": "...", "role": "buyer"}` (role
"buyer" or "organizer", optionally "own_details": ["...", ...]), and writes one JSON object a
line on standard output in the same order, `{"allowed": false, "rule": "contacts"}` (rule
null when allowed), flushing each line. With `--detail` each answer also carries "detail",
what was found ("phone", "url", "obscene"). A line that is no such object gets
`{"error": "..."}` in its place. Needs no database, token or settings.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from domain.moderation import Role, moderate
from domain.text import clean_text

_ROLES = {role.value: role for role in Role}


def answer(line: str, *, detail: bool = False) -> dict[str, Any]:
    """The answer to one input line."""
    try:
        request = json.loads(line)
    except ValueError as exc:
        return {"error": f"not JSON: {exc}"}
    if not isinstance(request, dict):
        return {"error": "expected a JSON object"}
    text = request.get("text")
    if not isinstance(text, str):
        return {"error": "'text' must be a string"}
    role_name = request.get("role")
    role = _ROLES.get(role_name) if isinstance(role_name, str) else None
    if role is None:
        return {"error": "'role' must be 'buyer' or 'organizer'"}
    own = request.get("own_details", [])
    if not isinstance(own, list) or not all(isinstance(item, str) for item in own):
        return {"error": "'own_details' must be a list of strings"}
    verdict = moderate(clean_text(text), role, own_details=[clean_text(item) for item in own])
    result: dict[str, Any] = {
        "allowed": verdict.allowed,
        "rule": None if verdict.rule is None else verdict.rule.value,
    }
    if detail:
        result["detail"] = verdict.detail or None
    return result


def run(source: TextIO, target: TextIO, *, detail: bool = False) -> int:
    """Answer every line of `source` on `target` until the end of input."""
    while True:
        line = source.readline()
        if not line:
            return 0
        if line.endswith("\n"):
            line = line[:-1]
        try:
            result = answer(line, detail=detail)
        except Exception as exc:  # a bug must not end the stream: the line gets an error
            result = {"error": f"internal error: {type(exc).__name__}"}
        target.write(json.dumps(result, ensure_ascii=False) + "\n")
        target.flush()
