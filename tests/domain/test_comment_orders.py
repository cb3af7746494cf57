"""Comments under purchase posts that read like orders, and the many that do not."""

from __future__ import annotations

import pytest

from domain.cart import MAX_QUANTITY
from domain.comment_orders import (
    MAX_COMMENT_LENGTH,
    ItemSpec,
    OrderDraft,
    parse_order_comment,
)

DRESS = ItemSpec(1, "Платье синее", ("42", "44", "46"), "PL-1", 129_000)
SCARF = ItemSpec(2, "Шарф", (), None, 59_000)
AUTUMN = [DRESS, SCARF]  # the purchase of the journey tests

RED_DRESS = ItemSpec(3, "Платье красное", ("42", "44", "46", "48"), "PL-2", 139_000)
DRESSES = [DRESS, RED_DRESS]

TEE = ItemSpec(5, "Футболка", ("белая", "чёрная", "синяя"), "ART-15", 79_000)
TEES = [TEE, ItemSpec(6, "Платье синее", ("42", "44"))]

COAT = ItemSpec(9, "Пальто", ("S", "M", "L", "XL", "2XL"))
SOCKS = ItemSpec(10, "Носки", ())
KIDS = ItemSpec(11, "Комбинезон детский", ("86", "92", "98", "104"))
ONE_SIZE = ItemSpec(12, "Сумка", ("единый",))


def draft(item: ItemSpec, size: str, quantity: int) -> OrderDraft:
    return OrderDraft(item.id, size, quantity)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # quantity and size, the way people write them
        ("2 шт, размер 44", draft(DRESS, "44", 2)),
        ("2шт 44", draft(DRESS, "44", 2)),
        ("2 шт. 44 р-р", draft(DRESS, "44", 2)),
        ("размер 44, 2 шт", draft(DRESS, "44", 2)),
        ("размер: 42", draft(DRESS, "42", 1)),
        ("р. 44", draft(DRESS, "44", 1)),
        ("р44", draft(DRESS, "44", 1)),
        ("р-р 46", draft(DRESS, "46", 1)),
        ("46 размер", draft(DRESS, "46", 1)),
        ("в 46 размере 2 штуки", draft(DRESS, "46", 2)),
        ("46р", draft(DRESS, "46", 1)),
        ("x2 44", draft(DRESS, "44", 2)),
        ("х2 44", draft(DRESS, "44", 2)),  # a Cyrillic "х"
        ("44 ×3", draft(DRESS, "44", 3)),
        ("44 2х", draft(DRESS, "44", 2)),
        ("44, кол-во 2", draft(DRESS, "44", 2)),
        ("46", draft(DRESS, "46", 1)),
        ("44 2", draft(DRESS, "44", 2)),
        ("2 44", draft(DRESS, "44", 2)),
        # the item by words of its name, in any form
        ("хочу синее 46", draft(DRESS, "46", 1)),
        ("Хочу синее 46!", draft(DRESS, "46", 1)),
        ("Мне две синих, р. 46", draft(DRESS, "46", 2)),
        ("Мне 2 синих 44", draft(DRESS, "44", 2)),
        ("Возьму платье синее 42 размер, 1 шт", draft(DRESS, "42", 1)),
        ("Платье 46 размер, 1 шт", draft(DRESS, "46", 1)),
        ("Добрый день! Возьму 2 шт 44", draft(DRESS, "44", 2)),
        ("Здравствуйте, запишите меня: 44 размер, 2 штуки", draft(DRESS, "44", 2)),
        ("беру 44 пожалуйста", draft(DRESS, "44", 1)),
        ("Возьму пару, 44", draft(DRESS, "44", 2)),
        ("две штуки 44", draft(DRESS, "44", 2)),
        ("+ 44", draft(DRESS, "44", 1)),
        ("+1 44", draft(DRESS, "44", 1)),
        ("и мне 44", draft(DRESS, "44", 1)),
        ("мне тоже 46", draft(DRESS, "46", 1)),
        ("46, спасибо!", draft(DRESS, "46", 1)),
        ("Орг, добавьте 44 2шт", draft(DRESS, "44", 2)),
        ("Бронь 44 2шт", draft(DRESS, "44", 2)),
        ("Запишите 2 шт синего 44", draft(DRESS, "44", 2)),
        ("Хочу 44 для дочки", draft(DRESS, "44", 1)),
        ("Шарф 3 шт", draft(SCARF, "", 3)),
        ("шарфик 2шт", draft(SCARF, "", 2)),
        ("хочу шарф", draft(SCARF, "", 1)),
        ("спасибо, возьму шарф", draft(SCARF, "", 1)),
        # by article, card number and price
        ("PL-1 44 2шт", draft(DRESS, "44", 2)),
        ("pl1 44", draft(DRESS, "44", 1)),
        ("арт. PL1 р44", draft(DRESS, "44", 1)),
        ("артикул PL-1, размер 46", draft(DRESS, "46", 1)),
        ("№2 2 шт", draft(SCARF, "", 2)),
        ("#1 46", draft(DRESS, "46", 1)),
        ("за 1290 44", draft(DRESS, "44", 1)),
        ("590 x2", draft(SCARF, "", 2)),
        # English
        ("I'll take 2, size 44", draft(DRESS, "44", 2)),
        ("2 pcs size 44", draft(DRESS, "44", 2)),
        ("want the blue dress in 46", draft(DRESS, "46", 1)),  # the only item in 46
        ("scarf x2 please", None),
    ],
)
def test_orders_in_russian_and_english(text: str, expected: OrderDraft | None) -> None:
    assert parse_order_comment(text, AUTUMN) == expected


