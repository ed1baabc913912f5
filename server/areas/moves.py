"""Moving a building, and everything that lives in it, to another grid.

Every record below a building carries its grid (that is how a grid worker's phone is scoped), so
a move rewrites each of them through the writer: their history says where they went, and the
pull index leaves a departure in the old grid (syncapi/stamp.py) so its phones let them go.
"""

from __future__ import annotations

from sqlalchemy import select

from ..core.writer import Writer
from ..extensions import db
from .models import Area, Building

# What lives below a building: (entity, its table, the field naming its parent, the parent's
# entity), each after its parent. A new kind that carries grid_id is one more line here. (Tables by
# name: the registry's models may not be imported from here, they sit above the area tree.)
CHILDREN: tuple[tuple[str, str, str, str], ...] = (
    ("household", "households", "building_id", "building"),
    ("resident", "residents", "household_id", "household"),
    ("resident_tag", "resident_tags", "resident_id", "resident"),
    ("visit", "visits", "household_id", "household"),
    ("unit", "units", "building_id", "building"),
)


def _model(table: str):
    return next(m.class_ for m in db.Model.registry.mappers if m.local_table.name == table)


def move_building(writer: Writer, building: Building, grid: Area) -> dict[str, int]:
    """Move `building` and its records to `grid`; returns how many of each kind moved."""
    if grid.level != "grid" or grid.deleted or grid.retired_on is not None:
        raise ValueError("a building moves to a grid in service")
    moved: dict[str, int] = {"building": 0}
    if building.grid_id == grid.id:
        return moved
    writer.update("building", building, {"grid_id": grid.id})
    moved["building"] = 1
    ids: dict[str, list[str]] = {"building": [building.id]}
    for entity, table, parent_field, parent in CHILDREN:
        model = _model(table)
        parents = ids.get(parent, [])
        rows = list(writer.session.scalars(
            select(model).where(getattr(model, parent_field).in_(parents)).order_by(model.id)
        )) if parents else []
        for row in rows:
            if row.grid_id != grid.id:
                writer.update(entity, row, {"grid_id": grid.id})
        ids.setdefault(entity, []).extend(row.id for row in rows)
        moved[entity] = moved.get(entity, 0) + len(rows)
    return moved
