"""Order numbers such as "7KXM-PT2N", derived from the order's database id.

Why this design:
- Derived, not random: the id is unique and never reused, so the number is too, with no
  retry loop and no extra unique index to race on. `parse_order_number` gives the id back.
- A fixed, secret-less permutation of the id (xorshift-multiply rounds on 30 bits) so that
  consecutive orders do not get consecutive-looking numbers. It hides order volumes from a
  casual eye only; access is protected by ownership checks, never by the number.
- Symbols from `codes.ALPHABET` (23 symbols, no look-alikes, no vowels): 7 data symbols
  (23**7 > 2**30) plus one check symbol, printed as two groups of four, easy to read aloud.
- The check symbol uses weights 1..7 for the data and -1 for itself, modulo the prime 23, so
  every single wrong symbol and every swap of two symbols is rejected rather than pointing
  at somebody else's order.
"""

from __future__ import annotations

import re

from domain.codes import ALPHABET, normalize_code

SEQ_LIMIT = 1 << 30  # ids 1 .. 2**30 - 1 have numbers
_MASK = SEQ_LIMIT - 1
_SHIFT = 15  # half of 30 bits, so x ^ (x >> 15) is its own inverse
_MULTIPLIERS = (0x2C1B3C6D, 0x1B873593, 0x297A2D39)  # odd, hence invertible mod 2**30
_INVERSES = tuple(pow(m, -1, SEQ_LIMIT) for m in _MULTIPLIERS)

_BASE = len(ALPHABET)
_DATA_LENGTH = 7
_INDEX = {symbol: i for i, symbol in enumerate(ALPHABET)}
# Symbols the alphabet leaves out, read as the symbol they are usually mistaken for.
_CONFUSIONS = str.maketrans({"B": "8", "S": "5", "Z": "2", "З": "3", "Б": "6"})

# The printed shape, for finding numbers in free text (e.g. to let moderation pass them).
ORDER_NUMBER_RE = re.compile(
    rf"(?<![0-9A-Za-z])[{ALPHABET}]{{4}}-?[{ALPHABET}]{{4}}(?![0-9A-Za-z])", re.IGNORECASE
)


def format_order_number(seq: int) -> str:
    """The order number for database id `seq` (1 <= seq < 2**30)."""
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq < SEQ_LIMIT:
        raise ValueError(f"order id must be an int in [1, 2**30), got {seq!r}")
    value = _mix(seq)
    digits = []
    for _ in range(_DATA_LENGTH):
        value, digit = divmod(value, _BASE)
        digits.append(digit)
    digits.reverse()
    digits.append(_check_digit(digits))
    symbols = "".join(ALPHABET[d] for d in digits)
    return f"{symbols[:4]}-{symbols[4:]}"


def parse_order_number(text: str) -> int | None:
    """The database id for a typed order number, or None if it is not a valid one.

    Tolerates case, spaces, dashes, a leading "#" or "№", Cyrillic look-alike letters and the
    usual B/8, S/5, Z/2 mix-ups.
    """
    cleaned = normalize_code(text.strip().lstrip("#№")).translate(_CONFUSIONS)
    if len(cleaned) != _DATA_LENGTH + 1 or any(c not in _INDEX for c in cleaned):
        return None
    digits = [_INDEX[c] for c in cleaned]
    if _check_digit(digits[:-1]) != digits[-1]:
        return None
    value = 0
    for digit in digits[:-1]:
        value = value * _BASE + digit
    if value >= SEQ_LIMIT:
        return None
    seq = _unmix(value)
    return seq or None


def _check_digit(digits: list[int]) -> int:
    return sum(weight * digit for weight, digit in enumerate(digits, start=1)) % _BASE


def _mix(x: int) -> int:
    for multiplier in _MULTIPLIERS:
        x ^= x >> _SHIFT
        x = (x * multiplier) & _MASK
    return x ^ (x >> _SHIFT)


def _unmix(x: int) -> int:
    x ^= x >> _SHIFT
    for inverse in reversed(_INVERSES):
        x = (x * inverse) & _MASK
        x ^= x >> _SHIFT
    return x
