"""The area tree (street → community → grid) and the buildings in a grid."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.record import SyncedRecord
from ..extensions import db


class Area(SyncedRecord, db.Model):
    __tablename__ = "areas"

    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("areas.id"), index=True)
    # The boundary as the district describes it in words (东至…西至…), not a polygon.
    boundary: Mapped[str | None] = mapped_column(String(500))
    # A retired grid keeps its history; its buildings have moved to another grid.
    retired_on: Mapped[date | None]


class Building(SyncedRecord, db.Model):
    __tablename__ = "buildings"

    grid_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    number: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(64))
    units: Mapped[int] = mapped_column(default=1)
    floors: Mapped[int] = mapped_column(default=1)
    rooms_per_floor: Mapped[int] = mapped_column(default=2)
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    captain_name: Mapped[str | None] = mapped_column(String(32))
    captain_phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(String(2000))
    # Standard address (一标): 小区 + 楼号; the door grid is generated from the pattern and may be
    # replaced door by door (`doors`, see areas/doors.py) for shops, missing floors, 13A.
    estate: Mapped[str | None] = mapped_column(String(64))
    lift: Mapped[bool | None]
    built_year: Mapped[int | None]
    door_pattern: Mapped[str | None] = mapped_column(String(32))
    doors: Mapped[list | None] = mapped_column(JSON)
    captain_user_id: Mapped[str | None] = mapped_column(String(36))
