"""Finding a place and a person for a case at intake: an address fragment ("3号楼2单元", "501") or a
resident's name, within the staff member's grids only. Residents come back with masked numbers: the
intake desk needs to tell two 张秀英 apart, not to read their phones."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from ...areas.doors import standard_address
from ...areas.models import Building
from ...extensions import db
from ...registry.models import Household, Resident
from ..masking import mask_phone

LIMIT = 12
BUILDING = re.compile(r"(\w+?)(?:号楼|栋|幢)")
UNIT = re.compile(r"(\d+)单元")
ROOM = re.compile(r"(\d{3,4})(?:室|号)?$")


@dataclass
class Pick:
    """One lookup result: `value` is what the intake form posts (household:<id> or resident:<id>)."""

    value: str
    grid_id: str
    address: str
    household_id: str
    resident: Resident | None = None

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.resident.phone) if self.resident is not None and self.resident.phone else ""


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _door_clause(q: str):
    """Households whose door the fragment names; None when it names no door part."""
    parts = []
    building, unit, room = BUILDING.search(q), UNIT.search(q), ROOM.search(q)
    if building:
        parts.append(Building.number == building.group(1))
    if unit:
        parts.append(Household.unit == int(unit.group(1)))
    if room:
        parts.append(Household.room == room.group(1))
    if not parts:
        return or_(Building.name.like(_like(q), escape="\\"), Building.estate.like(_like(q), escape="\\"))
    return and_(*parts)


def lookup(q: str, grid_ids: list[str]) -> list[Pick]:
    q = q.strip()
    if len(q) < 1 or not grid_ids:
        return []
    homes = select(Household, Building).join(Building, Building.id == Household.building_id).where(
        Household.grid_id.in_(grid_ids), Household.deleted.is_(False), Household.merged_into_id.is_(None))
    picks: list[Pick] = []
    people = db.session.execute(
        homes.add_columns(Resident).join(Resident, Resident.household_id == Household.id)
        .where(Resident.deleted.is_(False), Resident.moved_out_on.is_(None),
               Resident.name.like(_like(q), escape="\\"))
        .order_by(Resident.name, Building.number, Household.unit, Household.room).limit(LIMIT))
    for home, building, resident in people:
        picks.append(Pick(f"resident:{resident.id}", home.grid_id, standard_address(building, home.unit, home.room),
                          home.id, resident))
    doors = db.session.execute(homes.where(_door_clause(q))
                               .order_by(Building.number, Household.unit, Household.room).limit(LIMIT))
    for home, building in doors:
        picks.append(Pick(f"household:{home.id}", home.grid_id, standard_address(building, home.unit, home.room),
                          home.id))
    return picks


def resolve(value: str, grid_ids: list[str]) -> Pick | None:
    """The posted pick, if it names a household or resident in these grids."""
    kind, _, record_id = (value or "").partition(":")
    resident = None
    if kind == "resident":
        resident = db.session.get(Resident, record_id)
        if resident is None or resident.deleted:
            return None
        record_id = resident.household_id
    elif kind != "household":
        return None
    home = db.session.get(Household, record_id)
    if home is None or home.deleted or home.grid_id not in grid_ids:
        return None
    building = db.session.get(Building, home.building_id)
    return Pick(value, home.grid_id, standard_address(building, home.unit, home.room), home.id, resident)
