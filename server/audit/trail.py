"""Writing to the audit trail; the caller's transaction commits the entry with the act it records."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from .models import AuditEntry


def write(action: str, actor_id: str | None, entity: str | None = None, record_id: str | None = None,
          ip: str | None = None, detail: dict[str, Any] | None = None) -> AuditEntry:
    """`actor_id` is the user who acted (None for a sign-in under an unknown username)."""
    entry = AuditEntry(user_id=actor_id, action=action, entity=entity, record_id=record_id,
                       detail=detail or {}, ip=ip)
    db.session.add(entry)
    return entry
