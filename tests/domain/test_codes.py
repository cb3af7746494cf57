import math
import re

import pytest

from domain.codes import (
    ALPHABET,
    PROMO_RANDOM_LENGTH,
    is_link_token,
    new_link_token,
    new_promo_code,
    normalize_code,
)

TELEGRAM_START = re.compile(r"[A-Za-z0-9_-]{1,64}")


def test_promo_code_shape_and_entropy() -> None:
    code = new_promo_code()
    assert len(code) == PROMO_RANDOM_LENGTH
    assert set(code) <= set(ALPHABET)
    assert code == code.upper()
    assert PROMO_RANDOM_LENGTH * math.log2(len(ALPHABET)) >= 40


def test_promo_codes_are_random() -> None:
    codes = {new_promo_code() for _ in range(2000)}
    assert len(codes) == 2000
    used = {ch for code in codes for ch in code}
    assert used == set(ALPHABET)


@pytest.mark.parametrize(
    ("prefix", "head"),
    [("", ""), ("LETO", "LETO"), ("leto", "LETO"), ("sale-25", "SALE25"), ("кот", "KOT")],
)
def test_promo_code_prefix(prefix: str, head: str) -> None:
    code = new_promo_code(prefix)
    assert code.startswith(head)
    assert len(code) == len(head) + PROMO_RANDOM_LENGTH
    assert set(code[len(head) :]) <= set(ALPHABET)


def test_promo_code_is_already_normal() -> None:
    for prefix in ("", "blog", "Sale 2025"):
        code = new_promo_code(prefix)
        assert normalize_code(code) == code


@pytest.mark.parametrize("prefix", ["ЛЕТО", "a!", "x" * 17, "😀"])
def test_promo_code_bad_prefix(prefix: str) -> None:
    with pytest.raises(ValueError):
        new_promo_code(prefix)


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("leto7kxm", "LETO7KXM"),
        ("  LETO 7KXM  ", "LETO7KXM"),
        ("LETO-7KXM", "LETO7KXM"),
        ("leto_7kxm", "LETO7KXM"),
        ("LETO–7KXM", "LETO7KXM"),  # en dash
        ("LETO\u00a07KXM", "LETO7KXM"),
        ("ＬＥＴＯ７ＫＸＭ", "LETO7KXM"),  # full-width
        ("кот", "KOT"),  # Cyrillic look-alikes
        ("МАРТ", "MAPT"),
        ("ЛЕТО", "ЛETO"),  # letters without a Latin twin stay, so the code just won't match
        ("", ""),
        ("a/b", "A/B"),
    ],
)
def test_normalize_code(typed: str, normal: str) -> None:
    assert normalize_code(typed) == normal
    assert normalize_code(normal) == normal  # idempotent


@pytest.mark.parametrize(("nbytes", "length"), [(9, 12), (8, 11), (12, 16), (48, 64)])
def test_link_token(nbytes: int, length: int) -> None:
    token = new_link_token(nbytes)
    assert len(token) == length
    assert TELEGRAM_START.fullmatch(token)
    assert is_link_token(token)


def test_link_token_default_and_randomness() -> None:
    tokens = {new_link_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert all(len(t) == 12 and TELEGRAM_START.fullmatch(t) for t in tokens)


@pytest.mark.parametrize("nbytes", [0, 7, 49, 64])
def test_link_token_bad_size(nbytes: int) -> None:
    with pytest.raises(ValueError):
        new_link_token(nbytes)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("abcDEF123_-", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("", False),
        ("abc def", False),
        ("abc+def", False),
        ("abc=", False),
        ("токен", False),
        ("abc\n", False),
    ],
)
def test_is_link_token(text: str, ok: bool) -> None:
    assert is_link_token(text) is ok
