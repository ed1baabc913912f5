"""Writing ledger workbooks: a title row, a frozen Chinese header row, widths that fit the text.

Streamed (openpyxl write-only) so a ledger of tens of thousands of rows does not hold every cell
object in memory. Ledger headers and the sensitivity mark are the document's own words, always
Chinese (a ledger is filed and re-imported as it is), so they are not run through the catalogue.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from ...imports.cells import cell_text  # noqa: F401  (moved: import reads cells)
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MARK_FULL = "含个人敏感信息，严禁外传"
MARK_MASKED = "已脱敏"

TITLE_FONT = Font(bold=True, size=13)
MARK_FONT = Font(bold=True, size=13, color="B3261E")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EDF2")
WRAP = Alignment(vertical="top", wrap_text=True)
MIN_WIDTH, MAX_WIDTH = 6, 48
# What spreadsheet programs may read as the start of a formula when text is typed or pasted
# (OWASP's CSV-injection list), with the full-width forms a Chinese IME types.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


@dataclass
class Column:
    header: str
    kind: str = "text"  # text | date | datetime | int
    width: int | None = None  # characters; None: fitted to the content


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)


def display_width(value: Any) -> int:
    """Columns a value needs in Excel: a CJK character is about two Latin ones wide."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def fitted_widths(sheet: Sheet, sample: int = 300) -> list[int]:
    widths = []
    for i, column in enumerate(sheet.columns):
        if column.width:
            widths.append(column.width)
            continue
        seen = [display_width(column.header)] + [display_width(row[i]) for row in sheet.rows[:sample]]
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, max(seen) + 2)))
    return widths


def literal(cell):
    """Make a text cell plain text whatever it starts with: a resident named "=HYPERLINK(...)"
    stays a name, never a live formula.

    The text is kept exactly as typed (no added apostrophe, so re-importing gives it back): the
    cell is stored as a string, and quotePrefix marks it the way Excel marks text typed after an
    apostrophe, so editing the cell or pasting it elsewhere keeps it text too.
    """
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def _cell(ws, value: Any, column: Column):
    cell = literal(WriteOnlyCell(ws, value=value))
    if column.kind == "date" and value is not None:
        cell.number_format = "yyyy-mm-dd"
    elif column.kind == "datetime" and value is not None:
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif column.kind == "text":
        # "@": Excel keeps what is typed into the cell as text (ID numbers stay whole).
        cell.number_format = "@"
    return cell


def print_setup(ws, title_rows: str) -> None:
    """Pages an office printer gives back usable: A4 landscape, every column on one page width (as
    many pages down as the rows need), and the title and header rows again on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    # fitToHeight 0: no limit down, so a long ledger is not shrunk to one unreadable page.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_book(path, sheets: list[Sheet], title: str, mark: str | None,
               on_row: Callable[[int], None] | None = None) -> int:
    """Save the sheets to `path` (a file name or a binary file); each starts with `title` (and `mark`) above its header row.

    `on_row(n)` is called after every row written, n counted across all sheets. Returns n.
    """
    book = Workbook(write_only=True)
    book.properties.title = title
    book.properties.creator = "网格通"
    if mark:
        book.properties.keywords = mark
        book.properties.subject = mark
    written = 0
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        widths = fitted_widths(sheet)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A3"
        last = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A2:{last}{len(sheet.rows) + 2}"
        print_setup(ws, "1:2")
        if mark:
            # Printed pages carry the mark too.
            ws.oddHeader.center.text = mark
        heading = literal(WriteOnlyCell(ws, value=title))
        heading.font = TITLE_FONT
        first_row = [heading]
        if mark:
            marked = WriteOnlyCell(ws, value=f"【{mark}】")
            marked.font = MARK_FONT
            # After the title, in the column where the title's text runs out.
            gap = _columns_under(display_width(title), widths)
            first_row += [None] * (gap - 1) + [marked]
        ws.append(first_row)
        header = []
        for column in sheet.columns:
            cell = literal(WriteOnlyCell(ws, value=column.header))
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_cell(ws, value, column) for value, column in zip(row, sheet.columns)])
            written += 1
            if on_row:
                on_row(written)
    book.save(path)
    return written


def _columns_under(text_width: int, widths: list[int]) -> int:
    """How many columns a title of `text_width` spills across (at least one)."""
    used, count = 0, 0
    for width in widths:
        if used >= text_width:
            break
        used += width
        count += 1
    return max(count, 1) + (0 if used >= text_width else 1)
