"""Case steps as synced records: each one must follow the case's current stage."""

from __future__ import annotations

from sync.errors import ProtocolError

from ..syncapi.scope import Place
from .models import Finding, FindingCategory
from .workflow import allowed, may_take


def check_finding(ctx, state, row) -> dict[str, str]:
    category = ctx.session.get(FindingCategory, state.get("category")) if state.get("category") else None
    if category is None or category.deleted:
        return {"category": "unknown_category"}
    if row is not None and ctx.user.role in ("grid_worker", "patrol_volunteer") and row.reporter_id != ctx.user.id:
        raise ProtocolError("forbidden")
    return {}


def locate_step(ctx, state):
    finding = ctx.session.get(Finding, state.get("finding_id")) if state.get("finding_id") else None
    if finding is None or finding.deleted:
        return None
    place = ctx.areas.place_of_grid(finding.grid_id)
    return Place(place.grid_id, place.community_id, place.street_id, finding.reporter_id) if place else None


def check_step(ctx, state, row) -> dict[str, str]:
    finding = ctx.session.get(Finding, state["finding_id"])
    if state["from_status"] != finding.status:
        raise ProtocolError("stale_transition", 409, extra={"current_status": finding.status})
    if not allowed(state["from_status"], state["to_status"]):
        raise ProtocolError("illegal_transition", 409, fields={"to_status": state["to_status"]})
    if not may_take(ctx.user.role, state["to_status"], finding.reporter_id == ctx.user.id):
        raise ProtocolError("forbidden", 403)
    return {}


def stamp_step(ctx, row) -> None:
    finding = ctx.session.get(Finding, row.finding_id)
    row.actor_id = ctx.user.id
    row.reporter_id = finding.reporter_id


def advance_case(ctx, step) -> None:
    """Move the finding to the step's stage, as a server write that syncs like any other."""
    finding = ctx.session.get(Finding, step.finding_id)
    values = {"status": step.to_status}
    if step.to_status == "dispatched":
        values.update(level=step.level, unit=step.unit, deadline_at=step.deadline_at)
    ctx.server_write("finding", finding, values)
