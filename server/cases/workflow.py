"""The case workflow: which step may follow which, and who may take it.

网格发现 → 社区呼叫 → 分级响应 → 协同处置, as stages. Transitions are data so the console can
show the allowed next steps from the same table the server enforces.
"""

from __future__ import annotations

STATUSES = (
    "reported", "accepted", "dispatched", "in_progress", "extension_requested",
    "returned", "resolved", "verified", "closed", "rated",
)
LEVELS = ("grid", "community", "street")

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

# Field roles may re-check what they reported; everything else is the community's to do.
FIELD_ROLE_STEPS = {"verified", "in_progress"}


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, ())


def may_take(role: str, to_status: str, is_reporter: bool) -> bool:
    if role in ("community_staff", "street_admin"):
        return True
    return is_reporter and to_status in FIELD_ROLE_STEPS
