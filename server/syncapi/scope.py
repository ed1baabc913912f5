"""What each user may see and write, expressed as scope keys.

A key names one slice of the area tree: `g:<grid>`, `c:<community>`, `s:<street>`,
`r:<user>` (findings a volunteer reported), `a:<grid>` (only the grid's own area row, which a
volunteer needs for names) and `*` (the shared dictionaries). Pull cursors carry the keys they
were served under, which is how a pull notices a scope that grew or shrank.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, false, or_

from ..areas.models import Area
from ..extensions import db
from .models import SyncRow

GLOBAL = "*"
STAFF_ROLES = ("community_staff", "street_admin")


@dataclass(frozen=True)
class Place:
    """Where a record sits: its grid and that grid's community and street."""

    grid_id: str | None = None
    community_id: str | None = None
    street_id: str | None = None
    reporter_id: str | None = None


def keys_for(user) -> list[str]:
    areas = user.area_ids
    prefix = {"grid_worker": "g", "community_staff": "c", "street_admin": "s"}.get(user.role)
    if user.role == "patrol_volunteer":
        return sorted([GLOBAL, f"r:{user.id}", *(f"a:{a}" for a in areas)])
    if prefix is None:
        return [GLOBAL]
    return sorted([GLOBAL, *(f"{prefix}:{a}" for a in areas)])


def clause(keys):
    """SQL condition on SyncRow matching any of the keys."""
    parts = []
    for key in keys:
        if key == GLOBAL:
            parts.append(and_(SyncRow.grid_id.is_(None), SyncRow.community_id.is_(None),
                              SyncRow.street_id.is_(None), SyncRow.reporter_id.is_(None)))
            continue
        kind, _, value = key.partition(":")
        if kind == "g":
            parts.append(SyncRow.grid_id == value)
        elif kind == "c":
            parts.append(SyncRow.community_id == value)
        elif kind == "s":
            parts.append(SyncRow.street_id == value)
        elif kind == "r":
            parts.append(SyncRow.reporter_id == value)
        elif kind == "a":
            parts.append(and_(SyncRow.entity == "area", SyncRow.grid_id == value))
    return or_(*parts) if parts else false()


class Areas:
    """Per-request cache of the area tree, which changes rarely and is read on every change."""

    def __init__(self, session=None) -> None:
        self.session = session or db.session
        self._cache: dict[str, Area | None] = {}

    def get(self, area_id: str | None) -> Area | None:
        if area_id is None:
            return None
        if area_id not in self._cache:
            self._cache[area_id] = self.session.get(Area, area_id)
        return self._cache[area_id]

    def place_of_grid(self, grid_id: str) -> Place | None:
        grid = self.get(grid_id)
        if grid is None or grid.level != "grid" or grid.deleted:
            return None
        community = self.get(grid.parent_id)
        street = self.get(community.parent_id) if community else None
        return Place(grid.id, community.id if community else None, street.id if street else None)

    def place_of_area(self, area: Area) -> Place:
        if area.level == "grid":
            return self.place_of_grid(area.id) or Place(area.id)
        if area.level == "community":
            street = self.get(area.parent_id)
            return Place(None, area.id, street.id if street else None)
        return Place(None, None, area.id)


def may_write(user, place: Place) -> bool:
    """Whether a user may write a record that sits at `place` (grid-level records only)."""
    if place.grid_id is None:
        return False
    areas = set(user.area_ids)
    if user.role in ("grid_worker", "patrol_volunteer"):
        return place.grid_id in areas
    if user.role == "community_staff":
        return place.community_id in areas
    if user.role == "street_admin":
        return place.street_id in areas
    return False


def may_see(user, place: Place, entity: str) -> bool:
    keys = keys_for(user)
    if user.role == "patrol_volunteer":
        if entity == "area":
            return f"a:{place.grid_id}" in keys
        return place.reporter_id == user.id
    return may_write(user, place)
