"""Money is integer kopecks; percents are integer basis points (1 % = 100 bp).

Parsing accepts what buyers actually type ("1 500,50", "1500.5 ₽", "1500р", "1,500.50") and
fails with an `ErrorReason` code that the UI turns into a message in the user's language.
"""

from __future__ import annotations

import re
from enum import StrEnum

KOPECKS_PER_RUBLE = 100
MAX_AMOUNT_KOPECKS = 1_000_000_000  # 10 000 000 ₽: more is surely a typo
BP_PER_PERCENT = 100
FULL_PERCENT_BP = 100 * BP_PER_PERCENT  # 100 %
RUBLE_SIGN = "₽"
# U+00A0 rather than U+202F: every messenger font has it, and it keeps "1 500 ₽" on one line.
NBSP = "\u00a0"


class ErrorReason(StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    ZERO = "zero"
    TOO_LARGE = "too_large"
    TOO_PRECISE = "too_precise"  # more than 2 digits after the decimal separator


class InputError(ValueError):
    """Typed input is not acceptable; `reason` says why."""

    def __init__(self, reason: ErrorReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class AmountError(InputError):
    pass


class PercentError(InputError):
    pass


# Hyphen-minus, minus sign, en dash (phones substitute it); "-" first so it is no range.
_SIGN = "[-+\u2212\u2013]"
# A ruble sign or word may come before or after; "p" is the Latin twin of "р", typed
# without switching layout. The number part is checked by `_split_number`.
_AMOUNT = re.compile(
    rf"""
    (?P<sign>{_SIGN}?) \s*
    (?:₽|rub\.?|rur\.?)? \s*
    (?P<number>[0-9.,\s]*?) \s*
    (?:₽|р\.?|руб\.?|рубл(?:ь|я|ей)|rub\.?|rur\.?|r\.?|p\.?)?
    """,
    re.VERBOSE,
)
_PERCENT = re.compile(rf"(?P<sign>{_SIGN}?)\s*(?P<whole>[0-9]*)(?:[.,](?P<frac>[0-9]*))?\s*%?")
_SPACES = re.compile(r"\s+")  # includes U+00A0, U+202F, U+2009 that phones insert
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?: [0-9]{3})+")
_DIGITS = re.compile(r"[0-9]*")


def parse_amount(
    text: str, *, allow_zero: bool = False, max_kopecks: int = MAX_AMOUNT_KOPECKS
) -> int:
    """Kopecks from a typed amount in rubles. Raises `AmountError`."""
    if not text.strip():
        raise AmountError(ErrorReason.EMPTY)
    match = _AMOUNT.fullmatch(text.strip().casefold())
    if match is None:
        raise AmountError(ErrorReason.NOT_A_NUMBER)
    split = _split_number(match["number"].strip())
    if split is None:
        raise AmountError(ErrorReason.NOT_A_NUMBER)
    whole, frac = split
    if len(frac) > 2:
        raise AmountError(ErrorReason.TOO_PRECISE)
    negative = bool(match["sign"]) and match["sign"] != "+"
    if negative and (whole + frac).strip("0"):
        raise AmountError(ErrorReason.NEGATIVE)
    # Checked before int() so a thousand-digit paste cannot hit int()'s digit limit.
    if len(whole.lstrip("0")) > len(str(max_kopecks)):
        raise AmountError(ErrorReason.TOO_LARGE)
    kopecks = int(whole or "0") * KOPECKS_PER_RUBLE + int(frac.ljust(2, "0"))
    if kopecks == 0 and not allow_zero:
        raise AmountError(ErrorReason.ZERO)
    if kopecks > max_kopecks:
        raise AmountError(ErrorReason.TOO_LARGE)
    return kopecks


def _split_number(number: str) -> tuple[str, str] | None:
    """("1500", "50") from "1 500,50", "1,500.50", "1.500,50"; None if it is not a number.

    Which of "," and "." is the decimal separator:
    - both present: the last one ("1,500.50" and "1.500,50" are both 1500.50);
    - one of them several times: thousands ("1,500,000");
    - one of them once: decimal, except when exactly three digits follow and the number is
      not already grouped by spaces: "1.500" and "1,500" are 1500 rubles. A sum with three
      decimals is never valid money, and both spellings mean thousands in Russian and English
      price writing, so reading them as 1.5 ₽ would only turn a clear intent into an error.
      "0.500" and "1500.000" cannot be thousands, so they stay decimals and are too precise.
    """
    number = _SPACES.sub(" ", number)
    separators = [ch for ch in number if ch in ",."]
    decimal = thousands = None
    if len(set(separators)) == 2:
        decimal = number[max(number.rfind(","), number.rfind("."))]
        thousands = "," if decimal == "." else "."
        if number.count(decimal) != 1:
            return None
    elif len(separators) > 1:
        thousands = separators[0]
    elif separators:
        sep = separators[0]
        as_thousands = number.replace(sep, " ")
        if " " not in number and _GROUPED.fullmatch(as_thousands):
            thousands = sep
        else:
            decimal = sep
    whole, _, frac = number.partition(decimal) if decimal else (number, "", "")
    if thousands:
        whole = whole.replace(thousands, " ")
    if " " in whole and not _GROUPED.fullmatch(whole):
        return None
    whole = whole.replace(" ", "")
    if not (_DIGITS.fullmatch(whole) and _DIGITS.fullmatch(frac)) or not (whole or frac):
        return None
    return whole, frac


def format_amount(kopecks: int, lang: str = "ru") -> str:
    """ "1 500 ₽", "1 500,50 ₽" (ru, U+00A0 groups) or "1,500.50 ₽" (en).

    Kopecks are shown only when there are any. Languages other than English use the
    Russian style. A negative amount (a refund, an overpayment) starts with "-".
    """
    if isinstance(kopecks, bool) or not isinstance(kopecks, int):
        raise TypeError(f"money is int kopecks, got {type(kopecks).__name__}")
    group, decimal = (",", ".") if lang.lower().startswith("en") else (NBSP, ",")
    rubles, rest = divmod(abs(kopecks), KOPECKS_PER_RUBLE)
    text = f"{rubles:,}".replace(",", group)
    if rest:
        text += f"{decimal}{rest:02d}"
    sign = "-" if kopecks < 0 else ""
    return f"{sign}{text}{NBSP}{RUBLE_SIGN}"


def parse_percent(text: str, *, allow_zero: bool = True, max_bp: int = FULL_PERCENT_BP) -> int:
    """Basis points from a typed percent: "12,5 %" -> 1250. Raises `PercentError`.

    Zero is allowed by default because an organizer fee may be 0 %.
    """
    if not text.strip():
        raise PercentError(ErrorReason.EMPTY)
    match = _PERCENT.fullmatch(text.strip())
    if match is None or not (match["whole"] or match["frac"]):
        raise PercentError(ErrorReason.NOT_A_NUMBER)
    whole, frac = match["whole"], match["frac"] or ""
    if len(frac) > 2:
        raise PercentError(ErrorReason.TOO_PRECISE)
    if match["sign"] not in ("", "+") and (whole + frac).strip("0"):
        raise PercentError(ErrorReason.NEGATIVE)
    if len(whole.lstrip("0")) > len(str(max_bp)):
        raise PercentError(ErrorReason.TOO_LARGE)
    bp = int(whole or "0") * BP_PER_PERCENT + int(frac.ljust(2, "0"))
    if bp == 0 and not allow_zero:
        raise PercentError(ErrorReason.ZERO)
    if bp > max_bp:
        raise PercentError(ErrorReason.TOO_LARGE)
    return bp


def format_percent(bp: int, lang: str = "ru") -> str:
    """ "12,5 %" (ru) or "12.5%" (en) from basis points; trailing zeros are dropped."""
    whole, rest = divmod(abs(bp), BP_PER_PERCENT)
    english = lang.lower().startswith("en")
    text = str(whole)
    if rest:
        text += ("." if english else ",") + f"{rest:02d}".rstrip("0")
    sign = "-" if bp < 0 else ""
    return f"{sign}{text}%" if english else f"{sign}{text}{NBSP}%"
