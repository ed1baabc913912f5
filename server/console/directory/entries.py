"""Which directory entries a staff member keeps and may dispatch to.

A community keeps its own (its 物业, 驻区单位, 社会组织); a street keeps the district departments
its street dispatches escalated cases to. Community staff dispatch to their community's entries; a
street admin to the street's and to the community the console is showing."""

from __future__ import annotations

from flask import abort, g
from sqlalchemy import select

from ...cases.models import HandlingUnit
from ...extensions import db


def kept_area() -> str:
    """The area whose entries this staff member adds and edits."""
    if g.staff.role == "street_admin":
        return g.staff.area_ids[0] if g.staff.area_ids else abort(404)
    if g.scope.community is None:
        abort(404)
    return g.scope.community.id


def visible_areas() -> list[str]:
    areas = [kept_area()]
    if g.staff.role == "street_admin" and g.scope.community is not None:
        areas.append(g.scope.community.id)
    return areas


def entries(active_only: bool = False, areas: list[str] | None = None) -> list[HandlingUnit]:
    query = select(HandlingUnit).where(HandlingUnit.area_id.in_(areas or visible_areas()))
    if active_only:
        query = query.where(HandlingUnit.active.is_(True))
    return list(db.session.scalars(query.order_by(HandlingUnit.active.desc(), HandlingUnit.kind, HandlingUnit.name)))


def dispatchable(community_id: str | None) -> list[HandlingUnit]:
    """What the dispatch form offers for a case in `community_id`."""
    areas = [community_id] if community_id else []
    if g.staff.role == "street_admin":
        areas += list(g.staff.area_ids)
    return entries(active_only=True, areas=areas) if areas else []


def kept(entry_id: str) -> HandlingUnit:
    """An entry this staff member may edit; 404 for any other."""
    entry = db.session.get(HandlingUnit, entry_id)
    if entry is None or entry.area_id != kept_area():
        abort(404)
    return entry
