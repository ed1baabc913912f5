"""The SQL behind the review queue: new visits and new findings of the community.

One UNION ALL of (kind, id, time, grid, person, pinned) rows orders both kinds together and pages
them, pressing findings first; then each kind's rows of the page are loaded with what the queue
shows in one query apiece. The counts (per kind, per grid, per person) come from one GROUP BY
over the same union, so the page costs the same few queries whatever the filters.

Urgency is a finding's: a visit whose outcome is "issue found" is not treated as urgent, because
the worker turns a need that cannot wait into a case (转为事件) with its own urgency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from ..paging import page_number
from ...areas.models import Building
from ...auth.models import User
from ...cases.models import Finding
from ...core.choices import codes
from ...core.time import china_midnight_utc, china_today
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import Household, Resident
from ..records.labels import address

PAGE_SIZE = 50
KINDS = ("visit", "finding")
ORDERS = ("new", "old")  # newest first (the default) or oldest first
WAITING = (None, "resubmitted")  # a visit nobody reviewed yet, or one its visitor corrected
# Findings pinned above everything else until someone accepts (or returns) them.
PRESSING = ("emergency", "urgent")


def pending_visit(visit=Visit):
    return or_(visit.review_status.is_(None), visit.review_status == "resubmitted")


def version(row) -> str:
    """The newest field clock of a record: changes whenever anyone writes any field of it."""
    return max((row.clocks or {}).values(), default="")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@dataclass
class QueueFilters:
    grid: str = ""
    kind: str = ""
    worker: str = ""
    urgency: str = ""
    start: date | None = None  # Beijing dates, both inclusive
    end: date | None = None
    order: str = "new"
    page: int = 1

    def params(self, **override) -> dict[str, str]:
        values = {"grid": self.grid, "kind": self.kind, "worker": self.worker, "urgency": self.urgency,
                  "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else "",
                  "order": "" if self.order == "new" else self.order, "page": str(self.page)}
        values.update({k: "" if v is None else str(v) for k, v in override.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")
                and not (k == "order" and v == "new")}

    def today(self) -> dict[str, str]:
        """The query of the 今天 chip: today's items, the other filters kept."""
        day = china_today().isoformat()
        return self.params(**{"from": day, "to": day, "page": 1})

    @property
    def is_today(self) -> bool:
        return self.start == self.end == china_today()


def read_filters(args, scope) -> QueueFilters:
    f = QueueFilters()
    f.grid = args.get("grid", "") if scope.has_grid(args.get("grid")) else ""
    f.kind = args.get("kind", "") if args.get("kind", "") in KINDS else ""
    f.worker = (args.get("worker") or "")[:36]
    f.urgency = args.get("urgency", "") if args.get("urgency", "") in codes("urgency") else ""
    f.start, f.end = _day(args.get("from")), _day(args.get("to"))
    if f.start and f.end and f.start > f.end:
        f.start, f.end = f.end, f.start
    f.order = args.get("order", "") if args.get("order", "") in ORDERS else "new"
    f.page = page_number(args)
    return f


@dataclass
class VisitItem:
    visit: Visit
    address: str
    household_id: str
    visitor: str
    residents: list[str]
    grid: str

    kind = "visit"
    pinned = False

    @property
    def version(self) -> str:
        return version(self.visit)


@dataclass
class FindingItem:
    finding: Finding
    reporter: str
    grid: str

    kind = "finding"

    @property
    def pinned(self) -> bool:
        return self.finding.urgency in PRESSING


@dataclass
class QueuePage:
    items: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    counts: dict[str, int] = field(default_factory=dict)
    per_grid: dict[str, int] = field(default_factory=dict)
    people: list[tuple[str, str, int]] = field(default_factory=list)  # (user id, name, waiting)

    @property
    def pinned(self) -> list:
        return [item for item in self.items if item.pinned]

    @property
    def rest(self) -> list:
        return [item for item in self.items if not item.pinned]


def _waiting(f: QueueFilters, grids: list[str]):
    """Both kinds' waiting rows in these grids, within the date range and urgency (not kind, grid
    or person: the counts are grouped by those)."""
    visits = select(literal("visit").label("kind"), Visit.id.label("id"), Visit.visited_at.label("at"),
                    Visit.grid_id.label("grid"), Visit.visitor_id.label("person"), literal(0).label("pinned")
                    ).where(Visit.grid_id.in_(grids), Visit.deleted.is_(False), pending_visit())
    findings = select(literal("finding").label("kind"), Finding.id.label("id"), Finding.reported_at.label("at"),
                      Finding.grid_id.label("grid"), Finding.reporter_id.label("person"),
                      case((Finding.urgency.in_(PRESSING), 1), else_=0).label("pinned")
                      ).where(Finding.grid_id.in_(grids), Finding.deleted.is_(False), Finding.status == "reported")
    if f.urgency:
        findings = findings.where(Finding.urgency == f.urgency)
    if f.start:
        visits = visits.where(Visit.visited_at >= china_midnight_utc(f.start))
        findings = findings.where(Finding.reported_at >= china_midnight_utc(f.start))
    if f.end:
        visits = visits.where(Visit.visited_at < china_midnight_utc(f.end + timedelta(days=1)))
        findings = findings.where(Finding.reported_at < china_midnight_utc(f.end + timedelta(days=1)))
    # Urgency is a finding's: asking for one leaves the visits out.
    parts = [q for kind, q in (("visit", visits), ("finding", findings))
             if f.kind in ("", kind) and not (f.urgency and kind == "visit")]
    return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()


