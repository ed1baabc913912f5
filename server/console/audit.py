"""The staff audit trail: who saw or did what sensitive thing, when, from where."""

from __future__ import annotations

from typing import Any

from flask import g, request

from ..extensions import db
from .models import AuditEntry


def record(action: str, entity: str | None = None, record_id: str | None = None, **detail: Any) -> AuditEntry:
    entry = AuditEntry(user_id=g.staff.id, action=action, entity=entity, record_id=record_id,
                       detail=detail, ip=request.remote_addr)
    db.session.add(entry)
    return entry
