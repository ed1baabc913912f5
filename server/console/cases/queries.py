"""The SQL behind the cases list: filters, the overdue rule, and one page of rows (three queries).

Overdue (超期): a deadline in the past on a case the unit has not reported back on yet
(cases.deadlines.overdue_clause), the same rule the dashboard counts, so its "超期 N 件" link lands on N rows.
A case waiting for the community itself (reported but not accepted for a day) is flagged apart:
it has no deadline of its own yet, and is the community's delay rather than a unit's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ...auth.models import User
from ...cases.models import CaseStep, Finding, FindingCategory
from ...cases.deadlines import is_overdue, overdue_clause  # noqa: F401  (detail.py imports them from here)
from ...cases.workflow import CLOSED, LEVELS, STATUSES
from ...core.choices import codes
from ...extensions import db
from ...core.time import utcnow
from .labels import hours_left
from ..paging import page_number

PAGE_SIZE = 50
WAITING_HOURS = 24    # a report nobody accepted for this long is flagged
DUE_SOON_HOURS = 24   # a deadline this close is shown as a warning
OPEN = "open"         # the stage filter "still being worked on"
NUMBER = re.compile(r"XF-\d{8}-\d{4,}")


def is_waiting(finding: Finding, now: datetime) -> bool:
    return finding.status == "reported" and finding.reported_at < now - timedelta(hours=WAITING_HOURS)


@dataclass
class CaseFilters:
    status: str = ""
    category: str = ""
    grid: str = ""
    level: str = ""
    source: str = ""
    overdue: bool = False
    reopened: bool = False  # 回头看: cases a low rating sent back at least once
    q: str = ""
    page: int = 1

    def params(self, **override) -> dict[str, str]:
        values = {"status": self.status, "category": self.category, "grid": self.grid, "level": self.level,
                  "source": self.source, "overdue": "1" if self.overdue else "",
                  "reopened": "1" if self.reopened else "",
                  "page": str(self.page) if self.page > 1 else ""}
        values.update({k: str(v) for k, v in override.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}

    def query_string(self, **override) -> str:
        return urlencode(self.params(**override))

    @property
    def active(self) -> bool:
        return bool(self.status or self.category or self.grid or self.level or self.source or self.overdue or self.reopened
                    or self.q)


def read_filters(args, scope, categories: dict[str, FindingCategory]) -> CaseFilters:
    """Only values the page offers are kept: anything else is ignored, as if not chosen."""
    f = CaseFilters()
    status = args.get("status", "")
    f.status = status if status in STATUSES or status == OPEN else ""
    f.category = args.get("category", "") if args.get("category", "") in categories else ""
    f.grid = args.get("grid", "") if scope.has_grid(args.get("grid")) else ""
    f.level = args.get("level", "") if args.get("level", "") in LEVELS else ""
    f.source = args.get("source", "") if args.get("source", "") in codes("source") else ""
    f.overdue = args.get("overdue") in ("1", "on", "true")
    f.reopened = args.get("reopened") in ("1", "on", "true")
    f.q = (args.get("q") or "").strip()[:50]
    f.page = page_number(args)
    return f


def categories_by_id(installation_only: bool = False, community_id: str | None = None) -> dict[str, FindingCategory]:
    """Every category a finding may carry (a community's overrides are not categories of their own):
    the installation's and, with `community_id`, that community's own sub-categories; all
    communities' unless `installation_only`."""
    query = select(FindingCategory).where(FindingCategory.deleted.is_(False), FindingCategory.base.is_(None))
    if installation_only:
        query = query.where(FindingCategory.community_id.is_(None))
    elif community_id is not None:
        query = query.where(or_(FindingCategory.community_id.is_(None), FindingCategory.community_id == community_id))
    rows = db.session.scalars(query.order_by(FindingCategory.sort, FindingCategory.id))
    return {c.id: c for c in rows}


def category_tree(categories: dict[str, FindingCategory]) -> list[tuple[FindingCategory, list[FindingCategory]]]:
    tops = [c for c in categories.values() if c.parent_id is None]
    return [(top, [c for c in categories.values() if c.parent_id == top.id]) for top in tops]


@dataclass
class CaseRow:
    finding: Finding
    category: FindingCategory | None
    parent: FindingCategory | None
    reporter: str
    grid: str
    overdue: bool
    waiting: bool
    hours_left: float | None
    chases: int = 0


@dataclass
class CasePage:
    rows: list[CaseRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


def _where(f: CaseFilters, scope, categories, now: datetime) -> list:
    where = [Finding.grid_id.in_(scope.grid_ids), Finding.deleted.is_(False)]
    if f.status == OPEN:
        where.append(Finding.status.notin_(CLOSED))
    elif f.status:
        where.append(Finding.status == f.status)
    if f.category:
        children = [c.id for c in categories.values() if c.parent_id == f.category]
        where.append(Finding.category.in_([f.category, *children]))
    if f.grid:
        where.append(Finding.grid_id == f.grid)
    if f.level:
        where.append(Finding.level == f.level)
    if f.source:
        where.append(Finding.source == f.source)
    if f.overdue:
        where.append(overdue_clause(now))
    if f.reopened:
        where.append(Finding.reopened > 0)
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(or_(Finding.number.like(pattern.upper(), escape="\\"),
                         Finding.description.like(pattern, escape="\\"), Finding.address.like(pattern, escape="\\"),
                         Finding.unit.like(pattern, escape="\\")))
    return where


def numbered_case(q: str, scope) -> Finding | None:
    """The case whose number staff typed in full (read out by a resident on the phone), if in scope."""
    number = q.strip().upper()
    if not NUMBER.fullmatch(number):
        return None
    return db.session.scalar(select(Finding).where(Finding.number == number, Finding.deleted.is_(False),
                                                   Finding.grid_id.in_(scope.grid_ids)))


def cases_page(f: CaseFilters, scope, categories: dict[str, FindingCategory], now: datetime | None = None) -> CasePage:
    now = now or utcnow()
    where = _where(f, scope, categories, now)
    total = db.session.scalar(select(func.count()).select_from(Finding).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(f.page, pages)
    # Overdue first by how late; otherwise the newest report first.
    order = (Finding.deadline_at.asc(), Finding.id) if f.overdue else (Finding.reported_at.desc(), Finding.id.desc())
    reporter = aliased(User)
    rows = db.session.execute(
        select(Finding, reporter.name).join(reporter, reporter.id == Finding.reporter_id, isouter=True)
        .where(*where).order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    chases = chase_counts([finding.id for finding, _ in rows])
    out = []
    for finding, name in rows:
        category = categories.get(finding.category)
        parent = categories.get(category.parent_id) if category is not None and category.parent_id else None
        out.append(CaseRow(finding, category, parent, name or "", scope.grid_name(finding.grid_id),
                           is_overdue(finding, now), is_waiting(finding, now),
                           hours_left(finding.deadline_at, now),
                           chases.get(finding.id, 0)))
    return CasePage(out, total, page, pages)


def chase_counts(finding_ids: list[str]) -> dict[str, int]:
    if not finding_ids:
        return {}
    rows = db.session.execute(
        select(CaseStep.finding_id, func.count()).where(CaseStep.finding_id.in_(finding_ids),
                                                        CaseStep.kind == "chase", CaseStep.deleted.is_(False))
        .group_by(CaseStep.finding_id))
    return {fid: n for fid, n in rows}
