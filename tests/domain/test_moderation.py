"""The moderation rules one by one (domain.moderation), with the detail each names."""

from __future__ import annotations

import pytest

from domain.moderation import Role, Rule, Verdict, moderate
from domain.moderation.contacts import luhn
from domain.moderation.normalize import base, deobfuscated, numbers_as_digits, words
from domain.moderation.words import Prefilter, lines, required_pieces, whole_word_pattern

B, ORG = Role.BUYER, Role.ORGANIZER


def verdict(text: str, role: Role = B, own: tuple[str, ...] = ()) -> tuple[str | None, str]:
    found = moderate(text, role, own_details=own)
    assert found.allowed is (found.rule is None)
    return (None if found.rule is None else found.rule.value, found.detail)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Звоните 8 916 123-45-67", "phone"),
        ("+7(916)1234567", "phone"),
        ("89161234567", "phone"),
        ("тел. 916 123 45 67", "phone"),
        ("9 1 6 1 2 3 4 5 6 7", "phone"),
        ("8-9O3-555-12-34", "phone"),
        ("восемь девятьсот три пятьсот пятьдесят пять двенадцать тридцать четыре", "phone"),
        ("eight nine one six one two three four five six seven", "phone"),
        ("звоните 222-33-44", "phone"),
        ("ivan@mail.ru", "email"),
        ("ivan собака mail точка ru", "email"),
        ("ivan (at) gmail (dot) com", "email"),
        ("ivan at gmail dot com", "email"),
        ("4276 2129 9722 0033", "card"),
        ("2202-4738-1247-1465", "card"),
        ("ул. Садовая, д. 15, кв. 42", "address"),
        ("Ленинский проспект, 32", "address"),
        ("дом 5, кв. 7", "address"),
        ("12 Baker Street", "address"),
        ("@ivan_petrov", "handle"),
        ("t.me/ivan_petrov", "handle"),
        ("ник в телеге ivan_petrov", "handle"),
        ("vk.com/id1234", "handle"),
        ("дайте ваш телефон", "contact_request"),
        ("напишите мне в вотсап", "contact_request"),
        ("как с вами связаться?", "contact_request"),
        ("пишите в личку", "contact_request"),
        ("what's your email?", "contact_request"),
    ],
)
def test_contacts(text: str, detail: str) -> None:
    assert verdict(text) == ("contacts", detail)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("https://example.com", "url"),
        ("www.shop-optom.ru", "url"),
        ("заходите на moda-sale.online", "url"),
        ("bit.ly/abc", "shortener"),
        ("clck.ru/36AbCd", "shortener"),
        ("http://xn--80aswg.xn--p1ai/", "punycode"),
        ("sberbnak.ru", "lookalike"),
        ("wiIdberries.ru", "lookalike"),
        ("ozon-pay.ru/checkout", "lookalike"),
        ("https://example.com/login", "login_or_pay"),
        ("https://shop.example.com/payment?order=1", "login_or_pay"),
        ("ozon точка ru", "url"),
        ("site[.]com/shop", "url"),
    ],
)
def test_links(text: str, detail: str) -> None:
    assert verdict(text) == ("links", detail)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("ты дура", "insult"),
        ("вы идиоты", "insult"),
        ("You moron", "insult"),
        ("бля", "obscene"),
        ("cyka", "obscene"),
        ("6лять", "obscene"),
        ("п1зд@ц", "obscene"),
        ("х*й", "obscene"),
        ("б**ть", "obscene"),
        ("с.у.к.а", "obscene"),
        ("х у й", "obscene"),
        ("сууукааа", "obscene"),
        ("blyat", "obscene"),
        ("f*ck", "obscene"),
        ("я тебя убью", "threat"),
        ("знаю, где ты живёшь", "threat"),
        ("I will kill you", "threat"),
    ],
)
def test_abuse(text: str, detail: str) -> None:
    assert verdict(text) == ("abuse", detail)


