import itertools
import random
import re

import pytest

from domain.codes import ALPHABET
from domain.order_numbers import (
    ORDER_NUMBER_RE,
    SEQ_LIMIT,
    format_order_number,
    parse_order_number,
)

SHAPE = re.compile(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}")
EDGES = [1, 2, 3, 22, 23, 24, 529, 1000, 2**16, 2**20, 2**29, SEQ_LIMIT - 2, SEQ_LIMIT - 1]


def test_alphabet_has_no_ambiguous_symbols_or_vowels() -> None:
    assert len(ALPHABET) == 23 == len(set(ALPHABET))
    assert not set(ALPHABET) & set("01OIL" + "AEIOUY" + "BSZQ")


@pytest.mark.parametrize("seq", EDGES)
def test_round_trip_edges(seq: int) -> None:
    number = format_order_number(seq)
    assert SHAPE.fullmatch(number), number
    assert parse_order_number(number) == seq


def test_round_trip_and_uniqueness_on_a_range_and_samples() -> None:
    rng = random.Random(20240601)
    seqs = list(range(1, 20_001)) + rng.sample(range(1, SEQ_LIMIT), 20_000)
    numbers = {}
    for seq in seqs:
        number = format_order_number(seq)
        assert parse_order_number(number) == seq
        assert numbers.setdefault(number, seq) == seq, "two ids share a number"


def test_format_is_stable() -> None:
    # Numbers are printed on receipts and in chats: the mapping must never change.
    assert [format_order_number(s) for s in (1, 2, 3, 1000, SEQ_LIMIT - 1)] == [
        "5RRT-XT3D",
        "3JGF-7243",
        "6HMF-WJ92",
        "32GG-DDTG",
        "7MVX-PFJ7",
    ]


def test_consecutive_ids_do_not_look_consecutive() -> None:
    numbers = [format_order_number(seq).replace("-", "") for seq in range(1, 5_001)]
    pairs = list(itertools.pairwise(numbers))
    differing = [sum(a != b for a, b in zip(x, y, strict=True)) for x, y in pairs]
    assert sum(differing) / len(differing) > 6.5  # of 8 symbols
    assert min(differing) >= 2
    # No shared 4-symbol head among neighbours, and heads spread over the whole range.
    assert all(x[:4] != y[:4] for x, y in pairs)
    assert len({n[:3] for n in numbers[:200]}) > 190
    assert sorted(numbers[:100]) != numbers[:100]


@pytest.mark.parametrize("seq", [0, -1, SEQ_LIMIT, 2**40, True, 1.0, "5"])
def test_format_refuses_out_of_range(seq: object) -> None:
    with pytest.raises(ValueError):
        format_order_number(seq)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "typed",
    [
        "5RRT-XT3D",
        "5rrt-xt3d",
        "5RRTXT3D",
        " 5RRT XT3D ",
        "5 R R T - X T 3 D",
        "5RRT—XT3D",  # em dash from autocorrect
        "5RRT_XT3D",
        "#5RRT-XT3D",
        "№ 5RRT-XT3D",
        "№5rrt-xt3d",
        "ＳＲＲＴ-ＸＴ３Ｄ",  # full-width, and S for 5
        "SRRT-XT3D",  # S for 5
        "5RRт-хт3d",  # Cyrillic т, х typed without switching layout
        "5RRT-XT3D\n",
    ],
)
def test_parse_is_tolerant(typed: str) -> None:
    assert parse_order_number(typed) == 1


def test_parse_confusions() -> None:
    assert parse_order_number("3JGF-7243") == 2
    assert parse_order_number("3JGF-7z43") == 2  # z for 2
    assert parse_order_number("3рdj-f27м") == 7  # Cyrillic р, м
    assert parse_order_number("3JGF-72Ч3") is None  # no mapping for arbitrary Cyrillic
    assert parse_order_number("32GG-DDTG") == 1000
    assert parse_order_number("3ZGG-DDTG") == 1000
    assert parse_order_number("32GG-DDTG".replace("3", "З")) == 1000  # Cyrillic Ze


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "5RRT-XT3",  # too short
        "5RRT-XT3DD",  # too long
        "5RRT-XT3A",  # a symbol outside the alphabet
        "5RR0-XT3D",
        "5RRT-XT3?",
        "1234",
        "order 5RRT-XT3D",
    ],
)
def test_parse_rejects_malformed(typed: str) -> None:
    assert parse_order_number(typed) is None


def test_check_symbol_catches_every_single_substitution_and_swap() -> None:
    rng = random.Random(7)
    for seq in [1, 1000, *rng.sample(range(1, SEQ_LIMIT), 200)]:
        symbols = format_order_number(seq).replace("-", "")
        for i in range(len(symbols)):
            for other in ALPHABET:
                if other != symbols[i]:
                    typo = symbols[:i] + other + symbols[i + 1 :]
                    assert parse_order_number(typo) is None, (seq, typo)
            for j in range(i + 1, len(symbols)):
                if symbols[i] != symbols[j]:
                    swapped = list(symbols)
                    swapped[i], swapped[j] = swapped[j], swapped[i]
                    assert parse_order_number("".join(swapped)) is None, (seq, swapped)


def test_random_strings_are_rarely_valid() -> None:
    rng = random.Random(1)
    tries = 20_000
    valid = sum(
        parse_order_number("".join(rng.choice(ALPHABET) for _ in range(8))) is not None
        for _ in range(tries)
    )
    # 1/23 pass the check symbol, and about a third of those decode below 2**30.
    assert valid < tries * 0.03


def test_pattern_finds_numbers_in_text() -> None:
    text = "Заказ 5RRT-XT3D и 32ggddtg оплачен, 1500 ₽, телефон 89161234567"
    assert [m.group() for m in ORDER_NUMBER_RE.finditer(text)] == ["5RRT-XT3D", "32ggddtg"]
    assert ORDER_NUMBER_RE.fullmatch(format_order_number(123456))
