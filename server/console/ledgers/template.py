"""The import template: the header row the importer reads, drop-down lists for the coded
columns, the community's grids and buildings, and a sheet explaining every column."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from ...areas.models import Building
from ...extensions import db
from ...imports.template import guide_sheet, head, lists_of, options_sheet
from .exports import natural
from .import_file import COLUMNS, LEDGER
from .xlsx_book import HEADER_FILL, display_width, literal, print_setup

TEMPLATE_ROWS = 2000


def template_book(target, community, grids) -> None:
    book = Workbook()
    ws = book.active
    ws.title = LEDGER.title
    lists = lists_of(LEDGER, grids)
    ranges = options_sheet(book, lists)

    for i, column in enumerate(COLUMNS, start=1):
        letter = head(ws, i, column, HEADER_FILL)
        ws.column_dimensions[letter].width = max(10, display_width(column.header) + 4,
                                                 14 if column.kind in ("date", "phone") else 0,
                                                 22 if column.kind == "id_number" else 0)
        if column.kind in ("id_number", "phone", "text"):
            for r in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=r, column=i).number_format = "@"
        source = ranges.get(column.field)
        if source:
            check = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(check)
    ws.freeze_panes = "A2"
    print_setup(ws, "1:1")  # printed blank for collecting on paper, then typed in

    guide_sheet(book, COLUMNS, lists,
                f"导入到{community.name}。{LEDGER.note}导入前逐行校验并预览，确认后只导入无误的行；重复导入同一文件不会重复登记。",
                shown={"grid": "见“网格与楼栋”"})
    places = book.create_sheet("网格与楼栋")
    places.append(["网格", "楼栋号", "名称", "单元数", "层数"])
    by_grid = {g.id: g for g in grids}
    buildings = list(db.session.scalars(select(Building).where(
        Building.grid_id.in_(list(by_grid)), Building.deleted.is_(False))))
    order = {gid: i for i, gid in enumerate(by_grid)}
    buildings.sort(key=lambda b: (order[b.grid_id], natural(b.number)))
    for b in buildings:
        places.append([by_grid[b.grid_id].name, b.number, b.name, b.units, b.floors])
    for letter, width in zip("ABCDE", (16, 10, 20, 8, 8)):
        places.column_dimensions[letter].width = width
    for cell in places[1]:
        cell.font = Font(bold=True)
    # Grid names and building numbers are typed by staff.
    for sheet in (book["选项"], places):
        for row in sheet.iter_rows():
            for cell in row:
                literal(cell)
    book.save(target)
