"""The demo community loaded by `wangge demo`: 和平街道 / 幸福社区 with three grids.

One seed always draws the same people, homes, visits and cases (`random.Random(seed)`); dates
are relative to the day it is loaded, so visits run up to "now" and some are overdue. Every
record is written through `DirectWriter`, which clocks and stamps it like a device change, so
phones pull the demo exactly as they would pull real work.

The generator plans in memory first (buildings, homes, people and their care tags), then
writes, then adds a year of visits and the findings with their case steps.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from sync.ids import uuid7

from ..areas.models import Area
from ..areas.operations import add_area, add_building
from ..auth.models import User
from ..auth.operations import create_user
from ..cases.models import CaseStep, Finding
from ..dictionaries import seed_dictionaries
from ..extensions import db
from ..fieldwork.models import Visit
from ..registry.models import Household, Resident, ResidentTag
from ..registry.seeds import CARE_TAGS
from ..registry.validators import make_id_number
from ..syncapi.direct import DirectWriter
from ..syncapi.record import utcnow
from . import names, texts

DEMO_PASSWORD = "wangge2026"
DEFAULT_SEED = 20261123
HOUSEHOLDS = 600

# (username, role, 中文 role, area: grid index / "community" / "street")
DEMO_USERS: tuple[tuple[str, str, str, int | str], ...] = (
    ("wgy1", "grid_worker", "网格员", 0),
    ("wgy2", "grid_worker", "网格员", 1),
    ("wgy3", "grid_worker", "网格员", 2),
    ("xl1", "patrol_volunteer", "巡逻志愿者", 0),
    ("sq1", "community_staff", "社区工作人员", "community"),
    ("jd1", "street_admin", "街道管理员", "street"),
)

# How many owner-occupied homes of each make-up; the rest of the 600 are nuclear families.
OWNER_KINDS = {"elderly_alone": 40, "elderly_couple": 70, "skipped_generation": 10, "couple": 55,
               "three_generation": 70, "single": 40, "single_parent": 20}
RENTED_KINDS = {"foreign": 2, "tenant_shared": 15, "tenant_single": 30, "tenant_couple": 23, "tenant_family": 20}
COMMERCIAL, VACANT = 6, 18
CARE_COUNTS = {"chronic_ill": 45, "disabled": 20, "pregnant": 6, "low_income": 10}
OVERDUE_ELDERLY_ALONE = 6

INTERVALS = {code: interval for code, _, _, interval, _ in CARE_TAGS}
TAG_ORDER = [code for code, *_ in CARE_TAGS]
CHINA = timedelta(hours=8)  # visits happen in Beijing office hours; times are stored in UTC


def load_demo(seed: int = DEFAULT_SEED) -> str:
    """Create the demo community in the current session (the caller commits); return a summary.

    Refuses, with a message and without writing, when the demo street or users already exist,
    so running `make run` twice does not duplicate anything.
    """
    existing = _existing()
    if existing:
        return f"演示数据已存在（{existing}），未重复导入。\nThe demo community is already loaded ({existing}); " \
               f"nothing was added.\n\n" + _logins_table(None)
    writer = DirectWriter(db.session, current_app.extensions["wangge_clock"])
    seed_dictionaries(writer)
    demo = DemoCommunity(random.Random(seed), writer)
    demo.build()
    return demo.summary(seed)


def _existing() -> str | None:
    street = db.session.scalar(select(Area).where(Area.level == "street", Area.name == texts.STREET_NAME,
                                                  Area.deleted.is_(False)))
    if street is not None:
        return texts.STREET_NAME
    usernames = [u[0] for u in DEMO_USERS]
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
    return "\n".join(lines)


# --- the plan ------------------------------------------------------------------------------


@dataclass
class Person:
    name: str
    sex: str
    birth: date
    relation: str
    origin: str
    population_type: str = "registered"
    id_type: str = "resident_id"
    id_number: str | None = None
    phone: str | None = None
    ethnicity: str | None = None
    political: str | None = None
    permit_expiry: date | None = None
    notes: str | None = None
    absent: bool = False  # registered here but living elsewhere (户在人不在)
    tags: dict[str, dict] = field(default_factory=dict)
    tag_since: dict[str, date] = field(default_factory=dict)
    row: Resident | None = None

    @property
    def surname(self) -> str:
        return self.name[0]


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
    notes: str | None = None
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


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier); 29 February becomes the 28th in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def millis(moment: datetime) -> int:
    """Milliseconds since the epoch of a naive UTC time (for time-ordered record ids)."""
    return int(moment.replace(tzinfo=timezone.utc).timestamp() * 1000)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _weighted(rng: random.Random, table) -> str:
    return rng.choices([v for v, *_ in table], weights=[w for _, w, *_ in table])[0]


def _weighted_sample(rng: random.Random, items: list, weight, k: int) -> list:
    """k distinct items, heavier ones likelier (Efraimidis–Spirakis keys)."""
    keyed = sorted(items, key=lambda item: rng.random() ** (1.0 / weight(item)), reverse=True)
    return keyed[:k]


# --- people --------------------------------------------------------------------------------


class People:
    """Makes plausible residents: era-fitting names, valid and unique ID numbers, phones."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.used_ids: set[str] = set()

    def birth(self, age_lo: int, age_hi: int) -> date:
        oldest = add_years(self.today, -age_hi - 1) + timedelta(days=1)
        youngest = add_years(self.today, -age_lo) if age_lo else self.today - timedelta(days=20)
        return oldest + timedelta(days=self.rng.randint(0, (youngest - oldest).days))

    def make(self, sex: str, birth: date, relation: str, *, surname: str | None = None,
             migrant: bool = False, origin: str | None = None) -> Person:
        rng = self.rng
        origin = origin or (rng.choice(texts.MIGRANT_AREA_CODES) if migrant
                            else _weighted(rng, texts.BEIJING_AREA_CODES))
        age = age_on(birth, self.today)
        person = Person(
            name=(surname or names.surname(rng)) + names.given_name(rng, sex, birth.year),
            sex=sex, birth=birth, relation=relation, origin=origin,
            population_type="migrant" if migrant else "registered",
            id_number=self.id_number(origin, birth, sex), phone=self.phone(age),
            ethnicity=names.ethnicity(rng), political=self.political(age),
        )
        if migrant:
            person.permit_expiry = self.today + timedelta(days=rng.randint(20, 720))
        return person

    def aged(self, sex: str, age_lo: int, age_hi: int, relation: str, **kw) -> Person:
        return self.make(sex, self.birth(max(0, age_lo), max(0, age_hi)), relation, **kw)

    def id_number(self, area: str, birth: date, sex: str) -> str:
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if sex == "male" else 0)
            number = make_id_number(area, birth, sequence)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self, age: int) -> str | None:
        share = 0.0 if age < 12 else 0.4 if age < 18 else 0.65 if age >= 80 else 0.97
        return names.mobile(self.rng) if self.rng.random() < share else None

    def political(self, age: int) -> str | None:
        if age < 14:
            return None
        r = self.rng.random()
        if age <= 28:
            return "league_member" if r < 0.45 else "party_member" if r < 0.50 else \
                "probationary_member" if r < 0.51 else "masses"
        party = 0.18 if age >= 60 else 0.10
        return "party_member" if r < party else "other" if r < party + 0.01 else "masses"

    def outsider(self, age_lo: int, age_hi: int) -> tuple[str, str]:
        """A name and phone for someone who does not live here (kin, landlord, captain)."""
        sex = self.rng.choice(names.SEXES)
        year = self.today.year - self.rng.randint(age_lo, age_hi)
        return names.person_name(self.rng, sex, year), names.mobile(self.rng)


