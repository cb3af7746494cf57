import pytest

from domain.money import (
    MAX_AMOUNT_KOPECKS,
    NBSP,
    AmountError,
    ErrorReason,
    InputError,
    PercentError,
    format_amount,
    format_percent,
    parse_amount,
    parse_percent,
)


@pytest.mark.parametrize(
    ("text", "kopecks"),
    [
        ("1500", 150000),
        ("1 500", 150000),
        ("1 500,50", 150050),
        ("1500.5", 150050),
        ("1500,05", 150005),
        ("1500.5 ₽", 150050),
        ("₽1500", 150000),
        ("₽ 1500", 150000),
        ("1500₽", 150000),
        ("1500р", 150000),
        ("1500р.", 150000),
        ("1500 Р", 150000),
        ("1500 руб.", 150000),
        ("1500 руб", 150000),
        ("1500 рублей", 150000),
        ("2 рубля", 200),
        ("1500 rub", 150000),
        ("1500 RUB", 150000),
        ("RUB 1500", 150000),
        ("1500 rur", 150000),
        ("1500p", 150000),  # Latin p typed for Cyrillic р
        ("1 500 р.", 150000),
        ("1\u00a0500,50", 150050),
        ("1\u202f500,50", 150050),
        ("1\u2009500", 150000),
        ("  1500  ", 150000),
        ("+1500", 150000),
        ("1 000 000", 100000000),
        ("10 000 000", MAX_AMOUNT_KOPECKS),
        ("0.01", 1),
        (".5", 50),
        ("0,5", 50),
        ("1500.", 150000),
        ("01500", 150000),
        ("1500.00", 150000),
        # both separators: the last one is decimal
        ("1,500.50", 150050),
        ("1.500,50", 150050),
        ("1,234,567.89", 123456789),
        ("1.234.567,89", 123456789),
        ("1 500.000,5", 150000050),
        # one separator repeated: thousands
        ("1,500,000", 150000000),
        ("1.500.000", 150000000),
        # a single separator with exactly three digits after it: thousands
        ("1.500", 150000),
        ("1,500", 150000),
        ("12.500", 1250000),
        ("999.999", 99999900),
        ("1,500 ₽", 150000),
    ],
)
def test_parse_amount(text: str, kopecks: int) -> None:
    assert parse_amount(text) == kopecks


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", ErrorReason.EMPTY),
        ("   ", ErrorReason.EMPTY),
        ("\u00a0\n", ErrorReason.EMPTY),
        ("abc", ErrorReason.NOT_A_NUMBER),
        ("₽", ErrorReason.NOT_A_NUMBER),
        ("руб", ErrorReason.NOT_A_NUMBER),
        (".", ErrorReason.NOT_A_NUMBER),
        (",", ErrorReason.NOT_A_NUMBER),
        ("-", ErrorReason.NOT_A_NUMBER),
        ("1500 $", ErrorReason.NOT_A_NUMBER),
        ("1500 р 50 коп", ErrorReason.NOT_A_NUMBER),
        ("1e3", ErrorReason.NOT_A_NUMBER),
        ("1/2", ErrorReason.NOT_A_NUMBER),
        ("15 00", ErrorReason.NOT_A_NUMBER),  # bad grouping: a typo, not a number
        ("1 5", ErrorReason.NOT_A_NUMBER),
        ("1 500 , 50", ErrorReason.NOT_A_NUMBER),
        ("0 500", ErrorReason.NOT_A_NUMBER),
        ("1,50,000", ErrorReason.NOT_A_NUMBER),
        ("1.5.0", ErrorReason.NOT_A_NUMBER),
        ("1,500.000,50", ErrorReason.NOT_A_NUMBER),
        ("1.5,50", ErrorReason.NOT_A_NUMBER),
        ("1500..5", ErrorReason.NOT_A_NUMBER),
        ("١٥٠٠", ErrorReason.NOT_A_NUMBER),  # non-ASCII digits
        ("1500²", ErrorReason.NOT_A_NUMBER),
        ("--1500", ErrorReason.NOT_A_NUMBER),
        ("-1500", ErrorReason.NEGATIVE),
        ("−1500", ErrorReason.NEGATIVE),  # U+2212
        ("–0,01", ErrorReason.NEGATIVE),  # en dash
        ("- 1 500 ₽", ErrorReason.NEGATIVE),
        ("0", ErrorReason.ZERO),
        ("0,00", ErrorReason.ZERO),
        ("-0", ErrorReason.ZERO),
        ("0 ₽", ErrorReason.ZERO),
        ("10 000 000,01", ErrorReason.TOO_LARGE),
        ("99999999999", ErrorReason.TOO_LARGE),
        ("9" * 5000, ErrorReason.TOO_LARGE),
        ("1500.555", ErrorReason.TOO_PRECISE),
        ("1500,000", ErrorReason.TOO_PRECISE),  # four-digit head: not a thousands group
        ("0.500", ErrorReason.TOO_PRECISE),  # "0" cannot start a grouped number
        ("1 500,500", ErrorReason.TOO_PRECISE),  # already grouped by spaces
        ("1,500.505", ErrorReason.TOO_PRECISE),
        ("0.001", ErrorReason.TOO_PRECISE),
    ],
)
def test_parse_amount_errors(text: str, reason: ErrorReason) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.reason is reason
    assert caught.value.reason == reason.value  # a plain string code for the UI


