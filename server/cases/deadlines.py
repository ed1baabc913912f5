"""How long a unit has for a case: configured hours per (category, level), 大类 covering 小类."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from .models import CaseDeadline, FindingCategory

MIN_HOURS, MAX_HOURS = 1, 2000


def hours_for(category_id: str, level: str) -> int | None:
    """The sub-category's own row if it has one, else its top category's; None if neither."""
    category = db.session.get(FindingCategory, category_id)
    chain = [category_id] + ([category.parent_id] if category is not None and category.parent_id else [])
    rows = {row.category_id: row.hours for row in db.session.scalars(
        select(CaseDeadline).where(CaseDeadline.category_id.in_(chain), CaseDeadline.level == level))}
    return next((rows[c] for c in chain if c in rows), None)


def deadline_for(category_id: str, level: str, start: datetime) -> datetime | None:
    hours = hours_for(category_id, level)
    return None if hours is None else (start + timedelta(hours=hours)).replace(microsecond=0)
