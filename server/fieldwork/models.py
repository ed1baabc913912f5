"""Household visits (走访): append-only records of who was seen, how, and what came of it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.record import SyncedRecord
from ..extensions import db


class Visit(SyncedRecord, db.Model):
    __tablename__ = "visits"
    # The review queue: a grid's waiting visits by time (migration 0013_review).
    __table_args__ = (Index("ix_visits_review_queue", "grid_id", "review_status", "visited_at"),)

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    resident_ids: Mapped[list] = mapped_column(JSON, default=list)
    visitor_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    visited_at: Mapped[datetime] = mapped_column(index=True)
    method: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(String(2000))
    needs: Mapped[str | None] = mapped_column(String(2000))
    follow_up_on: Mapped[date | None]
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    accuracy: Mapped[float | None]
    photos: Mapped[list] = mapped_column(JSON, default=list)
    # Community review (审核): None until staff look at it; "returned" (退回) sends it back to
    # the visitor to fix, "resubmitted" when they have. Only staff write these.
    review_status: Mapped[str | None] = mapped_column(String(16), index=True)
    review_comment: Mapped[str | None] = mapped_column(String(500))
    reviewed_by: Mapped[str | None] = mapped_column(String(36))
    reviewed_at: Mapped[datetime | None]
