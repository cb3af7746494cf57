"""Order lists of a purchase as files: for the supplier and for distribution, CSV and XLSX.

Plain rows in, bytes out: no database here. The caller passes translated headers, so the
same builders serve every language.

Shapes:
- supplier: one row per item, size and price (a price changed mid-purchase gives two rows,
  so every sum is exact), in the organizer's item order and size order, with the buyers'
  notes on those pieces and a total row; beside it (XLSX) the order ready to forward to the
  supplier: article, item, size, quantity (`supplier_order_table`);
- distribution: by pickup point, then buyer (with their contact), then order number; one
  row per order line, with its note. The order's money (items, organizer fee, discount and
  its promo code, transport share, due, paid, still owed, to refund) is filled on its first
  row only, so summing a column
  in a spreadsheet gives true totals; a total row closes the sheet.

Formats:
- CSV is UTF-8 with a BOM (Excel needs it to read Cyrillic), ";" separated with a decimal
  comma for Russian (what Russian Excel expects), "," and a decimal point for English.
- XLSX keeps money as numbers with two decimals (see `to_xlsx` for how it is written).
Text a buyer typed can start with "=", "+", "-" or "@"; spreadsheets would run it as a
formula (CSV injection), so CSV cells get a leading apostrophe and XLSX cells are stored as
plain strings.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from domain.balance import OrderMoney, order_money
from domain.items import size_order

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_MAX = 31
_CELL_MAX = 32_767  # characters an Excel cell holds
_SHEET_TITLE_FORBIDDEN = str.maketrans({ch: " " for ch in "[]:*?/\\"})


@dataclass(frozen=True, slots=True)
class Money:
    """A money cell: kopecks, written as rubles with two decimals."""

    kop: int


Cell = str | int | Money | None


@dataclass(slots=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # A title row above the headers in XLSX (the purchase a printed sheet is about); CSV
    # files stay one header row and data, as programs reading them expect.
    heading: str = ""


# --- the supplier's shape ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SupplierLine:
    """Ordered quantity of one item in one size at one price with one buyer's note (summed
    over active orders); lines differing only in the note share a row of the table."""

    item_id: int
    item_position: int
    item_name: str
    article: str | None
    item_sizes: tuple[str, ...]
    size: str
    price_kop: int
    quantity: int
    note: str = ""


def supplier_table(
    lines: Iterable[SupplierLine],
    *,
    title: str,
    headers: Sequence[str],
    total_label: str,
    item_rows: Mapping[int, str] | None = None,
) -> Table:
    """Columns: item, article, size, quantity, price, sum, notes; then a total row.

    Notes are there because a buyer's note on a line is often a wish only the supplier can
    meet ("цвет потемнее", "без логотипа"): the row says how many of its pieces carry each
    note ("цвет потемнее ×1; без логотипа ×2"), so the organizer can pass it on or strike
    it. Never who wrote it nor their order: the supplier needs what to ship, not the
    buyers, and the file is often forwarded as is. Notes meant for the organizer alone are
    in the distribution file next to their buyer.

    `item_rows`: for an item sold by size rows, a row after its sizes says how many rows to
    order (domain/size_rows.py), in the size column.
    """
    merged: dict[tuple[int, str, int], SupplierLine] = {}
    notes: dict[tuple[int, str, int], dict[str, int]] = {}
    for line in lines:
        key = (line.item_id, line.size, line.price_kop)
        note = line.note.strip()
        if note:
            counts = notes.setdefault(key, {})
            counts[note] = counts.get(note, 0) + line.quantity
        previous = merged.get(key)
        if previous is not None:
            line = replace(previous, quantity=previous.quantity + line.quantity)
        merged[key] = line
    ordered = sorted(
        merged.items(),
        key=lambda kv: (
            kv[1].item_position,
            kv[1].item_id,
            size_order(kv[1].item_sizes, kv[1].size),
            kv[1].price_kop,
        ),
    )
    table = Table(title=title, headers=list(headers))
    total_quantity = total_sum = 0
    for index, (key, line) in enumerate(ordered):
        if item_rows and index and ordered[index - 1][1].item_id != line.item_id:
            _rows_note(table, ordered[index - 1][1], item_rows)
        line_sum = line.price_kop * line.quantity
        total_quantity += line.quantity
        total_sum += line_sum
        table.rows.append(
            [
                line.item_name,
                line.article or "",
                line.size,
                line.quantity,
                Money(line.price_kop),
                Money(line_sum),
                notes_text(notes.get(key, {})),
            ]
        )
    if item_rows and ordered:
        _rows_note(table, ordered[-1][1], item_rows)
    table.rows.append([total_label, "", "", total_quantity, None, Money(total_sum), ""])
    return table


def _rows_note(table: Table, line: SupplierLine, item_rows: Mapping[int, str]) -> None:
    note = item_rows.get(line.item_id)
    if note:
        table.rows.append([line.item_name, line.article or "", note, None, None, None, ""])


def supplier_order_table(
    lines: Iterable[SupplierLine],
    *,
    title: str,
    headers: Sequence[str],
    total_label: str,
    item_rows: Mapping[int, str] | None = None,
) -> Table:
    """The order to forward to the supplier as it is: columns article, item, size, quantity;
    one row per item and size (prices and buyers' notes left out: the supplier has its own
    prices, and notes are in the "supplier" sheet to pass on or strike), in the organizer's
    item and size order, then the total of pieces. `item_rows`: for an item sold by size
    rows, a row after its sizes says how many rows to order, in the size column, as in
    `supplier_table`."""
    quantities: dict[tuple[int, str], int] = {}
    first: dict[tuple[int, str], SupplierLine] = {}
    for line in lines:
        key = (line.item_id, line.size)
        quantities[key] = quantities.get(key, 0) + line.quantity
        first.setdefault(key, line)
    table = Table(title=title, headers=list(headers))
    ordered = sorted(
        first,
        key=lambda k: (
            first[k].item_position,
            first[k].item_id,
            size_order(first[k].item_sizes, first[k].size),
        ),
    )
    for index, key in enumerate(ordered):
        line = first[key]
        table.rows.append([line.article or "", line.item_name, line.size, quantities[key]])
        last_of_item = index + 1 == len(ordered) or ordered[index + 1][0] != line.item_id
        if last_of_item and (note := (item_rows or {}).get(line.item_id)):
            table.rows.append([line.article or "", line.item_name, note, None])
    table.rows.append([total_label, "", "", sum(quantities.values())])
    return table


def notes_text(counts: dict[str, int]) -> str:
    """Distinct notes with the number of pieces each concerns, alphabetically; cut to what
    a spreadsheet cell holds (a popular item may gather hundreds of notes)."""
    ordered = sorted(counts.items(), key=lambda kv: (kv[0].casefold(), kv[0]))
    text = "; ".join(f"{note} ×{quantity}" for note, quantity in ordered)
    return text if len(text) <= _CELL_MAX else text[: _CELL_MAX - 1] + "…"


# --- the distribution shape -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DistributionLine:
    item_name: str
    article: str | None
    size: str
    quantity: int
    price_kop: int
    note: str = ""  # the buyer's note on the line ("цвет потемнее")
    not_bought: int = 0  # pieces that will not come: a dropped size row, not sent by supplier


@dataclass(frozen=True, slots=True)
class DistributionOrder:
    """An active order with its money story: items + organizer fee - discount = due."""

    pickup_point: str | None  # None: the buyer has not chosen one
    buyer_name: str
    order_number: str
    items_kop: int
    fee_kop: int
    discount_kop: int
    due_kop: int
    paid_kop: int  # confirmed payments
    lines: tuple[DistributionLine, ...]
    promo_code: str | None = None  # the code the discount came from
    refunded_kop: int = 0  # refunds the organizer recorded as paid back
    cancelled: bool = False  # the purchase is cancelled: nothing is due
    compensated_kop: int = 0  # claims decided with money (issue 19)
    # How the organizer finds the buyer at the pickup desk (domain/contacts.py).
    contact: str = ""
    # The order's transport share, already part of `due_kop` (domain/transport.py).
    transport_kop: int = 0

    @property
    def money(self) -> OrderMoney:
        """Its money state, the same the buyer's /orders and /reconcile show."""
        return order_money(
            self.due_kop,
            self.paid_kop,
            refunded=self.refunded_kop,
            cancelled=self.cancelled,
            compensated=self.compensated_kop,
        )


