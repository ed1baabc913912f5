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
    # Only as a reopen (回头看), which the server takes itself after a rating below satisfied.
    "rated": ("accepted",),
}

# The unit has reported back (or more): a deadline no longer runs. Overdue = a deadline in the
# past on a case in any other stage (the console's list and the dashboard count the same way).
FINISHED = ("resolved", "verified", "closed", "rated")
# Closed and rated cases are history; every stage before is still open.
CLOSED = ("closed", "rated")

# A chase (督办) reminds the unit holding a case of its deadline: from_status == to_status, only
# while a unit holds the case.
CHASEABLE = ("dispatched", "in_progress", "extension_requested")
# Step kinds that leave the stage as it is, and the stages they may be taken in: a chase; a unit's
# progress report (a 协办 unit's result too); a 协办 unit's receipt; the community's 吹哨.
STAY_KINDS: dict[str, tuple[str, ...]] = {
    "chase": CHASEABLE,
    "progress": CHASEABLE,
    "receipt": ("in_progress", "extension_requested"),
    "escalate": ("reported", "accepted", "returned"),
}
# Step kinds that mark a move between stages: the lead unit's receipt (接单) and the reopen.
MOVE_KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    "receipt": (("dispatched", "in_progress"),),
    "reopen": (("rated", "accepted"),),
}
# A rating below this (满意) reopens the case for 回头看.
SATISFIED = 4

# What a handling unit's contact may do with a case dispatched to their unit (beyond progress and
# receipt kinds): take it on, hand it back, report the result, ask for more time.
UNIT_STEPS = {("dispatched", "in_progress"), ("dispatched", "returned"), ("in_progress", "resolved"),
              ("in_progress", "extension_requested"), ("in_progress", "returned")}

# The reporter re-checks what they reported: confirm the fix, or send it back to be redone.
# Everything else is the community's to do.
FIELD_ROLE_STEPS = {("resolved", "verified"), ("resolved", "in_progress")}


def offered(from_status: str) -> tuple[str, ...]:
    """The stages a person may move a case to from `from_status` (not the server's own reopen)."""
    return tuple(to for to in TRANSITIONS.get(from_status, ()) if (from_status, to) not in MOVE_KINDS["reopen"])


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, ())


def may_take(role: str, from_status: str, to_status: str, is_reporter: bool) -> bool:
    if role in STAFF_ROLES:
        return True
    return is_reporter and (from_status, to_status) in FIELD_ROLE_STEPS
