"""Building the area tree and its buildings (server-side writes that devices pull)."""

from __future__ import annotations

from sync.ids import uuid7

from ..core.writer import Writer
from .models import Area, Building


def add_area(writer: Writer, level: str, name: str, parent: Area | None = None, code: str | None = None,
             boundary: str | None = None) -> Area:
    expected_parent = {"street": None, "community": "street", "grid": "community"}[level]
    if (parent.level if parent else None) != expected_parent:
        raise ValueError(f"a {level} belongs to a {expected_parent or 'nothing'}")
    return writer.put("area", Area(id=uuid7(), level=level, name=name, code=code, boundary=boundary,
                                   parent_id=parent.id if parent else None))


def add_building(writer: Writer, grid: Area, number: str, **fields) -> Building:
    return writer.put("building", Building(id=uuid7(), grid_id=grid.id, number=number, **fields))
