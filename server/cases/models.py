"""Findings reported on patrol, their category dictionary, and the steps of each case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.record import SyncedRecord
from ..extensions import db


class FindingCategory(SyncedRecord, db.Model):
    """A category (大类) or sub-category (小类). As with care tags, a row with a community is that
    community's: an override of the installation's `base` (naming the fields it sets in `tuned`;
    the community's deadlines hang on it), or a sub-category of its own (cases/categories.py).
    `active` null means active."""

    __tablename__ = "finding_categories"

    parent_id: Mapped[str | None] = mapped_column(ForeignKey("finding_categories.id"))
    name_zh: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    sort: Mapped[int] = mapped_column(default=0)
    # Plain ids, as 0008's references: a foreign key added by migration would make SQLite copy
    # the table that residents' tags and findings point at.
    community_id: Mapped[str | None] = mapped_column(String(36), index=True)
    base: Mapped[str | None] = mapped_column(String(36))
    tuned: Mapped[list | None] = mapped_column(JSON)
    # False: no longer offered for new findings (existing cases keep it).
    active: Mapped[bool | None]


class Finding(SyncedRecord, db.Model):
    __tablename__ = "findings"

    grid_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    reporter_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="grid")
    category: Mapped[str] = mapped_column(ForeignKey("finding_categories.id"))
    description: Mapped[str] = mapped_column(String(2000))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    accuracy: Mapped[float | None]
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    photos: Mapped[list] = mapped_column(JSON, default=list)
    reported_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(24), default="reported")
    level: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(64))
    deadline_at: Mapped[datetime | None]


class CaseStep(SyncedRecord, db.Model):
    __tablename__ = "case_steps"

    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.id"), index=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    reporter_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    actor_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    opinion: Mapped[str | None] = mapped_column(String(2000))
    photos: Mapped[list] = mapped_column(JSON, default=list)
    at: Mapped[datetime]
    level: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(64))
    deadline_at: Mapped[datetime | None]
    # None for a move between stages; "chase" (督办) for a reminder that leaves the stage as it is.
    kind: Mapped[str | None] = mapped_column(String(16))
    # The reporter's or resident's callback rating (1-5) on the step to "rated".
    rating: Mapped[int | None]


class CaseDeadline(db.Model):
    """How long a unit has to handle a case, per category and response level (configuration).

    A row for a top-level category (大类) covers its sub-categories unless they have their own.
    """

    __tablename__ = "case_deadlines"

    category_id: Mapped[str] = mapped_column(ForeignKey("finding_categories.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    amount: Mapped[int]
    # "hours" or "working_days" (cases.deadlines.UNITS)
    unit: Mapped[str] = mapped_column(String(16), default="hours", server_default="hours")
