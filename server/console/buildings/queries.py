"""What the buildings pages read: the scope's buildings, the community's users, occupied doors."""

from __future__ import annotations

from sqlalchemy import func, select

from ...areas.models import Building
from ...auth.models import User
from ...extensions import db
from ...registry.models import Household
from ..users.queries import community_users_query


def buildings_of(grid_ids: list[str]) -> list[Building]:
    if not grid_ids:
        return []
    return list(db.session.scalars(select(Building).where(Building.grid_id.in_(grid_ids), Building.deleted.is_(False))
                                   .order_by(Building.grid_id, Building.estate, func.length(Building.number),
                                             Building.number)))


def households_by_building(building_ids: list[str]) -> dict[str, int]:
    if not building_ids:
        return {}
    rows = db.session.execute(select(Household.building_id, func.count()).where(
        Household.building_id.in_(building_ids), Household.deleted.is_(False), Household.status == "active")
        .group_by(Household.building_id))
    return dict(rows.all())


def households_at(building: Building) -> dict[tuple[int, int, str], Household]:
    """The building's registered households by door; a demolished or merged one holds no door."""
    rows = db.session.scalars(select(Household).where(
        Household.building_id == building.id, Household.deleted.is_(False), Household.status == "active"))
    return {(h.unit, h.floor, h.room): h for h in rows}


def community_users(scope) -> dict[str, User]:
    return {u.id: u for u in db.session.scalars(community_users_query(scope).where(User.active.is_(True)))}


def number_taken(grid_id: str, number: str, estate: str | None, except_id: str | None = None) -> bool:
    query = select(func.count()).select_from(Building).where(
        Building.grid_id == grid_id, Building.number == number, Building.deleted.is_(False),
        func.coalesce(Building.estate, "") == (estate or ""))
    if except_id:
        query = query.where(Building.id != except_id)
    return bool(db.session.scalar(query))
