"""Insults, obscene language and threats, in the spellings people use to get past a filter:
Latin look-alikes ("cyka"), digits and symbols for letters ("6лять", "п1зд@ц"), letters
hidden by stars ("х*й"), spaced and dotted letters ("с.у.к.а"), stretched letters
("сууука") and translit ("blyat")."""

from __future__ import annotations

import re
from functools import lru_cache

from domain.moderation.words import Prefilter, lines, whole_word_pattern

_OBSCENE = whole_word_pattern("obscene.txt")
_INSULT = whole_word_pattern("insults.txt")
_ADDRESSED = whole_word_pattern("addressed.txt")
# Words that speak to someone, which make the words of addressed.txt insults.
_YOU = frozenset({"ты", "тебя", "тебе", "тобой", "вы", "вас", "вам", "вами", "сам", "сама"})
_YOU |= {"сами", "you", "your"}
_MASKED = tuple(lines("masked.txt"))
_PREFILTER = Prefilter("obscene.txt", "insults.txt", "addressed.txt")
# English words that read as Russian mat in look-alike letters or translit.
_ENGLISH_PASS = frozenset({"ebay", "ebook", "ebooks", "hui", "huawei", "ebony", "sukanya"})

_WORD = re.compile(r"[\w@$*]+")
_SPACED = re.compile(r"(?<![\w*])(?:[^\W\d_][ .\-_,*]{1,3}){2,}[^\W\d_](?![\w*])")
_REPEAT = re.compile(r"(.)\1+")
_CYRILLIC = re.compile(r"[а-я]")
_NOT_CYRILLIC = re.compile(r"[^а-я]")

