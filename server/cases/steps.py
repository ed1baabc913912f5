"""Case steps as synced records: each one must follow the case's current stage."""

from __future__ import annotations

from sync.errors import ProtocolError

from ..core.roles import FIELD_ROLES, STAFF_ROLES, UNIT_ROLES
from ..core.scope import Place
from ..fieldwork.models import Visit
from ..registry.models import Resident
from . import dispatch
from .categories import categories
from .models import Finding, HandlingUnit
from .reopen import needs_reopening, reopen
from .workflow import MOVE_KINDS, STAY_KINDS, UNIT_STEPS, allowed, may_take


def check_finding(ctx, state, row) -> dict[str, str]:
    place = ctx.areas.place_of_grid(state.get("grid_id")) if state.get("grid_id") else None
    code = state.get("category")
    category = categories(ctx.session, place.community_id if place else None).get(code) if code else None
    if category is None:
        return {"category": "unknown_category"}
    if not category.active and (row is None or row.category != code):
        return {"category": "category_inactive"}
    if row is not None and ctx.user.role in FIELD_ROLES and row.reporter_id != ctx.user.id:
        raise ProtocolError("forbidden")
    return _requester_errors(ctx, state, row)


# Who asked for a case is resident data: a patrol volunteer sees none, so may name no one.
REQUESTER_FIELDS = ("requester_id", "requester_name", "requester_phone", "visit_id")


def _requester_errors(ctx, state, row) -> dict[str, str]:
    if ctx.user.role == "patrol_volunteer":
        return {name: "field_not_permitted" for name in REQUESTER_FIELDS if state.get(name)}
    errors: dict[str, str] = {}
    grid_id = state.get("grid_id")
    if state.get("requester_id") and (row is None or row.requester_id != state["requester_id"]):
        resident = ctx.session.get(Resident, state["requester_id"])
        if resident is None or resident.deleted or resident.grid_id != grid_id:
            errors["requester_id"] = "unknown_reference"
    if state.get("visit_id") and (row is None or row.visit_id != state["visit_id"]):
        visit = ctx.session.get(Visit, state["visit_id"])
        if visit is None or visit.deleted or visit.grid_id != grid_id:
            errors["visit_id"] = "unknown_reference"
    return errors


def locate_step(ctx, state):
    finding = ctx.session.get(Finding, state.get("finding_id")) if state.get("finding_id") else None
    if finding is None or finding.deleted:
        return None
    place = ctx.areas.place_of_grid(finding.grid_id)
    if place is None:
        return None
    return Place(place.grid_id, place.community_id, place.street_id, finding.reporter_id,
                 dispatch.unit_ids_of(ctx.session, finding.id))


def refusal(before: str, after: str, kind: str | None = None) -> ProtocolError | None:
    """Why a step from `before` to `after` may never be taken, whoever takes it; None if it may."""
    if kind is not None and after == before:
        if before not in STAY_KINDS.get(kind, ()):
            return ProtocolError("illegal_transition", 409, fields={"to_status": after})
        return None
    if kind is not None and (before, after) not in MOVE_KINDS.get(kind, ()):
        return ProtocolError("illegal_transition", 409, fields={"to_status": after})
    if kind is None and before == "rated":
        return ProtocolError("illegal_transition", 409, fields={"to_status": after})
    if after == "closed" and before not in ("verified", "closed", "rated"):
        return ProtocolError("unverified_close", 409, fields={"to_status": after})
    if not allowed(before, after):
        return ProtocolError("illegal_transition", 409, fields={"to_status": after})
    return None


def check_step(ctx, state, row) -> dict[str, str]:
    finding = ctx.session.get(Finding, state["finding_id"])
    before, after, kind = state["from_status"], state["to_status"], state.get("kind")
    if before != finding.status:
        raise ProtocolError("stale_transition", 409, extra={"current_status": finding.status})
    refused = refusal(before, after, kind)
    if refused is not None:
        raise refused
    if ctx.user.role in UNIT_ROLES:
        _check_unit_step(ctx, finding, before, after, kind)
    elif state.get("handling_unit_id") and ctx.user.role not in STAFF_ROLES:
        return {"handling_unit_id": "field_not_permitted"}
    elif kind in ("chase", "escalate"):
        if ctx.user.role not in STAFF_ROLES:
            raise ProtocolError("forbidden", 403)
    elif not may_take(ctx.user.role, before, after, finding.reporter_id == ctx.user.id):
        raise ProtocolError("forbidden", 403)
    if state.get("rating") is not None and (after != "rated" or kind is not None):
        return {"rating": "invalid_value"}
    if state.get("handling_unit_id") and ctx.user.role in STAFF_ROLES and not _unit_of_case(ctx, finding, state):
        return {"handling_unit_id": "unknown_reference"}
    return {}


def _unit_of_case(ctx, finding, state) -> bool:
    """Staff name a unit of the directory kept by the case's community or street (a dispatch),
    or one the case is already dispatched to (a receipt or report they record for it)."""
    unit = ctx.session.get(HandlingUnit, state["handling_unit_id"])
    place = ctx.areas.place_of_grid(finding.grid_id)
    if unit is None or place is None or unit.area_id not in (place.community_id, place.street_id):
        return False
    return unit.active if state["to_status"] == "dispatched" and state.get("kind") is None \
        else unit.id in dispatch.unit_ids_of(ctx.session, finding.id)


def _check_unit_step(ctx, finding, before: str, after: str, kind: str | None) -> None:
    """A unit contact acts only for their own unit, on what is still theirs to do: the lead moves the
    case (接单, 退回, 反馈, 申请延期), an assisting unit only signs for it and reports on it."""
    own = dispatch.row_of(ctx.session, finding.id, ctx.user.handling_unit_id)
    if own is None or own.status not in dispatch.OPEN:
        raise ProtocolError("forbidden", 403)
    if kind in ("progress", "receipt") and before == after:
        if kind == "receipt" and (own.role != "assist" or own.status != "dispatched"):
            raise ProtocolError("forbidden", 403)
        return
    if kind not in (None, "receipt") or own.role != "lead" or (before, after) not in UNIT_STEPS:
        raise ProtocolError("forbidden", 403)


def stamp_step(ctx, row) -> None:
    finding = ctx.session.get(Finding, row.finding_id)
    row.actor_id = ctx.user.id
    row.reporter_id = finding.reporter_id
    if ctx.user.role in UNIT_ROLES:
        row.handling_unit_id = ctx.user.handling_unit_id  # a contact speaks for their own unit only


def advance_case(ctx, step) -> None:
    """Move the finding to the step's stage, as a server write that syncs like any other."""
    if step.kind == "chase":
        return  # the step itself is the record of the chase; the case stays where it is
    finding = ctx.session.get(Finding, step.finding_id)
    values = {"status": step.to_status}
    if step.to_status == "dispatched" and step.kind is None:
        values.update(level=step.level, unit=step.unit, deadline_at=step.deadline_at)
    elif step.to_status == "returned":
        # The unit gave the case back: its deadline no longer runs (a new dispatch sets one).
        values.update(level=None, unit=None, deadline_at=None)
    elif step.from_status == "extension_requested" and step.deadline_at is not None:
        values["deadline_at"] = step.deadline_at  # the extension was granted
    dispatch.follow_step(ctx, finding, step, values)
    if step.from_status == step.to_status and set(values) == {"status"}:
        return  # a report or receipt that leaves the case where it is: nothing on it changes
    ctx.server_write("finding", finding, values)
    if needs_reopening(step):
        reopen(ctx, finding, step)
