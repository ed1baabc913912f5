"""What the history calls each entity, field, writing screen and referenced record, in the console's
language: the wire keeps ids, codes and UTC times; an auditor reads names, labels and Beijing time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext, lazy_gettext as _l

from ...core.time import BEIJING
from ...extensions import db
from . import labels

ENTITY_LABELS = {
    "area": _l("区域信息"), "building": _l("楼栋信息"), "household": _l("住户信息"), "resident": _l("居民信息"),
    "resident_tag": _l("特殊人群标签"), "visit": _l("走访记录"), "finding": _l("巡查上报"),
    "case_step": _l("处置环节"), "unit": _l("实有单位"),
}

# Fields of the entities beyond the records' own forms (labels.FIELDS), keyed (entity, field) where
# the same name means different things ("level" of an area, of a case).
FIELDS = {
    ("area", "level"): _l("层级"), ("area", "code"): _l("区划代码"), ("area", "name"): _l("名称"),
    ("area", "parent_id"): _l("上级区域"), ("area", "boundary"): _l("四至范围"), ("area", "retired_on"): _l("撤销日期"),
    ("building", "number"): _l("楼号"), ("building", "name"): _l("楼名"), ("building", "units"): _l("单元数"),
    ("building", "floors"): _l("层数"), ("building", "rooms_per_floor"): _l("每层户数"), ("building", "lat"): _l("纬度"),
    ("building", "lng"): _l("经度"), ("building", "captain_name"): _l("楼栋长"),
    ("building", "captain_phone"): _l("楼栋长电话"), ("building", "estate"): _l("小区"), ("building", "lift"): _l("电梯"),
    ("building", "built_year"): _l("建成年份"), ("building", "door_pattern"): _l("门牌规则"),
    ("building", "doors"): _l("门牌表"), ("building", "captain_user_id"): _l("楼栋长账号"),
    ("household", "status"): _l("住户状态"), ("household", "merged_into_id"): _l("并入住户"),
    ("household", "lease_end"): _l("租约到期日"),
    ("resident", "arrived_by"): _l("来源"), ("resident", "moved_in_on"): _l("迁入日期"),
    ("resident", "moved_in_from"): _l("迁入自"), ("resident", "left_by"): _l("离开原因"),
    ("resident", "moved_out_to"): _l("迁往"),
    ("visit", "resident_ids"): _l("走访对象"), ("visit", "visitor_id"): _l("走访人"), ("visit", "visited_at"): _l("走访时间"),
    ("visit", "method"): _l("走访方式"), ("visit", "outcome"): _l("走访结果"), ("visit", "notes"): _l("走访情况"),
    ("visit", "needs"): _l("诉求"), ("visit", "follow_up_on"): _l("回访日期"), ("visit", "photos"): _l("照片"),
    ("visit", "review_status"): _l("审核状态"), ("visit", "review_comment"): _l("审核意见"),
    ("visit", "reviewed_by"): _l("审核人"), ("visit", "reviewed_at"): _l("审核时间"),
    ("finding", "reporter_id"): _l("上报人"), ("finding", "source"): _l("来源"), ("finding", "category"): _l("事件类别"),
    ("finding", "description"): _l("事件描述"), ("finding", "address"): _l("地点"), ("finding", "urgency"): _l("紧急程度"),
    ("finding", "photos"): _l("照片"), ("finding", "reported_at"): _l("上报时间"), ("finding", "status"): _l("办理状态"),
    ("finding", "level"): _l("响应级别"), ("finding", "unit"): _l("处置单位"), ("finding", "deadline_at"): _l("处置期限"),
    ("finding", "lat"): _l("纬度"), ("finding", "lng"): _l("经度"),
}
COMMON = {"lat": _l("纬度"), "lng": _l("经度"), "accuracy": _l("定位精度（米）"), "_deleted": _l("删除")}

# Choice kinds of fields whose name is not their kind.
KINDS = {("area", "level"): "area_level", ("finding", "level"): "case_level", ("case_step", "level"): "case_level",
         ("household", "status"): "household_status", ("finding", "status"): "case_status",
         ("resident", "arrived_by"): "arrival", ("resident", "left_by"): "departure",
         ("case_step", "from_status"): "case_status", ("case_step", "to_status"): "case_status",
         ("case_step", "kind"): "step_kind"}
NOT_CHOICES = {("finding", "unit"), ("case_step", "unit"), ("household", "unit")}

# Where a change was written, by the `via` the server's writer stored: the screen or the command.
VIA = {
    "console:records": _l("控制台·居民档案"), "console:cases": _l("控制台·事件处置"),
    "console:review": _l("控制台·走访审核"), "console:conflicts": _l("控制台·冲突处理"),
    "console:ledgers": _l("控制台·台账导入"), "console:setup": _l("控制台·街道设置"),
    "console:buildings": _l("控制台·楼栋设置"), "console:dictionaries": _l("控制台·字典设置"),
    "console:units": _l("控制台·实有单位"), "console:users": _l("控制台·账号管理"),
    "cli:import": _l("命令行导入"), "cli:init-db": _l("初始化数据库"), "demo": _l("演示数据"),
}
VIA_PREFIXES = {"import:": _l("批量导入（任务 %(ref)s）"), "console:": _l("控制台·%(ref)s"), "cli:": _l("命令行·%(ref)s")}


def via_label(via: str) -> str:
    if via in VIA:
        return str(VIA[via])
    if via.startswith("import:"):
        # An auditor knows an import by its file, as the import list shows it, not by a job id.
        from ..models import ConsoleJob

        job = db.session.get(ConsoleJob, via[len("import:"):])
        if job is not None and job.file_name:
            return gettext("批量导入 %(file)s（任务 %(ref)s）", file=job.file_name, ref=job.id[:8])
    for prefix, text in VIA_PREFIXES.items():
        if via.startswith(prefix):
            return str(text) % {"ref": via[len(prefix):][:12]}
    return via


def entity_label(entity: str) -> str:
    return str(ENTITY_LABELS.get(entity, entity))


def field_label(entity: str | None, name: str) -> str:
    if (entity, name) in FIELDS:
        return str(FIELDS[(entity, name)])
    if name in labels.FIELDS:
        return str(labels.field(name))
    return str(COMMON.get(name, name))


def kind_of(entity: str | None, name: str) -> str | None:
    from ...core.choices import CHOICES

    if (entity, name) in KINDS:
        return KINDS[(entity, name)]
    if (entity, name) in NOT_CHOICES or name == "level":
        return None
    return name if name in CHOICES else None


def _name_of(model, record_id, attr: str = "name") -> str | None:
    row = db.session.get(model, record_id) if isinstance(record_id, str) else None
    return getattr(row, attr, None) if row is not None else None


def _household(record_id) -> str | None:
    from ...areas.models import Building
    from ...registry.models import Household

    home = db.session.get(Household, record_id) if isinstance(record_id, str) else None
    if home is None:
        return None
    building = db.session.get(Building, home.building_id)
    return labels.address(building.number if building else "", home.unit, home.room)


def _utc_text(value: Any) -> str | None:
    """A wire UTC time ("…Z") as Beijing time, as staff read every other time."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def reference(entity: str | None, name: str, value: Any) -> str | None:
    """Ids as the names staff know them by; None when the value is not a reference."""
    from ...areas.models import Area, Building
    from ...auth.models import User
    from ...cases.models import FindingCategory
    from ...registry.models import Resident

    if name in ("household_id", "merged_into_id"):
        return _household(value) or str(value)
    if name == "resident_id":
        return _name_of(Resident, value) or str(value)
    if name == "resident_ids" and isinstance(value, list):
        return "、".join(_name_of(Resident, v) or str(v) for v in value)
    if name == "building_id":
        number = _name_of(Building, value, "number")
        return gettext("%(n)s号楼", n=number) if number else str(value)
    if name in ("grid_id", "parent_id") and entity != "finding_category":
        return _name_of(Area, value) or str(value)
    if name in ("visitor_id", "reporter_id", "reviewed_by", "captain_user_id", "actor_id"):
        return _name_of(User, value) or str(value)
    if name == "category" and entity == "finding":
        category = db.session.get(FindingCategory, value) if isinstance(value, str) else None
        if category is not None:
            return category.name_en if labels.english() else category.name_zh
        return str(value)
    if name == "photos" and isinstance(value, list):
        return gettext("%(n)d 张照片", n=len(value))
    if name == "doors" and isinstance(value, list):
        return gettext("逐户设置，%(n)d 个门牌", n=len(value))
    return _utc_text(value)
