"""A spreadsheet cell as the value a record holds, and the keys rows are matched by."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from datetime import date, datetime
from typing import Any

_BUILDING_SUFFIX = re.compile(r"(?:号楼|号|栋|幢|#)$")
_ROOM_SUFFIX = re.compile(r"(?:室|号)$")
DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
YES = {"是", "有", "y", "yes", "true", "1", "√"}
NO = {"否", "无", "n", "no", "false", "0", "×"}


def cell_text(value: Any) -> str:
    """A cell as the text a person typed (numbers without ".0", dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.min.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def stable_id(secret: str, *parts: str) -> str:
    """A record id derived from what identifies the row (keyed, so it reveals nothing): importing
    the same row twice, or resuming an import, names the same record."""
    digest = bytearray(hmac.new(secret.encode(), "|".join(parts).encode(), hashlib.sha256).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80  # UUID version 8: application-defined
    digest[8] = (digest[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(digest)))


def building_key(text: str) -> str:
    return _BUILDING_SUFFIX.sub("", text.strip()).strip()


def room_key(text: str) -> str:
    return _ROOM_SUFFIX.sub("", text.strip()).strip()


def parse_date(value: Any) -> str | None:
    """ISO date text, or None when the cell is no date."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = cell_text(value)
    match = DATE.match(text) or COMPACT_DATE.match(text)
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except (AttributeError, ValueError):
        return None


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    return True if text in YES else False if text in NO else None
