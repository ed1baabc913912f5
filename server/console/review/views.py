"""Review queue (审核): new visits and new findings of the community, newest first (or oldest),
pressing findings pinned on top; the navigation shows how many of those wait on every page.

A visit is marked reviewed (已审核) or returned (退回) to its visitor with a comment; both are
server writes of the visit's review fields, so they reach the worker's phone, and a visit the
worker corrects comes back here as resubmitted. A finding is accepted (受理) or returned with an
opinion: the case steps reported→accepted / reported→returned (cases/steps.py: take_step).

Each action carries the record's version as the page showed it: if a colleague reviewed it, or
the worker changed it, in the meantime, the action is refused (review_stale) rather than applied
to something the staff member has not seen.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from sqlalchemy import select

from ...cases.models import Finding, FindingCategory
from ...core.messages import field_error, register_messages
from ...extensions import db
from ...fieldwork.models import Visit
from ...core.time import utcnow
from ..cases import labels as cases_labels
from .. import writes
from ..records import labels as rl
from ..blueprint import bp
from ..scope import in_scope
from ..cases.steps import take_step
from ..errors import refuse
from ...core.roles import STAFF_ROLES
from .queries import WAITING, pressing_count, read_filters, queue_page, version

COMMENT_MAX = 500

register_messages({
    "review_stale": ("这条记录已被他人审核或被修改，请刷新后重试",
                     "Someone else reviewed or changed this record meanwhile; reload and try again"),
    "nothing_selected": ("请先勾选要处理的走访记录", "Select the visits first"),
})


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _categories() -> dict[str, FindingCategory]:
    return {c.id: c for c in db.session.scalars(select(FindingCategory))}


@bp.context_processor
def _pressing_badge():
    """The count beside 审核 in the navigation, for staff on every console page."""
    def pressing() -> int:
        staff = g.get("staff")
        if staff is None or staff.role not in STAFF_ROLES or g.get("scope") is None:
            return 0
        return pressing_count(g.scope)
    return {"pressing_findings": pressing}


@bp.get("/review")
def review_queue():
    f = read_filters(request.args, g.scope)
    page = queue_page(f, g.scope)
    return render_template("console/review/queue.html", f=f, page=page, rl=rl, labels=cases_labels,
                           categories=_categories())


def _review(visit: Visit, outcome: str, comment: str | None) -> None:
    values = {"review_status": outcome, "review_comment": comment, "reviewed_by": g.staff.id,
              "reviewed_at": utcnow().replace(microsecond=0)}
    writes.context().server_write("visit", visit, values)


def _done(message: str, fragment: str | None = None, **context):
    """htmx: the row's new state in place of the row; a plain form: back to the queue."""
    if _is_htmx() and fragment:
        return render_template(fragment, labels=cases_labels, rl=rl, message=message, **context)
    flash(message, "ok")
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/console/review") else url_for("console.review_queue"), 303)


@bp.post("/review/visits/<visit_id>")
def review_queue_visit(visit_id: str):
    visit = in_scope(Visit, visit_id, lock=True)
    action = request.form.get("action", "")
    if action not in ("reviewed", "returned"):
        refuse("form_state_invalid", 400)
    if visit.review_status not in WAITING or request.form.get("version", "") != version(visit):
        refuse("review_stale", 409, review_status=visit.review_status)
    comment = (request.form.get("comment") or "").strip()
    if action == "returned" and not comment:
        refuse("validation_failed", 422, {"comment": field_error("required")})
    if len(comment) > COMMENT_MAX:
        refuse("validation_failed", 422, {"comment": field_error("too_long")})
    _review(visit, action, comment or None)
    db.session.commit()
    message = gettext("已审核。") if action == "reviewed" else gettext("已退回，网格员同步后会看到退回意见。")
    return _done(message, "console/review/_done_row.html", kind="visit", record_id=visit.id,
                 status=action, comment=comment)


@bp.post("/review/visits")
def review_queue_bulk():
    """Mark the ticked visits (or, with 全部通过, every visit the page showed) reviewed; those changed
    since the page was loaded are left alone."""
    picked = request.form.getlist("page_visit" if request.form.get("all") else "visit")
    if not picked:
        refuse("nothing_selected", 422)
    done, skipped = 0, 0
    for value in picked[:200]:
        visit_id, _, seen = value.partition("|")
        visit = in_scope(Visit, visit_id, lock=True)
        if visit.review_status not in WAITING or seen != version(visit):
            skipped += 1
            continue
        _review(visit, "reviewed", None)
        done += 1
    db.session.commit()
    message = ngettext("%(num)s 条走访已标记为已审核。", "%(num)s 条走访已标记为已审核。", done)
    if skipped:
        message += " " + ngettext("%(num)s 条已被他人处理或被修改，未动。", "%(num)s 条已被他人处理或被修改，未动。", skipped)
    flash(message, "ok")
    return redirect(url_for("console.review_queue", **read_filters(request.form, g.scope).params()), 303)


@bp.post("/review/findings/<finding_id>")
def review_queue_finding(finding_id: str):
    finding: Finding = in_scope(Finding, finding_id, lock=True)
    action = request.form.get("action", "")
    if action not in ("accepted", "returned"):
        refuse("form_state_invalid", 400)
    form = {"from_status": request.form.get("from_status", ""), "to_status": action,
            "opinion": request.form.get("opinion", "")}
    take_step(finding, form, request.files)
    db.session.commit()
    message = gettext("已受理，可在事件处置中派遣。") if action == "accepted" else gettext("已退回上报人。")
    return _done(message, "console/review/_done_row.html", kind="finding", record_id=finding.id,
                 status=action, comment=form["opinion"].strip())
