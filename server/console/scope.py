"""Which communities a staff member may see, and which one the console is showing.

Community staff see the community they are assigned to; street admins every community of
their street, one at a time (the switcher). Anything outside answers 404, by URL too, so a
record's existence is not revealed either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, g, session
from sqlalchemy import select

from ..areas.models import Area
from ..extensions import db


@dataclass
class StaffScope:
    communities: list[Area]
    community: Area | None
    grids: list[Area] = field(default_factory=list)

    @property
    def grid_ids(self) -> list[str]:
        return [grid.id for grid in self.grids]

    @property
    def live_grids(self) -> list[Area]:
        """The grids in service: what pickers offer (a retired grid keeps only its history)."""
        return [grid for grid in self.grids if grid.retired_on is None]

    @property
    def community_ids(self) -> list[str]:
        return [c.id for c in self.communities]

    def has_grid(self, grid_id: str | None) -> bool:
        return grid_id is not None and grid_id in self.grid_ids

    def require_grid(self, grid_id: str | None) -> None:
        if not self.has_grid(grid_id):
            abort(404)

    def grid_name(self, grid_id: str | None) -> str:
        return next((grid.name for grid in self.grids if grid.id == grid_id), "")


def communities_of(user) -> list[Area]:
    ids = user.area_ids
    if not ids:
        return []
    if user.role == "community_staff":
        where = (Area.id.in_(ids), Area.level == "community")
    elif user.role == "street_admin":
        where = (Area.parent_id.in_(ids), Area.level == "community")
    else:
        return []
    return list(db.session.scalars(select(Area).where(*where, Area.deleted.is_(False)).order_by(Area.code, Area.name)))


def load_scope(user) -> StaffScope:
    communities = communities_of(user)
    chosen = session.get("community_id")
    community = next((c for c in communities if c.id == chosen), communities[0] if communities else None)
    grids = []
    if community is not None:
        grids = list(db.session.scalars(
            select(Area).where(Area.parent_id == community.id, Area.level == "grid", Area.deleted.is_(False))
            .order_by(Area.code, Area.name)))
    return StaffScope(communities, community, grids)


def scope() -> StaffScope:
    return g.scope


def current_community() -> Area:
    """The community the console is showing; 404 when there is none (a street admin whose street
    has no community yet)."""
    if g.scope.community is None:
        abort(404)
    return g.scope.community


def in_scope(model, record_id: str, lock: bool = False):
    """The record, or 404 when it does not exist, is deleted or sits outside g.scope.

    `lock` for a write that must see the latest row: two staff acting at once, the second waits
    here and then sees what the first one did.
    """
    if lock:
        row = db.session.get(model, record_id, with_for_update=True, populate_existing=True)
    else:
        row = db.session.get(model, record_id)
    if row is None or row.deleted or not g.scope.has_grid(row.grid_id):
        abort(404)
    return row
