"""Contacts and personal data: phone numbers, e-mails, card numbers, street addresses,
messenger and social handles, and asking for any of them."""

from __future__ import annotations

import re
from collections.abc import Collection

# A run of digits with the separators people put inside phone and card numbers.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-.()/_]{0,3}\+?\d)*")
_GROUP = re.compile(r"\d+")
# Letters written for digits inside a number: "9l6", "9 О 3".
_AFTER_DIGIT = r"(?:(?<=\d)|(?<=\d[\s\-.()]))"
_LETTER_DIGIT = re.compile(
    rf"{_AFTER_DIGIT}([oо])(?=[\s\-.()]?\d)|{_AFTER_DIGIT}([li|])(?=[\s\-.()]?\d)"
)
_ONE_DIGIT = re.compile(r"\d")
_CITY_PHONE = re.compile(r"(?<![\d\-])\d{3}-\d{2}-\d{2}(?![\d\-])")
# Words that say a number nearby is a phone whatever its grouping.
_PHONE_CUE = re.compile(
    r"\b(?:тел|телефон\w*|моб\w*|сотов\w*|номер\w*|звон\w*|позвон\w*|перезвон\w*|набер\w*|набир\w*"
    r"|whatsapp|ватсап\w*|вотсап\w*|вацап\w*|viber|вайбер\w*|phone|call|cell|mobile|number)\b"
)

_EMAIL = re.compile(
    r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[a-zа-я]{2,}"
    r"|[\w.+\-]+@(?:gmail|mail|yandex|ya|bk|inbox|list|rambler|outlook|hotmail|icloud|yahoo|proton)\b"
)
_HANDLE = re.compile(r"(?<![\w.@])@[a-z][a-z0-9_.]{2,31}")

_MESSENGER = (
    r"(?:телеграм\w*|телег[аиуе]\w*|тг|tg|telegram|вотсап\w*|ватсап\w*|вацап\w*|вотсапп\w*"
    r"|whatsapp|whats app"
    r"|viber|вайбер\w*|инст\w*|instagram|insta|вк|вконтакт\w*|в контакте|vk|одноклассник\w*"
    r"|skype|скайп\w*|discord|дискорд\w*|tiktok|тикток\w*|facebook|фейсбук\w*|фб|signal)"
)
_NICK_CUE = rf"(?:{_MESSENGER}|ник\w*|никнейм|nick\w*|username|юзернейм|логин)"
# A messenger or a nickname named, and an account name within a few words after it.
_CUE_HANDLE = re.compile(
    rf"\b{_NICK_CUE}\b[\s:—\-–,]*(?:(?:я|мой|моя|меня|there|is|me|my|в|in|on)\s+)*[\s:—\-–]*"
    r"([a-z][a-z0-9]*[._][a-z0-9._]+|[a-z]+\d+[a-z0-9_]*|[a-z]{4,}(?:\.[a-z]+)+)"
)
_VERB = (
    r"(?:пиши|пишите|напиши|напишите|стучи|стучите|постучи|постучите|добавь|добавьте|найди"
    r"|найдите|звони|звоните|позвони|позвоните|набери|наберите|обсудим|обсудить|давай|давайте"
    r"|переходи|переходите|перейдем|перейдите|свяжемся|связаться|свяжитесь|жду|add|write|text"
    r"|message|find|call|dm|talk|chat|reach|contact|ping|message)"
)
_MESSENGER_AND_VERB = re.compile(
    rf"\b{_VERB}\b(?:\W+\w+){{0,4}}?\W+{_MESSENGER}\b|\b{_MESSENGER}\b(?:\W+\w+){{0,4}}?\W+{_VERB}\b"
)
_NOUN = (
    # "номер" alone is a phone only where nothing says whose number it is ("номер заказа").
    r"(?:(?<!-)(?<!его )(?<!ее )(?<!их )номер(?=\s*(?:[,.!?;:)]|$|телефон\w*|мобильн\w*|сотов\w*"
    r"|для\s+связи|карт\w*|вашей\s+карт\w*|твоей\s+карт\w*|(?:я|и)\s))"
    r"|телефон\w*|тел|мобильн\w*|сотов\w*|почт[ауы]|почтов\w+ ящик|e-?mail|емейл\w*|имейл\w*"
    r"|электронк\w*"
    r"|мейл|мыло|контакт\w*|вотсап\w*|ватсап\w*|вацап\w*|whatsapp|телеграм\w*|телег[уаи]|тг"
    r"|вайбер\w*|viber|инст\w*|instagram|вк|страничк\w* в \w+|аккаунт\w*)"
)
_REQUEST = re.compile(
    r"\b(?:дай|дайте|скинь|скиньте|кинь|киньте|оставь|оставьте|напиши|напишите|пришли"
    r"|пришлите|сообщи|сообщите|продиктуй|продиктуйте|можно|подскажи|подскажите|отправь"
    r"|отправьте|укажи|укажите|нужен|нужна|нужно|есть)\b(?:\s+[\w,]+){0,2}?\s+"
    r"(?:мне\s+)?(?:ваш\w*|тво\w*|сво\w*|мне)?\s*" + _NOUN + r"\b"
    r"|\bкак\s+(?:с\s+)?(?:вами|тобой|вас|тебя)\s+(?:связаться|найти|достучаться)"
    r"|\b(?:как|куда)\s+(?:мне\s+)?(?:вам|тебе)\s+(?:позвонить|написать|дозвониться|звонить)"
    r"|\b(?:дам|дать|даю|скину|скинуть|оставлю|оставить|напишу|пришлю|отправлю|продиктую)"
    r"\s+(?:\S+\s+){0,2}?(?:свой|мой|свою|мою)\s+" + _NOUN + r"\b"
    r"|\bсвязаться\s+напрямую|\bнапрямую\s+связаться"
    r"|\bв\s+(?:личку|лс|личные\s+сообщения|личных\s+сообщениях|личке|директ|direct)\b"
    r"|\b(?:позвони|позвоните|перезвони|перезвоните|набери|наберите|звоните|звони)\s+мне\b"
    r"|\b(?:call|text|dm|pm|email|e-mail)\s+me\b"
    r"|\b(?:give|send|share|drop|tell|what'?s|what\s+is|can\s+i\s+(?:get|have)|may\s+i\s+have)"
    r"\b(?:\s+\S+){0,2}?\s+(?:your|ur)\s+(?:phone|number|cell|mobile|e-?mail|contacts?|whatsapp"
    r"|telegram|insta\w*|home\s+address|card)\b"
)

