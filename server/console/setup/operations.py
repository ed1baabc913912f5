"""What the setup pages do to the tree: assign workers, move buildings, retire a grid."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from ...areas.models import Area, Building
from ...areas.moves import move_building
from ...auth.models import Assignment, User
from ...extensions import db


def workers_of(grid: Area) -> list[User]:
    return list(db.session.scalars(select(User).join(Assignment, Assignment.user_id == User.id).where(
        Assignment.area_id == grid.id, User.role == "grid_worker").order_by(User.username)))


def assign(user: User, grid: Area) -> bool:
    """Their phone's scope grows by the grid at its next pull (the cursor carries the keys)."""
    if grid.id in user.area_ids:
        return False
    user.assignments.append(Assignment(area_id=grid.id))
    return True


def unassign(user: User, grid: Area) -> bool:
    """Their phone drops the grid at its next pull."""
    kept = [a for a in user.assignments if a.area_id != grid.id]
    changed = len(kept) != len(user.assignments)
    user.assignments = kept
    return changed


def buildings_of(grid: Area) -> list[Building]:
    return list(db.session.scalars(select(Building).where(
        Building.grid_id == grid.id, Building.deleted.is_(False)).order_by(Building.estate, Building.number)))


def move(writer, buildings: list[Building], target: Area) -> dict[str, int]:
    total: dict[str, int] = {}
    for building in buildings:
        for kind, n in move_building(writer, building, target).items():
            total[kind] = total.get(kind, 0) + n
    return total


def retire(writer, grid: Area, target: Area, today: date) -> dict[str, int]:
    """Every building to `target`, the workers unassigned, and the grid marked retired; its own
    records (findings reported in it) stay where they were, as its history."""
    moved = move(writer, buildings_of(grid), target)
    db.session.execute(delete(Assignment).where(Assignment.area_id == grid.id))
    db.session.expire_all()
    writer.update("area", grid, {"retired_on": today})
    return moved
