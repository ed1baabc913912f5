"""Findings reported on patrol, their category dictionary, and the steps of each case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from ..core.record import SyncedRecord
from ..core.time import utcnow
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
    # The review queue: a grid's reported findings by time (migration 0013_review).
    __table_args__ = (Index("ix_findings_review_queue", "grid_id", "status", "reported_at"),)

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
    # The lead unit's name as phones show it; handling_unit_id is the directory entry it came from.
    unit: Mapped[str | None] = mapped_column(String(64))
    deadline_at: Mapped[datetime | None]
    # Readable number (cases/numbers.py), given by the server when the case first reaches it.
    number: Mapped[str | None] = mapped_column(String(24), unique=True, index=True)
    # Who asked: a registered resident, or a name and number for someone not in the registry
    # (a walk-in, a hotline caller). The rating after closure is asked of them.
    requester_id: Mapped[str | None] = mapped_column(String(36), index=True)
    requester_name: Mapped[str | None] = mapped_column(String(32))
    requester_phone: Mapped[str | None] = mapped_column(String(20))
    # The visit whose need (诉求) became this case (转为事件 on the phone).
    visit_id: Mapped[str | None] = mapped_column(String(36))
    handling_unit_id: Mapped[str | None] = mapped_column(String(36))
    # When the community escalated it to the street (吹哨): it is then in the street's queue.
    escalated_at: Mapped[datetime | None]
    # How many times a rating below satisfied reopened it (回头看).
    reopened: Mapped[int] = mapped_column(default=0, server_default="0")


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
    # The handling unit that took this step (its contact, or staff on a dispatch naming it).
    handling_unit_id: Mapped[str | None] = mapped_column(String(36))


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


class HandlingUnit(db.Model):
    """An entry of the directory of handling units (处置单位): 职能部门, 物业, 驻区单位, 社会组织.

    Kept by a community (its own 物业 and 驻区单位) or by a street (district departments, which a
    street dispatches escalated cases to): `area_id` is that community or street. It may stand for
    an actual unit (实有单位) registered at a door (`unit_id`). Console-only: phones see the name a
    case carries, not the directory."""

    __tablename__ = "handling_units"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    area_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(24))
    unit_id: Mapped[str | None] = mapped_column(String(36))
    contact_name: Mapped[str | None] = mapped_column(String(32))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseUnit(db.Model):
    """One unit a case is dispatched to: the lead (主办) or a helper (协办), with its own receipt,
    deadline (running from receipt) and finish. `status`: case_unit_status codes."""

    __tablename__ = "case_units"
    __table_args__ = (Index("ix_case_units_handling_unit_id", "handling_unit_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[str] = mapped_column(String(36), index=True)
    handling_unit_id: Mapped[str] = mapped_column(String(36))
    role: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(24))
    dispatched_at: Mapped[datetime]
    dispatched_by: Mapped[str | None] = mapped_column(String(36))
    received_at: Mapped[datetime | None]
    deadline_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class CaseCounter(db.Model):
    """The last case number given on a Beijing day (cases/numbers.py)."""

    __tablename__ = "case_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int]
