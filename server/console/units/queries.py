"""Units for other console pages (a building's page lists the units at its doors)."""

from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...units.models import Unit


def units_of_building(building_id: str) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.building_id == building_id, Unit.deleted.is_(False))
                                   .order_by(Unit.room, Unit.name, Unit.id)))
