"""Reading a setup file: find the header row of the first worksheet, map its columns, and read
the data rows. A file that is not one is refused as a whole, before any row is checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from ..core.messages import field_error, register_messages
from .cells import blank, cell_text
from .errors import refuse
from .kinds import Column, Kind
from .limits import check_archive, limits

HEADER_SCAN_ROWS = 10
# Columns our own exports and error reports add: read past them without a warning.
KNOWN_EXTRA = {"序号", "原行号", "错误说明", "年龄", "地址", "迁出日期"}

register_messages({
    "file_invalid": ("文件无法读取，请上传 .xlsx 格式的台账", "The file cannot be read; upload an .xlsx ledger"),
    "import_no_header": ("文件前10行中找不到表头行（应包含“姓名”“房号”等列名），请使用导入模板",
                         "No header row in the first 10 rows (it should name columns such as 姓名 and 房号); use the template"),
    "import_headers_missing": ("表头缺少必填列，请使用导入模板", "The header row lacks required columns; use the template"),
    "import_no_rows": ("文件中没有数据行", "The file has no data rows"),
    "import_too_many_rows": ("一次最多导入10000行，请拆分后分批导入", "At most 10,000 rows per import; split the file"),
    "import_sheet_too_long": ("工作表行数过多（含空行），请删除表格下方多余的行后重新导入",
                              "The sheet has too many rows, blank ones included; delete the spare rows below the table and retry"),
    "import_too_many_columns": ("工作表列数过多，请删除多余的列后重新导入",
                                "The sheet has too many columns; delete the spare columns and retry"),
})


@dataclass
class Sheet:
    header_row: int
    headers: list[str]
    mapping: dict[int, Column]
    ignored: list[str]
    rows: list[tuple[int, list[Any]]]

    def cells(self, values: list[Any]) -> dict[str, Any]:
        """{field: raw cell} of one data row."""
        return {c.field: values[i] if i < len(values) else None for i, c in self.mapping.items()}

    def texts(self, values: list[Any]) -> dict[str, str]:
        """{header as the file writes it: text} of one data row (for reports)."""
        return {self.headers[i]: cell_text(values[i]) for i in range(min(len(values), len(self.headers)))
                if self.headers[i]}


def read_book(path: str, kind: Kind, extra: frozenset[str] = frozenset()) -> Sheet:
    """The first worksheet's header row and data rows; FileRefused for a file that is not one.
    `extra`: more headers this kind's files carry that are read past without a warning."""
    bounds = limits()
    check_archive(path, bounds)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 -- openpyxl raises many kinds for a damaged file
        refuse("file_invalid")
    known = kind.by_header()
    try:
        ws = book.worksheets[0] if book.worksheets else None
        if ws is None:
            refuse("file_invalid")
        # The sheet's declared dimension may claim 16,384 columns: size each row by its own cells.
        ws.reset_dimensions()
        found = None
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > bounds.max_sheet_rows:
                refuse("import_sheet_too_long")
            if len(values) > bounds.max_columns:
                if any(v is not None for v in values[bounds.max_columns:]):
                    refuse("import_too_many_columns")
                values = values[:bounds.max_columns]
            if found is None:
                if number > HEADER_SCAN_ROWS:
                    break
                texts = [cell_text(v) for v in values]
                if sum(t in known for t in texts) >= 3:
                    found = (number, texts)
                continue
            if all(blank(v) for v in values):
                continue
            rows.append((number, list(values)))
            if len(rows) > bounds.max_rows:
                refuse("import_too_many_rows")
    finally:
        book.close()
    if found is None:
        refuse("import_no_header")
    header_row, headers = found
    mapping: dict[int, Column] = {}
    ignored = []
    for index, text in enumerate(headers):
        column = known.get(text)
        if column is not None and column not in mapping.values():
            mapping[index] = column
        elif text and text not in KNOWN_EXTRA and text not in extra:
            ignored.append(text)
    missing = [c.header for c in kind.columns if c.required and c not in mapping.values()]
    if missing:
        refuse("import_headers_missing", 422, {name: field_error("required") for name in missing}, missing=missing)
    if not rows:
        refuse("import_no_rows")
    return Sheet(header_row, headers, mapping, ignored, rows)
