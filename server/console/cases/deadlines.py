"""Handling deadlines (处置时限): hours or working days per category and response level, edited
by staff.

A top category's (大类) limit covers its sub-categories (小类) unless a sub-category has its own;
an empty cell of a sub-category means "as its top category", of a top category "not configured"
(dispatching such a case is refused with deadline_missing). The table serves the whole
installation, so every save is audited.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from ...cases.deadlines import MAX_AMOUNT, MIN_AMOUNT, UNITS, Limit
from ...cases.models import CaseDeadline
from ...cases.workflow import LEVELS
from ...core.messages import field_error
from ...extensions import db
from .. import audit
from . import labels
from ..blueprint import bp
from .queries import categories_by_id, category_tree


def _configured() -> dict[tuple[str, str], Limit]:
    return {(row.category_id, row.level): Limit(row.amount, row.unit) for row in db.session.scalars(select(CaseDeadline))}


def _render(configured: dict[tuple[str, str], Limit], values: dict[tuple[str, str], tuple[str, str]],
            errors: dict[tuple[str, str], dict], status: int = 200):
    categories = categories_by_id(installation_only=True)
    return render_template(
        "console/cases/deadlines.html", tree=category_tree(categories), levels=LEVELS, labels=labels,
        values=values, errors=errors, configured=configured, units=UNITS, min_amount=MIN_AMOUNT,
        max_amount=MAX_AMOUNT), status


@bp.get("/cases/deadlines")
def cases_deadlines():
    configured = _configured()
    values = {key: (str(limit.amount), limit.unit) for key, limit in configured.items()}
    return _render(configured, values, {})


@bp.post("/cases/deadlines")
def cases_deadlines_save():
    categories = categories_by_id(installation_only=True)
    values: dict[tuple[str, str], tuple[str, str]] = {}
    errors: dict[tuple[str, str], dict] = {}
    wanted: dict[tuple[str, str], Limit | None] = {}
    for category in categories:
        for level in LEVELS:
            raw = (request.form.get(f"amount-{category}-{level}") or "").strip()
            unit = request.form.get(f"unit-{category}-{level}") or "hours"
            values[(category, level)] = (raw, unit)
            if not raw:
                wanted[(category, level)] = None
                continue
            if unit not in UNITS:
                errors[(category, level)] = field_error("invalid_choice")
                continue
            try:
                amount = int(raw)
            except ValueError:
                errors[(category, level)] = field_error("invalid_type")
                continue
            if not MIN_AMOUNT <= amount <= MAX_AMOUNT[unit]:
                errors[(category, level)] = field_error("out_of_range")
                continue
            wanted[(category, level)] = Limit(amount, unit)
    if errors:
        # Nothing is saved from a table with a bad cell: the staff member fixes it and saves again.
        return _render(_configured(), values, errors, 422)
    current = {(row.category_id, row.level): row for row in db.session.scalars(select(CaseDeadline))}
    changed = {}
    for key, limit in wanted.items():
        row = current.get(key)
        if limit is None and row is not None:
            db.session.delete(row)
            changed["/".join(key)] = None
        elif limit is not None and row is None:
            db.session.add(CaseDeadline(category_id=key[0], level=key[1], amount=limit.amount, unit=limit.unit))
            changed["/".join(key)] = f"{limit.amount} {limit.unit}"
        elif limit is not None and Limit(row.amount, row.unit) != limit:
            row.amount, row.unit = limit.amount, limit.unit
            changed["/".join(key)] = f"{limit.amount} {limit.unit}"
    if changed:
        audit.record("edit_deadlines", "case_deadline", None, changed=changed)
    db.session.commit()
    flash(gettext("处置时限已保存（%(n)s 项修改）。", n=len(changed)) if changed else gettext("没有修改。"), "ok")
    return redirect(url_for("console.cases_deadlines"), 303)