def distribution_table(
    orders: Iterable[DistributionOrder],
    *,
    title: str,
    headers: Sequence[str],
    no_pickup_label: str,
    total_label: str,
    not_bought_label: str = "",
) -> Table:
    """Columns: pickup point, buyer, contact (an @username or profile link), order, item,
    article, size, quantity, price, sum, note (one per line); then per order: items sum,
    organizer fee, discount, promo code, transport share, due (items + fee - discount +
    transport), paid, still owed, to refund. Orders without a pickup point come last, under
    `no_pickup_label`.

    The balance is split by its sign into "still owed" and "to refund", both never
    negative, so the totals row never nets one buyer's debt against another's overpayment.
    """
    ordered = sorted(
        orders,
        key=lambda o: (
            o.pickup_point is None,
            (o.pickup_point or "").casefold(),
            o.buyer_name.casefold(),
            o.order_number,
        ),
    )
    table = Table(title=title, headers=list(headers))
    totals = [0] * 8  # items, fee, discount, transport, due, paid, still owed, to refund
    empty: list[Cell] = [None] * 9
    for order in ordered:
        point = order.pickup_point if order.pickup_point is not None else no_pickup_label
        amounts = (
            order.items_kop,
            order.fee_kop,
            order.discount_kop,
            order.transport_kop,
            order.due_kop,
            order.paid_kop,
            order.money.owed,
            order.money.refund,
        )
        totals = [total + amount for total, amount in zip(totals, amounts, strict=True)]
        items, fee, discount, transport, due, paid, owed, refund = (Money(a) for a in amounts)
        sums: list[Cell] = [
            items,
            fee,
            discount,
            (order.promo_code or "") if order.discount_kop else "",
            transport,
            due,
            paid,
            owed,
            refund,
        ]
        lines = order.lines or (DistributionLine("", None, "", 0, 0),)
        for index, line in enumerate(lines):
            is_line = bool(line.quantity)
            table.rows.append(
                [
                    point,
                    order.buyer_name,
                    order.contact,
                    order.order_number,
                    line.item_name,
                    line.article or "",
                    line.size,
                    line.quantity if is_line else None,
                    Money(line.price_kop) if is_line else None,
                    Money(line.price_kop * line.quantity) if is_line else None,
                    _with_mark(line, not_bought_label),
                    *(sums if index == 0 else empty),
                ]
            )
    items, fee, discount, transport, due, paid, owed, refund = (Money(t) for t in totals)
    table.rows.append(
        [
            total_label,
            *("", "", "", "", "", ""),
            *(None, None, None),
            "",
            *(items, fee, discount, "", transport),
            *(due, paid, owed, refund),
        ]
    )
    return table


