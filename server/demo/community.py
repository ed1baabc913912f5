"""The demo community loaded by `wangge demo`: 和平街道 / 幸福社区 with three grids.

One seed always draws the same people, homes, visits and cases (`random.Random(seed)`); dates
are relative to the day it is loaded, so visits run up to "now" and some are overdue. Every
record is written through `DirectWriter`, which clocks, stamps and logs it like a device change,
so phones pull the demo exactly as they would pull real work and its history starts at creation.

The generator plans in memory first (buildings, homes, people and their care tags), then
writes the register as a real street loads it (ledgers.py: the setup files' rows through the
import's checks and writer; irregular.py: the door-grid edits and the actual units), then adds a
year of visits and the findings with their case steps. The parts share one
`DemoContext` and one random stream, so the order of the steps in `DemoCommunity.build` is part
of what a seed means: reordering them changes the community.
"""

from __future__ import annotations

import random

from flask import current_app
from sqlalchemy import select

from ..areas.models import Area
from ..auth.models import User
from ..core.time import china_today, utcnow
from ..dictionaries import seed_dictionaries
from ..extensions import db
from ..registry.seeds import CARE_TAGS
from ..syncapi.direct import DirectWriter
from . import households, irregular, ledgers, places, second, texts
from .care import CarePlanner
from .cases import Cases
from .context import DemoContext
from .directory import CONTACTS as UNIT_CONTACTS, write_directory
from .families import Families
from .people import People
from .residency import plan_residency
from .users import DEMO_USERS, make_users
from .visits import Visits

DEMO_PASSWORD = "wangge2026"
DEFAULT_SEED = 20261123


def load_demo(seed: int = DEFAULT_SEED) -> str:
    """Create the demo community in the current session (the caller commits); return a summary.

    Refuses, with a message and without writing, when the demo street or users already exist,
    so running `make run` twice does not duplicate anything.
    """
    existing = _existing()
    if existing:
        return f"演示数据已存在（{existing}），未重复导入。\nThe demo community is already loaded ({existing}); " \
               f"nothing was added.\n\n" + _logins_table(None)
    writer = DirectWriter(db.session, current_app.extensions["wangge_clock"], via="demo")
    seed_dictionaries(writer)
    demo = DemoCommunity(random.Random(seed), writer)
    demo.build()
    return demo.summary(seed)


def _existing() -> str | None:
    street = db.session.scalar(select(Area).where(Area.level == "street", Area.name == texts.STREET_NAME,
                                                  Area.deleted.is_(False)))
    if street is not None:
        return texts.STREET_NAME
    usernames = [u[0] for u in DEMO_USERS] + [u[0] for u in second.USERS]
    taken = db.session.scalars(select(User.username).where(User.username.in_(usernames))).all()
    return f"users {', '.join(sorted(taken))}" if taken else None


def _logins_table(grid_names: list[str] | None) -> str:
    grid_names = grid_names or list(texts.GRID_NAMES)
    lines = [f"演示账号 Demo logins — 密码 password: {DEMO_PASSWORD}",
             f"  {'username':<10}{'role':<20}角色{' ' * 10}网格/范围 area"]
    for username, role, role_zh, area in DEMO_USERS:
        where = grid_names[area] if isinstance(area, int) else \
            {"community": texts.COMMUNITY_NAME, "street": texts.STREET_NAME}[area]
        lines.append(f"  {username:<10}{role:<20}{role_zh}{' ' * (14 - 2 * len(role_zh))}{where}")
    for username, role, role_zh, area in second.USERS:
        where = second.GRID_NAME if area == "grid" else second.COMMUNITY_NAME
        lines.append(f"  {username:<10}{role:<20}{role_zh}{' ' * (14 - 2 * len(role_zh))}{where}")
    for username, _, unit in UNIT_CONTACTS:
        lines.append(f"  {username:<10}{'unit_contact':<20}处置单位联系人  {unit}（/console/unit/）")
    return "\n".join(lines)


class DemoCommunity(DemoContext):
    """One run of the generator: its shared context, and the order the parts are made in.

    The planning steps are methods of their own so the plan can be drawn without a database
    (`writer=None`), which is how the tests check that a seed is reproducible.
    """

    def __init__(self, rng: random.Random, writer: DirectWriter | None) -> None:
        today = china_today()
        people = People(rng, today)
        super().__init__(rng=rng, writer=writer, now=utcnow().replace(microsecond=0), today=today,
                         people=people, families=Families(people))

    def build(self) -> None:
        self.street, self.community, self.grids = places.make_areas(self.writer)
        self.users = make_users(self, DEMO_PASSWORD)
        self.plan_buildings()
        self.plan_homes()
        CarePlanner(self).plan()
        places.pick_captains(self)
        plan_residency(self)
        ledgers.write_register(self, texts.ESTATE, before_homes=irregular.write_doors)
        Visits(self).write()
        Cases(self).write()
        self.second = second.build(self, DEMO_PASSWORD)  # last: 幸福社区's draws stay as they were
        self.units = irregular.write_units(self)  # after 安康社区, so neither community's draws changed
        self.directory = write_directory(self, DEMO_PASSWORD)  # no draws: everything above stays as it was

    def plan_buildings(self) -> None:
        self.buildings = places.plan_buildings(self.rng)

    def plan_homes(self) -> None:
        self.homes = households.plan_homes(self)
        irregular.reshape(self)

    def summary(self, seed: int) -> str:
        residents = sum(len(h.people) for h in self.homes)
        migrants = sum(p.population_type == "migrant" for h in self.homes for p in h.people)
        tags = sum(v for k, v in self.counts.items() if k.startswith("tag:"))
        tag_line = "、".join(f"{zh} {self.counts[f'tag:{code}']}" for code, zh, *_ in CARE_TAGS)
        lines = [
            f"演示社区已导入 Demo community loaded: {texts.STREET_NAME} / {texts.COMMUNITY_NAME} (seed {seed})",
            f"  网格 grids {len(self.grids)} · 楼栋 buildings {len(self.buildings)} · 住户 households "
            f"{len(self.homes)} · 居民 residents {residents} (流动人口 migrants {migrants})",
            f"  关爱标签 care tags {tags}: {tag_line}",
            f"  实有单位 units {len(self.units)}（含物业服务中心 incl. the property office）· 底商楼 shops on the ground "
            f"floor: {next(b.number for b in self.buildings if b.ground_shops)}号楼 · 无4层 no 4th floor: "
            f"{next(b.number for b in self.buildings if b.skipped_floor)}号楼",
            f"  走访 visits {self.counts['visits']} (近一年 last 365 days) · 逾期未访独居老人 "
            f"elderly living alone overdue {self.counts['overdue_alone']}",
            f"  事件 findings {self.counts['findings']} · 处置步骤 case steps {self.counts['steps']} · "
            f"超期 past deadline {self.counts['past_deadline']}",
            second.summary(self.second),
            "",
            _logins_table([g.name for g in self.grids]),
        ]
        return "\n".join(lines)
