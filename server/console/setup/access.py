"""Who may set up what: a street admin their street's communities and grids, community staff
their community's grids. Anything else answers 404 (or 403 for a page of the wrong role)."""

from __future__ import annotations

from flask import abort, g
from sqlalchemy import select

from ...areas.models import Area
from ...extensions import db
from ..errors import refuse


def street() -> Area | None:
    """The street a street admin answers for; None for community staff."""
    if g.staff.role != "street_admin" or not g.staff.area_ids:
        return None
    return db.session.scalar(select(Area).where(Area.id.in_(g.staff.area_ids), Area.level == "street",
                                                Area.deleted.is_(False)).order_by(Area.name).limit(1))


def require_street_admin() -> Area:
    found = street()
    if found is None:
        refuse("forbidden", 403)
    return found


def community(community_id: str) -> Area:
    if community_id not in g.scope.community_ids:
        abort(404)
    return db.session.get(Area, community_id)


def grid(grid_id: str, lock: bool = False) -> Area:
    """A grid of one of the staff member's communities (retired ones too: they keep their history)."""
    area = db.session.get(Area, grid_id, with_for_update=lock or None, populate_existing=lock)
    if area is None or area.deleted or area.level != "grid" or area.parent_id not in g.scope.community_ids:
        abort(404)
    return area


def live_grids(community_id: str) -> list[Area]:
    """The grids in service, for pickers: a retired grid is no place to put anything."""
    return list(db.session.scalars(select(Area).where(
        Area.parent_id == community_id, Area.level == "grid", Area.deleted.is_(False),
        Area.retired_on.is_(None)).order_by(Area.code, Area.name)))
