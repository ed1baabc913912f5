"""Actual units (实有单位) at a building's door; the case workflow uses them as handling units."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.record import SyncedRecord
from ..extensions import db


class Unit(SyncedRecord, db.Model):
    __tablename__ = "units"

    building_id: Mapped[str] = mapped_column(ForeignKey("buildings.id"), index=True)
    # The building's grid, kept by the server (a unit is located, and pulled, by its building).
    grid_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True)
    room: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(24))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    contact_name: Mapped[str | None] = mapped_column(String(32))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    employees: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="open")
    # May be named as a handling unit (处置单位) of a case.
    handles_cases: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(String(2000))
