"""The SQL behind the review queue: new visits and new findings of the community, oldest first.

One UNION ALL orders both kinds together and pages them; then each kind's rows of the page are
loaded with what the queue shows (address, visitor or reporter, category, resident names) in one
query apiece, whatever the page size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from ..paging import page_number
from ...areas.models import Building
from ...auth.models import User
from ...cases.models import Finding
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import Household, Resident
from ..records.labels import address

PAGE_SIZE = 50
KINDS = ("visit", "finding")
WAITING = (None, "resubmitted")  # a visit nobody reviewed yet, or one its visitor corrected


def pending_visit(visit=Visit):
    return or_(visit.review_status.is_(None), visit.review_status == "resubmitted")


def version(row) -> str:
    """The newest field clock of a record: changes whenever anyone writes any field of it."""
    return max((row.clocks or {}).values(), default="")


@dataclass
class QueueFilters:
    grid: str = ""
    kind: str = ""
    page: int = 1

    def params(self, **override) -> dict[str, str]:
        values = {"grid": self.grid, "kind": self.kind, "page": str(self.page)}
        values.update({k: str(v) for k, v in override.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


def read_filters(args, scope) -> QueueFilters:
    f = QueueFilters()
    f.grid = args.get("grid", "") if scope.has_grid(args.get("grid")) else ""
    f.kind = args.get("kind", "") if args.get("kind", "") in KINDS else ""
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

    @property
    def version(self) -> str:
        return version(self.visit)


@dataclass
class FindingItem:
    finding: Finding
    reporter: str
    grid: str

    kind = "finding"


@dataclass
class QueuePage:
    items: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    counts: dict[str, int] = field(default_factory=dict)


def _grids(f: QueueFilters, scope) -> list[str]:
    return [f.grid] if f.grid else scope.grid_ids


def queue_page(f: QueueFilters, scope) -> QueuePage:
    grids = _grids(f, scope)
    visits = select(literal("visit").label("kind"), Visit.id.label("id"), Visit.visited_at.label("at")).where(
        Visit.grid_id.in_(grids), Visit.deleted.is_(False), pending_visit())
    findings = select(literal("finding").label("kind"), Finding.id.label("id"), Finding.reported_at.label("at")).where(
        Finding.grid_id.in_(grids), Finding.deleted.is_(False), Finding.status == "reported")
    counts = {
        "visit": db.session.scalar(select(func.count()).select_from(visits.subquery())) or 0,
        "finding": db.session.scalar(select(func.count()).select_from(findings.subquery())) or 0,
    }
    parts = [q for kind, q in (("visit", visits), ("finding", findings)) if f.kind in ("", kind)]
    total = sum(counts[kind] for kind in KINDS if f.kind in ("", kind))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(f.page, pages)
    both = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    keys = db.session.execute(select(both.c.kind, both.c.id).order_by(both.c.at, both.c.id)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    loaded = {**_visits([i for k, i in keys if k == "visit"], scope),
              **_findings([i for k, i in keys if k == "finding"], scope)}
    return QueuePage([loaded[i] for _, i in keys if i in loaded], total, page, pages, counts)


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
