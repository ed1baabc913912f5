"""The area tree (street → community → grid) and the buildings in a grid."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.record import SyncedRecord
from ..extensions import db


class Area(SyncedRecord, db.Model):
    __tablename__ = "areas"

    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("areas.id"), index=True)


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