_STREET = (
    r"(?:ул\.?|улиц[аеуы]|пр-т|пр-кт|просп\.?|проспект[аеу]?|пер\.|переул(?:ок|ке|ка)|б-р"
    r"|бульвар[аеу]?|шоссе|наб\.|набережн(?:ая|ой)|проезд[аеу]?|пл\.|площад[ьи]|мкр\.?|микрорайон[аеу]?)"
)
# A street's name: up to four words, none of them a preposition ("пер. Сдэк до 5 дней").
_NOT_PREPOSITION = r"(?!(?:до|в|на|по|за|от|к|и|с|через|у|из|после|около)\b)"
_STREET_NAME = rf"{_NOT_PREPOSITION}[^\W\d_][\w\-.]*(?:\s+{_NOT_PREPOSITION}[\w\-.]+){{0,3}}?"
_ADDRESS = re.compile(
    rf"(?<![\w-]){_STREET}\s*{_STREET_NAME},?\s*(?:д\.?|дом|№)?\s*\d{{1,4}}(?![\d.,:]\d)"
    r"|[^\W\d_]+(?:ий|ой|ый|ая)\s+(?:проспект|бульвар|переулок|проезд|шоссе),?\s*(?:д\.?|дом)?\s*\d{1,4}\b"
    r"|\b(?:д\.|дом)\s*\d{1,4}[а-я]?\b.{0,20}\bкв(?:\.|артира|артиру|\b)\s*\d{1,4}\b"
    r"|\b\d{1,5}\s+(?:[a-z]+\s+){1,3}(?:street|st\.?|avenue|ave\.?|road|rd\.?|lane|blvd|drive)\b"
    r"|\b(?:apt\.?|apartment)\s*#?\d{1,4}\b"
)


