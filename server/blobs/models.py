"""Photo metadata; the bytes live on disk, named by their sha256."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..extensions import db


class Blob(db.Model):
    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(32))
    uploaded_by: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
