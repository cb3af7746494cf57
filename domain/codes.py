"""Codes people type or tap: promo codes and deep-link tokens.

Promo codes are read off a blogger's post and typed on a phone, so they use an alphabet
without look-alikes; link tokens are only ever tapped, so they use the denser URL-safe set.
Both come from `secrets`: they must be unguessable, and checking who owns what stays the
caller's job.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

# No 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B (look-alikes) and no vowels, so no accidental words.
# 23 symbols: a prime, which order numbers rely on for their check symbol.
ALPHABET = "23456789CDFGHJKMNPRTVWX"

# 23**9 ≈ 2**40.7: at least 40 bits, which 8 symbols of this alphabet cannot give.
PROMO_RANDOM_LENGTH = 9
MAX_PREFIX_LENGTH = 16

# Telegram's start payload: A-Z a-z 0-9 _ - and at most 64 characters.
MAX_LINK_TOKEN_LENGTH = 64
MIN_LINK_TOKEN_BYTES = 8  # 64 bits: below that a token could be found by trying
MAX_LINK_TOKEN_BYTES = 48  # base64 of 48 bytes is exactly 64 characters

# Russian keyboards: a buyer who does not switch layout types Cyrillic twins of Latin letters.
_CYRILLIC_TWINS = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
_SEPARATORS = re.compile(r"[\s\-_.\u2010\u2011\u2012\u2013\u2014\u2212]+")
_PREFIX = re.compile(r"[A-Z0-9]*")
_LINK_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_LINK_TOKEN_LENGTH}}}")


def normalize_code(text: str) -> str:
    """The canonical form of a typed code: the form to store and to compare.

    Upper case, full-width and Cyrillic look-alike letters made Latin, spaces and dashes
    dropped. Other characters are kept, so a malformed code simply matches nothing.
    """
    text = unicodedata.normalize("NFKC", text).upper().translate(_CYRILLIC_TWINS)
    return _SEPARATORS.sub("", text)


def new_promo_code(prefix: str = "") -> str:
    """A fresh promo code such as "LETO7KXMPT2NC": an optional prefix plus 9 random symbols.

    Already in canonical form (`normalize_code` leaves it unchanged). The prefix is for
    people (an organizer's or blogger's word) and adds no secrecy.
    """
    head = normalize_code(prefix)
    if len(head) > MAX_PREFIX_LENGTH or not _PREFIX.fullmatch(head):
        raise ValueError(
            f"a promo code prefix is up to {MAX_PREFIX_LENGTH} Latin letters or digits"
        )
    return head + "".join(secrets.choice(ALPHABET) for _ in range(PROMO_RANDOM_LENGTH))


def new_link_token(nbytes: int = 9) -> str:
    """A URL-safe random token for deep links (9 bytes -> 12 characters, 72 bits)."""
    if not MIN_LINK_TOKEN_BYTES <= nbytes <= MAX_LINK_TOKEN_BYTES:
        raise ValueError(
            f"nbytes must be {MIN_LINK_TOKEN_BYTES}..{MAX_LINK_TOKEN_BYTES}, got {nbytes}"
        )
    return secrets.token_urlsafe(nbytes)


def is_link_token(text: str) -> bool:
    """Whether text can be a link token (cheap shape check before any database lookup)."""
    return bool(_LINK_TOKEN.fullmatch(text))
