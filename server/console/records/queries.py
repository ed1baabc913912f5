"""The households and residents lists: filters read from the URL, turned into one SQL query.

Every query starts from the current community's grids (g.scope), so a filter value naming
another community's grid or building simply finds nothing; lists are paginated in SQL and the
per-row extras (tags, visits, due dates) are fetched for the page's rows only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from math import ceil
from urllib.parse import urlencode

from flask import g
from marshmallow import ValidationError
from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from ...core.time import china_today
from .. import audit
from ..masking import may_see_full_numbers
from ..paging import page_number
from ...areas.models import Building
from ...core import pinyin
from ...core.choices import codes
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import CareTagType, Household, Resident, ResidentTag
from ...registry.validators import normalise_id_number, validate_id_number
from .due import active_tag, current_resident, due_status, has_active_tag, overdue_clause

PAGE_SIZE = 50
MOVED_CHOICES = ("current", "all", "out")

# 3号楼2单元501, 3-2-501, 3 2 501 (the field app's parser), and the partial 3号楼 / 3号楼2单元.
_ADDRESS = re.compile(r"^\s*(\w+?)\s*(?:号楼|号|栋|幢|[-\s－—#/])\s*(\d+)\s*(?:单元|[-\s－—#/])\s*(\w+?)\s*(?:室|号)?\s*$")
_BUILDING = re.compile(r"^\s*(\w+?)\s*(?:号楼|栋|幢)\s*(?:(\d+)\s*单元)?\s*$")
_NUMBER = re.compile(r"[0-9]{3,17}[0-9Xx]?")


@dataclass
class Filters:
    grid: str = ""
    building: str = ""
    tag: str = ""
    overdue: bool = False
    moved: str = "current"
    housing_use: str = ""
    q: str = ""
    page: int = 1
    ignored: list[str] = field(default_factory=list)

    def query_string(self, **override) -> str:
        values = {"grid": self.grid, "building": self.building, "tag": self.tag,
                  "overdue": "1" if self.overdue else "", "moved": "" if self.moved == "current" else self.moved,
                  "housing_use": self.housing_use, "page": self.page}  # never q: console/searches.py
        values.update(override)
        if values.get("page") == 1:
            values["page"] = ""
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    @property
    def active(self) -> bool:
        return bool(self.grid or self.building or self.tag or self.overdue or self.moved != "current"
                    or self.housing_use or self.q)


def read_filters(args, tag_codes: set[str], buildings: list[Building]) -> Filters:
    """Filters from GET parameters; a value that is not one of the choices is dropped, not an error,
    so an old bookmark still opens (the dropped names are shown)."""
    f = Filters()
    grid = args.get("grid", "")
    if grid and g.scope.has_grid(grid):
        f.grid = grid
    elif grid:
        f.ignored.append("grid")
    building = args.get("building", "")
    known = {b.id: b for b in buildings}
    if building and building in known and (not f.grid or known[building].grid_id == f.grid):
        f.building = building
    elif building:
        f.ignored.append("building")
    tag = args.get("tag", "")
    if tag in tag_codes:
        f.tag = tag
    elif tag:
        f.ignored.append("tag")
    f.overdue = args.get("overdue") in ("1", "on", "true")
    moved = args.get("moved", "current")
    f.moved = moved if moved in MOVED_CHOICES else "current"
    use = args.get("housing_use", "")
    f.housing_use = use if use in codes("housing_use") else ""
    f.q = (args.get("q") or "").strip()[:50]
    f.page = page_number(args)
    return f


def scope_buildings() -> list[Building]:
    if not g.scope.grid_ids:
        return []
    rows = db.session.scalars(select(Building).where(Building.grid_id.in_(g.scope.grid_ids),
                                                     Building.deleted.is_(False)))
    return sorted(rows, key=lambda b: (len(b.number or ""), b.number or "", b.name or ""))


def tag_types() -> list[CareTagType]:
    return list(db.session.scalars(select(CareTagType).where(CareTagType.deleted.is_(False), CareTagType.base.is_(None))
                                   .order_by(CareTagType.sort, CareTagType.id)))


@dataclass
class Page:
    rows: list
    total: int
    page: int
    pages: int
    tags: dict = field(default_factory=dict)    # residents: active care tags per row
    due: dict = field(default_factory=dict)     # residents: due dates per row
    extras: dict = field(default_factory=dict)  # households: counts, tags, visits per row


def _paginate(query, count_query, f: Filters) -> Page:
    total = db.session.scalar(count_query) or 0
    pages = max(1, ceil(total / PAGE_SIZE))
    f.page = min(f.page, pages)
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE)).all()
    return Page(rows, total, f.page, pages)


def _address_order():
    return (func.length(Building.number), Building.number, Household.unit,
            func.length(Household.room), Household.room)


def _address_match(q: str):
    """SQL on Building/Household when `q` reads as an address, else None."""
    full = _ADDRESS.match(q)
    if full:
        return and_(Building.number == full.group(1), Household.unit == int(full.group(2)),
                    Household.room == full.group(3))
    partial = _BUILDING.match(q)
    if partial:
        where = [Building.number == partial.group(1)]
        if partial.group(2):
            where.append(Household.unit == int(partial.group(2)))
        return and_(*where)
    return None


def _name_match(resident, q: str, scope_where: list):
    """Residents by name, or by pinyin initials: matched in Python over the community's names
    (id and name only), since a name's initials are not stored."""
    conditions = [resident.name.contains(q, autoescape=True)]
    lowered = q.lower().replace(" ", "")
    if pinyin.is_initials_query(lowered):
        names = db.session.execute(select(resident.id, resident.name).where(*scope_where))
        ids = [rid for rid, name in names if pinyin.matches(name, lowered)]
        if ids:
            conditions.append(resident.id.in_(ids))
    return or_(*conditions)


