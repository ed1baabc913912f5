"""The import template: the header row the importer reads, drop-down lists for the coded
columns, the community's grids and buildings, and a sheet explaining every column."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from ...areas.models import Building
from ...extensions import db
from . import labels as L
from .exports import natural
from .import_file import COLUMNS
from .xlsx_book import HEADER_FILL, display_width, literal

REQUIRED_FILL = PatternFill("solid", fgColor="FDE7E4")
TEMPLATE_ROWS = 2000


def template_book(target, community, grids) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "居民户"
    options = book.create_sheet("选项")
    guide = book.create_sheet("填写说明")
    places = book.create_sheet("网格与楼栋")

    lists: dict[str, list[str]] = {"grid": [g.name for g in grids]}
    for column in COLUMNS:
        if column.kind == "choice":
            lists[column.field] = L.words(column.field)
    ranges = {}
    for i, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(i)
        options.cell(row=1, column=i, value=name)
        for r, value in enumerate(values, start=2):
            options.cell(row=r, column=i, value=value)
        ranges[name] = f"'选项'!${letter}$2:${letter}${max(len(values) + 1, 2)}"
    options.sheet_state = "hidden"

    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        if column.note:
            cell.comment = Comment(column.note, "网格通")
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

    guide.append(["列名", "必填", "说明", "可选值"])
    for column in COLUMNS:
        values = "、".join(lists.get(column.field, [])) if column.field != "grid" else "见“网格与楼栋”"
        guide.append([column.header, "是" if column.required else "", column.note, values])
    guide.append([])
    guide.append(["说明", "", f"导入到{community.name}。一行一位居民；同一地址（楼栋号+单元+房号）的居民归为一户：系统中已有的户"
                  "直接使用，没有的新建。导入前逐行校验并预览，确认后只导入无误的行；重复导入同一文件不会重复登记。", ""])
    for letter, width in zip("ABCD", (16, 8, 60, 60)):
        guide.column_dimensions[letter].width = width
    for cell in guide[1]:
        cell.font = Font(bold=True)

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
    for sheet in (options, places):
        for row in sheet.iter_rows():
            for cell in row:
                literal(cell)
    book.save(target)