def _with_mark(line: DistributionLine, label: str) -> str:
    """The line's note, and how many of its pieces are not bought ("не выкуплено: 1")."""
    if not line.not_bought:
        return line.note
    mark = f"{label}: {line.not_bought}" if label else str(line.not_bought)
    return f"{line.note}; {mark}" if line.note else mark


def distribution_book(
    orders: Sequence[DistributionOrder],
    *,
    title: str,
    headers: Sequence[str],
    no_pickup_label: str,
    total_label: str,
    subtotal_label: str,
    signature_header: str,
    heading: str = "",
    not_bought_label: str = "",
) -> list[Table]:
    """The distribution file to print: the whole purchase first (every point, the grand
    total), then a sheet per pickup point (those without a point last) with its own
    subtotal row and an empty "given out / signature" column for the pickup desk."""
    every = distribution_table(
        orders,
        title=title,
        headers=headers,
        no_pickup_label=no_pickup_label,
        total_label=total_label,
        not_bought_label=not_bought_label,
    )
    # The first sheet keeps the shape of the CSV file (no title row): programs read it too.
    by_point: dict[str | None, list[DistributionOrder]] = {}
    for order in orders:
        by_point.setdefault(order.pickup_point, []).append(order)
    sheets = [every]
    used = {sheet_title(every.title).casefold()}
    for point in sorted(by_point, key=lambda p: (p is None, (p or "").casefold())):
        name = point if point is not None else no_pickup_label
        sheet = distribution_table(
            by_point[point],
            title=unique_sheet_title(name, used),
            headers=headers,
            no_pickup_label=no_pickup_label,
            total_label=subtotal_label,
            not_bought_label=not_bought_label,
        )
        sheet.heading = f"{heading} · {name}" if heading else name
        sheet.headers.append(signature_header)
        for row in sheet.rows:
            row.append("")
        sheets.append(sheet)
    return sheets


