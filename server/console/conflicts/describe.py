"""How a conflict or a rejected change names its record and shows its values to staff.

"张秀英 · 联系电话", "1号楼1单元501", masked ID and phone numbers, choice codes as words. Records
are loaded per entity with one IN query for a whole page, never one query per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select

from ...areas.models import Building
from ...auth.models import Device, User
from ...cases.models import CaseStep, Finding, FindingCategory
from ...core.time import from_millis
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import CareTagType, Household, Resident, ResidentTag
from ...syncapi.entities import ENTITIES
from ..cases import labels as cases_labels
from ..records import labels as rl
from ..masking import mask_id, mask_phone
from ..records.history import show

# Field names the records labels do not cover (findings, visits, buildings).
MORE_FIELDS = {
    "description": _l("描述"), "address": _l("地点"), "category": _l("类别"), "urgency": _l("紧急程度"),
    "source": _l("来源"), "photos": _l("照片"), "reported_at": _l("上报时间"), "lat": _l("纬度"), "lng": _l("经度"),
    "accuracy": _l("定位精度"), "visited_at": _l("走访时间"), "method": _l("走访方式"), "outcome": _l("走访结果"),
    "needs": _l("诉求"), "follow_up_on": _l("跟进日期"), "resident_ids": _l("走访对象"), "number": _l("楼栋号"),
    "units": _l("单元数"), "floors": _l("层数"), "captain_name": _l("楼栋长"), "captain_phone": _l("楼栋长电话"),
    "from_status": _l("原状态"), "to_status": _l("新状态"), "opinion": _l("意见"), "finding_id": _l("事件"),
    "level": _l("响应级别"), "unit_name": _l("处置单位"), "deadline_at": _l("处置时限"), "rating": _l("评价"),
    "at": _l("时间"), "kind": _l("类型"),
}
PHONE_FIELDS = rl.PHONE_FIELDS | {"captain_phone"}
CHOICE_FIELDS = {"sex", "id_type", "relation", "population_type", "political_status", "housing_use",
                 "registration_status", "method", "outcome"}


def field_label(entity: str, name: str) -> str:
    if entity in ("finding", "case_step") and name == "unit":
        return str(MORE_FIELDS["unit_name"])
    if name in rl.FIELDS:
        return str(rl.field(name))
    return str(MORE_FIELDS.get(name, name))


def entity_label(entity: str) -> str:
    return rl.choice("entity", entity)


def show_value(name: str, value: Any, tag_types: dict | None = None, tag: str | None = None) -> str:
    """A value as a list shows it: personal numbers masked, codes as words."""
    if value is None or value == "" or value == []:
        return gettext("（空）")
    if name in rl.ID_FIELDS:
        return mask_id(str(value))
    if name in PHONE_FIELDS:
        return mask_phone(str(value))
    if name in CHOICE_FIELDS:
        return str(rl.choice(name, value))
    if name in ("status", "from_status", "to_status"):
        return cases_labels.status(value)
    if name == "level":
        return cases_labels.level(value)
    if name == "detail" and isinstance(value, dict):
        return _detail(value, tag_types or {}, tag)
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, list):
        return gettext("%(n)s 项", n=len(value))
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return str(value)


def _detail(detail: dict, tag_types: dict, tag: str | None) -> str:
    spec = {f["name"]: f for f in (tag_types[tag].detail_fields if tag in tag_types else [])}
    parts = []
    for name, value in detail.items():
        field = spec.get(name, {"name": name})
        if value in (None, ""):
            continue
        # The history's rules, so a number is masked here exactly when it is there.
        parts.append(f"{rl.detail_label(field) if 'label_zh' in field else name}：{show(name, value, field)}")
    return "；".join(parts) or gettext("（空）")


def hlc_time(stamp: str | None) -> datetime | None:
    """When a write was made, from its clock (the phone's time, possibly offline): naive UTC."""
    try:
        millis = int((stamp or "").split("-", 1)[0])
    except ValueError:
        return None
    return from_millis(millis)


@dataclass
class RecordName:
    title: str
    endpoint: str | None = None
    args: dict | None = None


def name_records(pairs: Iterable[tuple[str, str]], grid_ids: list[str]) -> dict[tuple[str, str], RecordName]:
    """{(entity, id): RecordName} for the records of the current community (others are left out)."""
    wanted: dict[str, set[str]] = {}
    for entity, record_id in pairs:
        wanted.setdefault(entity, set()).add(record_id)
    names: dict[tuple[str, str], RecordName] = {}
    tag_types = tag_dictionary() if "resident_tag" in wanted else {}

    def load(model, ids):
        return list(db.session.scalars(select(model).where(model.id.in_(list(ids)), model.grid_id.in_(grid_ids))))

    residents = {r.id: r for r in load(Resident, wanted.get("resident", set()))}
    tags = load(ResidentTag, wanted.get("resident_tag", set()))
    more = {t.resident_id for t in tags} - set(residents)
    if more:
        residents.update({r.id: r for r in load(Resident, more)})
    households = {h.id: h for h in load(Household, wanted.get("household", set())
                                        | {r.household_id for r in residents.values()})}
    visits = load(Visit, wanted.get("visit", set()))
    more = {v.household_id for v in visits} - set(households)
    if more:
        households.update({h.id: h for h in load(Household, more)})
    buildings = {b.id: b for b in load(Building, wanted.get("building", set())
                                       | {h.building_id for h in households.values()})}

    def address(home: Household | None) -> str:
        if home is None:
            return ""
        building = buildings.get(home.building_id)
        return rl.address(building.number if building else None, home.unit, home.room)

    for r in residents.values():
        names[("resident", r.id)] = RecordName(f"{r.name}（{address(households.get(r.household_id))}）",
                                               endpoint="console.residents_detail", args={"rid": r.id})
    for h in households.values():
        names[("household", h.id)] = RecordName(address(h), endpoint="console.households_detail", args={"hid": h.id})
    for t in tags:
        person = residents.get(t.resident_id)
        names[("resident_tag", t.id)] = RecordName(
            f"{person.name if person else ''} · {rl.tag_name(tag_types.get(t.tag)) or t.tag}",
            endpoint="console.residents_detail" if person else None, args={"rid": t.resident_id})
    for v in visits:
        names[("visit", v.id)] = RecordName(f"{address(households.get(v.household_id))} · {cases_labels.china(v.visited_at)}",
                                            endpoint="console.households_detail", args={"hid": v.household_id})
    for b in buildings.values():
        names[("building", b.id)] = RecordName(f"{b.number}号楼")
    steps = load(CaseStep, wanted.get("case_step", set()))
    findings = {f.id: f for f in load(Finding, wanted.get("finding", set()) | {s.finding_id for s in steps})}
    for f in findings.values():
        names[("finding", f.id)] = RecordName(case_title(f), endpoint="console.cases_detail", args={"finding_id": f.id})
    for s in steps:
        case = findings.get(s.finding_id)
        names[("case_step", s.id)] = RecordName(
            f"{case_title(case) + ' · ' if case else ''}{cases_labels.status(s.from_status)} → {cases_labels.status(s.to_status)}",
            endpoint="console.cases_detail", args={"finding_id": s.finding_id})
    return names


def case_title(finding: Finding) -> str:
    """A case as staff name it: its category and number (待编号 before the server gave one)."""
    category = db.session.get(FindingCategory, finding.category)
    number = finding.number or gettext("（待编号）")
    return f"{cases_labels.category_name(category) or finding.category} {number}"


def tag_dictionary() -> dict[str, CareTagType]:
    return {t.id: t for t in db.session.scalars(select(CareTagType))}


def people(user_ids: Iterable[str | None]) -> dict[str, User]:
    ids = {i for i in user_ids if i}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def devices(device_ids: Iterable[str | None]) -> dict[str, Device]:
    ids = {i for i in device_ids if i}
    return {d.id: d for d in db.session.scalars(select(Device).where(Device.id.in_(ids)))} if ids else {}


def device_label(device_id: str | None, known: dict[str, Device]) -> str:
    if device_id is None:
        return gettext("控制台")
    device = known.get(device_id)
    if device is not None and device.name:
        return f"{device.name}（{device_id[-6:]}）"
    # The tail: a UUIDv7 begins with its creation time, so the heads of two phones look alike.
    return gettext("设备 %(id)s", id=device_id[-6:])


def current_value(entity: str, record_id: str, name: str) -> tuple[bool, Any]:
    """(found, value) of a field as the record holds it now."""
    spec = ENTITIES.get(entity)
    row = db.session.get(spec.model, record_id) if spec else None
    if row is None:
        return False, None
    return True, spec.dump(row).get(name)