def luhn(digits: str) -> bool:
    """The Luhn checksum of a card number holds."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _is_phone(digits: str, groups: list[int], cued: bool) -> bool:
    if len(digits) == 11 and digits[0] in "78" and digits[1] in "3489":
        return True
    if len(digits) == 10 and digits[0] in "3489":
        return cued or groups[0] in (3, 4, 10) or all(size == 1 for size in groups)
    return cued and len(digits) == 11 and digits[0] in "78"


def _is_card(digits: str, groups: list[int]) -> bool:
    return (
        16 <= len(digits) <= 19
        and digits[0] in "23456"
        and (len(groups) == 1 or max(groups) <= 6)
        and luhn(digits)
    )


def find_numbers(text: str, excused: Collection[str] = ()) -> str:
    """ "phone" or "card" when `text` (lower case, numbers as digits) holds one, else "".
    Numbers whose digits are in `excused` (the organizer's own details) pass."""
    if len(_ONE_DIGIT.findall(text)) >= 7 and _LETTER_DIGIT.search(text):
        text = _LETTER_DIGIT.sub(lambda m: "0" if m.group(1) else "1", text)
    cued: bool | None = None
    for match in _DIGIT_RUN.finditer(text):
        if match.end() - match.start() < 10:
            continue
        run = match.group(0)
        groups = [len(g) for g in _GROUP.findall(run)]
        count = sum(groups)
        if count < 10:
            continue
        digits = "".join(_GROUP.findall(run))
        if digits in excused:
            continue
        if _is_card(digits, groups):
            return "card"
        if cued is None:
            cued = _PHONE_CUE.search(text) is not None
        if _is_phone(digits, groups, cued) and digits[1:] not in excused:
            return "phone"
    if "-" in text and _CITY_PHONE.search(text):
        if cued is None:
            cued = _PHONE_CUE.search(text) is not None
        if cued:
            return "phone"
    return ""


_STREET_WORDS = frozenset(
    [
        "ул",
        "улица",
        "улице",
        "улицу",
        "улицы",
        "пр",
        "т",
        "кт",
        "просп",
        "проспект",
        "проспекта",
        "проспекте",
        "проспекту",
        "пер",
        "переулок",
        "переулке",
        "переулка",
        "б",
        "р",
        "бульвар",
        "бульвара",
        "бульваре",
        "шоссе",
        "наб",
        "набережная",
        "набережной",
        "проезд",
        "проезда",
        "проезде",
        "пл",
        "площадь",
        "площади",
        "мкр",
        "микрорайон",
        "микрорайона",
        "микрорайоне",
        "д",
        "дом",
        "кв",
        "квартира",
        "квартиру",
        "street",
        "st",
        "avenue",
        "ave",
        "road",
        "rd",
        "lane",
        "blvd",
        "drive",
        "apt",
        "apartment",
    ]
)


# Every handle cue, request and messenger above has a word starting with one of these.
_CONTACT_STEMS = tuple(
    """телег телеграм тг tg telegram вотсап ватсап вацап whatsapp whats viber вайбер инст
    instagram insta вк вконтакт контакт vk одноклассник skype скайп discord дискорд tiktok
    тикток facebook фейсбук фб signal ник nick username юзернейм логин номер телефон тел
    мобильн сотов почт электронк mail емейл имейл мейл мыло аккаунт страничк связ свяж напрям найти
    найдите найди достуч написать позвон перезвон звон дозвон набер лс личк личн директ direct
    call text dm pm phone number cell mobile contact home card карт email емэйл""".split()  # noqa: SIM905
)
_STEM_STARTS = frozenset(stem[:2] for stem in _CONTACT_STEMS)
_LATIN = re.compile(r"[a-z]")


def find_contact(text: str, links_text: str, found: frozenset[str]) -> str:
    """What contact `text` (`base` form) holds or asks for, else "". `links_text` is the
    de-obfuscated form ("собака" as "@")."""
    if "@" in links_text and _EMAIL.search(links_text):
        return "email"
    if "@" in text and _HANDLE.search(text):
        return "handle"
    if not found.isdisjoint(_STREET_WORDS) and _ADDRESS.search(text):
        return "address"
    if not any(w[:2] in _STEM_STARTS and w.startswith(_CONTACT_STEMS) for w in found):
        return ""
    if _LATIN.search(text) and _CUE_HANDLE.search(text):
        return "handle"
    if _REQUEST.search(text) or _MESSENGER_AND_VERB.search(text):
        return "contact_request"
    return ""