def test_amount_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not_a_number"):
        parse_amount("x")
    assert issubclass(AmountError, InputError)


@pytest.mark.parametrize("text", ["0", "0,00", "-0", "0 ₽"])
def test_parse_amount_allow_zero(text: str) -> None:
    assert parse_amount(text, allow_zero=True) == 0


def test_parse_amount_allow_zero_still_refuses_negative() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("-1", allow_zero=True)
    assert caught.value.reason is ErrorReason.NEGATIVE


@pytest.mark.parametrize(
    ("text", "max_kopecks", "ok"),
    [("100", 10000, True), ("100,01", 10000, False), ("5000", 10**15, True)],
)
def test_parse_amount_max_kopecks(text: str, max_kopecks: int, ok: bool) -> None:
    if ok:
        assert parse_amount(text, max_kopecks=max_kopecks) > 0
    else:
        with pytest.raises(AmountError) as caught:
            parse_amount(text, max_kopecks=max_kopecks)
        assert caught.value.reason is ErrorReason.TOO_LARGE


def test_parse_amount_returns_int() -> None:
    assert type(parse_amount("1500.5")) is int


@pytest.mark.parametrize(
    ("kopecks", "ru", "en"),
    [
        (0, "0 ₽", "0 ₽"),
        (1, "0,01 ₽", "0.01 ₽"),
        (50, "0,50 ₽", "0.50 ₽"),
        (100, "1 ₽", "1 ₽"),
        (99999, "999,99 ₽", "999.99 ₽"),
        (150000, "1 500 ₽", "1,500 ₽"),
        (150050, "1 500,50 ₽", "1,500.50 ₽"),
        (150005, "1 500,05 ₽", "1,500.05 ₽"),
        (123456789, "1 234 567,89 ₽", "1,234,567.89 ₽"),
        (-150050, "-1 500,50 ₽", "-1,500.50 ₽"),
        (-1, "-0,01 ₽", "-0.01 ₽"),
    ],
)
def test_format_amount(kopecks: int, ru: str, en: str) -> None:
    assert format_amount(kopecks) == ru.replace(" ", NBSP)
    assert format_amount(kopecks, "ru") == ru.replace(" ", NBSP)
    assert format_amount(kopecks, "en") == en.replace(" ", NBSP)


def test_format_amount_language_fallback() -> None:
    assert format_amount(150050, "en-US") == format_amount(150050, "en")
    assert format_amount(150050, "uk") == format_amount(150050, "ru")


@pytest.mark.parametrize("value", [1.5, "100", True, None])
def test_format_amount_refuses_non_int(value: object) -> None:
    with pytest.raises(TypeError):
        format_amount(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_format_then_parse_round_trips(lang: str) -> None:
    samples = [1, 9, 10, 99, 100, 101, 999, 1000, 99999, 100000, 150050, 10**7 + 1, 10**9]
    samples += list(range(1, 100_000_000, 999_983))
    for kopecks in samples:
        assert parse_amount(format_amount(kopecks, lang)) == kopecks


@pytest.mark.parametrize(
    ("text", "bp"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12,5", 1250),
        ("12,5 %", 1250),
        ("12%", 1200),
        (" 12.25% ", 1225),
        ("0", 0),
        ("0%", 0),
        ("0.01", 1),
        (".5", 50),
        ("12.", 1200),
        ("100", 10000),
        ("100.00", 10000),
        ("+7", 700),
        ("-0", 0),
    ],
)
def test_parse_percent(text: str, bp: int) -> None:
    assert parse_percent(text) == bp


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", ErrorReason.EMPTY),
        ("  ", ErrorReason.EMPTY),
        ("%", ErrorReason.NOT_A_NUMBER),
        ("abc", ErrorReason.NOT_A_NUMBER),
        ("1 2", ErrorReason.NOT_A_NUMBER),
        ("12.5.1", ErrorReason.NOT_A_NUMBER),
        ("12%%", ErrorReason.NOT_A_NUMBER),
        ("-5", ErrorReason.NEGATIVE),
        ("−0,5%", ErrorReason.NEGATIVE),
        ("100.01", ErrorReason.TOO_LARGE),
        ("150%", ErrorReason.TOO_LARGE),
        ("9" * 5000, ErrorReason.TOO_LARGE),
        ("12.345", ErrorReason.TOO_PRECISE),
    ],
)
def test_parse_percent_errors(text: str, reason: ErrorReason) -> None:
    with pytest.raises(PercentError) as caught:
        parse_percent(text)
    assert caught.value.reason is reason


def test_parse_percent_options() -> None:
    with pytest.raises(PercentError) as caught:
        parse_percent("0", allow_zero=False)
    assert caught.value.reason is ErrorReason.ZERO
    assert parse_percent("50", max_bp=5000) == 5000
    with pytest.raises(PercentError) as caught:
        parse_percent("50.01", max_bp=5000)
    assert caught.value.reason is ErrorReason.TOO_LARGE


@pytest.mark.parametrize(
    ("bp", "ru", "en"),
    [
        (0, "0 %", "0%"),
        (1250, "12,5 %", "12.5%"),
        (1225, "12,25 %", "12.25%"),
        (10000, "100 %", "100%"),
    ],
)
def test_format_percent(bp: int, ru: str, en: str) -> None:
    assert format_percent(bp) == ru.replace(" ", NBSP)
    assert format_percent(bp, "en") == en
    assert parse_percent(format_percent(bp)) == bp
