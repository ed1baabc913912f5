"""A file refused as a whole, with a stable code (the console shows it, the CLI prints it)."""

from __future__ import annotations

from typing import Any

from sync.errors import ProtocolError


class FileRefused(ProtocolError):
    pass


def refuse(code: str, status: int = 422, fields: dict[str, Any] | None = None, **extra: Any):
    raise FileRefused(code, status, fields or {}, extra)
