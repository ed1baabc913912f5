"""Bounds on an uploaded workbook, checked from the zip's directory before openpyxl opens it.

openpyxl reads all shared strings into memory even in read-only mode, so a few hundred KB that
expand to hundreds of MB would take a server worker down with it. The sizes a zip's directory
declares can be trusted here: Python's zipfile stops at the declared size and fails the CRC when
the data runs on, and openpyxl reads through it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from flask import current_app

from ..core.messages import register_messages
from .errors import refuse

# Below this a part may compress as well as it likes (an empty sheet is mostly one repeated tag).
RATIO_FLOOR = 2 * 1024 * 1024

register_messages({
    "import_unzipped_too_large": ("文件解压后内容过大，请拆分后分批导入",
                                  "The file's content is too large once unpacked; split it and import in parts"),
    "import_compression_suspicious": ("文件压缩比异常，疑似恶意文件，已拒绝；请用 Excel 或 WPS 重新另存后导入",
                                      "The file compresses implausibly well and looks malicious; save it again from Excel or WPS and retry"),
    "import_too_many_parts": ("文件内部组成部分过多，不像正常的台账；请用 Excel 或 WPS 重新另存后导入",
                              "The file has too many internal parts for a ledger; save it again from Excel or WPS and retry"),
})


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unzipped: int
    max_ratio: int
    max_parts: int
    max_rows: int
    max_sheet_rows: int
    max_columns: int


def limits() -> Limits:
    c = current_app.config
    return Limits(c["LEDGER_IMPORT_MAX_BYTES"], c["LEDGER_IMPORT_MAX_UNZIPPED_BYTES"], c["LEDGER_IMPORT_MAX_RATIO"],
                  c["LEDGER_IMPORT_MAX_PARTS"], c["LEDGER_IMPORT_MAX_ROWS"], c["LEDGER_IMPORT_MAX_SHEET_ROWS"],
                  c["LEDGER_IMPORT_MAX_COLUMNS"])


def check_archive(path: str, bounds: Limits) -> None:
    """Refuse a file that is no zip, or whose parts are too many, too large or suspiciously compressed."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        refuse("file_invalid", 422)
    if len(parts) > bounds.max_parts:
        refuse("import_too_many_parts", 422)
    if sum(part.file_size for part in parts) > bounds.max_unzipped:
        refuse("import_unzipped_too_large", 422)
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > bounds.max_ratio * max(part.compress_size, 1):
            refuse("import_compression_suspicious", 422)
