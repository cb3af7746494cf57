"""The order files as organizers open and print them (issue 20): columns as wide as their
content, the distribution file with a sheet per pickup point (subtotal, "given out /
signature"), the supplier file named after the purchase. Read back with openpyxl."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from bot.app import App
from domain.exports import (
    DistributionLine,
    DistributionOrder,
    Money,
    Table,
    distribution_book,
    to_xlsx,
    to_xlsx_book,
)
from handlers.organizer.kit import ExportFile
from tests.support.drivers import ConsoleSession
from tests.support.exports import DISTRIBUTION_HEADERS
from tests.support.shops import add_order, seed_shop

# A sum Excel shows as "1 349 910,00": 12 characters, "########" in an 8-wide column.
BIG = 134_991_000


def widths(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[float]:
    return [
        sheet.column_dimensions[get_column_letter(n)].width for n in range(1, sheet.max_column + 1)
    ]


def test_columns_are_as_wide_as_their_content_within_a_cap() -> None:
    table = Table(
        title="T",
        headers=["Сумма", "Количество", "Примечание"],
        rows=[[Money(BIG), 7, "x" * 500], [Money(-BIG), 123_456_789_012, "коротко"]],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    money, count, note = widths(sheet)
    assert money >= len("-1 349 910,00")  # the negative sum, from the last row, fits
    assert count >= len("Количество") and count >= len("123456789012")
    assert note == 60  # capped: a long note wraps rather than pushing the sheet apart
    assert sheet["A2"].value == 1_349_910


def order(point: str | None, buyer: str, number: str, due: int, paid: int) -> DistributionOrder:
    line = DistributionLine("Шуба", None, "46", 1, due)
    return DistributionOrder(point, buyer, number, due, 0, 0, due, paid, (line,))


def test_distribution_book_has_a_sheet_per_point_with_subtotals() -> None:
    orders = [
        order("Центр", "Анна", "AAAA", BIG, BIG),
        order("Север", "Борис", "BBBB", 1_000, 0),
        order("Центр", "Вера", "CCCC", 2_000, 500),
        order(None, "Глеб", "DDDD", 3_000, 0),
    ]
    sheets = distribution_book(
        orders,
        title="Раздача",
        headers=DISTRIBUTION_HEADERS,
        no_pickup_label="пункт не выбран",
        total_label="Итого",
        subtotal_label="Итого по пункту",
        signature_header="Выдано / подпись",
        heading="Покупка «Шубы» (№3)",
    )
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_book(sheets)))
    assert book.sheetnames == ["Раздача", "Север", "Центр", "пункт не выбран"]
    whole = book["Раздача"]
    assert [c.value for c in whole[1]] == DISTRIBUTION_HEADERS  # the CSV's shape
    assert whole.cell(whole.max_row, 1).value == "Итого"
    assert whole.cell(whole.max_row, 17).value == (BIG + 6_000) / 100  # К оплате

    center = book["Центр"]
    assert center["A1"].value == "Покупка «Шубы» (№3) · Центр" and center["A1"].font.bold
    assert [c.value for c in center[2]] == [*DISTRIBUTION_HEADERS, "Выдано / подпись"]
    assert center.freeze_panes == "A3"
    rows = [[c.value for c in row] for row in center.iter_rows(min_row=3)]
    assert [row[1] for row in rows] == ["Анна", "Вера", None]
    subtotal = rows[-1]
    assert subtotal[0] == "Итого по пункту"
    assert subtotal[16:20] == [(BIG + 2_000) / 100, (BIG + 500) / 100, 15, 0]
    assert all(row[20] is None for row in rows)  # left empty to sign on paper
    signature = widths(center)[20]
    assert signature >= len("Выдано / подпись")
    assert widths(center)[16] >= len("1 349 930,00")  # the subtotal's "К оплате" fits
    assert book["пункт не выбран"].cell(3, 2).value == "Глеб"


def test_sheet_names_stay_unique_and_valid() -> None:
    long = "Пункт у метро «Проспект Вернадского», вход 2"
    orders = [order(long, "Анна", "AAAA", 100, 0), order(long + " ", "Борис", "BBBB", 100, 0)]
    sheets = distribution_book(
        orders,
        title="Раздача",
        headers=DISTRIBUTION_HEADERS,
        no_pickup_label="-",
        total_label="Итого",
        subtotal_label="Итого по пункту",
        signature_header="Подпись",
    )
    names = openpyxl.load_workbook(io.BytesIO(to_xlsx_book(sheets))).sheetnames
    assert len(names) == 3 and len(set(names)) == 3
    assert all(len(name) <= 31 for name in names) and names[2].endswith("(2)")


async def test_the_files_an_organizer_downloads(
    app: App, console: ConsoleSession, tmp_path: Path
) -> None:
    console.adapter.files_dir = tmp_path
    shop = await seed_shop(
        app, title="Шубы: зима/2026", items=(("Шуба", BIG, ["46"]), ("Шапка", 150_000, []))
    )
    await add_order(app, shop.purchase_id, "anna", [(0, "46", 1)], point="Центр")
    await add_order(app, shop.purchase_id, "boris", [(1, "", 2)], point="Север")
    await add_order(app, shop.purchase_id, "vera", [(1, "", 1)], point="Центр")
    await console.say(":as organizer")

    out = await console.press_payload(
        ExportFile(purchase_id=shop.purchase_id, shape="supplier", fmt="xlsx")
    )
    name = f"Шубы зима 2026 №{shop.purchase_id} — поставщику.xlsx"
    assert f"📎 {name}" in out
    sheet = openpyxl.load_workbook(tmp_path / name).active
    assert sheet["A1"].value == f"Покупка «Шубы: зима/2026» (№{shop.purchase_id})"
    assert sheet["A2"].value == "Товар" and sheet.freeze_panes == "A3"
    assert sheet["F3"].value == 1_349_910 and widths(sheet)[5] >= len("1 349 910,00")

    out = await console.press_payload(
        ExportFile(purchase_id=shop.purchase_id, shape="distribution", fmt="xlsx")
    )
    name = f"Шубы зима 2026 №{shop.purchase_id} — раздача.xlsx"
    assert f"📎 {name}" in out
    book = openpyxl.load_workbook(tmp_path / name)
    assert book.sheetnames == ["Раздача", "Север, пр. Мира, 10", "Центр, ул. Ленина, 1"]
    center = book["Центр, ул. Ленина, 1"]
    assert center.cell(center.max_row, 1).value == "Итого по пункту"
    assert center.cell(2, center.max_column).value == "Выдано / подпись"
    assert [center.cell(n, 2).value for n in (3, 4)] == ["Anna", "Vera"]

    out = await console.press_payload(
        ExportFile(purchase_id=shop.purchase_id, shape="distribution", fmt="csv")
    )
    assert f"📎 Шубы зима 2026 №{shop.purchase_id} — раздача.csv" in out
