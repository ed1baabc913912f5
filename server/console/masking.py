"""Masking personal numbers for lists and exports (PIPL): enough to tell people apart, no more.

Which fields are personal numbers and who may see them in full is core/sensitive.py's table, shared
with the sync pull and the exports."""

from __future__ import annotations

# The field app's masking (shared test vectors): a number reads the same on the phone and in the console.
from ..core import sensitive
from ..registry.validators import mask_id_number as mask_id, mask_phone  # noqa: F401

# Who may see a full ID or phone number (on a resident's detail page, logged, and in exports).
# Community staff serve the residents in person; a street admin works from aggregates.
FULL_NUMBER_ROLES = sensitive.FULL_ROLES


def may_see_full_numbers(user) -> bool:
    return user.role in FULL_NUMBER_ROLES
