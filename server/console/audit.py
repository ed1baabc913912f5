"""Audit entries for the signed-in staff member's request."""

from __future__ import annotations

from typing import Any

from flask import g, request

from ..audit import write
from ..audit.models import AuditEntry


def record(action: str, entity: str | None = None, record_id: str | None = None, **detail: Any) -> AuditEntry:
    return write(action, g.staff.id, entity, record_id, request.remote_addr, detail)
