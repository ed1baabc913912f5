"""The roles: two that work in the field with the phone app, two on staff with the console, and the
handling units' contacts, who answer the cases sent to them.

The codes and their names are the catalogue's; this says which side of the work each is on."""

from __future__ import annotations

from .choices import codes

FIELD_ROLES = ("grid_worker", "patrol_volunteer")
STAFF_ROLES = ("community_staff", "street_admin")
# Signs in to the console's unit pages only: the cases dispatched to their handling unit.
UNIT_ROLES = ("unit_contact",)
ROLES = codes("role")
