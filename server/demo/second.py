"""A second, small community on the same street: 安康社区, one grid, a handful of homes.

It lets a street admin switch between communities and shows that one community's staff (sq2)
never see the other's records. It is drawn after the whole of 幸福社区, from the same random
stream, so adding it changed none of 幸福社区's numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..auth.operations import create_user
from . import households, ledgers, names, places, texts
from .care import CarePlanner
from .cases import Cases
from .context import DemoContext
from .households import Home
from .places import BuildingPlan
from .residency import plan_residency
from .visits import Visits

if TYPE_CHECKING:
    from .community import DemoCommunity

COMMUNITY_NAME = "安康社区"
GRID_NAME = "安康社区第一网格"
ESTATE = "安康里"
COMMUNITY_SEQ = "013"
COMMUNITY_CODE = texts.STREET_CODE + COMMUNITY_SEQ
GRID_CODE = f"{texts.OBJECT_CODE}{texts.COUNTY_CODE}{texts.STREET_SEQ}{COMMUNITY_SEQ}01"
# (username, role, 中文 role, area: "grid" or "community")
USERS: tuple[tuple[str, str, str, str], ...] = (
    ("wgy4", "grid_worker", "网格员", "grid"),
    ("sq2", "community_staff", "社区工作人员", "community"),
)
HOME_KINDS = {"elderly_alone": 3, "elderly_couple": 3, "nuclear": 5, "three_generation": 2, "single": 2,
              "tenant_single": 1, "vacant": 1}
CASES = (("reported", False), ("dispatched", True), ("in_progress", False), ("closed", False))
# Two walk-ups a few hundred metres east of 幸福社区.
BUILDINGS = ((1, 39.9310, 116.4560, "1988年建成，砖混结构，无电梯"),
             (2, 39.9302, 116.4569, "1991年建成，砖混结构，无电梯"))


def build(main: DemoCommunity, password: str) -> DemoContext:
    """Write 安康社区 after 幸福社区 (the caller commits); return its context with its counts."""
    ctx = DemoContext(rng=main.rng, writer=main.writer, now=main.now, today=main.today,
                      people=main.people, families=main.families)
    ctx.street = main.street
    ctx.community = places.set_up_area(ctx.writer, "community", COMMUNITY_NAME, main.street, COMMUNITY_CODE)
    ctx.grids = [places.set_up_area(ctx.writer, "grid", GRID_NAME, ctx.community, GRID_CODE,
                                    "东至东三环辅路，西至安康路，南至团结湖路，北至朝阳北路")]
    accounts = {}
    for username, role, _, area in USERS:
        area_id = ctx.grids[0].id if area == "grid" else ctx.community.id
        sex = ctx.rng.choice(names.SEXES)
        name = names.person_name(ctx.rng, sex, ctx.today.year - ctx.rng.randint(26, 50))
        accounts[username] = create_user(username, password, name, role, [area_id],
                                         phone=names.mobile(ctx.rng))
    # The visit and case writers look accounts up by their place in a community (the first
    # grid's worker, its staff member); this community has no patrol volunteer.
    ctx.users = {"wgy1": accounts["wgy4"], "sq1": accounts["sq2"]}
    ctx.buildings = [BuildingPlan(number=n, grid=0, kind="walkup", units=2, floors=6, rooms=2, lat=lat, lng=lng,
                                  notes=note) for n, lat, lng, note in BUILDINGS]
    ctx.homes = plan_homes(ctx)
    plan_care(ctx)
    places.pick_captains(ctx)
    plan_residency(ctx)
    ledgers.write_register(ctx, ESTATE)
    Visits(ctx).write()
    cases = Cases(ctx)
    for entry, (status, overdue) in zip(ctx.rng.sample(texts.FINDINGS, len(CASES)), CASES):
        cases.write_case(entry, status, overdue)
    return ctx


def plan_homes(ctx: DemoContext) -> list[Home]:
    doors = [Home(b, unit, floor, door) for b in ctx.buildings for unit in range(1, b.units + 1)
             for floor in range(1, b.floors + 1) for door in range(1, b.rooms + 1)]
    kinds = [kind for kind, n in HOME_KINDS.items() for _ in range(n)]
    ctx.rng.shuffle(kinds)
    homes = sorted(ctx.rng.sample(doors, len(kinds)), key=lambda h: (h.building.number, h.unit, h.floor, h.door))
    for home, kind in zip(homes, kinds):
        home.kind = kind
        households._fill(ctx, home)
    return homes


def plan_care(ctx: DemoContext) -> None:
    """The household and age tags of 幸福社区's planner, and one resident with a chronic illness."""
    planner = CarePlanner(ctx)
    for home in ctx.homes:
        planner.by_household(home)
    for _, person in planner.living:
        planner.by_age(person)
    older = [p for _, p in planner.living if planner.age(p) >= 55 and "chronic_ill" not in p.tags]
    if older:
        condition, needs = ctx.rng.choice(texts.CHRONIC_CONDITIONS)
        planner.tag(ctx.rng.choice(older), "chronic_ill", {"condition": condition, "care_needs": needs},
                    planner.years_ago(0, 4))


def summary(ctx: DemoContext) -> str:
    residents = sum(len(h.people) for h in ctx.homes)
    tags = sum(v for k, v in ctx.counts.items() if k.startswith("tag:"))
    return (f"  另有 also {COMMUNITY_NAME}: 网格 grid 1 · 住户 households {len(ctx.homes)} · 居民 residents "
            f"{residents} · 关爱标签 care tags {tags} · 走访 visits {ctx.counts['visits']} · "
            f"事件 findings {ctx.counts['findings']}")