@pytest.mark.parametrize(
    "text",
    [
        "Стоимость 2 рубля за штуку",  # "бля" inside a word
        "Застрахуйте посылку",  # "хуй" inside a word
        "Заказ требует доплаты",  # "ебу" inside a word
        "Хлеба нет, мебель есть, небо ясное",
        "Команда поставщика, мандарины, худи оверсайз",
        "Оскорблять не хотела, употребляю редко",
        "Состав: шерсть овцы 30%",
        "Сравните размеры, скидка на сказки",
        "Заказ № 1234 и SP-000123 оплачены",
        "Трек RA123456789RU, 80080012345678, СДЭК 1234567890",
        "Размеры 98, 104, 110, 116 и 42 44 46 48 50",
        "Итого 4 560 ₽, оплата до 10.12.2026 12:00",
        "Артикул 4607001234567",
        "Номер операции 4587 1122 0098",
        "Подскажите номер заказа",
        "Вы не пожалеете, отличная ткань",
        "Подам в суд, если не вернёте деньги",
        "Photo.jpg attached, see file.pdf",
        "т.е. в г.Москва и т.д.",
        "The jacket arrived. In perfect condition. Is it ok?",
        "eBay sells it cheaper, but thanks",
    ],
)
def test_ordinary_messages_pass(text: str) -> None:
    assert verdict(text) == (None, "")
    assert verdict(text + " Спасибо.", ORG) == (None, "")


def test_one_word_is_for_organizers_only() -> None:
    for text in ("Да", "ок.", "+", "👍", "1500"):
        assert verdict(text, ORG) == ("one_word", "one_word")
        assert verdict(text, B) == (None, "")
    assert verdict("Да, завтра", ORG) == (None, "")


def test_disparaging_is_for_organizers_only() -> None:
    for text in ("Этот бот ужасный", "Не пользуйтесь этим сервисом", "This bot is useless"):
        assert verdict(text, ORG) == ("disparage", "disparage")
        assert verdict(text, B) == (None, "")
    assert verdict("Бот пришлёт уведомление, а ботинки придут в пятницу", ORG) == (None, "")


def test_own_details_pass_for_the_organizer_only() -> None:
    address = "г. Казань, ул. Баумана, д. 44, офис 3"
    card = "2202 3681 9303 6426"
    text = f"Забирайте по адресу {address}; оплата на карту {card}"
    assert verdict(text, ORG, (address, card)) == (None, "")
    assert verdict(text, ORG) == ("contacts", "card")
    assert verdict(text, B, (address, card)) == ("contacts", "card")
    # The same card written without spaces is still the organizer's own.
    assert verdict("Карта 2202368193036426, Анна", ORG, (card,)) == (None, "")
    # Another card is not.
    assert verdict("Карта 4276 2129 9722 0033, Анна", ORG, (card,)) == ("contacts", "card")
    # Own details do not excuse anything else in the message.
    assert verdict(f"{address}, или звоните 89161234567", ORG, (address,))[0] == "contacts"


def test_a_card_number_needs_a_valid_checksum() -> None:
    assert luhn("4276212997220033")
    assert not luhn("4276212997220034")
    assert verdict("Карта 4276 2129 9722 0034") == (None, "")


def test_verdict_shape() -> None:
    assert moderate("Привет, когда раздача?", B) == Verdict(True)
    found = moderate("ivan@mail.ru", B)
    assert found == Verdict(False, Rule.CONTACTS, "email")


def test_normal_forms() -> None:
    text = base("  Восемь   ДЕВЯТЬСОТ шестнадцать сто двадцать три сорок пять шестьдесят семь ")
    assert numbers_as_digits(text, words(text)) == "8 916 123 45 67"
    text = base("пишите: ivan собака mail точка ru")
    assert deobfuscated(text, words(text)) == "пишите: ivan@mail.ru"
    assert base("Ёлка  зе\u200bлёная") == "елка зеленая"
    assert verdict("х\u200bу\u00adй") == ("abuse", "obscene")
    assert verdict("ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ") == ("links", "url")


def test_word_lists_compile_and_each_entry_has_a_quick_look() -> None:
    for name in ("obscene.txt", "insults.txt"):
        whole_word_pattern(name)
        for line in lines(name):
            assert required_pieces(line), line
        assert not Prefilter(name).always
    assert required_pieces(r"(?:на|по)?ху[йя]\w*") == frozenset({"ху"})
    assert required_pieces(r"fck|wtf") == frozenset({"fck", "wtf"})
    assert required_pieces(r"\w+") is None
