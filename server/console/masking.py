"""Masking personal numbers for lists and exports (PIPL): enough to tell people apart, no more."""

from __future__ import annotations

# Who may see a full ID or phone number (on a resident's detail page, logged, and in exports).
# Community staff serve the residents in person; a street admin works from aggregates.
FULL_NUMBER_ROLES = frozenset({"community_staff"})


def may_see_full_numbers(user) -> bool:
    return user.role in FULL_NUMBER_ROLES


def mask_id(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678; a landline keeps its area code and last four digits (010-****5678)."""
    if not value:
        return ""
    text = value.strip()
    if len(text) <= 6:
        return "*" * len(text)
    if "-" in text:
        area, _, number = text.partition("-")
        return f"{area}-****{number[-4:]}"
    return text[:3] + "****" + text[-4:]