def full_id_number(q: str) -> str | None:
    """The query as a whole, valid ID number, or None. Only such a query looks at ID numbers: a part of
    one (a prefix, the tail the masked lists print) would confirm whose number it is."""
    try:
        validate_id_number(q)
    except ValidationError:
        return None
    return normalise_id_number(q)


def _resident_search(q: str, scope_where: list):
    number = full_id_number(q)
    if number is not None:
        # An exact lookup, for roles that may see full numbers; audited by residents_page.
        return Resident.id_number.in_([number, number.lower()]) if may_see_full_numbers(g.staff) else false()
    address = _address_match(q)
    if address is not None:
        return address
    conditions = [_name_match(Resident, q, scope_where), Building.name.contains(q, autoescape=True)]
    if _NUMBER.fullmatch(q):
        conditions.append(Household.room == q)
    return or_(*conditions)


def resident_where(f: Filters) -> list:
    today = china_today()
    where = [Resident.grid_id.in_(f.grid and [f.grid] or g.scope.grid_ids), Resident.deleted.is_(False)]
    if f.building:
        where.append(Household.building_id == f.building)
    if f.moved == "current":
        where.append(current_resident(Resident, today))
    elif f.moved == "out":
        where.append(and_(Resident.moved_out_on.is_not(None), Resident.moved_out_on <= today))
    if f.tag:
        where.append(has_active_tag(Resident, f.tag, today))
    if f.overdue:
        where.append(overdue_clause(Resident, today))
    if f.housing_use:
        where.append(Household.housing_use == f.housing_use)
    return where


def _with_address(query):
    return query.join(Household, Household.id == Resident.household_id).join(
        Building, Building.id == Household.building_id)


def residents_page(f: Filters) -> Page:
    where = resident_where(f)
    if f.q:
        where.append(_resident_search(f.q, [Resident.grid_id.in_(g.scope.grid_ids), Resident.deleted.is_(False)]))
    query = _with_address(select(Resident, Household, Building)).where(*where).order_by(*_address_order(),
                                                                                         Resident.name)
    count = _with_address(select(func.count(Resident.id))).where(*where)
    page = _paginate(query, count, f)
    residents = [row[0] for row in page.rows]
    if f.q and full_id_number(f.q) is not None and may_see_full_numbers(g.staff):
        # A full number typed in finds its holder: a read of that number, logged like showing it.
        # The entry names who was found, not the number.
        audit.record("lookup_id_number", "resident", residents[0].id if page.total == 1 else None,
                     matches=page.total, ids=[r.id for r in residents[:10]])
        db.session.commit()
    page.tags = tags_of([r.id for r in residents])
    page.due = due_status(residents)
    return page