def unique_sheet_title(title: str, used: set[str]) -> str:
    """A valid sheet title not in `used` (compared without case, as Excel does); added to it."""
    base = sheet_title(title)
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = base[: _SHEET_TITLE_MAX - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


# --- writers ----------------------------------------------------------------------------------


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_value(cell: Cell, decimal_comma: bool) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Money):
        sign = "-" if cell.kop < 0 else ""
        rubles, kopecks = divmod(abs(cell.kop), 100)
        return f"{sign}{rubles}{',' if decimal_comma else '.'}{kopecks:02d}"
    if isinstance(cell, int):
        return str(cell)
    return _safe_text(cell)


def to_csv(table: Table, lang: str = "ru") -> bytes:
    russian = not lang.lower().startswith("en")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if russian else ",", lineterminator="\r\n")
    writer.writerow([_safe_text(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([_csv_value(cell, russian) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    """One worksheet: see `to_xlsx_book`."""
    return to_xlsx_book([table])


def to_xlsx_book(tables: Sequence[Table]) -> bytes:
    """A workbook with a worksheet per table: an optional bold title row, a bold frozen
    header, columns as wide as their content, money as numbers with two decimals.

    Written directly as SpreadsheetML rather than through openpyxl's writer: without lxml
    (not a dependency) openpyxl serializes cell by cell in pure Python and needs ~10 s for
    the distribution sheet of a 10 000-order purchase, all inside the update's database
    transaction. This writer needs a fraction of a second for the same sheet; the tests read
    its files back with openpyxl. Strings are inline strings, so nothing is ever a formula.
    """
    used: set[str] = set()
    names = [unique_sheet_title(table.title, used) for table in tables]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(tables)))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook(names))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(tables)))
        archive.writestr("xl/styles.xml", _STYLES)
        for number, table in enumerate(tables, start=1):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", _worksheet(table))
    return buffer.getvalue()


# Columns are sized from their widest cell, header included, within these bounds: money
# as Excel shows it ("1 349 910,00"), so a sum never turns into "########".
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60
_WIDTH_SAMPLE = 500  # rows from the top, plus the last ones (the totals), size the columns


def column_widths(table: Table) -> list[int]:
    """Each column's width in characters: its widest cell in a sample, header included, plus
    a margin, between MIN_COLUMN_WIDTH and MAX_COLUMN_WIDTH."""
    columns = max([len(table.headers), *(len(row) for row in table.rows[:1])], default=0)
    widths = [0] * columns
    rows = table.rows
    sample = rows if len(rows) <= _WIDTH_SAMPLE + 5 else rows[:_WIDTH_SAMPLE] + rows[-5:]
    for row in [table.headers, *sample]:
        for index, cell in enumerate(row[:columns]):
            widths[index] = max(widths[index], _shown_width(cell))
    return [min(max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH) for width in widths]


