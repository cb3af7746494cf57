"""Moderation of chat and claim messages (PRODUCT.md, "Moderation of chat messages").

`moderate(text, role, own_details=...)` decides whether a message may be delivered and, if
not, which rule it breaks. Pure and offline: no database, no network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Rule(StrEnum):
    CONTACTS = "contacts"
    LINKS = "links"
    ABUSE = "abuse"
    ONE_WORD = "one_word"
    DISPARAGE = "disparage"


class Role(StrEnum):
    BUYER = "buyer"
    ORGANIZER = "organizer"


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    rule: Rule | None = None
    # What was found, for the record and the sender's explanation ("phone", "email", "url").
    detail: str = ""


ALLOWED = Verdict(True)

_PHONE = re.compile(r"(?:\+7|\b8)[\s\-()]*\d{3}[\s\-()]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}\b")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def moderate(text: str, role: Role, *, own_details: Sequence[str] = ()) -> Verdict:
    """The verdict on one message. `own_details` are the organizer's own published pickup
    addresses and payment details: sent by the organizer, they are not violations."""
    checked = text
    if role is Role.ORGANIZER:
        for detail in own_details:
            if detail:
                checked = checked.replace(detail, " ")
    if _PHONE.search(checked):
        return Verdict(False, Rule.CONTACTS, "phone")
    if _URL.search(checked):
        return Verdict(False, Rule.LINKS, "url")
    if role is Role.ORGANIZER and len(_WORD.findall(checked)) <= 1:
        return Verdict(False, Rule.ONE_WORD, "one_word")
    return ALLOWED
