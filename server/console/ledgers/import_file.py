"""The ledger file itself: the columns the importer knows (with the spellings real ledgers use),
finding the header row, and reading the data rows of the first worksheet.

A file that is not a ledger is refused as a whole, with a stable code, before any row is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from ...core.messages import field_error, register_messages
from ..errors import refuse
from .xlsx_book import cell_text
from .xlsx_limits import check_archive, limits

HEADER_SCAN_ROWS = 10

register_messages({
    "import_too_large": ("文件超过 5 MB，请拆分后分批导入", "The file is larger than 5 MB; split it and import in parts"),
    "import_no_file": ("请选择要导入的 .xlsx 文件", "Choose an .xlsx file to import"),
    "import_no_header": ("文件前10行中找不到表头行（应包含“姓名”“房号”等列名），请使用导入模板",
                         "No header row in the first 10 rows (it should name columns such as 姓名 and 房号); use the template"),
    "import_headers_missing": ("表头缺少必填列，请使用导入模板", "The header row lacks required columns; use the template"),
    "import_no_rows": ("文件中没有数据行", "The file has no data rows"),
    "import_too_many_rows": ("一次最多导入10000行，请拆分后分批导入", "At most 10,000 rows per import; split the file"),
    "import_sheet_too_long": ("工作表行数过多（含空行），请删除表格下方多余的行后重新导入",
                              "The sheet has too many rows, blank ones included; delete the spare rows below the table and retry"),
    "import_too_many_columns": ("工作表列数过多，请删除多余的列后重新导入",
                                "The sheet has too many columns; delete the spare columns and retry"),
    "import_grid_unknown": ("本社区没有这个网格", "The current community has no grid of this name"),
    "import_building_unknown": ("该网格中没有这个楼栋号，请先在“批量导入”中导入楼栋表，或在系统中添加楼栋",
                                "This grid has no building with that number; import the buildings file under Bulk import, or add it first"),
    "import_duplicate_row": ("与文件中前面的行重复（同一证件号码或同户同名）", "Repeats an earlier row of the file (same ID number, or same name in the same household)"),
    "import_id_number_exists": ("该证件号码已登记在其他居民名下", "This ID number is already registered to another resident"),
    "import_id_as_number": ("证件号码被 Excel 存成了数字，末几位可能已丢失；请把该列设为文本后重新填写",
                            "Excel stored the ID number as a number and may have lost its last digits; format the column as text and re-enter it"),
    "import_floor_unknown": ("无法从房号推算楼层，请填写楼层", "The floor cannot be worked out from the room number; fill it in"),
})


@dataclass(frozen=True)
class ImportColumn:
    header: str
    field: str
    target: str  # place | household | resident
    kind: str = "text"  # text | int | choice | date | id_number | phone
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn("网格", "grid", "place", required=True, aliases=("网格名称", "所属网格"), note="本社区的网格名称"),
    ImportColumn("楼栋号", "building", "place", required=True, aliases=("楼栋", "楼号", "楼栋编号"),
                 note="网格中已有的楼栋号，如 3 或 3号楼"),
    ImportColumn("单元", "unit", "household", "int", required=True, aliases=("单元号",), note="数字，如 2"),
    ImportColumn("楼层", "floor", "household", "int", note="不填时按房号推算（501 为 5 层）"),
    ImportColumn("房号", "room", "household", required=True, aliases=("房间号", "室号", "门牌号"), note="如 501"),
    ImportColumn("房屋用途", "housing_use", "household", "choice", note="不填为自住"),
    ImportColumn("人户状态", "registration_status", "household", "choice", note="不填为人户一致"),
    ImportColumn("房东姓名", "landlord_name", "household"),
    ImportColumn("房东电话", "landlord_phone", "household", "phone"),
    ImportColumn("姓名", "name", "resident", required=True, aliases=("居民姓名",)),
    ImportColumn("性别", "sex", "resident", "choice", note="填写身份证号时可不填（按证件号码推算）"),
    ImportColumn("出生日期", "birth_date", "resident", "date", note="如 1948-03-02；填写身份证号时可不填"),
    ImportColumn("证件类型", "id_type", "resident", "choice", note="不填为居民身份证"),
    ImportColumn("证件号码", "id_number", "resident", "id_number", aliases=("身份证号", "身份证号码", "公民身份号码"),
                 note="请设为文本格式，避免末位丢失"),
    ImportColumn("联系电话", "phone", "resident", "phone", aliases=("电话", "手机", "手机号", "手机号码"),
                 note="手机11位，座机带区号"),
    ImportColumn("民族", "ethnicity", "resident", note="如 汉族"),
    ImportColumn("与户主关系", "relation", "resident", "choice", aliases=("户主关系", "关系")),
    ImportColumn("人口类型", "population_type", "resident", "choice", note="不填为户籍"),
    ImportColumn("居住证到期日", "permit_expiry", "resident", "date", note="仅流动、境外人口"),
    ImportColumn("政治面貌", "political_status", "resident", "choice"),
    ImportColumn("备注", "notes", "resident"),
)
BY_HEADER = {name: c for c in COLUMNS for name in (c.header, *c.aliases)}
HEADER_OF = {c.field: c.header for c in COLUMNS}
# Columns our own exports and error reports add: read past them without a warning.
KNOWN_EXTRA = {"序号", "原行号", "错误说明", "年龄", "地址", "迁出日期", "特殊人群"}


@dataclass
class Sheet:
    header_row: int
    headers: list[str]
    mapping: dict[int, ImportColumn]
    ignored: list[str]
    rows: list[tuple[int, list[Any]]]


def read_sheet(path: str) -> Sheet:
    """The first worksheet's header row and data rows; ConsoleError for a file that is not one."""
    bounds = limits()
    check_archive(path, bounds)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 -- openpyxl raises many kinds for a damaged file
        refuse("file_invalid", 422)
    try:
        ws = book.worksheets[0] if book.worksheets else None
        if ws is None:
            refuse("file_invalid", 422)
        # The sheet's declared dimension may claim 16,384 columns: size each row by its own cells.
        ws.reset_dimensions()
        found = None
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > bounds.max_sheet_rows:
                refuse("import_sheet_too_long", 422)
            if len(values) > bounds.max_columns:
                if any(v is not None for v in values[bounds.max_columns:]):
                    refuse("import_too_many_columns", 422)
                values = values[:bounds.max_columns]
            if found is None:
                if number > HEADER_SCAN_ROWS:
                    break
                texts = [cell_text(v) for v in values]
                if sum(t in BY_HEADER for t in texts) >= 3:
                    found = (number, texts)
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append((number, list(values)))
            if len(rows) > bounds.max_rows:
                refuse("import_too_many_rows", 422)
    finally:
        book.close()
    if found is None:
        refuse("import_no_header", 422)
    header_row, headers = found
    mapping: dict[int, ImportColumn] = {}
    ignored = []
    for index, text in enumerate(headers):
        column = BY_HEADER.get(text)
        if column is not None and column not in mapping.values():
            mapping[index] = column
        elif text and text not in KNOWN_EXTRA:
            ignored.append(text)
    missing = [c.header for c in COLUMNS if c.required and c not in mapping.values()]
    if missing:
        refuse("import_headers_missing", 422, {name: field_error("required") for name in missing}, missing=missing)
    if not rows:
        refuse("import_no_rows", 422)
    return Sheet(header_row, headers, mapping, ignored, rows)