def _shown_width(cell: Cell) -> int:
    """How many characters a spreadsheet shows for the cell (the longest line of a text)."""
    if cell is None:
        return 0
    if isinstance(cell, Money):
        rubles, kopecks = divmod(abs(cell.kop), 100)
        return len(f"{'-' if cell.kop < 0 else ''}{rubles:,}.{kopecks:02d}")
    if isinstance(cell, int):
        return len(str(cell))
    return max((len(line) for line in cell.splitlines()), default=0)


def _worksheet(table: Table) -> str:
    widths = column_widths(table)
    letters = [get_column_letter(index) for index in range(1, max(len(widths), 1) + 1)]
    header_row = 2 if table.heading else 1
    parts = [_sheet_head(header_row)]
    if widths:  # an empty <cols> is invalid
        parts.append("<cols>")
        parts += [
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        ]
        parts.append("</cols>")
    parts.append("<sheetData>")
    if table.heading:
        parts.append(_xlsx_row(1, letters, [table.heading], style=_BOLD))
    parts.append(_xlsx_row(header_row, letters, table.headers, style=_BOLD))
    for number, row in enumerate(table.rows, start=header_row + 1):
        parts.append(_xlsx_row(number, letters, row))
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def _xlsx_row(number: int, letters: list[str], cells: Sequence[Cell], *, style: str = "") -> str:
    out = [f'<row r="{number}">']
    for index, value in enumerate(cells):
        if value is None or value == "":
            continue
        if index >= len(letters):
            letters.append(get_column_letter(index + 1))
        ref = f"{letters[index]}{number}"
        if isinstance(value, Money):
            sign = "-" if value.kop < 0 else ""
            rubles, kopecks = divmod(abs(value.kop), 100)
            out.append(f'<c r="{ref}" s="{_MONEY}"><v>{sign}{rubles}.{kopecks:02d}</v></c>')
        elif isinstance(value, int):
            out.append(f'<c r="{ref}"{style}><v>{value}</v></c>')
        else:
            text = _xml_text(value)
            space = ' xml:space="preserve"' if text != text.strip() else ""
            out.append(f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{text}</t></is></c>')
    out.append("</row>")
    return "".join(out)


def _xml_text(text: str) -> str:
    return escape(_XML_ILLEGAL.sub("", text))


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BOLD = ' s="1"'
_MONEY = "2"  # cellXfs index: built-in number format 4, "#,##0.00"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        _XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + overrides
        + '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    )


_ROOT_RELS = (
    _XML_DECL + f'<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _workbook(names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_xml_text(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    return (
        _XML_DECL + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        _XML_DECL + f'<Relationships xmlns="{_PKG_REL_NS}">' + rels + f"<Relationship "
        f'Id="rId{sheets + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


_STYLES = (
    _XML_DECL + f'<styleSheet xmlns="{_MAIN_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _sheet_head(header_row: int) -> str:
    """The worksheet's start: the rows down to the header stay in view when scrolling."""
    return (
        _XML_DECL + f'<worksheet xmlns="{_MAIN_NS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" '
        'state="frozen"/>'
        "</sheetView></sheetViews>"
    )


_FILE_NAME_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_FILE_NAME_PART_MAX = 60


def file_name_part(text: str) -> str:
    """A purchase title as part of a file name: no path separators or characters Windows
    refuses, spaces collapsed, cut to a length every system takes."""
    cleaned = " ".join(_FILE_NAME_FORBIDDEN.sub(" ", text).split()).strip(". ")
    return cleaned[:_FILE_NAME_PART_MAX].rstrip(". ") or "purchase"


def sheet_title(title: str) -> str:
    cleaned = title.translate(_SHEET_TITLE_FORBIDDEN).strip().strip("'") or "Sheet"
    return cleaned[:_SHEET_TITLE_MAX]
