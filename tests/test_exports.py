"""Export files built from plain rows, read back cell by cell (csv module, openpyxl)."""

from __future__ import annotations

import csv
import io

import openpyxl

from bot.domain.exports import (
    DistributionLine,
    DistributionOrder,
    Money,
    SupplierLine,
    distribution_table,
    sheet_title,
    supplier_table,
    to_csv,
    to_xlsx,
)

SUPPLIER_HEADERS = ["Товар", "Артикул", "Размер", "Количество", "Цена", "Сумма"]
DISTRIBUTION_HEADERS = [
    "Пункт выдачи",
    "Покупатель",
    "Заказ",
    "Товар",
    "Артикул",
    "Размер",
    "Количество",
    "Цена",
    "Сумма",
    "К оплате",
    "Оплачено",
    "Остаток",
]
DRESS_SIZES = ("42", "44", "46")


def dress(size: str, quantity: int, price: int = 129_000) -> SupplierLine:
    return SupplierLine(1, 1, "Платье синее", "PL-1", DRESS_SIZES, size, price, quantity)


def scarf(quantity: int) -> SupplierLine:
    return SupplierLine(2, 2, "Шарф", None, (), "", 59_000, quantity)


def supplier() -> list[list[object]]:
    lines = [scarf(3), dress("46", 1), dress("42", 2), dress("42", 1), dress("44", 1, 139_000)]
    return supplier_table(
        lines, title="Поставщику", headers=SUPPLIER_HEADERS, total_label="Итого"
    ).rows


def test_supplier_rows_by_item_order_and_size_order_with_exact_sums() -> None:
    assert supplier() == [
        ["Платье синее", "PL-1", "42", 3, Money(129_000), Money(387_000)],
        ["Платье синее", "PL-1", "44", 1, Money(139_000), Money(139_000)],
        ["Платье синее", "PL-1", "46", 1, Money(129_000), Money(129_000)],
        ["Шарф", "", "", 3, Money(59_000), Money(177_000)],
        ["Итого", "", "", 8, None, Money(832_000)],
    ]


def orders() -> list[DistributionOrder]:
    line = DistributionLine
    return [
        DistributionOrder(
            None, "Яна", "DDDD-DDDD", 59_000, 0, (line("Шарф", None, "", 1, 59_000),)
        ),
        DistributionOrder(
            "Центр, ул. Ленина, 1",
            "борис",
            "BBBB-BBBB",
            207_000,
            100_000,
            (line("Платье синее", "PL-1", "42", 1, 129_000), line("Шарф", None, "", 1, 59_000)),
        ),
        DistributionOrder(
            "Центр, ул. Ленина, 1",
            "Анна",
            "AAAA-AAAA",
            148_350,
            148_350,
            (line("Платье синее", "PL-1", "44", 1, 129_000),),
        ),
        DistributionOrder("Север, пр. Мира, 10", '=HYPERLINK("x")', "CCCC-CCCC", 0, 0, ()),
    ]


def distribution() -> list[list[object]]:
    return distribution_table(
        orders(),
        title="Раздача",
        headers=DISTRIBUTION_HEADERS,
        no_pickup_label="пункт не выбран",
        total_label="Итого",
    ).rows


def test_distribution_by_point_then_buyer_with_sums_on_the_first_line() -> None:
    rows = distribution()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("Север, пр. Мира, 10", '=HYPERLINK("x")', "CCCC-CCCC"),
        ("Центр, ул. Ленина, 1", "Анна", "AAAA-AAAA"),
        ("Центр, ул. Ленина, 1", "борис", "BBBB-BBBB"),
        ("Центр, ул. Ленина, 1", "борис", "BBBB-BBBB"),
        ("пункт не выбран", "Яна", "DDDD-DDDD"),
        ("Итого", "", ""),
    ]
    # An order without lines still shows up, with its sums.
    assert rows[0][3:] == ["", "", "", None, None, None, Money(0), Money(0), Money(0)]
    assert rows[2][3:] == [
        "Платье синее",
        "PL-1",
        "42",
        1,
        Money(129_000),
        Money(129_000),
        Money(207_000),
        Money(100_000),
        Money(107_000),
    ]
    # The second line of an order leaves the order sums empty: column sums stay true.
    assert rows[3][3:] == ["Шарф", "", "", 1, Money(59_000), Money(59_000), None, None, None]
    assert rows[-1][9:] == [Money(414_350), Money(248_350), Money(166_000)]


def read_csv(content: bytes, delimiter: str) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads Cyrillic only with the BOM
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_csv_in_russian_and_english_dialects() -> None:
    table = supplier_table(
        [dress("42", 2, 129_050)], title="x", headers=SUPPLIER_HEADERS, total_label="Итого"
    )
    ru = read_csv(to_csv(table, "ru"), ";")
    assert ru == [
        SUPPLIER_HEADERS,
        ["Платье синее", "PL-1", "42", "2", "1290,50", "2581,00"],
        ["Итого", "", "", "2", "", "2581,00"],
    ]
    en = read_csv(to_csv(table, "en"), ",")
    assert en[1] == ["Платье синее", "PL-1", "42", "2", "1290.50", "2581.00"]


def test_csv_distribution_neutralizes_formulas() -> None:
    table = distribution_table(
        orders(), title="x", headers=DISTRIBUTION_HEADERS, no_pickup_label="-", total_label="T"
    )
    rows = read_csv(to_csv(table, "ru"), ";")
    assert rows[0] == DISTRIBUTION_HEADERS
    assert rows[1][1] == '\'=HYPERLINK("x")'
    assert rows[3] == [
        "Центр, ул. Ленина, 1",
        "борис",
        "BBBB-BBBB",
        "Платье синее",
        "PL-1",
        "42",
        "1",
        "1290,00",
        "1290,00",
        "2070,00",
        "1000,00",
        "1070,00",
    ]
    assert rows[-1][-3:] == ["4143,50", "2483,50", "1660,00"]


def test_xlsx_cells_and_types() -> None:
    table = distribution_table(
        orders(),
        title="Раздача: 1/2",
        headers=DISTRIBUTION_HEADERS,
        no_pickup_label="-",
        total_label="Итого",
    )
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(table)))
    assert book.sheetnames == ["Раздача  1 2"]
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == DISTRIBUTION_HEADERS
    assert sheet["A1"].font.bold
    # A buyer's name that looks like a formula stays text.
    assert values[1][1] == '=HYPERLINK("x")' and sheet["B2"].data_type == "s"
    assert values[3] == [
        "Центр, ул. Ленина, 1",
        "борис",
        "BBBB-BBBB",
        "Платье синее",
        "PL-1",
        "42",
        1,
        1290,
        1290,
        2070,
        1000,
        1070,
    ]
    assert sheet["H4"].number_format == "#,##0.00"
    assert values[4][9:] == [None, None, None]
    assert values[-1][0] == "Итого" and values[-1][9:] == [4143.5, 2483.5, 1660]
    assert sheet.max_row == 7


def test_supplier_xlsx_reads_back() -> None:
    table = supplier_table(
        [dress("44", 2), scarf(1)], title="Поставщику", headers=SUPPLIER_HEADERS, total_label="Σ"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        SUPPLIER_HEADERS,
        ["Платье синее", "PL-1", "44", 2, 1290, 2580],
        ["Шарф", None, None, 1, 590, 590],
        ["Σ", None, None, 3, None, 3170],
    ]


def test_sheet_titles_are_valid() -> None:
    assert sheet_title("a/b\\c?d*e[f]g:h") == "a b c d e f g h"
    assert sheet_title("") == "Sheet"
    assert len(sheet_title("x" * 100)) == 31
