"""The purchase form's rules: dates in Moscow time, fee and minimum, the one-line form."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.texts import LANGUAGES, Texts
from domain import purchase_form
from domain.periods import format_day
from domain.purchase_form import (
    FormError,
    clean_block,
    end_of_day,
    parse_day,
    parse_fee,
    parse_min_total,
    parse_payment_deadline,
    parse_quick_form,
    parse_stop,
)
from tests.support.environment import TEST_START as NOW  # 23 November 2026, 12:00 in Moscow


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01.12.2026", date(2026, 12, 1)),
        ("1.12.2026", date(2026, 12, 1)),
        ("1.12.26", date(2026, 12, 1)),
        ("1.12", date(2026, 12, 1)),
        ("1.12.", date(2026, 12, 1)),
        ("01/12/2026", date(2026, 12, 1)),
        ("2026-12-01", date(2026, 12, 1)),
        (" 23.11 ", date(2026, 11, 23)),  # today: the day is not over yet
        ("1.01", date(2027, 1, 1)),  # no year: the next such day
        ("22.11", date(2027, 11, 22)),
        ("29.02", date(2028, 2, 29)),
        ("０１.１２.２０２６", date(2026, 12, 1)),  # full-width digits from some keyboards
    ],
)
def test_days_people_type(typed: str, expected: date) -> None:
    assert parse_day(typed, NOW) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("завтра", "date-format"),
        ("1 декабря", "date-format"),
        ("", "date-format"),
        ("12.2026", "date-format"),
        ("31.02.2027", "date-invalid"),
        ("32.01", "date-invalid"),
        ("1.13", "date-invalid"),
        ("2027-02-30", "date-invalid"),
    ],
)
def test_bad_days(typed: str, code: str) -> None:
    with pytest.raises(FormError) as exc:
        parse_day(typed, NOW)
    assert exc.value.code == code


def test_a_date_means_the_end_of_that_day_in_moscow() -> None:
    stop = parse_stop("01.12.2026", NOW)
    assert stop == datetime(2026, 12, 1, 20, 59, 59, tzinfo=UTC)  # 23:59:59 MSK (UTC+3)
    assert end_of_day(date(2026, 12, 1)) == stop
    assert format_day(stop) == "01.12.2026"
    assert format_day(stop, "en") == "1 Dec 2026"
    # Late evening in Moscow is already the next day in Moscow, the same day in UTC.
    late = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # 01:30 on 24 November in Moscow
    assert parse_stop("24.11", late) == end_of_day(date(2026, 11, 24))
    with pytest.raises(FormError) as exc:
        parse_stop("23.11.2026", late)
    assert exc.value.code == "date-past" and exc.value.args_["today"] == end_of_day(
        date(2026, 11, 24)
    )


def test_stop_and_payment_dates() -> None:
    for typed, code in [("22.11.2026", "date-past"), ("01.01.2029", "date-too-far")]:
        with pytest.raises(FormError) as exc:
            parse_stop(typed, NOW)
        assert exc.value.code == code
    stop = parse_stop("01.12.2026", NOW)
    assert parse_payment_deadline("01.12.2026", NOW, stop) == stop  # the same day is fine
    assert parse_payment_deadline("5.12", NOW, stop) == end_of_day(date(2026, 12, 5))
    with pytest.raises(FormError) as exc:
        parse_payment_deadline("30.11.2026", NOW, stop)
    assert exc.value.code == "pay-before-stop" and exc.value.args_["stop"] == stop


@pytest.mark.parametrize(
    ("typed", "bp"), [("15", 1500), ("15 %", 1500), ("12,5%", 1250), ("0", 0), ("50", 5000)]
)
def test_fees(typed: str, bp: int) -> None:
    assert parse_fee(typed) == bp


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("51", "fee-too_large"),
        ("150", "fee-too_large"),
        ("-5", "fee-negative"),
        ("много", "fee-not_a_number"),
        ("12,555", "fee-too_precise"),
        ("", "fee-empty"),
    ],
)
def test_bad_fees(typed: str, code: str) -> None:
    with pytest.raises(FormError) as exc:
        parse_fee(typed)
    assert exc.value.code == code


def test_minimum_total() -> None:
    assert parse_min_total("30 000") == 3_000_000
    assert parse_min_total("10 000 000") == 1_000_000_000
    for typed, code in [("0", "min-zero"), ("-1", "min-negative"), ("10000001", "min-too_large")]:
        with pytest.raises(FormError) as exc:
            parse_min_total(typed)
        assert exc.value.code == code


def test_the_one_line_form() -> None:
    draft = parse_quick_form(
        "Осень Orby; Orby; Одежда; сбор 15%; стоп 01.12.2026; оплата 05.12.2026; мин 30000", NOW
    )
    assert (draft.title, draft.supplier, draft.category, draft.fee_bp) == (
        "Осень Orby",
        "Orby",
        "Одежда",
        1500,
    )
    assert draft.stop_at == end_of_day(date(2026, 12, 1))
    assert draft.payment_due_at == end_of_day(date(2026, 12, 5))
    assert draft.min_total_kop == 3_000_000
    english = parse_quick_form("Autumn; -; -; pay 5.12; fee 10; stop: 1.12;", NOW)
    assert (english.supplier, english.category, english.fee_bp) == ("", "", 1000)
    assert english.min_total_kop is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Осень; Orby; Одежда", "form-parts"),
        ("Осень", "form-parts"),
        ("Осень; Orby; Одежда; скидка 5; стоп 1.12; оплата 5.12; сбор 10", "form-unknown"),
        ("Осень; Orby; Одежда; сбор; стоп 1.12; оплата 5.12", "form-unknown"),
        ("Осень; Orby; Одежда; сбор 10; стоп 1.12", "form-missing"),
        ("Осень; Orby; Одежда; сбор 10; сбор 12; стоп 1.12; оплата 5.12", "form-twice"),
        ("О; Orby; Одежда; сбор 10; стоп 1.12; оплата 5.12", "title"),
        ("Осень; Orby; Одежда; сбор 70; стоп 1.12; оплата 5.12", "fee-too_large"),
        ("Осень; Orby; Одежда; сбор 10; стоп 1.11.2026; оплата 5.12", "date-past"),
        ("Осень; Orby; Одежда; сбор 10; стоп 5.12; оплата 1.12", "pay-before-stop"),
        ("Осень; Orby; Одежда; сбор 10; стоп 5.12; оплата 7.12; мин 0", "min-zero"),
    ],
)
def test_bad_one_line_forms(text: str, code: str) -> None:
    with pytest.raises(FormError) as exc:
        parse_quick_form(text, NOW)
    assert exc.value.code == code


def test_multi_line_text_blocks() -> None:
    assert clean_block("  Строка 1\r\n\r\n\r\n\r\nСтрока 2\t ", max_length=100) == (
        "Строка 1\n\nСтрока 2"
    )
    assert clean_block("   ", max_length=100) is None
    assert clean_block("x" * 101, max_length=100) is None
    assert clean_block("скрыто\u202eтекст", max_length=100) is None


def test_every_form_error_has_a_message_in_every_language() -> None:
    texts = Texts()
    for lang in LANGUAGES:
        for code in purchase_form.ERROR_CODES:
            assert texts.has(f"purchase-admin-error-{code}", lang), (lang, code)
