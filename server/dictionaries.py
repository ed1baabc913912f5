"""Loading the shared dictionaries: care tags and finding categories."""

from __future__ import annotations

from .cases.models import CaseDeadline, FindingCategory
from .cases.seeds import CATEGORIES, DEADLINE_HOURS
from .registry.models import CareTagType
from .registry.seeds import CARE_TAGS
from .syncapi.direct import DirectWriter


def seed_dictionaries(writer: DirectWriter) -> int:
    """Add the seed entries that are missing; never overwrite what a city has edited."""
    added = 0
    session = writer.session
    for sort, (code, zh, en, interval, fields) in enumerate(CARE_TAGS):
        if session.get(CareTagType, code) is None:
            writer.put("care_tag_type", CareTagType(id=code, name_zh=zh, name_en=en, interval_days=interval,
                                                    detail_fields=fields, sort=sort))
            added += 1
    for sort, (code, zh, en, children) in enumerate(CATEGORIES):
        if session.get(FindingCategory, code) is None:
            writer.put("finding_category", FindingCategory(id=code, name_zh=zh, name_en=en, sort=sort * 100))
            added += 1
        for child_sort, (child, czh, cen) in enumerate(children):
            if session.get(FindingCategory, child) is None:
                writer.put("finding_category", FindingCategory(
                    id=child, parent_id=code, name_zh=czh, name_en=cen, sort=sort * 100 + child_sort + 1))
                added += 1
    for category, hours_by_level in DEADLINE_HOURS.items():
        for level, hours in hours_by_level.items():
            if session.get(CaseDeadline, (category, level)) is None:
                session.add(CaseDeadline(category_id=category, level=level, amount=hours, unit="hours"))
                added += 1
    return added