# Latin letters and digits that look like Cyrillic ones.
_LOOKALIKE = str.maketrans({
    "a": "а", "b": "б", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о", "p": "р",
    "t": "т", "x": "х", "y": "у", "u": "и", "n": "п", "r": "г", "0": "о", "3": "з", "4": "ч",
    "6": "б", "1": "и", "@": "а", "$": "с",
})  # fmt: skip
# Look-alikes read the other way where a letter sounds like the Cyrillic one ("hyi").
_MIXED = str.maketrans({
    "a": "а", "b": "б", "c": "с", "e": "е", "h": "х", "k": "к", "m": "м", "o": "о", "p": "р",
    "t": "т", "x": "х", "y": "у", "u": "у", "i": "и", "n": "н", "r": "р", "0": "о", "3": "з",
    "6": "б", "1": "и", "@": "а", "$": "с",
})  # fmt: skip
# The same as English leetspeak.
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_TRANSLIT_MULTI = (
    ("shch", "щ"), ("sch", "щ"), ("ch", "ч"), ("sh", "ш"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("yu", "ю"), ("ya", "я"), ("yo", "е"), ("ye", "е"), ("ju", "ю"), ("ja", "я"), ("jo", "е"),
)  # fmt: skip
_TRANSLIT = str.maketrans({
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "j": "й",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
    "u": "у", "f": "ф", "h": "х", "x": "х", "c": "ц", "w": "в", "q": "к", "'": "ь",
})  # fmt: skip
_Y_AFTER_VOWEL = re.compile(r"(?<=[aeiou])y")

_THREAT = re.compile(
    r"\b(?:убью|убьем|убить\s+(?:тебя|вас)|прибью|урою|закопаю|зарежу|придушу|задушу|порешу"
    r"|покалечу|изобью|сожгу|подожгу|взорву|грохну|замочу|уничтожу\s+(?:тебя|вас)|отомщу"
    r"|переломаю|оторву|сверну\s+(?:тебе|вам)?\s*(?:шею|голову|башку)|проломлю)\b"
    r"|\bты\s+труп\b|\b(?:тебе|вам)\s+(?:конец|хана|крышка|не\s+жить)\b"
    r"|\b(?:знаю|узнаю|найду|выясню),?\s+где\s+(?:ты|вы)\s+жив\w*"
    r"|\bжди(?:те)?\s+гостей\b|\bнайду\s+(?:тебя|вас)\b|\b(?:тебя|вас)\s+найду\b"
    r"|(?<!не\s)\bпожалее(?:шь|те)\b|\b(?:тебе|вам)\b.{0,25}\bпожалеть\b"
    r"|\bмало\s+не\s+покажется\b|\bне\s+поздоровится\b|\bнесдобровать\b"
    r"|\bя\s+(?:тебе|вам)\s+(?:устрою|покажу)\b"
    r"|\b(?:i'?ll|i\s+will|we'?ll|we\s+will|gonna)\s+(?:kill|hurt|find|destroy|burn|beat|get)\s+(?:you|u)\b"
    r"|\byou(?:'re|\s+are)\s+dead\b|\bi\s+know\s+where\s+you\s+live\b|\bwatch\s+your\s+back\b"
)


def _translit(word: str) -> str:
    word = _Y_AFTER_VOWEL.sub("й", word)
    for latin, cyrillic in _TRANSLIT_MULTI:
        if latin in word:
            word = word.replace(latin, cyrillic)
    word = word.replace("y", "ы")
    return word.translate(_TRANSLIT)


def _forms(word: str) -> set[str]:
    forms = {word}
    if _NOT_CYRILLIC.search(word) and word not in _ENGLISH_PASS:
        forms.add(word.translate(_LOOKALIKE))
        forms.add(word.translate(_MIXED))
        if not _CYRILLIC.search(word):
            forms.add(word.translate(_LEET))
            forms.add(_translit(word))
    for form in list(forms):
        if len(set(form)) < len(form):  # a letter twice: maybe stretched ("сууука")
            collapsed = _REPEAT.sub(r"\1", form)
            if collapsed != form:
                forms.add(collapsed)
    return forms


@lru_cache(maxsize=65536)
def judge_word(word: str) -> str:
    """ "obscene", "insult", "addressed" (an insult when said to someone) or "" for one
    lower-case word as written."""
    if "*" in word:
        return _masked(word)
    for form in _forms(word):
        if not _PREFILTER.may_match(form):
            continue
        if _OBSCENE.fullmatch(form):
            return "obscene"
        if _INSULT.fullmatch(form):
            return "insult"
        if _ADDRESSED.fullmatch(form):
            return "addressed"
    return ""


def _masked(word: str) -> str:
    if len(word) < 3 or not word.strip("*"):
        return ""
    for form in {word, word.translate(_LOOKALIKE)}:
        pattern = re.compile(
            _STARS.sub(_star_run, "".join(c if c == "*" else re.escape(c) for c in form))
        )
        if any(pattern.fullmatch(candidate) for candidate in _MASKED):
            return "obscene"
    return ""


_STARS = re.compile(r"\*+")


def _star_run(match: re.Match[str]) -> str:
    stars = len(match.group(0))
    return f".{{{max(1, stars - 1)},{stars + 1}}}"


# Each threat above needs one of these words.
_THREAT_WORDS = frozenset(
    [
        "убью",
        "убьем",
        "убить",
        "прибью",
        "урою",
        "закопаю",
        "зарежу",
        "придушу",
        "задушу",
        "порешу",
        "покалечу",
        "изобью",
        "сожгу",
        "подожгу",
        "взорву",
        "грохну",
        "замочу",
        "уничтожу",
        "отомщу",
        "переломаю",
        "оторву",
        "сверну",
        "проломлю",
        "труп",
        "конец",
        "хана",
        "крышка",
        "жить",
        "где",
        "гостей",
        "найду",
        "пожалеешь",
        "пожалеете",
        "пожалеть",
        "покажется",
        "поздоровится",
        "несдобровать",
        "устрою",
        "покажу",
        "kill",
        "hurt",
        "find",
        "destroy",
        "burn",
        "beat",
        "get",
        "dead",
        "live",
        "back",
    ]
)


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщъыьэюя")


def find_abuse(text: str, seen: frozenset[str]) -> str:
    """ "obscene", "insult" or "threat" when `text` (`base` form, its `words` in `seen`)
    holds one, else ""."""
    if "@" in text or "$" in text or "*" in text:
        words: list[str] | frozenset[str] = _WORD.findall(text)
    else:
        words = seen
    if len(seen & _LETTERS) >= 2 and _SPACED.search(text):
        words = list(words)
        words += [re.sub(r"[ .\-_,*]", "", m) for m in _SPACED.findall(text)]
    for word in words:
        if len(word) < 3 and not word.isalpha():
            continue
        found = judge_word(word)
        if found == "addressed":
            if seen.isdisjoint(_YOU):
                continue
            found = "insult"
        if found:
            return found
    if not seen.isdisjoint(_THREAT_WORDS) and _THREAT.search(text):
        return "threat"
    return ""
