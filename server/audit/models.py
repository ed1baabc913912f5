"""The audit trail's table, append-only in the database itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..extensions import db
from .append_only import POSTGRES, SQLITE


class AuditEntry(db.Model):
    """A sensitive read or act worth answering for later: a full ID or phone number seen, an
    export, a bulk pull, a sign-in (failed ones too), a revoked phone."""

    __tablename__ = "console_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # None: a failed sign-in under a username nobody has (the attempted name is in `detail`).
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str | None] = mapped_column(String(32))
    record_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))


# The same triggers as the migration, for a schema made by create_all (the tests).
for _statement in SQLITE:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES:
    event.listen(AuditEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
