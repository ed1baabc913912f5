"""The records whose history the console shows: one line per entity (the model, its heading, the
page it belongs to). A new synced entity the console shows gets its history with one line here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import abort, g, url_for
from werkzeug.routing import BuildError

from ...areas.models import Area, Building
from ...cases.models import Finding, FindingCategory
from ...core.sensitive import SENSITIVE_CARE_TAGS
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import CareTagType, Household, Resident, ResidentTag
from ...units.models import Unit
from ..records import labels
from ..scope import in_scope


def _address(home: Household | None) -> str:
    if home is None:
        return ""
    building = db.session.get(Building, home.building_id)
    return labels.address(building.number if building else "", home.unit, home.room)


def _area_in_scope(model, record_id: str):
    area = db.session.get(Area, record_id)
    community = g.scope.community
    if area is None or area.deleted or not (g.scope.has_grid(area.id) or (community and area.id == community.id)):
        abort(404)
    return area


def _link(endpoint: str, **ids) -> str | None:
    try:
        return url_for(endpoint, **ids)
    except BuildError:
        return None  # a page another feature has not added (yet)


def _tag_title(tag: ResidentTag) -> str:
    resident = db.session.get(Resident, tag.resident_id)
    return f"{resident.name if resident else ''} · {labels.tag_name(db.session.get(CareTagType, tag.tag)) or tag.tag}"


def _finding_title(finding: Finding) -> str:
    category = db.session.get(FindingCategory, finding.category)
    name = (category.name_en if labels.english() else category.name_zh) if category else finding.category
    return " · ".join(part for part in (finding.number, name, finding.description[:24]) if part)


@dataclass(frozen=True)
class Shown:
    model: type
    title: Callable[[Any], str]
    page: Callable[[Any], str | None] = lambda row: None  # the record's own page, linked back to
    locate: Callable[[type, str], Any] = in_scope  # the row, or 404 outside the staff member's scope
    # The resident whose sensitive care tags make opening this history an audited view.
    person: Callable[[Any], str | None] = lambda row: None


SHOWN: dict[str, Shown] = {
    "area": Shown(Area, lambda a: a.name, locate=_area_in_scope),
    "building": Shown(Building, lambda b: f"{b.estate or ''}{b.number}号楼",
                      lambda b: _link("console.setup_building_edit", building_id=b.id)),
    "household": Shown(Household, _address, lambda h: _link("console.households_detail", hid=h.id)),
    "resident": Shown(Resident, lambda r: r.name, lambda r: _link("console.residents_detail", rid=r.id),
                      person=lambda r: r.id),
    "resident_tag": Shown(ResidentTag, _tag_title, lambda t: _link("console.residents_detail", rid=t.resident_id),
                          person=lambda t: t.resident_id),
    "visit": Shown(Visit, lambda v: _address(db.session.get(Household, v.household_id)),
                   lambda v: _link("console.households_detail", hid=v.household_id)),
    "finding": Shown(Finding, _finding_title, lambda f: _link("console.cases_detail", finding_id=f.id)),
    "unit": Shown(Unit, lambda u: u.name, lambda u: _link("console.units_detail", uid=u.id)),
}


def register(name: str, shown: Shown) -> None:
    """For an entity defined in another feature (the units helper's `unit`): one call."""
    SHOWN[name] = shown


def sensitive_tags(resident_id: str | None) -> list[str]:
    if resident_id is None:
        return []
    codes = db.session.scalars(db.select(ResidentTag.tag).where(ResidentTag.resident_id == resident_id,
                                                                ResidentTag.deleted.is_(False)))
    return sorted({code for code in codes if code in SENSITIVE_CARE_TAGS})
