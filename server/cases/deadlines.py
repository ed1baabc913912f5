"""How long a unit has for a case (处置时限): configured per (category, level), 大类 covering 小类,
in hours ("24小时内处置") or in working days ("3个工作日内办结"), as district rules are written.

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
from ..extensions import db
from .models import CaseDeadline, Finding, FindingCategory
from .workflow import FINISHED

UNITS = codes("limit_unit")
MIN_AMOUNT = 1
MAX_AMOUNT = {"hours": 2000, "working_days": 90}


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: str  # one of UNITS


def limit_for(category_id: str, level: str) -> Limit | None:
    """The sub-category's own row if it has one, else its top category's; None if neither."""
    category = db.session.get(FindingCategory, category_id)
    chain = [category_id] + ([category.parent_id] if category is not None and category.parent_id else [])
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


def deadline_for(category_id: str, level: str, start: datetime) -> datetime | None:
    limit = limit_for(category_id, level)
    return None if limit is None else deadline_after(start, limit)


# Overdue (超期): a deadline in the past on a case the unit has not reported back on yet. One rule
# for the cases list, the dashboard's count (its "超期 N 件" link lands on N rows) and the ledger.

def overdue_clause(now: datetime, finding=Finding):
    return finding.deadline_at.is_not(None) & (finding.deadline_at < now) & finding.status.notin_(FINISHED)


def is_overdue(finding: Finding, now: datetime) -> bool:
    return finding.deadline_at is not None and finding.deadline_at < now and finding.status not in FINISHED
