"""Moderation of chat and claim messages (PRODUCT.md, "Moderation of chat messages").

`moderate(text, role, own_details=...)` decides whether a message may be delivered and, if
not, which rule it breaks and what was found (`Verdict.detail`, a short machine word):

- contacts: "phone", "email", "card", "address", "handle", "contact_request";
- links: "url", "shortener", "punycode", "lookalike", "login_or_pay";
- abuse: "insult", "obscene", "threat";
- one_word, disparage (organizers only): "one_word", "disparage".

Pure and offline: no database, no network. The word lists are the project's own files in
words/, read once at import; extend them there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.moderation.abuse import find_abuse
from domain.moderation.contacts import find_contact, find_numbers
from domain.moderation.links import find_link
from domain.moderation.normalize import base, deobfuscated, numbers_as_digits, words
from domain.moderation.organizer import disparages, is_one_word


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
_DIGITS = re.compile(r"\d")


def moderate(text: str, role: Role, *, own_details: Sequence[str] = ()) -> Verdict:
    """The verdict on one message. `own_details` are the organizer's own published pickup
    addresses and payment details: sent by the organizer, they are not violations."""
    organizer = role == Role.ORGANIZER  # a plain "organizer" string works too
    checked = base(text)
    excused: frozenset[str] = frozenset()
    if organizer and own_details:
        checked, excused = _without_own(checked, own_details)

    found_words = words(checked)
    numbers = numbers_as_digits(checked, found_words)
    if _DIGITS.search(numbers):
        found = find_numbers(numbers, excused)
        if found:
            return Verdict(False, Rule.CONTACTS, found)
    links_text = deobfuscated(checked, found_words)
    found = find_contact(checked, links_text, found_words)
    if found:
        return Verdict(False, Rule.CONTACTS, found)
    link = find_link(links_text)
    if link is not None:
        return Verdict(False, Rule(link[0]), link[1])
    if organizer and disparages(checked):
        return Verdict(False, Rule.DISPARAGE, "disparage")
    found = find_abuse(checked, found_words)
    if found:
        return Verdict(False, Rule.ABUSE, found)
    if organizer and is_one_word(text):
        return Verdict(False, Rule.ONE_WORD, "one_word")
    return ALLOWED


def _without_own(checked: str, own_details: Sequence[str]) -> tuple[str, frozenset[str]]:
    """`checked` with the organizer's own details cut out, and the digits of those details
    (a card number written without its spaces is still theirs)."""
    digits: set[str] = set()
    for detail in own_details:
        own = base(detail)
        if not own:
            continue
        checked = checked.replace(own, " ")
        for run in re.findall(r"\d[\d\s\-()]{8,}\d", own):
            number = re.sub(r"\D", "", run)
            if len(number) >= 10:
                digits.add(number)
                digits.add(number[1:])
    return checked, frozenset(digits)
