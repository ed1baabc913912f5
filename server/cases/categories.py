"""The finding categories of one community (see core/dictionary.py for the rule).

A community tunes a category's `active` flag and its deadlines: the deadlines hang on the
community's override row (cases/deadlines.py), so an override may tune no wire field at all."""

from __future__ import annotations

from sqlalchemy import select

from ..core.dictionary import Entry, resolve
from .models import FindingCategory

COLUMNS = ("parent_id", "name_zh", "name_en", "sort", "active")
TUNABLE = ("active",)


def categories(session, community_id: str | None) -> dict[str, Entry]:
    query = select(FindingCategory).where(
        (FindingCategory.community_id.is_(None)) | (FindingCategory.community_id == community_id))
    return resolve(session.scalars(query), community_id, COLUMNS, TUNABLE)


def override_of(session, code: str, community_id: str) -> FindingCategory | None:
    return session.scalar(select(FindingCategory).where(
        FindingCategory.community_id == community_id, FindingCategory.base == code,
        FindingCategory.deleted.is_(False)))
