"""Keeping units with their building."""

from __future__ import annotations

from sqlalchemy import select

from ..core.writer import Writer
from .models import Unit


def follow_building(writer: Writer, session, building) -> list[Unit]:
    """Write the building's units again after it moved to another grid: each unit takes the new grid
    and is stamped there, so it leaves the old grid's phones and reaches the new grid's at their next
    sync (a unit's grid is its building's)."""
    moved = []
    for unit in session.scalars(select(Unit).where(Unit.building_id == building.id, Unit.deleted.is_(False))):
        if unit.grid_id != building.grid_id:
            unit.grid_id = building.grid_id
            moved.append(writer.put("unit", unit))
    return moved