class Families:
    """Household make-ups: who lives together, with relations to the head of household."""

    def __init__(self, people: People) -> None:
        self.p = people
        self.rng = people.rng
        self.foreign_flats = 0

    def couple(self, age_lo: int, age_hi: int, *, migrant: bool = False) -> list[Person]:
        husband = self.p.aged("male", age_lo, age_hi, "head", migrant=migrant)
        wife_age = max(21, age_on(husband.birth, self.p.today) - self.rng.randint(-2, 5))
        wife = self.p.aged("female", wife_age, wife_age, "spouse", migrant=migrant)
        if self.rng.random() < 0.15:
            husband.relation, wife.relation = "spouse", "head"
            return [wife, husband]
        return [husband, wife]

    def children(self, parents: list[Person], count: int, age_lo: int, age_hi: int,
                 relation: str = "child") -> list[Person]:
        father = next((p for p in parents if p.sex == "male"), parents[0])
        migrant = father.population_type == "migrant"
        origin = father.origin if migrant else "110105"
        kids = []
        for _ in range(count):
            # Births have fallen: fewer toddlers than older children in any family.
            lo = min(3, age_hi) if age_lo == 0 and self.rng.random() < 0.5 else age_lo
            kid = self.p.aged(self.rng.choice(names.SEXES), lo, age_hi, relation,
                              surname=father.surname, migrant=migrant, origin=origin)
            kid.ethnicity = father.ethnicity
            kids.append(kid)
        return kids

    def youngest_mother_age(self, parents: list[Person]) -> int:
        mother = next((p for p in parents if p.sex == "female"), parents[0])
        return age_on(mother.birth, self.p.today)

    def elderly_alone(self) -> list[Person]:
        sex = "female" if self.rng.random() < 0.65 else "male"
        return [self.p.aged(sex, 66, 93, "head")]

    def elderly_couple(self) -> list[Person]:
        return self.couple(62, 90)

    def couple_only(self, migrant: bool = False) -> list[Person]:
        return self.couple(25, 58, migrant=migrant)

    def nuclear(self, migrant: bool = False) -> list[Person]:
        parents = self.couple(28, 52, migrant=migrant)
        oldest_child = min(22, self.youngest_mother_age(parents) - 22)
        count = 1 if self.rng.random() < 0.7 else 2
        return parents + self.children(parents, count, 0, max(0, oldest_child))

    def three_generation(self) -> list[Person]:
        family = self.couple(30, 50)
        oldest_child = min(20, self.youngest_mother_age(family) - 22)
        family += self.children(family, 1 if self.rng.random() < 0.75 else 2, 0, max(0, oldest_child))
        husband = next(p for p in family if p.sex == "male")
        head_age = age_on(husband.birth, self.p.today)
        husbands_side = self.rng.random() < 0.7
        relation = "parent" if husbands_side else "in_law"
        for sex in self.rng.sample(names.SEXES, self.rng.choice((1, 2))):
            surname = husband.surname if husbands_side and sex == "male" else None
            family.append(self.p.aged(sex, min(head_age + 24, 92), min(head_age + 34, 95), relation,
                                      surname=surname))
        return family

    def skipped_generation(self) -> list[Person]:
        grandfather = self.p.aged("male", 58, 75, "head")
        grandfather.phone = grandfather.phone or names.mobile(self.rng)
        family = [grandfather]
        if self.rng.random() < 0.85:
            age = age_on(grandfather.birth, self.p.today) - self.rng.randint(0, 4)
            family.append(self.p.aged("female", age, age, "spouse"))
        count = 1 if self.rng.random() < 0.5 else 2
        return family + self.children([grandfather], count, 6, 14, relation="grandchild")

    def single(self, migrant: bool = False) -> list[Person]:
        return [self.p.aged(self.rng.choice(names.SEXES), 22, 55, "head", migrant=migrant)]

    def single_parent(self) -> list[Person]:
        sex = "female" if self.rng.random() < 0.75 else "male"
        parent = self.p.aged(sex, 30, 50, "head")
        kids = self.children([parent], 1 if self.rng.random() < 0.7 else 2, 3, 17)
        if sex == "female" and self.rng.random() < 0.6:  # the children carry their father's surname
            father_surname = names.surname(self.rng)
            for kid in kids:
                kid.name = father_surname + kid.name[1:]
        return [parent, *kids]

    def tenants(self, kind: str) -> list[Person]:
        migrant = self.rng.random() < 0.7
        if kind == "foreign":
            return self.foreigners()
        if kind == "tenant_single":
            group = self.single(migrant)
        elif kind == "tenant_couple":
            group = self.couple(22, 40, migrant=migrant)
        elif kind == "tenant_family":
            parents = self.couple(26, 42, migrant=migrant)
            group = parents + self.children(parents, 1, 0, max(0, self.youngest_mother_age(parents) - 22))
        else:  # flat-share: two or three unrelated young people
            group = [self.p.aged(self.rng.choice(names.SEXES), 20, 30, "tenant", migrant=migrant)
                     for _ in range(self.rng.choice((2, 2, 3)))]
        for person in group:
            person.relation = "tenant"
        return group

    def foreigners(self) -> list[Person]:
        """The Korean couple in the first foreign flat, the Japanese engineer in the second."""
        entries = texts.FOREIGNERS[:2] if self.foreign_flats == 0 else texts.FOREIGNERS[2:]
        self.foreign_flats += 1
        group = []
        for name, sex, year, passport, nationality in entries:
            group.append(Person(
                name=name, sex=sex, birth=date(year, self.rng.randint(1, 12), self.rng.randint(1, 28)),
                relation="tenant", origin="", population_type="foreign", id_type="passport",
                id_number=passport, phone=names.mobile(self.rng), political=None,
                permit_expiry=self.p.today + timedelta(days=self.rng.randint(60, 700)),
                notes=f"国籍：{nationality}；持外国人居留许可",
            ))
        return group


