"""The street's queue of escalated cases (街道吹哨): cases a community handed up, across every
community of the street, until the street dispatches them (to its own directory's departments)."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, session, url_for
from sqlalchemy import func, select

from ...areas.models import Area
from ...cases.models import Finding, FindingCategory
from ...extensions import db
from ..blueprint import bp
from . import labels

# Escalated and not yet sent on: the street still has to act.
WAITING = ("reported", "accepted", "returned")


def _street_grids():
    communities = g.scope.community_ids if g.staff is not None and g.staff.role == "street_admin" else []
    return select(Area.id).where(Area.parent_id.in_(communities), Area.level == "grid")


def _waiting():
    return (Finding.escalated_at.is_not(None), Finding.status.in_(WAITING), Finding.deleted.is_(False),
            Finding.grid_id.in_(_street_grids()))


@bp.app_context_processor
def _escalated_count():
    def count() -> int:
        if getattr(g, "staff", None) is None or g.staff.role != "street_admin":
            return 0
        if "escalated_count" not in g:
            g.escalated_count = db.session.scalar(select(func.count()).select_from(Finding).where(*_waiting()))
        return g.escalated_count
    return {"escalated_count": count}


@bp.get("/escalated")
def escalated():
    if g.staff.role != "street_admin":
        abort(403)
    rows = db.session.execute(
        select(Finding, Area.parent_id).join(Area, Area.id == Finding.grid_id).where(*_waiting())
        .order_by(Finding.escalated_at))
    names = {c.id: c.name for c in g.scope.communities}
    cases = [(finding, names.get(community_id, ""), db.session.get(FindingCategory, finding.category))
             for finding, community_id in rows]
    return render_template("console/cases/escalated.html", cases=cases, labels=labels)


@bp.get("/escalated/<finding_id>")
def escalated_open(finding_id: str):
    """Open an escalated case: the console switches to its community first (pages show one at a time)."""
    if g.staff.role != "street_admin":
        abort(403)
    finding = db.session.get(Finding, finding_id)
    grid = db.session.get(Area, finding.grid_id) if finding is not None and not finding.deleted else None
    if grid is None or grid.parent_id not in g.scope.community_ids:
        abort(404)
    session["community_id"] = grid.parent_id
    return redirect(url_for("console.cases_detail", finding_id=finding.id))
