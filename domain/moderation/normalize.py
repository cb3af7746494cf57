"""The forms of a message the rules look at: lower case with "ё" as "е", number words as
digits, and obfuscated "@" and "." ("собака", "(at)", "точка", "[dot]") read as what they
stand for."""

from __future__ import annotations

import re
import unicodedata

# Russian and English number words, as people spell out a phone number.
_NUMBERS: dict[str, int] = {
    "ноль": 0, "нуль": 0, "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4,
    "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
    "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
    "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18,
    "девятнадцать": 19, "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50,
    "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80, "девяносто": 90, "сто": 100,
    "двести": 200, "триста": 300, "четыреста": 400, "пятьсот": 500, "шестьсот": 600,
    "семьсот": 700, "восемьсот": 800, "девятьсот": 900,
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_NUMBER_WORD = "(?:" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_NUMBER_RUN = re.compile(
    rf"(?:\bплюс\s+|\bplus\s+)?(?:(?:\b{_NUMBER_WORD}\b|\d+)[\s,\-]*){{3,}}",
)
_ANY_NUMBER_WORD = re.compile(rf"\b{_NUMBER_WORD}\b")
_NUMBER_SET = frozenset(_NUMBERS)
_WORDS = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")

_AT = re.compile(
    r"\s*[(\[{<]\s*(?:at|собака|собачка|эт)\s*[)\]}>]\s*"
    r"|\s+(?:собака|собачка)\s+"
    r"|\s+at\s+(?=(?:gmail|mail|yandex|ya|bk|inbox|list|rambler|outlook|hotmail|icloud|yahoo|proton)\b)"
    r"|\s+@\s*(?=[\w-]+\.[a-z]{2,})|(?<=\w)@\s+(?=[\w-]+\.[a-z]{2,})"
)
_DOT = re.compile(r"\s*[(\[{<]\s*(?:dot|точка|тчк|\.)\s*[)\]}>]\s*|\s+(?:dot|точка)\s+")
# "ww w. vk. com/ name", "h t t p s : / /": letters spread out inside a link.
_SPREAD_SCHEME = re.compile(r"\bh\s*t\s*t\s*p\s*(s?)\s*:\s*/\s*/\s*")
_SPREAD_WWW = re.compile(r"\bw\s*w\s*w\s*\.\s*")
_COMMON_TLD = r"(?:ru|com|net|org|рф|su|shop|online|site|info|biz|ua|kz|store|xyz|club)"
_SPREAD_DOT = re.compile(
    rf"(?<=[a-z0-9])\s*\.\s+(?={_COMMON_TLD}\b)|(?<=[a-z0-9])\s+\.\s*(?={_COMMON_TLD}\b)"
    r"|(?<=\bt)\s*\.\s*(?=me\b)|(?<=\bwa)\s*\.\s*(?=me\b)"
)
_SPREAD_SLASH = re.compile(rf"(\.{_COMMON_TLD})\s*/\s*")


def words(text: str) -> frozenset[str]:
    """The words and numbers of `text` (already `base`), for quick looks before a rule's
    regular expression runs."""
    return frozenset(_WORDS.findall(text))


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")


def base(text: str) -> str:
    """Lower case, "ё" as "е", runs of spaces as one; invisible characters put between
    letters to break up a word are dropped, and compatibility forms (full-width letters,
    ligatures) are read as the plain letters (NFKC)."""
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return " ".join(text.lower().replace("ё", "е").split())


def numbers_as_digits(text: str, found: frozenset[str]) -> str:
    """`text` (already `base`) with spelled-out numbers as digits: "восемь девятьсот
    шестнадцать" is "8 916", "плюс семь" is "+7". Only runs of three or more numbers change."""
    if found.isdisjoint(_NUMBER_SET):
        return text
    return _NUMBER_RUN.sub(_spell_run, text)


def _spell_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if not _ANY_NUMBER_WORD.search(run):
        return run
    plus = "+" if run.startswith(("плюс", "plus")) else ""
    groups: list[str] = []
    current: int | None = None
    for token in _TOKEN.findall(run):
        if token in ("плюс", "plus"):
            continue
        if token.isdigit():
            if current is not None:
                groups.append(str(current))
                current = None
            groups.append(token)
            continue
        value = _NUMBERS.get(token)
        if value is None:
            continue
        if current is not None and _adds_to(current, value):
            current += value
        else:
            if current is not None:
                groups.append(str(current))
            current = value
    if current is not None:
        groups.append(str(current))
    tail = " " if run[-1:].isspace() else ""
    return plus + " ".join(groups) + tail


def _adds_to(current: int, value: int) -> bool:
    # "девятьсот" + "шестнадцать", "сорок" + "пять"; "восемь" + "девять" are two digits.
    if current >= 100 and current % 100 == 0:
        return value < 100
    if current % 10 == 0 and current % 100 >= 20:
        return value < 10
    return False


_AT_WORDS = frozenset({"at", "собака", "собачка", "эт"})
_DOT_WORDS = frozenset({"dot", "точка", "тчк"})
_SPREAD_WORDS = frozenset(
    [
        "ru",
        "com",
        "net",
        "org",
        "рф",
        "su",
        "shop",
        "online",
        "site",
        "info",
        "biz",
        "ua",
        "kz",
        "store",
        "xyz",
        "club",
        "me",
    ]
)


def deobfuscated(text: str, found: frozenset[str]) -> str:
    """`text` (already `base`) with "собака"/"(at)" as "@", "точка"/"(dot)" as "." and links
    spread out with spaces put together again, for finding e-mails and links."""
    if "@" in text or not found.isdisjoint(_AT_WORDS):
        text = _AT.sub("@", text)
    if not found.isdisjoint(_DOT_WORDS) or "[.]" in text or "(.)" in text:
        text = _DOT.sub(".", text)
    if "h t" in text or "w w" in text or "ww w" in text:
        text = _SPREAD_SCHEME.sub(r"http\1://", text)
        text = _SPREAD_WWW.sub("www.", text)
    if (". " in text or " ." in text) and not found.isdisjoint(_SPREAD_WORDS):
        text = _SPREAD_DOT.sub(".", text)
        text = _SPREAD_SLASH.sub(r"\1/", text)
    return text
