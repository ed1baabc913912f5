"""Taking a case step from a console form: what each step must carry, then the same write as a phone.

The sync rules (server/cases/steps.py) decide which step may follow which and who may take it;
this module adds what a staff member has to fill in for each one (a reason to return, a unit to
dispatch to, a result to report back...) and computes the deadline from the configuration.
Every step is a CaseStep written through writes.write, so it is validated, logged and reaches the
reporter's phone like any other change.
"""

from __future__ import annotations

from datetime import datetime

from flask import g
from flask_babel import gettext

from sync.ids import uuid7

from ...cases import dispatch
from ...cases.deadlines import community_of_grid, limit_for
from ...cases.models import Finding
from ...extensions import db
from ...cases.steps import refusal
from ...cases.workflow import LEVELS, SATISFIED, STATUSES
from ...core.messages import field_error, register_messages
from ...core.time import utcnow
from .. import writes
from ..directory.entries import dispatchable
from .labels import from_china, status as status_label, wire_time
from .photos import store_uploads
from ..errors import ConsoleError, refuse

register_messages({
    "form_state_invalid": ("表单数据不完整或已损坏，请刷新页面后重新填写",
                           "The form's hidden data is missing or damaged; reload the page and fill it in again"),
    "result_required": ("请上传处置后照片或填写处置结果说明", "Add after-photos or describe what was done"),
    "deadline_not_later": ("新的期限应晚于当前期限和现在", "The new deadline must be later than the current one and than now"),
    "rating_required": ("请选择1到5分的评价", "Choose a rating from 1 to 5"),
    "decision_required": ("请选择批准或不批准延期", "Choose whether to grant the extension"),
    "handling_unit_unknown": ("请从处置单位名录中选择（可在「处置单位」页添加）",
                              "Choose a unit from the directory (add it on the Handling units page)"),
    "escalate_by_community": ("只有社区工作人员可以向街道吹哨", "Only community staff can escalate a case to the street"),
})

OPINION_MAX = 2000
UNIT_MAX = 64
# Steps that need a written reason: sending a case back, or a re-check staff record themselves.
NEEDS_OPINION = {"returned", "verified"}


def take_step(finding: Finding, form, files, now: datetime | None = None) -> str:
    """Record one step on `finding` from a submitted form; returns what to tell the staff member.

    Raises ConsoleError (stale_transition, illegal_transition, unverified_close, deadline_missing,
    validation_failed...) without writing anything if the step cannot be taken.
    """
    now = (now or utcnow()).replace(microsecond=0)
    before, after = form.get("from_status", ""), form.get("to_status", "")
    kind = form.get("kind") if form.get("kind") in ("chase", "escalate") else None
    if kind == "escalate" and g.staff.role != "community_staff":
        refuse("escalate_by_community", 403)
    if before not in STATUSES or after not in STATUSES:
        refuse("form_state_invalid", 400)
    # The page was loaded at `before`: if the case moved on since, say so before anything else.
    if before != finding.status:
        refuse("stale_transition", 409, current_status=finding.status)
    refused = refusal(before, after, kind)
    if refused is not None:
        raise ConsoleError(refused.code, refused.status, refused.fields, refused.extra)

    opinion = (form.get("opinion") or "").strip()
    errors: dict[str, dict] = {}
    if len(opinion) > OPINION_MAX:
        errors["opinion"] = field_error("too_long")
    fields: dict = {"finding_id": finding.id, "from_status": before, "to_status": after, "at": wire_time(now)}
    if kind:
        fields["kind"] = kind
    else:
        _step_fields(finding, after, form, opinion, now, fields, errors)
    if errors:
        refuse("validation_failed", 422, errors)
    if after == "resolved" and not kind:
        fields["photos"] = store_uploads(files.getlist("photo"))
        if not fields["photos"] and not opinion:
            refuse("validation_failed", 422, {"opinion": field_error("result_required"),
                                               "photo": field_error("result_required")})
    if opinion:
        fields["opinion"] = opinion
    assists = fields.pop("assist_ids", [])
    writes.write("case_step", uuid7(), fields)
    if assists:
        dispatch.add_assists(db.session, finding, assists, g.staff.id, now)
    if kind == "escalate":
        return gettext("已吹哨，事件已进入街道的吹哨队列。")
    if kind:
        return gettext("已督办，处置单位和上报人会收到这条督办记录。")
    if after == "rated" and fields.get("rating", SATISFIED) < SATISFIED:
        return gettext("已记录评价。评价不满意，事件已重新受理（回头看），请重新派遣或处置。")
    return gettext("已记录，事件现为「%(status)s」。", status=status_label(after))


def _step_fields(finding: Finding, after: str, form, opinion: str, now: datetime, fields: dict,
                 errors: dict) -> None:
    before = finding.status
    if (after in NEEDS_OPINION or (before, after) == ("resolved", "in_progress")) and not opinion:
        errors["opinion"] = field_error("required")
    if after == "dispatched":
        _dispatch_fields(finding, form, fields, errors)
    elif after == "extension_requested":
        _new_deadline(finding, form, now, fields, errors)
        if not opinion:
            errors["opinion"] = field_error("required")
    elif (before, after) == ("extension_requested", "in_progress"):
        decision = form.get("decision", "")
        if decision == "approve":
            _new_deadline(finding, form, now, fields, errors)
        elif decision == "refuse":
            if not opinion:
                errors["opinion"] = field_error("required")
        else:
            errors["decision"] = field_error("decision_required")
    elif after == "rated":
        try:
            rating = int(form.get("rating", ""))
        except ValueError:
            rating = 0
        if not 1 <= rating <= 5:
            errors["rating"] = field_error("rating_required")
        else:
            fields["rating"] = rating


def _dispatch_fields(finding: Finding, form, fields: dict, errors: dict) -> None:
    """The lead unit and any assisting units, from the directory; the deadline runs from receipt."""
    level, lead_id = form.get("level", ""), form.get("handling_unit_id", "")
    offered = {entry.id: entry for entry in dispatchable(community_of_grid(finding.grid_id))}
    assists = [a for a in dict.fromkeys(form.getlist("assist_ids")) if a and a != lead_id]
    if level not in LEVELS:
        errors["level"] = field_error("required" if not level else "invalid_choice")
    if lead_id not in offered:
        errors["handling_unit_id"] = field_error("required" if not lead_id else "handling_unit_unknown")
    if any(a not in offered for a in assists):
        errors["assist_ids"] = field_error("handling_unit_unknown")
    if errors:
        return
    if limit_for(finding.category, level, community_of_grid(finding.grid_id)) is None:
        refuse("deadline_missing", 422, category=finding.category, level=level)
    lead = offered[lead_id]
    fields.update(level=level, unit=lead.name[:UNIT_MAX], handling_unit_id=lead.id, assist_ids=assists)


def _new_deadline(finding: Finding, form, now: datetime, fields: dict, errors: dict) -> None:
    raw = form.get("deadline", "")
    deadline = from_china(raw)
    if deadline is None:
        errors["deadline"] = field_error("required" if not raw.strip() else "invalid_datetime")
    elif deadline <= now or (finding.deadline_at is not None and deadline <= finding.deadline_at):
        errors["deadline"] = field_error("deadline_not_later")
    else:
        fields["deadline_at"] = wire_time(deadline)
