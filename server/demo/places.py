"""The street, the community, its three grids and the buildings on them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..areas.models import Area
from ..areas.operations import add_area
from ..syncapi.direct import DirectWriter
from . import texts
from .dates import age_on

if TYPE_CHECKING:
    from .context import DemoContext


@dataclass
class BuildingPlan:
    number: int
    grid: int
    kind: str
    units: int
    floors: int
    rooms: int
    lat: float
    lng: float
    notes: str
    captain: tuple[str, str] | None = None
    row: object = None
    ground_shops: bool = False  # the ground floor is shops (irregular.py), not homes
    skipped_floor: int | None = None  # a floor the building does not have (no 4th floor)

    @property
    def built_year(self) -> int | None:
        # The notes open with the year ("1991年建成…"), for the main and the second community alike.
        return int(self.notes[:4]) if self.notes[:4].isdigit() else None


def make_areas(writer: DirectWriter) -> tuple[Area, Area, list[Area]]:
    """(street, community, grids), written parent first so each can point at the one above."""
    street = set_up_area(writer, "street", texts.STREET_NAME, None, texts.STREET_CODE)
    community = set_up_area(writer, "community", texts.COMMUNITY_NAME, street, texts.COMMUNITY_CODE)
    grids = [set_up_area(writer, "grid", name, community, texts.grid_code(i + 1), texts.GRID_BOUNDARIES[i])
             for i, name in enumerate(texts.GRID_NAMES)]
    return street, community, grids


def set_up_area(writer: DirectWriter, level: str, name: str, parent: Area | None, code: str,
                boundary: str | None = None) -> Area:
    """An area as the setup page creates one: its form's checks (official code, unique), then add_area."""
    from ..console.setup.forms import read_area

    form = read_area({"name": name, "code": code, "boundary": boundary}, level)
    if not form.ok:
        raise ValueError(f"demo {level} {name}: {form.errors}")
    return add_area(writer, level, form.values["name"], parent, code=form.values["code"],
                    boundary=form.values["boundary"] or None)


def plan_buildings(rng: random.Random) -> list[BuildingPlan]:
    types = {kind: rest for kind, _, *rest in texts.BUILDING_TYPES}
    kinds = [kind for kind, count, *_ in texts.BUILDING_TYPES for _ in range(count)]
    rng.shuffle(kinds)
    buildings = []
    for number, kind in enumerate(kinds, start=1):
        grid = 0 if number <= 7 else 1 if number <= 14 else 2
        floors, units, rooms, note = types[kind]
        slot = (number - 1) - (0, 7, 14)[grid]
        year = rng.randint(*texts.BUILT_YEARS[kind])
        buildings.append(BuildingPlan(
            number=number, grid=grid, kind=kind, units=rng.choice(units),
            floors=rng.choice(floors), rooms=rng.choice(rooms),
            lat=round(texts.CENTRE_LAT + (slot // 2 - 1.5) * 0.0008 + rng.uniform(-1e-4, 1e-4), 6),
            lng=round(texts.CENTRE_LNG + (grid - 1) * 0.0024 + (slot % 2) * 0.0009
                      + rng.uniform(-1e-4, 1e-4), 6),
            notes=note.format(year=year),
        ))
    return buildings


def pick_captains(ctx: DemoContext) -> None:
    for b in ctx.buildings:
        candidates = [p for h in ctx.homes if h.building is b for p in h.people
                      if p.phone and p.population_type == "registered" and not p.absent
                      and 50 <= age_on(p.birth, ctx.today) <= 75]
        if candidates:
            party = [p for p in candidates if p.political == "party_member"]
            chosen = ctx.rng.choice(party or candidates)
            b.captain = (chosen.name, chosen.phone)
        else:
            b.captain = ctx.people.outsider(50, 70)