# --- the whole community -------------------------------------------------------------------


class DemoCommunity:
    def __init__(self, rng: random.Random, writer: DirectWriter) -> None:
        self.rng = rng
        self.writer = writer
        self.now = utcnow().replace(microsecond=0)
        self.today = date.today()
        self.people = People(rng, self.today)
        self.families = Families(self.people)
        self.grids: list[Area] = []
        self.buildings: list[BuildingPlan] = []
        self.homes: list[Home] = []
        self.users: dict[str, User] = {}
        self.counts: Counter = Counter()

    def build(self) -> None:
        self.make_areas()
        self.make_users()
        self.plan_buildings()
        self.plan_homes()
        CarePlanner(self).plan()
        self.pick_captains()
        self.write_registry()
        Visits(self).write()
        Cases(self).write()

    # areas and users ---------------------------------------------------------------------
    def make_areas(self) -> None:
        self.street = add_area(self.writer, "street", texts.STREET_NAME, code=texts.STREET_CODE)
        self.community = add_area(self.writer, "community", texts.COMMUNITY_NAME, self.street,
                                  code=texts.COMMUNITY_CODE)
        self.grids = [add_area(self.writer, "grid", name, self.community, code=texts.grid_code(i + 1))
                      for i, name in enumerate(texts.GRID_NAMES)]

    def make_users(self) -> None:
        for username, role, _, area in DEMO_USERS:
            area_id = self.grids[area].id if isinstance(area, int) else \
                {"community": self.community.id, "street": self.street.id}[area]
            sex = self.rng.choice(names.SEXES)
            name = names.person_name(self.rng, sex, self.today.year - self.rng.randint(26, 50))
            self.users[username] = create_user(username, DEMO_PASSWORD, name, role, [area_id],
                                               phone=names.mobile(self.rng))

    def worker(self, grid: int) -> User:
        return self.users[f"wgy{grid + 1}"]

    # buildings and homes -----------------------------------------------------------------
    def plan_buildings(self) -> None:
        types = {kind: rest for kind, _, *rest in texts.BUILDING_TYPES}
        kinds = [kind for kind, count, *_ in texts.BUILDING_TYPES for _ in range(count)]
        self.rng.shuffle(kinds)
        for number, kind in enumerate(kinds, start=1):
            grid = 0 if number <= 7 else 1 if number <= 14 else 2
            floors, units, rooms, note = types[kind]
            slot = (number - 1) - (0, 7, 14)[grid]
            year = self.rng.randint(*texts.BUILT_YEARS[kind])
            self.buildings.append(BuildingPlan(
                number=number, grid=grid, kind=kind, units=self.rng.choice(units),
                floors=self.rng.choice(floors), rooms=self.rng.choice(rooms),
                lat=round(texts.CENTRE_LAT + (slot // 2 - 1.5) * 0.0008 + self.rng.uniform(-1e-4, 1e-4), 6),
                lng=round(texts.CENTRE_LNG + (grid - 1) * 0.0024 + (slot % 2) * 0.0009
                          + self.rng.uniform(-1e-4, 1e-4), 6),
                notes=note.format(year=year),
            ))

    def doors(self) -> list[Home]:
        """Every walk-up door is on the register; the tower blocks are still being entered."""
        walkups, towers = [], []
        for b in self.buildings:
            for unit in range(1, b.units + 1):
                for floor in range(1, b.floors + 1):
                    for door in range(1, b.rooms + 1):
                        (walkups if b.kind == "walkup" else towers).append(Home(b, unit, floor, door))
        chosen = walkups + self.rng.sample(towers, max(0, HOUSEHOLDS - len(walkups)))
        return sorted(chosen[:HOUSEHOLDS], key=lambda h: (h.building.number, h.unit, h.floor, h.door))

    def plan_homes(self) -> None:
        homes = self.doors()
        ground = [h for h in homes if h.floor == 1]
        shops = set(map(id, self.rng.sample(ground, COMMERCIAL)))
        kinds = [k for k, n in {**OWNER_KINDS, **RENTED_KINDS}.items() for _ in range(n)] + ["vacant"] * VACANT
        kinds += ["nuclear"] * (len(homes) - COMMERCIAL - len(kinds))
        self.rng.shuffle(kinds)
        kinds_iter = iter(kinds)
        for home in homes:
            home.kind = "commercial" if id(home) in shops else next(kinds_iter)
            self.fill(home)
        self.homes = homes

    def fill(self, home: Home) -> None:
        f = self.families
        kind = home.kind
        if kind == "commercial":
            home.use, home.notes = "commercial", self.rng.choice(texts.COMMERCIAL_NOTES)
        elif kind == "vacant":
            self.fill_vacant(home)
        elif kind in RENTED_KINDS:
            self.fill_rented(home, f.tenants(kind))
        elif kind in ("couple", "nuclear", "single") and self.rng.random() < 0.08:
            home.status = "present_unregistered"  # bought here, household register still back home
            home.people = {"couple": f.couple_only, "nuclear": f.nuclear, "single": f.single}[kind](migrant=True)
        else:
            home.people = {"elderly_alone": f.elderly_alone, "elderly_couple": f.elderly_couple,
                           "skipped_generation": f.skipped_generation, "couple": f.couple_only,
                           "three_generation": f.three_generation, "single": f.single,
                           "single_parent": f.single_parent, "nuclear": f.nuclear}[kind]()
            self.finish_owner_home(home)

    def finish_owner_home(self, home: Home) -> None:
        if home.kind == "skipped_generation":
            home.notes = self.rng.choice(texts.SKIPPED_GENERATION_NOTES)
        if home.kind == "elderly_couple" and self.rng.random() < 0.3:
            # A grown child still registered here but living elsewhere: 户在人不在.
            mother_age = self.families.youngest_mother_age(home.people)
            child = self.families.children(home.people, 1, max(25, mother_age - 40), mother_age - 22)[0]
            child.notes, child.absent = "户在人不在，现居外区", True
            home.people.append(child)
            home.status = "registered_absent"

    def fill_vacant(self, home: Home) -> None:
        home.use = "vacant"
        if self.rng.random() < 0.25:
            home.status, home.notes = "nominal", "空挂户，户籍挂靠，无人居住"
            owner = self.people.aged(self.rng.choice(names.SEXES), 25, 60, "head")
            owner.notes, owner.absent = "空挂户", True
        else:
            home.status, home.notes = "registered_absent", self.rng.choice(texts.VACANT_NOTES)
            owner = self.people.aged(self.rng.choice(names.SEXES), 35, 80, "head")
            owner.notes, owner.absent = "户在人不在", True
        home.people = [owner]

    def fill_rented(self, home: Home, tenants: list[Person]) -> None:
        home.use, home.status, home.people = "rented", "present_unregistered", tenants
        home.landlord = self.people.outsider(40, 70)
        home.lease_start = self.today - timedelta(days=self.rng.randint(20, 400))
        home.notes = "出租房屋，已签订治安责任书"

    def pick_captains(self) -> None:
        for b in self.buildings:
            candidates = [p for h in self.homes if h.building is b for p in h.people
                          if p.phone and p.population_type == "registered" and not p.absent
                          and 50 <= age_on(p.birth, self.today) <= 75]
            if candidates:
                party = [p for p in candidates if p.political == "party_member"]
                chosen = self.rng.choice(party or candidates)
                b.captain = (chosen.name, chosen.phone)
            else:
                b.captain = self.people.outsider(50, 70)

    # writing -----------------------------------------------------------------------------
    def write_registry(self) -> None:
        for b in self.buildings:
            b.row = add_building(
                self.writer, self.grids[b.grid], str(b.number), name=f"{b.number}号楼", units=b.units,
                floors=b.floors, rooms_per_floor=b.rooms, lat=b.lat, lng=b.lng,
                captain_name=b.captain[0], captain_phone=b.captain[1], notes=b.notes)
        for home in self.homes:
            self.write_home(home)

    def write_home(self, home: Home) -> None:
        grid_id = self.grids[home.grid].id
        head = next((p for p in home.people if p.phone), None)
        home.row = self.writer.put("household", Household(
            id=uuid7(), building_id=home.building.row.id, grid_id=grid_id, unit=home.unit, floor=home.floor,
            room=home.room, housing_use=home.use, registration_status=home.status,
            landlord_name=home.landlord[0] if home.landlord else None,
            landlord_phone=home.landlord[1] if home.landlord else None,
            contact_phone=head.phone if head else None, notes=home.notes))
        for person in home.people:
            person.row = self.writer.put("resident", Resident(
                id=uuid7(), household_id=home.row.id, grid_id=grid_id, name=person.name, sex=person.sex,
                birth_date=person.birth, id_type=person.id_type, id_number=person.id_number,
                phone=person.phone, ethnicity=person.ethnicity, relation=person.relation,
                population_type=person.population_type, permit_expiry=person.permit_expiry,
                political_status=person.political, notes=person.notes))
            for tag in sorted(person.tags, key=TAG_ORDER.index):
                self.writer.put("resident_tag", ResidentTag(
                    id=uuid7(), resident_id=person.row.id, grid_id=grid_id, tag=tag,
                    detail=person.tags[tag], started_on=person.tag_since[tag]))
                self.counts[f"tag:{tag}"] += 1

    # summary -----------------------------------------------------------------------------
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
            f"  走访 visits {self.counts['visits']} (近一年 last 365 days) · 逾期未访独居老人 "
            f"elderly living alone overdue {self.counts['overdue_alone']}",
            f"  事件 findings {self.counts['findings']} · 处置步骤 case steps {self.counts['steps']} · "
            f"超期 past deadline {self.counts['past_deadline']}",
            "",
            _logins_table([g.name for g in self.grids]),
        ]
        return "\n".join(lines)


# --- care tags -----------------------------------------------------------------------------


class CarePlanner:
    """Gives residents the care tags a community would have on file, with valid details."""

    def __init__(self, demo: DemoCommunity) -> None:
        self.demo = demo
        self.rng = demo.rng
        self.today = demo.today
        self.living = [(h, p) for h in demo.homes if h.use in ("owner_occupied", "rented")
                       for p in h.people if not p.absent]

    def plan(self) -> None:
        for home in self.demo.homes:
            self.by_household(home)
        for _, person in self.living:
            self.by_age(person)
        self.chronic_ill()
        self.disabled()
        self.pregnant()
        self.low_income()

    def tag(self, person: Person, code: str, detail: dict, since: date) -> None:
        person.tags[code] = detail
        person.tag_since[code] = min(since, self.today)

    def age(self, person: Person) -> int:
        return age_on(person.birth, self.today)

    def years_ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=self.rng.randint(lo * 365, hi * 365))

    def kin(self, person: Person, child: Person | None = None) -> dict:
        if child is not None and child.phone:
            return {"kin_name": child.name, "kin_phone": child.phone}
        name, phone = self.demo.people.outsider(30, 60)
        if person.sex == "male" or self.rng.random() < 0.5:
            name = person.surname + name[1:]
        return {"kin_name": name, "kin_phone": phone}

    def risk(self, weights: tuple[int, int, int]) -> str:
        return self.rng.choices(("high", "medium", "low"), weights=weights)[0]

    def by_household(self, home: Home) -> None:
        if home.kind == "elderly_alone":
            person = home.people[0]
            self.tag(person, "elderly_alone", {"risk_level": self.risk((25, 35, 40)), **self.kin(person)},
                     max(self.years_ago(1, 8), add_years(person.birth, 60)))
        elif home.kind == "elderly_couple":
            absent = next((p for p in home.people if p.relation == "child"), None)
            risk = self.risk((3, 30, 67))
            since = self.years_ago(1, 10)
            husband = next(p for p in home.people if p.sex == "male")
            kin = self.kin(husband, absent)  # the couple share one child to call
            for person in home.people[:2]:
                if self.age(person) >= 60:
                    self.tag(person, "elderly_empty_nest", {"risk_level": risk, **kin}, since)
        elif home.kind == "skipped_generation":
            self.left_behind(home)
        elif home.use == "rented":
            self.tenants(home)

    def left_behind(self, home: Home) -> None:
        guardian = home.people[0]
        for kid in (p for p in home.people if p.relation == "grandchild"):
            grade = min(max(self.school_year(kid.birth), 1), 9)
            school = self.rng.choice(texts.PRIMARY_SCHOOLS if grade <= 6 else texts.MIDDLE_SCHOOLS)
            self.tag(kid, "child_left_behind", {
                "school": school, "grade": texts.GRADES[grade - 1],
                "guardian_name": guardian.name, "guardian_phone": guardian.phone,
            }, self.years_ago(0, 3))

    def school_year(self, birth: date) -> int:
        """Grade this school year: a child who is six by 31 August starts grade 1 that September."""
        year_start = self.today.year if self.today.month >= 9 else self.today.year - 1
        return age_on(birth, date(year_start, 8, 31)) - 5

    def tenants(self, home: Home) -> None:
        lease_end = add_years(home.lease_start, 1)
        for person in home.people:
            detail = {"landlord": home.landlord[0], "lease_end": lease_end.isoformat()}
            if person.population_type == "migrant":
                serial = self.rng.randint(0, 999999)
                detail["residence_permit"] = f"{texts.COUNTY_CODE}{home.lease_start.year}{serial:06d}"
            self.tag(person, "tenant", detail, max(home.lease_start, person.birth))

    def by_age(self, person: Person) -> None:
        age = self.age(person)
        if age >= 80:
            self.tag(person, "elderly_80plus", {}, add_years(person.birth, 80))
        if age < 3:
            home = next(h for h, p in self.living if p is person)
            adults = [p for p in home.people if p.phone and self.age(p) >= 18]
            guardian = next((p for p in adults if p.sex == "female"), adults[0] if adults else None)
            detail = {"guardian_name": guardian.name, "guardian_phone": guardian.phone} if guardian else {}
            self.tag(person, "infant", detail, person.birth)

    def chronic_ill(self) -> None:
        pool = [p for _, p in self.living if self.age(p) >= 45]
        for person in _weighted_sample(self.rng, pool, lambda p: self.age(p) - 40, CARE_COUNTS["chronic_ill"]):
            condition, needs = self.rng.choice(texts.CHRONIC_CONDITIONS)
            self.tag(person, "chronic_ill", {"condition": condition, "care_needs": needs}, self.years_ago(0, 6))

    def disabled(self) -> None:
        pool = [p for _, p in self.living if self.age(p) >= 6]
        for person in _weighted_sample(self.rng, pool, lambda p: 1 + self.age(p) / 20, CARE_COUNTS["disabled"]):
            kind, _, code = self.rng.choices(texts.DISABILITY_TYPES, weights=[t[1] for t in texts.DISABILITY_TYPES])[0]
            grade = _weighted(self.rng, texts.DISABILITY_GRADE_WEIGHTS)
            detail = {"disability_type": kind, "disability_grade": grade}
            if person.id_type == "resident_id":
                detail["certificate_no"] = f"{person.id_number}{code}{grade}"  # 第二代残疾人证号
            self.tag(person, "disabled", detail, max(person.birth, self.years_ago(0, 15)))

    def pregnant(self) -> None:
        def has_baby(home):
            return any(self.age(p) < 1 for p in home.people)
        pool = [p for h, p in self.living if p.sex == "female" and 23 <= self.age(p) <= 40
                and p.relation in ("head", "spouse", "tenant") and not has_baby(h)]
        for person in self.rng.sample(pool, CARE_COUNTS["pregnant"]):
            due = self.today + timedelta(days=self.rng.randint(10, 240))
            since = due - timedelta(days=280 - self.rng.randint(56, 90))
            self.tag(person, "pregnant", {"due_date": due.isoformat(), "postpartum": False}, since)

    def low_income(self) -> None:
        kinds = ("elderly_alone", "single_parent", "single", "skipped_generation")
        heads = [h.people[0] for h in self.demo.homes
                 if h.kind in kinds and h.use == "owner_occupied" and h.people[0].population_type == "registered"]
        for person in self.rng.sample(heads, CARE_COUNTS["low_income"]):
            since = self.years_ago(0, 5)
            number = f"朝民低保证{since.year}第{self.rng.randint(1, 2999):04d}号"
            self.tag(person, "low_income", {"certificate_no": number}, since)


