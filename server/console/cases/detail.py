"""One case (/console/cases/<id>): the finding, the timeline of its steps, and the forms of the
steps that may follow its current stage (from workflow.TRANSITIONS, the table the server enforces).

Each form carries the stage the page was loaded at (from_status): if a colleague or a phone has
moved the case on meanwhile, the step is refused as stale_transition instead of applied twice.
"""

from __future__ import annotations

from datetime import timedelta

from flask import flash, g, make_response, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ...auth.models import User
from ...cases.deadlines import community_of_grid, limit_for
from ...cases.models import CaseStep, Finding, FindingCategory
from ...cases.workflow import CHASEABLE, LEVELS, offered
from ...extensions import db
from ...core.time import utcnow
from . import labels
from ..records import labels as rl
from ..blueprint import bp
from ...cases import dispatch
from ...cases.models import HandlingUnit
from ..directory.entries import dispatchable
from .queries import DUE_SOON_HOURS, is_overdue, is_waiting
from .requester import requester_context
from .steps import take_step
from ..scope import in_scope


def timeline(finding_id: str) -> list[tuple[CaseStep, str]]:
    actor = aliased(User)
    return [(step, name or "") for step, name in db.session.execute(
        select(CaseStep, actor.name).join(actor, actor.id == CaseStep.actor_id, isouter=True)
        .where(CaseStep.finding_id == finding_id, CaseStep.deleted.is_(False))
        .order_by(CaseStep.created_at, CaseStep.at, CaseStep.id))]


def detail_context(finding: Finding) -> dict:
    now = utcnow()
    category = db.session.get(FindingCategory, finding.category)
    parent = db.session.get(FindingCategory, category.parent_id) if category and category.parent_id else None
    reporter = db.session.get(User, finding.reporter_id)
    steps = timeline(finding.id)
    requested = next((s.deadline_at for s, _ in reversed(steps) if s.to_status == "extension_requested"), None)
    rating = next((s for s, _ in reversed(steps) if s.rating is not None), None)
    next_steps = offered(finding.status)
    dispatching = "dispatched" in next_steps  # only the dispatch form shows limits and known units
    return dict(
        finding=finding, category=category, parent=parent, reporter=reporter,
        reporter_role=rl.choice("role", reporter.role) if reporter else "", steps=steps,
        rounds=rounds_of(steps), grid=g.scope.grid_name(finding.grid_id), labels=labels, now=now,
        next_steps=next_steps, chaseable=finding.status in CHASEABLE,
        chases=sum(1 for s, _ in steps if s.kind == "chase"), levels=LEVELS,
        limits={level: limit_for(finding.category, level, community_of_grid(finding.grid_id)) for level in LEVELS}
        if dispatching else {},
        units=dispatchable(finding.grid_id and community_of_grid(finding.grid_id)) if dispatching else [],
        case_units=[(row, db.session.get(HandlingUnit, row.handling_unit_id))
                    for row in dispatch.case_units(db.session, finding.id)],
        escalatable=g.staff.role == "community_staff" and finding.escalated_at is None
        and finding.status in ("reported", "accepted", "returned"),
        overdue=is_overdue(finding, now), waiting=is_waiting(finding, now),
        hours_left=labels.hours_left(finding.deadline_at, now), due_soon=DUE_SOON_HOURS,
        requested_deadline=requested, rating=rating,
        suggested_extension=(finding.deadline_at or now) + timedelta(days=1),
        **requester_context(finding))


def rounds_of(steps: list[tuple[CaseStep, str]]) -> dict[str, int]:
    """The round (第N轮) each 回头看 step starts: the first handling is round 1."""
    reopens = [step.id for step, _ in steps if step.kind == "reopen"]
    return {step_id: n + 2 for n, step_id in enumerate(reopens)}


@bp.get("/cases/<finding_id>")
def cases_detail(finding_id: str):
    return render_template("console/cases/detail.html", **detail_context(in_scope(Finding, finding_id)))


@bp.post("/cases/<finding_id>/steps")
def cases_step(finding_id: str):
    finding = in_scope(Finding, finding_id, lock=True)
    message = take_step(finding, request.form, request.files)
    db.session.commit()
    flash(message, "ok")
    return back_to(url_for("console.cases_detail", finding_id=finding.id))


def back_to(url: str):
    """After a write: htmx follows HX-Redirect (a fresh page shows the new stage), a plain form a 303."""
    if request.headers.get("HX-Request") == "true":
        reply = make_response("", 204)
        reply.headers["HX-Redirect"] = url
        return reply
    return redirect(url, 303)
