"""The four roles: two that work in the field with the phone app, two on staff with the console."""

from __future__ import annotations

FIELD_ROLES = ("grid_worker", "patrol_volunteer")
STAFF_ROLES = ("community_staff", "street_admin")
ROLES = FIELD_ROLES + STAFF_ROLES