def _tally(f: QueueFilters, scope) -> tuple[dict, dict, dict]:
    """Waiting counts per kind, per grid and per person, each under the other filters."""
    both = _waiting(QueueFilters(urgency=f.urgency, start=f.start, end=f.end), scope.grid_ids)
    rows = db.session.execute(select(both.c.kind, both.c.grid, both.c.person, func.count())
                              .group_by(both.c.kind, both.c.grid, both.c.person)).all()
    kinds, grids, people = dict.fromkeys(KINDS, 0), {}, {}
    for kind, grid, person, n in rows:
        if f.grid in ("", grid) and f.worker in ("", person):
            kinds[kind] += n
        if f.kind in ("", kind) and f.worker in ("", person):
            grids[grid] = grids.get(grid, 0) + n
        if f.kind in ("", kind) and f.grid in ("", grid):
            people[person] = people.get(person, 0) + n
    return kinds, grids, people


def queue_page(f: QueueFilters, scope) -> QueuePage:
    kinds, grids, people = _tally(f, scope)
    both = _waiting(f, [f.grid] if f.grid else scope.grid_ids)
    query = select(both.c.kind, both.c.id)
    if f.worker:
        query = query.where(both.c.person == f.worker)
    total = sum(n for kind, n in kinds.items() if f.kind in ("", kind) and not (f.urgency and kind == "visit"))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(f.page, pages)
    when = both.c.at.asc() if f.order == "old" else both.c.at.desc()
    keys = db.session.execute(query.order_by(both.c.pinned.desc(), when, both.c.id)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    loaded = {**_visits([i for k, i in keys if k == "visit"], scope),
              **_findings([i for k, i in keys if k == "finding"], scope)}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(list(people)))).tuples().all()) if people else {}
    roster = sorted(((uid, names.get(uid, ""), n) for uid, n in people.items()), key=lambda p: (-p[2], p[1]))
    return QueuePage([loaded[i] for _, i in keys if i in loaded], total, page, pages, kinds,
                     {grid.id: grids[grid.id] for grid in scope.grids if grids.get(grid.id)}, roster)


def pressing_count(scope) -> int:
    """Emergency and urgent findings of the scope nobody has accepted yet: the navigation's badge."""
    if not scope.grid_ids:
        return 0
    return db.session.scalar(select(func.count()).select_from(Finding).where(
        Finding.grid_id.in_(scope.grid_ids), Finding.deleted.is_(False), Finding.status == "reported",
        Finding.urgency.in_(PRESSING))) or 0


def _visits(ids: list[str], scope) -> dict[str, VisitItem]:
    if not ids:
        return {}
    visitor = aliased(User)
    rows = db.session.execute(
        select(Visit, Household.id, Household.unit, Household.room, Building.number, visitor.name)
        .join(Household, Household.id == Visit.household_id)
        .join(Building, Building.id == Household.building_id, isouter=True)
        .join(visitor, visitor.id == Visit.visitor_id, isouter=True)
        .where(Visit.id.in_(ids))).all()
    wanted = {rid for visit, *_ in rows for rid in (visit.resident_ids or [])}
    names = {rid: name for rid, name in db.session.execute(
        select(Resident.id, Resident.name).where(Resident.id.in_(wanted)))} if wanted else {}
    return {visit.id: VisitItem(visit, address(number, unit, room), hid, name or "",
                                [names[r] for r in visit.resident_ids or [] if r in names],
                                scope.grid_name(visit.grid_id))
            for visit, hid, unit, room, number, name in rows}


def _findings(ids: list[str], scope) -> dict[str, FindingItem]:
    if not ids:
        return {}
    reporter = aliased(User)
    rows = db.session.execute(select(Finding, reporter.name).join(reporter, reporter.id == Finding.reporter_id,
                                                                   isouter=True).where(Finding.id.in_(ids))).all()
    return {finding.id: FindingItem(finding, name or "", scope.grid_name(finding.grid_id)) for finding, name in rows}
