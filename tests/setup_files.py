"""Setup spreadsheets for the import tests: rows under a kind's headers, as openpyxl writes them."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

BUILDING_HEADERS = ["网格", "小区", "楼号", "单元数", "层数", "每层户数", "电梯", "建成年份", "楼栋长姓名", "楼栋长电话"]
HOUSEHOLD_HEADERS = ["网格", "小区", "楼号", "单元", "楼层", "门牌", "房屋用途", "人户状态", "联系电话", "房东姓名",
                     "房东电话", "租约到期"]


def book_bytes(headers: list[str], rows: list[list], title: str | None = None) -> bytes:
    """An .xlsx of `rows` under `headers` (below a title row when given, as real ledgers have)."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def buildings(grid_names: list[str], count: int = 20, estate: str = "幸福家园") -> list[list]:
    return [[grid_names[i % len(grid_names)], estate, str(i + 1), 3, 5, 2, "否" if i % 3 else "是", 1995 + i % 20,
             f"楼长{i + 1}", f"139{i:08d}"] for i in range(count)]


def households(count: int = 600, estate: str = "幸福家园", buildings_count: int = 20) -> list[list]:
    """`count` doors of the buildings above (3 units × 5 floors × 2 doors = 30 a building)."""
    rows = []
    for b in range(buildings_count):
        for unit in (1, 2, 3):
            for floor in range(1, 6):
                for door in (1, 2):
                    if len(rows) == count:
                        return rows
                    use = "出租" if (len(rows) % 5 == 0) else "自住"
                    rows.append([None, estate, str(b + 1), unit, floor, f"{floor}{door:02}", use, "人户一致",
                                 f"138{len(rows):08d}", "房东甲" if use == "出租" else None,
                                 "13700000000" if use == "出租" else None, "2027-06-30" if use == "出租" else None])
    return rows


def fill_template(template: bytes, rows: list[list]) -> bytes:
    """The downloaded template with `rows` typed in from row 2 (over the example row)."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for r in range(2, sheet.max_row + 1):
        for c in range(1, len(headers) + 1):
            sheet.cell(row=r, column=c).value = None
    return _write(book, sheet, headers, rows)


def _write(book, sheet, headers, rows) -> bytes:
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
