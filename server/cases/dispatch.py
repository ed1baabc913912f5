"""Which handling units hold a case (case_units rows), kept in step with the case's steps.

A case goes to one lead unit (主办) and any number of assisting units (协办). Each unit's deadline
runs from its own receipt (签收), so until the lead has received the case the finding shows no
deadline ("待签收"). The finding's `unit`, `handling_unit_id` and `deadline_at` are the lead's.
The rows are console-only: phones see the unit's name and deadline on the finding.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..core.time import utcnow
from .deadlines import community_of_grid, deadline_for
from .models import CaseUnit, Finding, HandlingUnit

# A row in one of these still has work to do on the case.
OPEN = ("dispatched", "received", "extension_requested")


def case_units(session, finding_id: str, include_withdrawn: bool = False) -> list[CaseUnit]:
    query = select(CaseUnit).where(CaseUnit.finding_id == finding_id)
    if not include_withdrawn:
        query = query.where(CaseUnit.status != "withdrawn")
    return list(session.scalars(query.order_by(CaseUnit.role.desc(), CaseUnit.id)))  # lead first


def unit_ids_of(session, finding_id: str) -> tuple[str, ...]:
    """The units that may see the case (every row not withdrawn, returned ones keep their history)."""
    return tuple(row.handling_unit_id for row in case_units(session, finding_id))


def row_of(session, finding_id: str, handling_unit_id: str | None) -> CaseUnit | None:
    if handling_unit_id is None:
        return None
    return next((r for r in case_units(session, finding_id) if r.handling_unit_id == handling_unit_id), None)


def lead_of(session, finding_id: str) -> CaseUnit | None:
    return next((r for r in case_units(session, finding_id) if r.role == "lead" and r.status in OPEN), None)


def _start(session, finding: Finding, unit_id: str, role: str, by: str | None, at: datetime) -> CaseUnit:
    row = CaseUnit(finding_id=finding.id, handling_unit_id=unit_id, role=role, status="dispatched",
                   dispatched_at=at, dispatched_by=by)
    session.add(row)
    return row


def add_assists(session, finding: Finding, unit_ids: list[str], by: str | None, at: datetime | None = None) -> None:
    """Send the case to assisting units as well (from the staff's dispatch form)."""
    at = at or utcnow()
    held = {r.handling_unit_id for r in case_units(session, finding.id) if r.status in OPEN}
    for unit_id in dict.fromkeys(unit_ids):
        if unit_id not in held and unit_id != finding.handling_unit_id:
            _start(session, finding, unit_id, "assist", by, at)
    session.flush()


def _receive(row: CaseUnit, finding: Finding, at: datetime) -> None:
    if row.received_at is None:
        row.received_at = at
        level = finding.level or "community"
        row.deadline_at = deadline_for(finding.category, level, at, community_of_grid(finding.grid_id))
    row.status = "received"


def follow_step(ctx, finding: Finding, step, values: dict) -> None:
    """Bring the case's unit rows (and `values`, the finding's fields about to be written) up to
    date with `step`, just written. Called from steps.advance_case."""
    session = ctx.session
    at = utcnow()
    before, after, kind = step.from_status, step.to_status, step.kind
    own = row_of(session, finding.id, step.handling_unit_id)
    lead = lead_of(session, finding.id)
    if kind == "escalate":
        values["escalated_at"] = at
    elif kind == "receipt" and before == after and own is not None:
        _receive(own, finding, at)  # an assisting unit's 签收
    elif kind == "progress" and own is not None and own.status == "dispatched":
        _receive(own, finding, at)  # reporting on it is taking it on
    elif after == "dispatched" and kind is None:
        for row in case_units(session, finding.id):
            if row.status in OPEN:
                row.status = "withdrawn"  # a new dispatch replaces whoever held it before
        unit = session.get(HandlingUnit, step.handling_unit_id) if step.handling_unit_id else None
        if unit is not None:
            _start(session, finding, unit.id, "lead", ctx.user.id, at)
            values.update(unit=unit.name, handling_unit_id=unit.id, deadline_at=None)
        else:
            values["handling_unit_id"] = None  # an old-style free-text unit: its deadline runs from dispatch
    elif (before, after) == ("dispatched", "in_progress") and lead is not None:
        _receive(lead, finding, at)
        values["deadline_at"] = lead.deadline_at
    elif after == "returned":
        for row in case_units(session, finding.id):
            if row.status in OPEN:
                row.status = "returned" if row.role == "lead" else "withdrawn"
                row.finished_at = at
        values["handling_unit_id"] = None
    elif after == "extension_requested" and lead is not None:
        lead.status = "extension_requested"
    elif before == "extension_requested" and lead is not None:
        lead.status = "received"
        if step.deadline_at is not None:
            lead.deadline_at = step.deadline_at
    elif after == "resolved" and lead is not None:
        lead.status, lead.finished_at = "finished", at
    elif (before, after) == ("resolved", "in_progress"):
        redo = next((r for r in case_units(session, finding.id) if r.role == "lead" and r.status == "finished"), None)
        if redo is not None:
            redo.status, redo.finished_at = "received", None
    session.flush()


def finish_assist(session, row: CaseUnit) -> None:
    """An assisting unit has reported its part done: the case itself stays where it is."""
    row.status, row.finished_at = "finished", utcnow()
    session.flush()
