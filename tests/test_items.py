"""Items as organizers paste them: one line per item, per-line errors, all or nothing."""

from __future__ import annotations

import pytest

from bot.texts import LANGUAGES, Texts
from domain import items
from domain.items import (
    ItemDraft,
    ItemError,
    check_room,
    items_editable,
    parse_item_line,
    parse_paste,
    parse_sizes,
    size_order,
)
from domain.lifecycle import PurchaseStatus


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Платье синее; 1290; 42,44,46", ItemDraft("Платье синее", 129_000, ["42", "44", "46"])),
        (
            "Платье синее; 1 290,50 ₽; 42, 44 ,46; PL-15",
            ItemDraft("Платье синее", 129_050, ["42", "44", "46"], "PL-15"),
        ),
        ("Шарф;590", ItemDraft("Шарф", 59_000)),
        ("Шарф; 590;", ItemDraft("Шарф", 59_000)),
        ("Шарф; 590; ; ART 7", ItemDraft("Шарф", 59_000, [], "ART 7")),
        (
            "  Носки   детские ; 150р ; S,M,m,L ",
            ItemDraft("Носки детские", 15_000, ["S", "M", "L"]),
        ),
        ("Кепка\t450\tred, blue\tK-1", ItemDraft("Кепка", 45_000, ["red", "blue"], "K-1")),
        # The weight of one piece, for a transport split by weight (domain/transport.py).
        ("Шарф; 590; ; ; 120 г", ItemDraft("Шарф", 59_000, [], None, 120)),
        ("Шуба; 9000; 48; SH-1; 2,5 кг", ItemDraft("Шуба", 900_000, ["48"], "SH-1", 2_500)),
        # "1.500" and "12,345" are thousands, as price lists write them (domain.money).
        ("Куртка; 1.500", ItemDraft("Куртка", 150_000)),
        ("Шуба; 12,345", ItemDraft("Шуба", 1_234_500)),
        # Up to the product's absurd-sum line of 10 000 000 ₽ inclusive.
        ("Станок; 10 000 000", ItemDraft("Станок", 1_000_000_000)),
    ],
)
def test_item_lines_people_paste(line: str, expected: ItemDraft) -> None:
    assert parse_item_line(line) == expected


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Платье синее", "price-missing"),
        ("Платье; ", "price-missing"),
        ("Платье; 0", "price-zero"),
        ("Платье; -5", "price-negative"),
        ("Платье; −1290", "price-negative"),
        ("Платье; 10000001", "price-too_large"),
        ("Платье; " + "9" * 5000, "price-too_large"),
        ("Платье; 12.345.6", "price-not_a_number"),
        ("Платье; 0.999", "price-too_precise"),
        ("Платье; 10,5555", "price-too_precise"),
        ("Платье; дорого", "price-not_a_number"),
        ("П; 100", "name"),
        ("; 100", "name"),
        ("Смотри https://shop.example; 100", "name"),
        ("/start; 100", "name"),
        ("Платье; 100; 42; A; 350 г; лишнее", "fields-too-many"),
        ("Платье; 100; 42; A; тяжёлое", "weight"),
        ("Платье; 100; 42; A; 0", "weight"),
        ("Платье; 100; " + "x" * 31, "size-bad"),
        ("Платье; 100; " + ",".join(str(n) for n in range(31)), "sizes-too-many"),
        ("Платье; 100; 42; " + "A" * 101, "article"),
        ("Платье\u0007; 100", "name"),
    ],
)
def test_bad_item_lines(line: str, code: str) -> None:
    with pytest.raises(ItemError) as exc:
        parse_item_line(line)
    assert exc.value.code == code


def test_a_paste_reports_every_wrong_line_by_its_number() -> None:
    text = "Платье; 1290; 42,44\n\nШарф; 0\nКуртка; abc\n   \nНоски; 150\nШапка"
    drafts, errors = parse_paste(text)
    assert [(e.line, e.error.code) for e in errors] == [
        (3, "price-zero"),
        (4, "price-not_a_number"),
        (7, "price-missing"),
    ]
    # The caller adds none of a paste with errors; the good lines are still parsed.
    assert [d.name for d in drafts] == ["Платье", "Носки"]


def test_a_clean_paste_with_windows_line_breaks() -> None:
    drafts, errors = parse_paste("Платье; 1290\r\nШарф; 590; ; S-1\r\n")
    assert not errors
    assert drafts == [ItemDraft("Платье", 129_000), ItemDraft("Шарф", 59_000, [], "S-1")]


def test_paste_limits() -> None:
    assert parse_paste("  \n \n")[1][0].error.code == "paste-empty"
    long = "\n".join(f"Товар {n}; 100" for n in range(items.MAX_LINES_PER_PASTE + 1))
    assert parse_paste(long)[1][0].error.code == "paste-too-long"
    full = parse_paste("A1; 1\nA2; 2", existing=items.MAX_ITEMS_PER_PURCHASE - 1)[1][0].error
    assert full.code == "purchase-full" and full.args_["left"] == 1
    check_room(items.MAX_ITEMS_PER_PURCHASE - 1, 1)
    with pytest.raises(ItemError):
        check_room(items.MAX_ITEMS_PER_PURCHASE, 1)


def test_sizes_keep_order_and_drop_repeats() -> None:
    assert parse_sizes("XS, S, s ,M,, L") == ["XS", "S", "M", "L"]
    assert parse_sizes("  ") == []
    assert size_order(["S", "M", "L"], "M") < size_order(["S", "M", "L"], "L")
    assert size_order(["S", "M"], "XXL") > size_order(["S", "M"], "M")


def test_items_change_only_before_the_stop() -> None:
    assert items_editable(PurchaseStatus.DRAFT) and items_editable("open")
    for status in ("stopped", "payment", "ordered", "arrived", "distribution", "closed"):
        assert not items_editable(status)
    assert not items_editable(PurchaseStatus.CANCELLED)


def test_every_item_error_has_a_message_in_every_language() -> None:
    texts = Texts()
    for lang in LANGUAGES:
        for code in items.ERROR_CODES:
            assert texts.has(f"purchase-admin-item-error-{code}", lang), (lang, code)
