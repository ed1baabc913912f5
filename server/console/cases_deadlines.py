"""Handling deadlines (处置时限): hours per category and response level, edited by staff.

A top category's (大类) hours cover its sub-categories (小类) unless a sub-category has its own;
an empty cell of a sub-category means "as its top category", of a top category "not configured"
(dispatching such a case is refused with deadline_missing). The table serves the whole
installation, so every save is audited.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from sync.errors import field_error

from ..cases.deadlines import MAX_HOURS, MIN_HOURS
from ..cases.models import CaseDeadline
from ..cases.workflow import LEVELS
from ..extensions import db
from . import audit
from . import cases_labels as labels
from .blueprint import bp
from .cases_query import categories_by_id, category_tree


def _configured() -> dict[tuple[str, str], int]:
    return {(row.category_id, row.level): row.hours for row in db.session.scalars(select(CaseDeadline))}


def _render(values: dict[tuple[str, str], str], errors: dict[tuple[str, str], dict], status: int = 200):
    categories = categories_by_id()
    return render_template(
        "console/cases/deadlines.html", tree=category_tree(categories), levels=LEVELS, labels=labels,
        values=values, errors=errors, configured=_configured(), min_hours=MIN_HOURS, max_hours=MAX_HOURS), status


@bp.get("/cases/deadlines")
def cases_deadlines():
    values = {key: str(hours) for key, hours in _configured().items()}
    return _render(values, {})


@bp.post("/cases/deadlines")
def cases_deadlines_save():
    categories = categories_by_id()
    values: dict[tuple[str, str], str] = {}
    errors: dict[tuple[str, str], dict] = {}
    wanted: dict[tuple[str, str], int | None] = {}
    for category in categories:
        for level in LEVELS:
            raw = (request.form.get(f"hours-{category}-{level}") or "").strip()
            values[(category, level)] = raw
            if not raw:
                wanted[(category, level)] = None
                continue
            try:
                hours = int(raw)
            except ValueError:
                errors[(category, level)] = field_error("invalid_type")
                continue
            if not MIN_HOURS <= hours <= MAX_HOURS:
                errors[(category, level)] = field_error("out_of_range")
                continue
            wanted[(category, level)] = hours
    if errors:
        # Nothing is saved from a table with a bad cell: the staff member fixes it and saves again.
        return _render(values, errors, 422)
    current = {(row.category_id, row.level): row for row in db.session.scalars(select(CaseDeadline))}
    changed = {}
    for key, hours in wanted.items():
        row = current.get(key)
        if hours is None and row is not None:
            db.session.delete(row)
            changed["/".join(key)] = None
        elif hours is not None and row is None:
            db.session.add(CaseDeadline(category_id=key[0], level=key[1], hours=hours))
            changed["/".join(key)] = hours
        elif hours is not None and row.hours != hours:
            row.hours = hours
            changed["/".join(key)] = hours
    if changed:
        audit.record("edit_deadlines", "case_deadline", None, changed=changed)
    db.session.commit()
    flash(gettext("处置时限已保存（%(n)s 项修改）。", n=len(changed)) if changed else gettext("没有修改。"), "ok")
    return redirect(url_for("console.cases_deadlines"), 303)