@pytest.mark.parametrize(
    "text",
    [
        # questions
        "а когда стоп?",
        "а когда стоп",
        "Когда будет раздача",
        "сколько стоит доставка",
        "46 есть?",
        "а 44 еще есть",
        "Девочки, 44 будет?",
        "подскажите, 44 на какой рост",
        "будет ли 48",
        "Размер 44 маломерит?",
        "when is the stop",
        "is there 44",
        "how much is 2 pcs",
        "Can I get 2 size 44",
        # thanks and chat
        "спасибо",
        "Спасибо большое!",
        "Спасибо, всё пришло, платье супер",
        "thanks!",
        "👍",
        "",
        "   ",
        "красивое",
        "Шарф",
        "Платье синее",
        "Всем привет",
        "у меня 46 размер и он маломерит",
        "мне 44 маловато оказалось, отдам кому-нибудь",
        "Оплатила",
        "оплатила 2 шт 44",
        "44 для дочки",  # a size and an unknown word, no word of intent
        "42 маломерит",
        "Платье 44, шарф 1 шт",  # two items: two lines, not one draft
        # refusals
        "не надо 44",
        "нет 46",
        "отмена, 2 шт 44",
        "передумала",
        "don't need 44",
        # ambiguous or impossible
        "44 и 46",
        "44, 46",
        "44-46",
        "2 шт 44 и 3 шт 46",
        "2 шт, 3 шт, 44",
        "размер 50",
        "р. 40",
        "2 шт",  # which item? the dress needs a size too
        "хочу",
        "+",
        "до 15.12 44",
        "44 к 25 числу",
        "89991234567 44",
        "44 150 шт",
        "44 31",  # a stray number: a date? a second size?
        "№5 44",  # the card has two items
        "арт. ZZ-9 44",
        "шарф 44",  # the scarf has no sizes
        "шарф р-р 42",
    ],
)
def test_not_orders(text: str) -> None:
    assert parse_order_comment(text, AUTUMN) is None


