"""Homes: which doors are on the register, who lives behind each, and writing them out."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..core.time import from_china_wall
from . import names, texts
from .dates import add_years
from .people import Person
from .places import BuildingPlan

if TYPE_CHECKING:
    from ..registry.models import Household
    from .context import DemoContext

HOUSEHOLDS = 600

# How many owner-occupied homes of each make-up; the rest of the 600 are nuclear families.
OWNER_KINDS = {"elderly_alone": 40, "elderly_couple": 70, "skipped_generation": 10, "couple": 55,
               "three_generation": 70, "single": 40, "single_parent": 20}
RENTED_KINDS = {"foreign": 2, "tenant_shared": 15, "tenant_single": 30, "tenant_couple": 23, "tenant_family": 20}
COMMERCIAL, VACANT = 6, 18


@dataclass
class Home:
    building: BuildingPlan
    unit: int
    floor: int
    door: int
    kind: str = ""
    use: str = "owner_occupied"
    status: str = "consistent"
    people: list[Person] = field(default_factory=list)
    landlord: tuple[str, str] | None = None
    lease_start: date | None = None
    lease_end: date | None = None
    notes: str | None = None
    registered_on: date | None = None  # when the household was first entered on the register
    row: Household | None = None

    @property
    def room(self) -> str:
        return f"{self.floor}{self.door:02d}"

    @property
    def grid(self) -> int:
        return self.building.grid

    @property
    def address(self) -> str:
        return f"{self.building.number}号楼{self.unit}单元{self.room}"


def doors(rng: random.Random, buildings: list[BuildingPlan]) -> list[Home]:
    """Every walk-up door is on the register; the tower blocks are still being entered."""
    walkups, towers = [], []
    for b in buildings:
        for unit in range(1, b.units + 1):
            for floor in range(1, b.floors + 1):
                for door in range(1, b.rooms + 1):
                    (walkups if b.kind == "walkup" else towers).append(Home(b, unit, floor, door))
    chosen = walkups + rng.sample(towers, max(0, HOUSEHOLDS - len(walkups)))
    return sorted(chosen[:HOUSEHOLDS], key=lambda h: (h.building.number, h.unit, h.floor, h.door))


def plan_homes(ctx: DemoContext) -> list[Home]:
    rng = ctx.rng
    homes = doors(rng, ctx.buildings)
    ground = [h for h in homes if h.floor == 1]
    shops = set(map(id, rng.sample(ground, COMMERCIAL)))
    kinds = [k for k, n in {**OWNER_KINDS, **RENTED_KINDS}.items() for _ in range(n)] + ["vacant"] * VACANT
    kinds += ["nuclear"] * (len(homes) - COMMERCIAL - len(kinds))
    rng.shuffle(kinds)
    kinds_iter = iter(kinds)
    for home in homes:
        home.kind = "commercial" if id(home) in shops else next(kinds_iter)
        _fill(ctx, home)
    leases_ending_soon(ctx, homes)
    return homes


LEASES_ENDING = 4


def leases_ending_soon(ctx: DemoContext, homes: list[Home]) -> None:
    """A few leases that end within days of today, so the worker's reminder has something to say."""
    rented = [h for h in homes if h.use == "rented"]
    for home in ctx.rng.sample(rented, min(LEASES_ENDING, len(rented))):
        ends = ctx.today + timedelta(days=ctx.rng.randint(-5, 25))
        home.lease_start = add_years(ends, -1)


def _fill(ctx: DemoContext, home: Home) -> None:
    f = ctx.families
    kind = home.kind
    if kind == "commercial":
        home.use, home.notes = "commercial", ctx.rng.choice(texts.COMMERCIAL_NOTES)
    elif kind == "vacant":
        _fill_vacant(ctx, home)
    elif kind in RENTED_KINDS:
        _fill_rented(ctx, home, f.tenants(kind))
    elif kind in ("couple", "nuclear", "single") and ctx.rng.random() < 0.08:
        home.status = "present_unregistered"  # bought here, household register still back home
        home.people = {"couple": f.couple_only, "nuclear": f.nuclear, "single": f.single}[kind](migrant=True)
    else:
        home.people = {"elderly_alone": f.elderly_alone, "elderly_couple": f.elderly_couple,
                       "skipped_generation": f.skipped_generation, "couple": f.couple_only,
                       "three_generation": f.three_generation, "single": f.single,
                       "single_parent": f.single_parent, "nuclear": f.nuclear}[kind]()
        _finish_owner_home(ctx, home)


def _finish_owner_home(ctx: DemoContext, home: Home) -> None:
    if home.kind == "skipped_generation":
        home.notes = ctx.rng.choice(texts.SKIPPED_GENERATION_NOTES)
    if home.kind == "elderly_couple" and ctx.rng.random() < 0.3:
        # A grown child still registered here but living elsewhere: 户在人不在.
        mother_age = ctx.families.youngest_mother_age(home.people)
        child = ctx.families.children(home.people, 1, max(25, mother_age - 40), mother_age - 22)[0]
        child.notes, child.absent = "户在人不在，现居外区", True
        home.people.append(child)
        home.status = "registered_absent"


def _fill_vacant(ctx: DemoContext, home: Home) -> None:
    home.use = "vacant"
    if ctx.rng.random() < 0.25:
        home.status, home.notes = "nominal", "空挂户，户籍挂靠，无人居住"
        owner = ctx.people.aged(ctx.rng.choice(names.SEXES), 25, 60, "head")
        owner.notes, owner.absent = "空挂户", True
    else:
        home.status, home.notes = "registered_absent", ctx.rng.choice(texts.VACANT_NOTES)
        owner = ctx.people.aged(ctx.rng.choice(names.SEXES), 35, 80, "head")
        owner.notes, owner.absent = "户在人不在", True
    home.people = [owner]


def _fill_rented(ctx: DemoContext, home: Home, tenants: list[Person]) -> None:
    home.use, home.status, home.people = "rented", "present_unregistered", tenants
    home.landlord = ctx.people.outsider(40, 70)
    home.lease_start = ctx.today - timedelta(days=ctx.rng.randint(20, 400))
    home.notes = "出租房屋，已签订治安责任书"


def registered_at(home: Home) -> datetime | None:
    """The morning the household was first entered on the register (stored, naive UTC)."""
    return from_china_wall(datetime.combine(home.registered_on, time(8, 0))) if home.registered_on else None

