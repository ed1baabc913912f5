"""The downloadable templates: Chinese headers (required ones shaded), one example row, drop-down
lists for every coded column (kept on a hidden sheet), a note per column, and a sheet saying how
rows are matched."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .kinds import Column, Kind
from .words import words

HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FDE7E4")
TEMPLATE_ROWS = 5000
YES_NO = ["是", "否"]


def lists_of(kind: Kind, grids: list) -> dict[str, list[str]]:
    lists = {"grid": [g.name for g in grids]}
    for column in kind.columns:
        if column.kind == "choice":
            lists[column.field] = words(column.choice_kind)
        elif column.kind == "bool":
            lists[column.field] = YES_NO
    return lists


def options_sheet(book, lists: dict[str, list[str]]) -> dict[str, str]:
    """A hidden sheet holding each drop-down's values (as text); the cell range of each list."""
    options = book.create_sheet("选项")
    ranges = {}
    for i, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(i)
        options.cell(row=1, column=i, value=name)
        for r, value in enumerate(values, start=2):
            options.cell(row=r, column=i, value=value).data_type = "s"
        ranges[name] = f"'选项'!${letter}$2:${letter}${max(len(values) + 1, 2)}"
    options.sheet_state = "hidden"
    return ranges


def head(ws, i: int, column: Column, fill=HEADER_FILL) -> str:
    """Column i's header cell (required ones shaded, the note as its comment); its letter."""
    cell = ws.cell(row=1, column=i, value=column.header)
    cell.font = Font(bold=True)
    cell.fill = REQUIRED_FILL if column.required else fill
    if column.note:
        cell.comment = Comment(column.note, "网格通")
    return get_column_letter(i)


def guide_sheet(book, columns, lists: dict[str, list[str]], note: str, shown: dict[str, str] | None = None):
    """The 填写说明 sheet: every column, whether it is required, its note and its values."""
    guide = book.create_sheet("填写说明")
    guide.append(["列名", "必填", "说明", "可选值"])
    for column in columns:
        values = (shown or {}).get(column.field) or "、".join(lists.get(column.field, []))
        guide.append([column.header, "是" if column.required else "", column.note, values])
    guide.append([])
    guide.append(["说明", "", note, ""])
    for letter, width in zip("ABCD", (16, 8, 60, 60)):
        guide.column_dimensions[letter].width = width
    for cell in guide[1]:
        cell.font = Font(bold=True)
    return guide


def template_book(target, kind: Kind, community, grids: list, tags: list[str] = ()) -> None:
    book = Workbook()
    ws = book.active
    ws.title = kind.title
    lists = lists_of(kind, grids)
    if any(c.kind == "tags" for c in kind.columns):
        lists["tags"] = list(tags)
    ranges = options_sheet(book, lists)

    example = {"grid": grids[0].name if grids else None}
    for i, column in enumerate(kind.columns, start=1):
        letter = head(ws, i, column)
        ws.column_dimensions[letter].width = max(10, len(column.header) * 2 + 4,
                                                 22 if column.kind == "id_number" else 0)
        value = example.get(column.field, column.example)
        if value is not None:
            ws.cell(row=2, column=i, value=value)
        if column.kind in ("id_number", "phone", "text"):
            # Text, so Excel keeps an ID number's last digits and a phone's leading zero: as the
            # column's style (what Excel gives every cell typed into it) and on the example row.
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=i).number_format = "@"
        source = ranges.get(column.field)
        if source and column.kind != "tags":
            # The grid list may lag behind the register (a grid added since): allow other text.
            strict = column.field != "grid"
            check = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=strict,
                                   errorTitle="请从列表中选择", error="请从下拉列表中选择")
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(check)
    ws.freeze_panes = "A2"

    guide_sheet(book, kind.columns, lists,
                f"导入到{community.name}。{kind.note}第2行是示例，导入前请删除或改成真实内容。"
                "空着的格子不会改动系统中已有的内容。导入前逐行校验并预览（新建、修改、无变化、有错误），"
                "确认后写入新建和修改的行，有错误的行不导入；重复导入同一文件不会重复登记。")
    book.save(target)
