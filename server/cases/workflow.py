"""The case workflow: which step may follow which, and who may take it.

网格发现 → 社区呼叫 → 分级响应 → 协同处置, as stages. Transitions are data so the console can
show the allowed next steps from the same table the server enforces.
"""

from __future__ import annotations

from ..core.choices import codes
from ..core.roles import STAFF_ROLES

STATUSES = codes("case_status")
LEVELS = codes("case_level")

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "reported": ("accepted", "returned"),
    "accepted": ("dispatched", "in_progress"),
    "dispatched": ("in_progress", "returned"),
    "in_progress": ("extension_requested", "resolved", "returned"),
    "extension_requested": ("in_progress",),
    "returned": ("accepted", "dispatched"),
    "resolved": ("verified", "in_progress"),
    "verified": ("closed",),
    "closed": ("rated",),
    "rated": (),
}

# The unit has reported back (or more): a deadline no longer runs. Overdue = a deadline in the
# past on a case in any other stage (the console's list and the dashboard count the same way).
FINISHED = ("resolved", "verified", "closed", "rated")
# Closed and rated cases are history; every stage before is still open.
CLOSED = ("closed", "rated")

# A chase (督办, the one step kind that is not a move between stages) reminds the unit holding a
# case of its deadline: from_status == to_status, only while a unit holds the case.
CHASEABLE = ("dispatched", "in_progress", "extension_requested")

# The reporter re-checks what they reported: confirm the fix, or send it back to be redone.
# Everything else is the community's to do.
FIELD_ROLE_STEPS = {("resolved", "verified"), ("resolved", "in_progress")}


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, ())


def may_take(role: str, from_status: str, to_status: str, is_reporter: bool) -> bool:
    if role in STAFF_ROLES:
        return True
    return is_reporter and (from_status, to_status) in FIELD_ROLE_STEPS