def test_long_comments_are_stories() -> None:
    story = "хочу синее 46 " + "очень " * (MAX_COMMENT_LENGTH // 6)
    assert len(story) > MAX_COMMENT_LENGTH
    assert parse_order_comment(story, AUTUMN) is None


def test_quantities_within_the_cart_limit() -> None:
    assert parse_order_comment(f"44 {MAX_QUANTITY} шт", AUTUMN) == draft(DRESS, "44", MAX_QUANTITY)
    assert parse_order_comment(f"44 {MAX_QUANTITY + 1} шт", AUTUMN) is None
    assert parse_order_comment("44 0 шт", AUTUMN) is None
    assert parse_order_comment("44 2 шт x2", AUTUMN) == draft(DRESS, "44", 2)  # said twice
    assert parse_order_comment("44 2 шт x3", AUTUMN) is None


def test_two_similar_items_by_name_size_and_article() -> None:
    assert parse_order_comment("хочу синее 46", DRESSES) == draft(DRESS, "46", 1)
    assert parse_order_comment("красное 48 2 шт", DRESSES) == draft(RED_DRESS, "48", 2)
    assert parse_order_comment("красную 44", DRESSES) == draft(RED_DRESS, "44", 1)
    # Only the red one comes in 48.
    assert parse_order_comment("48", DRESSES) == draft(RED_DRESS, "48", 1)
    assert parse_order_comment("2 шт, размер 48", DRESSES) == draft(RED_DRESS, "48", 2)
    # Both come in 44 and the comment does not say which.
    assert parse_order_comment("44", DRESSES) is None
    assert parse_order_comment("платье 44", DRESSES) is None
    assert parse_order_comment("PL-2 44", DRESSES) == draft(RED_DRESS, "44", 1)
    assert parse_order_comment("за 1390 р. 46", DRESSES) == draft(RED_DRESS, "46", 1)
    # A name and an article that disagree name no item.
    assert parse_order_comment("синее PL-2 44", DRESSES) is None


def test_variants_in_words() -> None:
    assert parse_order_comment("черную футболку", TEES) == draft(TEE, "чёрная", 1)
    assert parse_order_comment("Чёрная, 2 шт", TEES) == draft(TEE, "чёрная", 2)
    assert parse_order_comment("футболку синюю 2 шт", TEES) == draft(TEE, "синяя", 2)
    assert parse_order_comment("белые 3 шт", TEES) == draft(TEE, "белая", 3)
    assert parse_order_comment("ART-15 белая", TEES) == draft(TEE, "белая", 1)
    assert parse_order_comment("арт 15 белая", TEES) == draft(TEE, "белая", 1)
    # "синее" names the dress; its size decides.
    assert parse_order_comment("платье синее 44", TEES) == OrderDraft(6, "44", 1)
    assert parse_order_comment("футболку белую и черную", TEES) is None
    assert parse_order_comment("футболку красную", TEES) is None
    assert parse_order_comment("футболка 2 шт", TEES) is None  # which colour?


def test_letter_sizes_typed_any_way() -> None:
    coats = [COAT]
    assert parse_order_comment("M", coats) == draft(COAT, "M", 1)
    assert parse_order_comment("размер м", coats) == draft(COAT, "M", 1)  # a Cyrillic "м"
    assert parse_order_comment("xl 2шт", coats) == draft(COAT, "XL", 2)
    assert parse_order_comment("2xl", coats) == draft(COAT, "2XL", 1)
    assert parse_order_comment("2 xl", coats) == draft(COAT, "XL", 2)
    assert parse_order_comment("I'll take M", coats) == draft(COAT, "M", 1)
    assert parse_order_comment("size L, 2 pcs", coats) == draft(COAT, "L", 2)
    assert parse_order_comment("пальто в размере xs", coats) is None
    assert parse_order_comment("s или m", coats) is None


def test_one_item_purchases() -> None:
    assert parse_order_comment("2 шт", [SOCKS]) == draft(SOCKS, "", 2)
    assert parse_order_comment("+", [SOCKS]) == draft(SOCKS, "", 1)
    assert parse_order_comment("Возьму 2 пары", [SOCKS]) == draft(SOCKS, "", 2)
    assert parse_order_comment("Возьму 2 пары, размер 42", [SOCKS]) is None
    assert parse_order_comment("рост 92, 1 шт", [KIDS]) == draft(KIDS, "92", 1)
    assert parse_order_comment("на рост 104", [KIDS]) == draft(KIDS, "104", 1)
    assert parse_order_comment("хочу", [ONE_SIZE]) == draft(ONE_SIZE, "единый", 1)
    assert parse_order_comment("спасибо", [SOCKS]) is None
    assert parse_order_comment("когда стоп", [SOCKS]) is None
    assert parse_order_comment("2 шт", []) is None


def test_comments_under_an_item_photo() -> None:
    # Under the dress's photo a bare size is the dress, even where two items fit.
    assert parse_order_comment("44", DRESSES, item_id=DRESS.id) == draft(DRESS, "44", 1)
    assert parse_order_comment("2 шт", AUTUMN, item_id=SCARF.id) == draft(SCARF, "", 2)
    # A comment that names another item gets that item.
    assert parse_order_comment("красное 44", DRESSES, item_id=DRESS.id) == draft(RED_DRESS, "44", 1)
    # The photo's item is no longer sold: no guessing another one.
    assert parse_order_comment("46", [RED_DRESS], item_id=DRESS.id) is None
    assert parse_order_comment("48", DRESSES, item_id=DRESS.id) is None


SHOES = ItemSpec(13, "Туфли", ("36", "36.5", "37", "37.5"))


@pytest.mark.parametrize(
    ("text", "items", "expected"),
    [
        # half sizes as people type them: the size, never "36 times 5"
        ("36,5", [SHOES], draft(SHOES, "36.5", 1)),
        ("хочу 37,5", [SHOES], draft(SHOES, "37.5", 1)),
        ("38,5", [SHOES], None),  # no such size: not 38 × 5
        ("36,5", AUTUMN, None),
        ("44-46", AUTUMN, None),
        # one size said twice is two pieces or a slip: no guess
        ("44 44", AUTUMN, None),
        ("мне 44 и подруге 44", AUTUMN, None),
        ("44, и ещё 44", AUTUMN, None),
        # numbers that are dates, times or something else's count
        ("44 до 12", AUTUMN, None),
        ("44 к 12", AUTUMN, None),
        ("44 12.12", AUTUMN, None),
        # a bare number is no order of its own, even on a one-item purchase
        ("спасибо, 5", [SOCKS], None),
        ("Маша 3", [SOCKS], None),
        ("хочу 3", [SOCKS], draft(SOCKS, "", 3)),
        ("3 шт", [SOCKS], draft(SOCKS, "", 3)),
    ],
)
def test_numbers_that_must_not_become_quantities(
    text: str, items: list[ItemSpec], expected: OrderDraft | None
) -> None:
    assert parse_order_comment(text, items) == expected
