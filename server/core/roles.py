"""The roles: two that work in the field with the phone app, two on staff with the console.

The codes and their names are the catalogue's; this says which side of the work each is on."""

from __future__ import annotations

from .choices import codes

FIELD_ROLES = ("grid_worker", "patrol_volunteer")
STAFF_ROLES = ("community_staff", "street_admin")
ROLES = codes("role")
