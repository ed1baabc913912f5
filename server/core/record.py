"""What every synced table carries besides its own fields."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .time import utcnow


class SyncedRecord:
    """Mixin: a client-generated id, per-field clocks for the merge, and a tombstone flag."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    clocks: Mapped[dict] = mapped_column(JSON, default=dict)
    deleted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
