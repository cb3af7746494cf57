"""Export and reconciliation files built from plain rows, read back cell by cell (csv module,
openpyxl)."""

from __future__ import annotations

import csv
import io

import openpyxl

from domain.exports import (
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
from domain.reconciliation import (
    ReconciliationRow,
    ReconciliationTotals,
    reconciliation_table,
    reconciliation_totals,
)
from tests.support.exports import DISTRIBUTION_HEADERS, RECONCILIATION_HEADERS, SUPPLIER_HEADERS

DRESS_SIZES = ("42", "44", "46")


def dress(size: str, quantity: int, price: int = 129_000, note: str = "") -> SupplierLine:
    return SupplierLine(1, 1, "Платье синее", "PL-1", DRESS_SIZES, size, price, quantity, note)


def scarf(quantity: int) -> SupplierLine:
    return SupplierLine(2, 2, "Шарф", None, (), "", 59_000, quantity)


def supplier() -> list[list[object]]:
    lines = [
        scarf(3),
        dress("46", 1),
        dress("42", 2, note="цвет потемнее"),
        dress("42", 1),
        dress("42", 2, note="без пояса"),
        dress("42", 1, note="цвет потемнее"),
        dress("44", 1, 139_000),
    ]
    return supplier_table(
        lines, title="Поставщику", headers=SUPPLIER_HEADERS, total_label="Итого"
    ).rows


def test_supplier_rows_by_item_order_and_size_order_with_exact_sums() -> None:
    assert supplier() == [
        [
            "Платье синее",
            "PL-1",
            "42",
            6,
            Money(129_000),
            Money(774_000),
            # How many of the row's pieces each note concerns; who wrote it is not the
            # supplier's business.
            "без пояса ×2; цвет потемнее ×3",
        ],
        ["Платье синее", "PL-1", "44", 1, Money(139_000), Money(139_000), ""],
        ["Платье синее", "PL-1", "46", 1, Money(129_000), Money(129_000), ""],
        ["Шарф", "", "", 3, Money(59_000), Money(177_000), ""],
        ["Итого", "", "", 11, None, Money(1_219_000), ""],
    ]


def orders() -> list[DistributionOrder]:
    """A 15 % organizer fee; a promo discount and a note on Boris's order, who still owes;
    Anna overpaid; an order without lines."""
    line = DistributionLine
    return [
        DistributionOrder(
            pickup_point=None,
            buyer_name="Яна",
            order_number="DDDD-DDDD",
            items_kop=59_000,
            fee_kop=8_850,
            discount_kop=0,
            due_kop=67_850,
            paid_kop=0,
            lines=(line("Шарф", None, "", 1, 59_000),),
        ),
        DistributionOrder(
            pickup_point="Центр, ул. Ленина, 1",
            buyer_name="борис",
            order_number="BBBB-BBBB",
            items_kop=188_000,
            fee_kop=28_200,
            discount_kop=10_000,
            due_kop=206_200,
            paid_kop=100_000,
            lines=(
                line("Платье синее", "PL-1", "42", 1, 129_000, "цвет потемнее"),
                line("Шарф", None, "", 1, 59_000),
            ),
            promo_code="BLOG10",
        ),
        DistributionOrder(
            pickup_point="Центр, ул. Ленина, 1",
            buyer_name="Анна",
            order_number="AAAA-AAAA",
            items_kop=129_000,
            fee_kop=19_350,
            discount_kop=0,
            due_kop=148_350,
            paid_kop=150_000,
            lines=(line("Платье синее", "PL-1", "44", 1, 129_000, "=1+1"),),
            contact="https://vk.com/id77",
        ),
        DistributionOrder(
            pickup_point="Север, пр. Мира, 10",
            buyer_name='=HYPERLINK("x")',
            order_number="CCCC-CCCC",
            items_kop=0,
            fee_kop=0,
            discount_kop=0,
            due_kop=0,
            paid_kop=0,
            lines=(),
        ),
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
    assert all(len(row) == len(DISTRIBUTION_HEADERS) for row in rows)
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("Север, пр. Мира, 10", '=HYPERLINK("x")', "CCCC-CCCC"),
        ("Центр, ул. Ленина, 1", "Анна", "AAAA-AAAA"),
        ("Центр, ул. Ленина, 1", "борис", "BBBB-BBBB"),
        ("Центр, ул. Ленина, 1", "борис", "BBBB-BBBB"),
        ("пункт не выбран", "Яна", "DDDD-DDDD"),
        ("Итого", "", ""),
    ]
    zero = Money(0)
    # An order without lines still shows up, with its sums.
    assert rows[0][4:] == ["", "", "", None, None, None, "", *(zero,) * 3, "", *(zero,) * 5]
    # The contact is how the organizer finds the buyer: a profile link, an @username.
    assert [row[2] for row in rows] == ["", "https://vk.com/id77", "", "", "", ""]
    # Anna overpaid: nothing owed, 16.50 to refund.
    assert rows[1][10:] == [
        "=1+1",
        Money(129_000),
        Money(19_350),
        zero,
        "",
        zero,
        Money(148_350),
        Money(150_000),
        zero,
        Money(1_650),
    ]
    # Boris: items + 15 % fee - the promo code's discount = due; he still owes the rest.
    assert rows[2][4:] == [
        "Платье синее",
        "PL-1",
        "42",
        1,
        Money(129_000),
        Money(129_000),
        "цвет потемнее",
        Money(188_000),
        Money(28_200),
        Money(10_000),
        "BLOG10",
        zero,  # no transport costs entered
        Money(206_200),
        Money(100_000),
        Money(106_200),
        zero,
    ]
    # The second line of an order leaves the order sums empty: column sums stay true.
    assert rows[3][4:] == [
        "Шарф",
        "",
        "",
        1,
        Money(59_000),
        Money(59_000),
        "",
        *(None,) * 9,
    ]
    # Debts and overpayments are totalled apart, never netted.
    assert rows[-1][10:] == [
        "",
        Money(376_000),
        Money(56_400),
        Money(10_000),
        "",
        zero,
        Money(422_400),
        Money(250_000),
        Money(174_050),
        Money(1_650),
    ]


def read_csv(content: bytes, delimiter: str) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads Cyrillic only with the BOM
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_csv_in_russian_and_english_dialects() -> None:
    table = supplier_table(
        [dress("42", 2, 129_050), dress("42", 1, 129_050, "=цвет")],
        title="x",
        headers=SUPPLIER_HEADERS,
        total_label="Итого",
    )
    ru = read_csv(to_csv(table, "ru"), ";")
    assert ru == [
        SUPPLIER_HEADERS,
        ["Платье синее", "PL-1", "42", "3", "1290,50", "3871,50", "'=цвет ×1"],
        ["Итого", "", "", "3", "", "3871,50", ""],
    ]
    en = read_csv(to_csv(table, "en"), ",")
    assert en[1] == ["Платье синее", "PL-1", "42", "3", "1290.50", "3871.50", "'=цвет ×1"]


def test_csv_distribution_neutralizes_formulas() -> None:
    table = distribution_table(
        orders(), title="x", headers=DISTRIBUTION_HEADERS, no_pickup_label="-", total_label="T"
    )
    rows = read_csv(to_csv(table, "ru"), ";")
    assert rows[0] == DISTRIBUTION_HEADERS
    assert rows[1][1] == '\'=HYPERLINK("x")'
    assert rows[2][10] == "'=1+1"  # a buyer's note is never a formula either
    assert rows[2][11:] == [
        "1290,00",
        "193,50",
        "0,00",
        "",
        "0,00",
        "1483,50",
        "1500,00",
        "0,00",
        "16,50",
    ]
    assert rows[3] == [
        "Центр, ул. Ленина, 1",
        "борис",
        "",
        "BBBB-BBBB",
        "Платье синее",
        "PL-1",
        "42",
        "1",
        "1290,00",
        "1290,00",
        "цвет потемнее",
        "1880,00",
        "282,00",
        "100,00",
        "BLOG10",
        "0,00",
        "2062,00",
        "1000,00",
        "1062,00",
        "0,00",
    ]
    assert rows[4][10:] == [""] * 10
    assert rows[-1] == [
        "T",
        *[""] * 10,
        "3760,00",
        "564,00",
        "100,00",
        "",
        "0,00",
        "4224,00",
        "2500,00",
        "1740,50",
        "16,50",
    ]


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
    # A buyer's name or note that looks like a formula stays text.
    assert values[1][1] == '=HYPERLINK("x")' and sheet["B2"].data_type == "s"
    assert values[2][10] == "=1+1" and sheet["K3"].data_type == "s"
    assert values[2][11:] == [1290, 193.5, 0, None, 0, 1483.5, 1500, 0, 16.5]
    assert values[3] == [
        "Центр, ул. Ленина, 1",
        "борис",
        None,
        "BBBB-BBBB",
        "Платье синее",
        "PL-1",
        "42",
        1,
        1290,
        1290,
        "цвет потемнее",
        1880,
        282,
        100,
        "BLOG10",
        0,
        2062,
        1000,
        1062,
        0,
    ]
    for column in "IJLMNPQRST":
        assert sheet[f"{column}4"].number_format == "#,##0.00", column
    assert values[4][10:] == [None] * 10
    assert values[-1][0] == "Итого"
    assert values[-1][10:] == [None, 3760, 564, 100, None, 0, 4224, 2500, 1740.5, 16.5]
    assert sheet.max_row == 7


def test_supplier_xlsx_reads_back() -> None:
    table = supplier_table(
        [dress("44", 2), scarf(1), dress("44", 1, note="цвет потемнее")],
        title="Поставщику",
        headers=SUPPLIER_HEADERS,
        total_label="Σ",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        SUPPLIER_HEADERS,
        ["Платье синее", "PL-1", "44", 3, 1290, 3870, "цвет потемнее ×1"],
        ["Шарф", None, None, 1, 590, 590, None],
        ["Σ", None, None, 4, None, 4460, None],
    ]


def test_a_cell_of_notes_fits_a_spreadsheet_cell() -> None:
    lines = [dress("42", 1, note=f"{n:03d} " + "x" * 196) for n in range(200)]
    [row, _] = supplier_table(lines, title="x", headers=SUPPLIER_HEADERS, total_label="T").rows
    assert row[3] == 200 and len(row[6]) == 32_767 and row[6].endswith("…")


# --- reconciliation -------------------------------------------------------------------------


def ledger() -> list[ReconciliationRow]:
    """A 15 % fee: Boris underpaid with a promo code and a pending report, Anna overpaid,
    Vera's order is cancelled after she paid, Gleb is settled."""
    row = ReconciliationRow
    return [
        row("AAAA", "Анна", False, 148_350, 0, 150_000, 129_000, 19_350),
        row("BBBB", "Борис", False, 206_200, 50_000, 100_000, 188_000, 28_200, 10_000, "BLOG10"),
        row("VVVV", "Вера", True, 0, 0, 40_000),
        row("GGGG", "Глеб", False, 72_850, 0, 72_850, 59_000, 8_850, transport_kop=5_000),
    ]


def test_reconciliation_rows_say_which_way_each_balance_goes() -> None:
    anna, boris, vera, gleb = ledger()
    assert (anna.state, anna.balance_kind, anna.owed_kop, anna.refund_kop) == (
        "overpaid",
        "overpaid",
        0,
        1_650,
    )
    assert (boris.state, boris.balance_kind, boris.owed_kop, boris.refund_kop) == (
        "partially_paid",
        "owes",
        106_200,
        0,
    )
    assert (vera.state, vera.balance_kind, vera.owed_kop, vera.refund_kop) == (
        "cancelled",
        "refund",
        0,
        40_000,
    )
    assert (gleb.state, gleb.balance_kind) == ("paid", "settled")
    assert reconciliation_totals(ledger()) == ReconciliationTotals(
        orders=4,
        items_kop=376_000,
        fee_kop=56_400,
        discount_kop=10_000,
        due_kop=427_400,
        reported_kop=50_000,
        confirmed_kop=362_850,
        owed_kop=106_200,
        refund_kop=41_650,  # never netted against what Boris owes
        transport_kop=5_000,
    )
    assert reconciliation_totals([]) == ReconciliationTotals()


def test_reconciliation_files_read_back_cell_by_cell() -> None:
    table = reconciliation_table(
        ledger(),
        title="Сверка 7",
        headers=RECONCILIATION_HEADERS,
        state_label=lambda row: row.state,
        total_label="Итого",
    )
    expected: list[list[object]] = [
        RECONCILIATION_HEADERS,
        ["AAAA", "Анна", "overpaid", 1290, 193.5, 0, "", 0, 1483.5, 0, 1500, 0, 16.5],
        ["BBBB", "Борис", "partially_paid", 1880, 282, 100, "BLOG10", 0, 2062, 500, 1000, 1062, 0],
        # Cancelled: its items no longer make up anything it owes; all it got is refunded.
        ["VVVV", "Вера", "cancelled", "", "", "", "", "", 0, 0, 400, 0, 400],
        # Gleb's order carries a 50 ₽ transport share: 590 + 88,50 + 50 = 728,50.
        ["GGGG", "Глеб", "paid", 590, 88.5, 0, "", 50, 728.5, 0, 728.5, 0, 0],
        ["Итого", "", "", 3760, 564, 100, "", 50, 4274, 500, 3628.5, 1062, 416.5],
    ]
    rows = read_csv(to_csv(table, "ru"), ";")
    assert rows == [
        [
            (f"{cell:.2f}".replace(".", ",") if isinstance(cell, int | float) else cell)
            for cell in row
        ]
        for row in expected
    ]
    en = read_csv(to_csv(table, "en"), ",")
    assert en[2] == [
        "BBBB",
        "Борис",
        "partially_paid",
        "1880.00",
        "282.00",
        "100.00",
        "BLOG10",
        "0.00",
        "2062.00",
        "500.00",
        "1000.00",
        "1062.00",
        "0.00",
    ]

    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [[None if cell == "" else cell for cell in row] for row in expected]
    assert sheet["L3"].number_format == "#,##0.00"
    assert sheet["H5"].number_format == "#,##0.00"  # the transport share


def test_sheet_titles_are_valid() -> None:
    assert sheet_title("a/b\\c?d*e[f]g:h") == "a b c d e f g h"
    assert sheet_title("") == "Sheet"
    assert len(sheet_title("x" * 100)) == 31
