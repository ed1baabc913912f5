"""Households, residents, the care-tag dictionary and residents' care tags."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.record import SyncedRecord
from ..extensions import db


class Household(SyncedRecord, db.Model):
    __tablename__ = "households"

    building_id: Mapped[str] = mapped_column(ForeignKey("buildings.id"), index=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    unit: Mapped[int] = mapped_column(default=1)
    floor: Mapped[int] = mapped_column(default=1)
    room: Mapped[str] = mapped_column(String(16))
    housing_use: Mapped[str] = mapped_column(String(16), default="owner_occupied")
    registration_status: Mapped[str] = mapped_column(String(24), default="consistent")
    landlord_name: Mapped[str | None] = mapped_column(String(32))
    landlord_phone: Mapped[str | None] = mapped_column(String(20))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(String(2000))
    # active | demolished | merged (vacancy is housing_use); a merged household names the one it joined.
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    # A rented home's lease end: the worker is reminded to check who lives there.
    lease_end: Mapped[date | None]


class Resident(SyncedRecord, db.Model):
    __tablename__ = "residents"

    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[date | None]
    id_type: Mapped[str] = mapped_column(String(16), default="resident_id")
    id_number: Mapped[str | None] = mapped_column(String(32), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    relation: Mapped[str | None] = mapped_column(String(16))
    population_type: Mapped[str] = mapped_column(String(16), default="registered")
    permit_expiry: Mapped[date | None]
    political_status: Mapped[str | None] = mapped_column(String(16))
    moved_out_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(String(2000))
    # How the person came and went (迁入/出生, 迁出/死亡): the record stays, with its history.
    arrived_by: Mapped[str | None] = mapped_column(String(16))
    moved_in_on: Mapped[date | None]
    moved_in_from: Mapped[str | None] = mapped_column(String(100))
    left_by: Mapped[str | None] = mapped_column(String(16))
    moved_out_to: Mapped[str | None] = mapped_column(String(100))


class CareTagType(SyncedRecord, db.Model):
    """The tag dictionary. Intervals and detail fields are data so a city can add its own tags.

    A row without a community is the installation's. A row with one belongs to that community:
    with `base` it tunes the installation's tag `base` there, naming the fields it sets in
    `tuned` (its other fields are copies that resolution ignores, so a later change of the
    installation's value still reaches the community); without `base` it is a tag of the
    community's own. registry/tag_types.py resolves. `active` null means active.
    """

    __tablename__ = "care_tag_types"

    name_zh: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    interval_days: Mapped[int]
    detail_fields: Mapped[list] = mapped_column(JSON, default=list)
    sort: Mapped[int] = mapped_column(default=0)
    # Plain ids, as 0008's references: a foreign key added by migration would make SQLite copy
    # the table that residents' tags and findings point at.
    community_id: Mapped[str | None] = mapped_column(String(36), index=True)
    base: Mapped[str | None] = mapped_column(String(36))
    tuned: Mapped[list | None] = mapped_column(JSON)
    # False: no longer given to residents (tags already given stay and are still due visits).
    active: Mapped[bool | None]


class ResidentTag(SyncedRecord, db.Model):
    __tablename__ = "resident_tags"

    resident_id: Mapped[str] = mapped_column(ForeignKey("residents.id"), index=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    tag: Mapped[str] = mapped_column(ForeignKey("care_tag_types.id"))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