# --- visits --------------------------------------------------------------------------------


class Visits:
    """A year of visits: each tagged household at about its tag's interval, some left overdue."""

    def __init__(self, demo: DemoCommunity) -> None:
        self.demo = demo
        self.rng = demo.rng
        self.now = demo.now
        alone = [i for i, h in enumerate(demo.homes) if h.kind == "elderly_alone"]
        self.overdue_alone = set(self.rng.sample(alone, OVERDUE_ELDERLY_ALONE))

    def write(self) -> None:
        for index, home in enumerate(self.demo.homes):
            if home.use in ("owner_occupied", "rented") and home.people:
                for visit in sorted(self.schedule(index, home), key=lambda v: v.visited_at):
                    self.demo.writer.put("visit", visit)
                    self.demo.counts["visits"] += 1
        self.demo.counts["overdue_alone"] = len(self.overdue_alone)

    def plan(self, home: Home) -> tuple[int | None, str, list[Person]]:
        """(interval in days, the topic of the visits, the residents they are for)."""
        tagged = [p for p in home.people if p.tags]
        if not tagged:
            return None, "general", [p for p in home.people if not p.absent]
        best = None
        for person in tagged:
            for code, detail in person.tags.items():
                days = 7 if detail.get("risk_level") == "high" else INTERVALS[code]
                key = (days, TAG_ORDER.index(code))
                best = min(best, (key, code)) if best else (key, code)
        return best[0][0], best[1], tagged

    def schedule(self, index: int, home: Home) -> list[Visit]:
        interval, topic, targets = self.plan(home)
        start = self.now - timedelta(days=365)
        if interval is None:
            days = sorted(self.rng.uniform(3, 360) for _ in range(self.rng.choice((1, 1, 2))))
            return [self.visit(home, self.work_time(self.now - timedelta(days=d)), topic, targets)
                    for d in days]
        since = min(min(p.tag_since.values()) for p in targets)
        start = max(start, datetime.combine(since, time(0)))
        overdue = index in self.overdue_alone if home.kind == "elderly_alone" else self.rng.random() < 0.1
        if overdue:
            last = interval + self.rng.uniform(2, max(8, interval * 0.6))
        else:
            last = self.rng.uniform(0.2, min(interval * 0.8, interval - 1.5))
        visits, moment, first = [], self.now - timedelta(days=last), True
        while moment >= start:
            visits += self.visits_at(home, self.work_time(moment), topic, targets, settled=first and not overdue)
            moment -= timedelta(days=interval * self.rng.uniform(0.9, 1.05))
            first = False
        return visits

    def work_time(self, moment: datetime) -> datetime:
        """The same Beijing day, between 08:30 and 17:30 local time, never in the future."""
        local_day = (moment + CHINA).date()
        minutes = self.rng.randint(8 * 60 + 30, 17 * 60 + 30)
        when = datetime.combine(local_day, time(minutes // 60, minutes % 60)) - CHINA
        return when - timedelta(days=1) if when > self.now else when

    def visits_at(self, home: Home, when: datetime, topic: str, targets: list[Person],
                  settled: bool) -> list[Visit]:
        """One visit, plus a phone call the next day when nobody was home."""
        outcome = "normal" if settled else self.outcome(topic)
        visit = self.visit(home, when, topic, targets, outcome=outcome,
                           method="in_person" if settled else None)
        call_at = when + timedelta(days=1, minutes=self.rng.randint(-90, 90))
        if outcome == "not_home" and self.rng.random() < 0.6 and call_at < self.now:
            call = self.visit(home, call_at, topic, targets, outcome="normal", method="phone",
                              notes=self.rng.choice(texts.FOLLOW_UP_CALL_NOTES))
            return [call, visit]
        return [visit]

    def outcome(self, topic: str) -> str:
        r = self.rng.random()
        if r < 0.08:
            return "not_home"
        if r < 0.13:
            return "issue_found"
        if r < 0.16 and topic == "tenant":
            return "refused"
        return "normal"

    def method(self, outcome: str, topic: str) -> str:
        if outcome in ("not_home", "refused"):
            return self.rng.choice(("in_person", "doorstep"))
        weights = (60, 10, 5, 25) if topic == "tenant" else (75, 15, 3, 7)
        return self.rng.choices(("in_person", "phone", "video", "doorstep"), weights=weights)[0]

    def visit(self, home: Home, when: datetime, topic: str, targets: list[Person], *,
              outcome: str = "normal", method: str | None = None, notes: str | None = None) -> Visit:
        rng = self.rng
        method = method or self.method(outcome, topic)
        needs = follow_up = None
        if notes is None:
            notes, needs, follow_up = self.notes(outcome, topic, when)
        on_site = method in ("in_person", "doorstep")
        b = home.building
        return Visit(
            id=uuid7(millis(when)), household_id=home.row.id,
            grid_id=home.row.grid_id, visitor_id=self.demo.worker(home.grid).id,
            resident_ids=[p.row.id for p in targets if p.birth <= (when + CHINA).date()],
            visited_at=when, method=method, outcome=outcome, notes=notes, needs=needs, follow_up_on=follow_up,
            lat=round(b.lat + rng.uniform(-5e-5, 5e-5), 6) if on_site else None,
            lng=round(b.lng + rng.uniform(-5e-5, 5e-5), 6) if on_site else None,
            accuracy=float(rng.randint(5, 30)) if on_site else None, photos=[],
            created_at=when, updated_at=when,
        )

    def notes(self, outcome: str, topic: str, when: datetime) -> tuple[str, str | None, date | None]:
        rng = self.rng
        if outcome == "not_home":
            return rng.choice(texts.NOT_HOME_NOTES), None, None
        if outcome == "refused":
            return rng.choice(texts.REFUSED_NOTES), None, (when + timedelta(days=7)).date()
        if outcome == "issue_found":
            note, needs = rng.choice(texts.ISSUE_NOTES)
            return note, needs, (when + timedelta(days=rng.randint(3, 14))).date()
        needs = rng.choice(texts.NEEDS) if rng.random() < 0.05 else None
        return rng.choice(texts.VISIT_NOTES[topic]), needs, None


# --- findings and cases --------------------------------------------------------------------

GAPS = {"accepted": (0.3, 4), "dispatched": (0.5, 6), "in_progress": (1, 20), "extension_requested": (12, 40),
        "returned": (1, 24), "verified": (4, 48), "closed": (1, 24), "rated": (24, 72)}
FULL_PATH = ("accepted", "dispatched", "in_progress", "resolved", "verified", "closed", "rated")
OPEN_DISPATCHED = ("dispatched", "in_progress", "extension_requested")


def status_fits(status: str) -> bool:
    columns = (Finding.__table__.c.status, CaseStep.__table__.c.from_status, CaseStep.__table__.c.to_status)
    return all(c.type.length is None or len(status) <= c.type.length for c in columns)


@dataclass
class Step:
    to_status: str
    hours: float = 0.0  # after the report
    level: str | None = None
    unit: str | None = None
    deadline_hours: float | None = None


class Cases:
    """About thirty findings from the last 60 days, each walked through the case workflow."""

    def __init__(self, demo: DemoCommunity) -> None:
        self.demo = demo
        self.rng = demo.rng
        self.now = demo.now
        self.redispatched = self.extended = False

    def write(self) -> None:
        plans = list(texts.CASE_PLAN)
        if not status_fits("extension_requested"):
            # The status columns are too narrow for this stage (PostgreSQL would refuse the row
            # and push rejects it as too_long): leave extensions out until they are widened.
            plans = [("in_progress", o) if s == "extension_requested" else (s, o) for s, o in plans]
            self.extended = True
        self.rng.shuffle(plans)
        for entry, (status, overdue) in zip(texts.FINDINGS, plans):
            self.write_case(entry, status, overdue)

    def write_case(self, entry, status: str, overdue: bool) -> None:
        category, urgency, level, unit, description, address = entry
        grid = self.rng.randrange(3)
        building = self.rng.choice([b for b in self.demo.buildings if b.grid == grid])
        place = {"b": building.number, "u": self.rng.randint(1, building.units),
                 "f": self.rng.randint(2, building.floors)}
        reporter, source = self.reporter(grid, description)
        steps = self.timed(self.path(status, level, unit, urgency))
        reported_at = self.anchor(steps, status, overdue)
        dispatched = [s for s in steps if s.to_status == "dispatched"]
        last = dispatched[-1] if dispatched else None
        finding = self.demo.writer.put("finding", Finding(
            id=uuid7(millis(reported_at)), grid_id=self.demo.grids[grid].id,
            reporter_id=reporter.id, source=source, category=category,
            description=description.format(**place), address=address.format(**place),
            lat=round(building.lat + self.rng.uniform(-1e-4, 1e-4), 6),
            lng=round(building.lng + self.rng.uniform(-1e-4, 1e-4), 6), accuracy=float(self.rng.randint(5, 20)),
            urgency=urgency, photos=[], reported_at=reported_at, status=steps[-1].to_status if steps else "reported",
            level=last.level if last else None, unit=last.unit if last else None,
            deadline_at=self.deadline(reported_at, last), created_at=reported_at, updated_at=reported_at))
        self.write_steps(finding, steps, reporter)
        self.demo.counts["findings"] += 1
        if finding.deadline_at and finding.deadline_at < self.now and finding.status in OPEN_DISPATCHED:
            self.demo.counts["past_deadline"] += 1

    def reporter(self, grid: int, description: str) -> tuple[User, str]:
        if description.startswith("12345"):
            return self.demo.worker(grid), "hotline"
        if grid == 0 and self.rng.random() < 0.4:
            return self.demo.users["xl1"], "patrol"
        return self.demo.worker(grid), "grid" if self.rng.random() < 0.75 else "resident"

    def path(self, status: str, level: str, unit: str, urgency: str) -> list[Step]:
        if status == "reported":
            names_ = []
        elif status == "returned":
            names_ = ["returned"]
        elif status == "extension_requested":
            names_ = ["accepted", "dispatched", "in_progress", "extension_requested"]
        else:
            names_ = list(FULL_PATH[:FULL_PATH.index(status) + 1])
        hours = texts.DEADLINE_HOURS[level] * texts.URGENCY_FACTOR[urgency]
        steps = [Step(n, level=level if n == "dispatched" else None, unit=unit if n == "dispatched" else None,
                      deadline_hours=hours if n == "dispatched" else None) for n in names_]
        return self.variant(steps, status, unit)

    def variant(self, steps: list[Step], status: str, unit: str) -> list[Step]:
        """One case bounced by its first unit and sent on; one that needed an extension."""
        if status not in ("verified", "closed", "rated"):
            return steps
        names_ = [s.to_status for s in steps]
        if not self.redispatched and unit in texts.REDISPATCH_UNITS:
            self.redispatched = True
            at = names_.index("dispatched") + 1
            first = steps[at - 1]
            again = Step("dispatched", level="street" if first.level != "street" else "community",
                         unit=texts.REDISPATCH_UNITS[unit], deadline_hours=first.deadline_hours)
            return steps[:at] + [Step("returned"), again] + steps[at:]
        if not self.extended:
            self.extended = True
            at = names_.index("in_progress") + 1
            return steps[:at] + [Step("extension_requested"), Step("in_progress")] + steps[at:]
        return steps

    def timed(self, steps: list[Step]) -> list[Step]:
        hours, dispatched_at, deadline = 0.0, 0.0, 0.0
        for step in steps:
            if step.to_status == "resolved":
                hours = max(hours + 1, dispatched_at + deadline * self.rng.uniform(0.3, 0.85))
            else:
                hours += self.rng.uniform(*GAPS[step.to_status])
            if step.to_status == "dispatched":
                dispatched_at, deadline = hours, step.deadline_hours
            step.hours = hours
        return steps

    def anchor(self, steps: list[Step], status: str, overdue: bool) -> datetime:
        """When the finding was reported, so its stage and deadline look right today."""
        span = steps[-1].hours if steps else 0.0
        if status in OPEN_DISPATCHED:
            dispatch = [s for s in steps if s.to_status == "dispatched"][-1]
            limit = dispatch.deadline_hours
            since = limit + self.rng.uniform(20, 200) if overdue else limit * self.rng.uniform(0.2, 0.7)
            since = max(since, span - dispatch.hours + self.rng.uniform(0.5, 3))
            ago = dispatch.hours + since
        elif status in ("reported", "accepted", "returned"):
            ago = span + self.rng.uniform(1, 40)
        else:
            ago = span + self.rng.uniform(6, max(12.0, 58 * 24 - span))
        return (self.now - timedelta(hours=ago)).replace(microsecond=0)

    def deadline(self, reported_at: datetime, step: Step | None) -> datetime | None:
        if step is None or step.deadline_hours is None:
            return None
        return (reported_at + timedelta(hours=step.hours + step.deadline_hours)).replace(microsecond=0)

    def write_steps(self, finding: Finding, steps: list[Step], reporter: User) -> None:
        staff = self.demo.users["sq1"]
        previous = "reported"
        for step in steps:
            at = (finding.reported_at + timedelta(hours=step.hours)).replace(microsecond=0)
            opinions = texts.STEP_OPINIONS[step.to_status]
            opinion = opinions[1] if step.to_status == "returned" and previous == "dispatched" else \
                opinions[0] if step.to_status == "returned" else self.rng.choice(opinions)
            self.demo.writer.put("case_step", CaseStep(
                id=uuid7(millis(at)), finding_id=finding.id, grid_id=finding.grid_id,
                reporter_id=reporter.id, actor_id=reporter.id if step.to_status == "verified" else staff.id,
                from_status=previous, to_status=step.to_status, opinion=opinion, photos=[], at=at,
                level=step.level, unit=step.unit, deadline_at=self.deadline(finding.reported_at, step),
                created_at=at, updated_at=at))
            previous = step.to_status
            self.demo.counts["steps"] += 1