def tags_of(resident_ids: list[str]) -> dict[str, list[ResidentTag]]:
    if not resident_ids:
        return {}
    out: dict[str, list[ResidentTag]] = {}
    rows = db.session.scalars(select(ResidentTag).where(ResidentTag.resident_id.in_(resident_ids),
                                                        active_tag(ResidentTag, china_today())))
    for tag in rows:
        out.setdefault(tag.resident_id, []).append(tag)
    return out


def households_page(f: Filters) -> Page:
    today = china_today()
    where = [Household.grid_id.in_(f.grid and [f.grid] or g.scope.grid_ids), Household.deleted.is_(False)]
    if f.building:
        where.append(Household.building_id == f.building)
    if f.housing_use:
        where.append(Household.housing_use == f.housing_use)
    person = aliased(Resident)
    lives_here = [person.household_id == Household.id, current_resident(person, today)]
    if f.tag:
        where.append(exists().where(*lives_here, has_active_tag(person, f.tag, today)))
    if f.overdue:
        where.append(exists().where(*lives_here, overdue_clause(person, today)))
    if f.moved == "out":
        where.append(exists().where(person.household_id == Household.id, person.deleted.is_(False),
                                    person.moved_out_on.is_not(None), person.moved_out_on <= today))
    if f.q:
        address = _address_match(f.q)
        if address is not None:
            where.append(address)
        else:
            scope_people = [person.grid_id.in_(g.scope.grid_ids), person.deleted.is_(False)]
            names = exists().where(person.household_id == Household.id, _name_match(person, f.q, scope_people))
            conditions = [names, Building.name.contains(f.q, autoescape=True),
                          Household.landlord_name.contains(f.q, autoescape=True)]
            if _NUMBER.fullmatch(f.q):
                conditions.append(Household.room == f.q)
            where.append(or_(*conditions))
    query = select(Household, Building).join(Building, Building.id == Household.building_id)
    count = select(func.count(Household.id)).join(Building, Building.id == Household.building_id)
    page = _paginate(query.where(*where).order_by(*_address_order()), count.where(*where), f)
    ids = [row[0].id for row in page.rows]
    page.extras = household_extras(ids, today)
    return page


@dataclass
class HouseholdExtras:
    residents: int = 0
    moved_out: int = 0
    tags: list[str] = field(default_factory=list)
    last_visit: object = None
    overdue: bool = False


def household_extras(ids: list[str], today) -> dict[str, HouseholdExtras]:
    """Counts, care tags, last visit and overdue flag of the households on one page (four queries)."""
    out = {hid: HouseholdExtras() for hid in ids}
    if not ids:
        return out
    current = current_resident(Resident, today)
    for hid, is_current, n in db.session.execute(
            select(Resident.household_id, current, func.count()).where(Resident.household_id.in_(ids),
                                                                      Resident.deleted.is_(False))
            .group_by(Resident.household_id, current)):
        if is_current:
            out[hid].residents = n
        else:
            out[hid].moved_out = n
    for hid, code in db.session.execute(
            select(Resident.household_id, ResidentTag.tag).distinct()
            .join(ResidentTag, ResidentTag.resident_id == Resident.id)
            .where(Resident.household_id.in_(ids), current, active_tag(ResidentTag, today))):
        out[hid].tags.append(code)
    for hid, at in db.session.execute(select(Visit.household_id, func.max(Visit.visited_at))
                                      .where(Visit.household_id.in_(ids), Visit.deleted.is_(False))
                                      .group_by(Visit.household_id)):
        out[hid].last_visit = at
    for hid in db.session.scalars(select(Resident.household_id).distinct()
                                  .where(Resident.household_id.in_(ids), overdue_clause(Resident, today))):
        out[hid].overdue = True
    return out
