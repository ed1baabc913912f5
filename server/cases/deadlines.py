"""How long a unit has for a case (处置时限): configured per (category, level), 大类 covering 小类,
in hours ("24小时内处置") or in working days ("3个工作日内办结"), as district rules are written.
A community may set its own cells (on its override row of the category, see limit_chain).

Working days are Monday to Friday in Beijing time, counted from the day after dispatch; the
deadline is the end of the last one. Statutory holidays and their swapped weekend workdays
(调休) are not known to the server yet, so a limit that spans one reads a few days short.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..core.choices import codes
from ..core.time import china_date, from_china_wall
from ..areas.models import Area
from ..extensions import db
from .categories import override_of
from .models import CaseDeadline, Finding, FindingCategory
from .workflow import FINISHED

UNITS = codes("limit_unit")
MIN_AMOUNT = 1
MAX_AMOUNT = {"hours": 2000, "working_days": 90}


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str  # one of UNITS


def community_of_grid(grid_id: str | None) -> str | None:
    grid = db.session.get(Area, grid_id) if grid_id else None
    return grid.parent_id if grid is not None else None


def limit_chain(category_id: str, community_id: str | None = None) -> list[str]:
    """Where a limit is looked up, first match wins: the sub-category in the community (its
    override row), the sub-category in the installation, then the same for its top category.
    So a community's cell overrides the installation's cell, and an empty one falls back."""
    category = db.session.get(FindingCategory, category_id)
    codes = [category_id] + ([category.parent_id] if category is not None and category.parent_id else [])
    chain: list[str] = []
    for code in codes:
        override = override_of(db.session, code, community_id) if community_id else None
        chain += ([override.id] if override is not None else []) + [code]
    return chain


def limit_for(category_id: str, level: str, community_id: str | None = None) -> Limit | None:
    """The first configured limit along `limit_chain`; None if there is none."""
    chain = limit_chain(category_id, community_id)
    rows = {row.category_id: Limit(row.amount, row.unit) for row in db.session.scalars(
        select(CaseDeadline).where(CaseDeadline.category_id.in_(chain), CaseDeadline.level == level))}
    return next((rows[c] for c in chain if c in rows), None)


def after_working_days(start: datetime, days: int) -> datetime:
    """The end (23:59:59 Beijing time, as naive UTC) of the `days`-th working day after `start`'s day."""
    day = china_date(start)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return from_china_wall(datetime.combine(day, time(23, 59, 59)))


def deadline_after(start: datetime, limit: Limit) -> datetime:
    if limit.unit == "working_days":
        return after_working_days(start, limit.amount)
    return (start + timedelta(hours=limit.amount)).replace(microsecond=0)


def deadline_for(category_id: str, level: str, start: datetime, community_id: str | None = None) -> datetime | None:
    limit = limit_for(category_id, level, community_id)
    return None if limit is None else deadline_after(start, limit)


# Overdue (超期): a deadline in the past on a case the unit has not reported back on yet. One rule
# for the cases list, the dashboard's count (its "超期 N 件" link lands on N rows) and the ledger.

def overdue_clause(now: datetime, finding=Finding):
    return finding.deadline_at.is_not(None) & (finding.deadline_at < now) & finding.status.notin_(FINISHED)


def is_overdue(finding: Finding, now: datetime) -> bool:
    return finding.deadline_at is not None and finding.deadline_at < now and finding.status not in FINISHED
