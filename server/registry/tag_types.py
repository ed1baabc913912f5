"""The care-tag dictionary of one community (see core/dictionary.py for the rule)."""

from __future__ import annotations

from sqlalchemy import select

from ..core.dictionary import Entry, resolve
from .models import CareTagType

COLUMNS = ("name_zh", "name_en", "interval_days", "detail_fields", "sort", "active")
TUNABLE = ("interval_days", "detail_fields", "active")


def tag_types(session, community_id: str | None) -> dict[str, Entry]:
    """{code: Entry}: the installation's tags with the community's tuning, then its own tags."""
    query = select(CareTagType).where(
        (CareTagType.community_id.is_(None)) | (CareTagType.community_id == community_id))
    return resolve(session.scalars(query), community_id, COLUMNS, TUNABLE)


def tag_type(session, code: str | None, community_id: str | None) -> Entry | None:
    return tag_types(session, community_id).get(code) if code else None
