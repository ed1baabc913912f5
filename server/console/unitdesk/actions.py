"""What a unit contact's buttons write: each is a case step through the same pipeline as a phone's
(console/writes.write with the contact as the author), so server/cases/steps.py decides whether
their unit may take it, and server/cases/dispatch.py keeps their unit's receipt and deadline."""

from __future__ import annotations

from flask_babel import gettext

from sync.ids import uuid7

from ...cases import dispatch
from ...cases.models import CaseUnit, Finding
from ...core.messages import field_error
from ...core.time import utcnow
from ...extensions import db
from .. import writes
from ..cases.labels import from_china, wire_time
from ..cases.photos import store_uploads
from ..cases.steps import OPINION_MAX
from ..errors import refuse

ACTIONS = ("receipt", "progress", "result", "extension", "return")


def act(row: CaseUnit, finding: Finding, form, files) -> str:
    """Take one unit action on the case; returns what to tell the contact. Refuses (ConsoleError)
    without writing anything when the form is incomplete or the step is not theirs to take."""
    action = form.get("action", "")
    if action not in ACTIONS:
        refuse("form_state_invalid", 400)
    before = form.get("from_status", "")
    if before != finding.status:
        refuse("stale_transition", 409, current_status=finding.status)
    now = utcnow().replace(microsecond=0)
    opinion = (form.get("opinion") or "").strip()
    if len(opinion) > OPINION_MAX:
        refuse("validation_failed", 422, {"opinion": field_error("too_long")})
    lead = row.role == "lead"
    fields: dict = {"finding_id": finding.id, "from_status": before, "to_status": before, "at": wire_time(now)}
    if action == "receipt":
        fields.update(kind="receipt", to_status="in_progress" if lead and before == "dispatched" else before)
    elif action == "return":
        if not opinion:
            refuse("validation_failed", 422, {"opinion": field_error("required")})
        fields["to_status"] = "returned"
    elif action == "extension":
        deadline = from_china(form.get("deadline", ""))
        errors = {}
        if deadline is None:
            errors["deadline"] = field_error("required" if not form.get("deadline", "").strip() else "invalid_datetime")
        elif deadline <= now or (row.deadline_at is not None and deadline <= row.deadline_at):
            errors["deadline"] = field_error("deadline_not_later")
        if not opinion:
            errors["opinion"] = field_error("required")
        if errors:
            refuse("validation_failed", 422, errors)
        fields.update(to_status="extension_requested", deadline_at=wire_time(deadline))
    else:  # a progress report, or the result (the lead's moves the case to 已反馈)
        photos = store_uploads(files.getlist("photo"))
        if not photos and not opinion:
            code = "result_required" if action == "result" else "required"
            refuse("validation_failed", 422, {"opinion": field_error(code), "photo": field_error(code)})
        fields["photos"] = photos
        if action == "result" and lead:
            fields["to_status"] = "resolved"
        else:
            fields["kind"] = "progress"
    if opinion:
        fields["opinion"] = opinion
    writes.write("case_step", uuid7(), fields)
    if action == "result" and not lead:
        dispatch.finish_assist(db.session, row)
    return MESSAGES[action]()


MESSAGES = {
    "receipt": lambda: gettext("已签收，处置期限从现在开始计算。"),
    "progress": lambda: gettext("进展已报送社区。"),
    "result": lambda: gettext("处置结果已反馈，等待社区核查。"),
    "extension": lambda: gettext("延期申请已提交，等待社区批准。"),
    "return": lambda: gettext("已退回社区，社区会重新派遣。"),
}
