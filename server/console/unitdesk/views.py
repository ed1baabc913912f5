"""The unit desk's pages: the unit's cases, one case with its actions, and the photos they show.

Only what the unit needs to do the work: where, what, the photos, the deadline and the steps.
Who asked for the case (a resident's name and number) is not shown here at all."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, render_template, request, url_for

from ...blobs import storage
from ...blobs.models import Blob
from ...cases.models import FindingCategory
from ...core.time import utcnow
from ...extensions import db
from ..blueprint import bp
from ..cases import labels
from ..cases.detail import back_to, timeline
from ..cases.photos import SHA
from . import actions
from .queries import may_see_photo, my_case, my_cases, my_unit


def _category(code: str) -> str:
    category = db.session.get(FindingCategory, code)
    return labels.category_name(category) if category else code


@bp.get("/unit/")
def unit_home():
    unit = my_unit()
    return render_template("console/unitdesk/list.html", unit=unit, cases=my_cases(), labels=labels,
                           category=_category, now=utcnow())


@bp.get("/unit/cases/<finding_id>")
def unit_case(finding_id: str):
    unit = my_unit()
    row, finding = my_case(finding_id)
    steps = [(step, actor) for step, actor in timeline(finding.id)]
    lead = row.role == "lead"
    open_row = row.status in ("dispatched", "received", "extension_requested")
    may = {
        "receipt": open_row and ((lead and finding.status == "dispatched") or (not lead and row.status == "dispatched")),
        "progress": open_row and finding.status in ("dispatched", "in_progress", "extension_requested")
        and row.status != "dispatched",
        "result": open_row and row.status != "dispatched" and (finding.status == "in_progress" or not lead),
        "extension": open_row and lead and finding.status == "in_progress",
        "return": open_row and lead and finding.status in ("dispatched", "in_progress"),
    }
    return render_template("console/unitdesk/case.html", unit=unit, row=row, finding=finding, steps=steps,
                           labels=labels, category=_category(finding.category), may=may, now=utcnow(),
                           suggested=(row.deadline_at or utcnow()) + timedelta(days=1))


@bp.post("/unit/cases/<finding_id>/act")
def unit_act(finding_id: str):
    my_unit()
    row, finding = my_case(finding_id, lock=True)
    message = actions.act(row, finding, request.form, request.files)
    db.session.commit()
    flash(message, "ok")
    return back_to(url_for("console.unit_case", finding_id=finding.id))


@bp.get("/unit/photos/<sha256>")
def unit_photo(sha256: str):
    blob = db.session.get(Blob, sha256) if SHA.match(sha256) else None
    if blob is None or not may_see_photo(sha256):
        abort(404)
    return storage.serve(blob)
