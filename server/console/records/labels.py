"""Names staff read for the records' codes and fields, in the console's language.

Codes read the choice catalogue (server/core/choices.py); field names are translated texts.
"""

from __future__ import annotations

from flask_babel import get_locale, lazy_gettext as _l

from ...core import choices, sensitive

FIELDS = {
    "name": _l("姓名"), "sex": _l("性别"), "birth_date": _l("出生日期"), "id_type": _l("证件类型"),
    "id_number": _l("证件号码"), "phone": _l("联系电话"), "ethnicity": _l("民族"), "relation": _l("与户主关系"),
    "population_type": _l("人口类型"), "permit_expiry": _l("居住证到期日"), "political_status": _l("政治面貌"),
    "moved_out_on": _l("迁出日期"), "notes": _l("备注"), "household_id": _l("所属住户"),
    "tag": _l("标签"), "detail": _l("标签详情"), "started_on": _l("开始日期"), "ended_on": _l("结束日期"),
    "resident_id": _l("居民"), "building_id": _l("楼栋"), "unit": _l("单元"), "floor": _l("楼层"), "room": _l("房号"),
    "housing_use": _l("房屋用途"), "registration_status": _l("人户状态"), "landlord_name": _l("房东姓名"),
    "landlord_phone": _l("房东电话"), "contact_phone": _l("联系电话"), "grid_id": _l("网格"),
    "status": _l("住户状态"), "merged_into_id": _l("合并到的住户"), "lease_end": _l("租约到期日"),
    "arrived_by": _l("来由"), "moved_in_on": _l("迁入日期"), "moved_in_from": _l("迁入自"),
    "left_by": _l("离开方式"), "moved_out_to": _l("迁往"),
    "_deleted": _l("删除"),
    # Other console forms' fields, so that a refusal names them as the form does.
    "opinion": _l("处置意见"), "level": _l("响应级别"), "deadline_at": _l("处置期限"), "rating": _l("回访评价"),
    "comment": _l("审核意见"), "username": _l("用户名"), "password": _l("密码"), "password2": _l("确认密码"),
    "role": _l("角色"), "grid_ids": _l("负责网格"), "file": _l("文件"),
    "source": _l("来源"), "category": _l("类别"), "urgency": _l("紧急程度"), "description": _l("事件描述"),
    "address": _l("地点"), "pick": _l("地址或居民"), "requester_name": _l("诉求人姓名"),
    "requester_phone": _l("诉求人电话"), "requester_id": _l("诉求人"),
}

# Fields whose values are personal numbers (core/sensitive.py): masked wherever a list or the history shows them.
ID_FIELDS = frozenset(f for fs in sensitive.FIELDS.values() for f, r in fs.items() if r.kind == sensitive.ID)
PHONE_FIELDS = frozenset(f for fs in sensitive.FIELDS.values() for f, r in fs.items() if r.kind == sensitive.PHONE)
# Care-tag details that are identity numbers in practice: masked like an ID number.
ID_DETAIL_KEYS = frozenset(k for k, r in sensitive.DETAIL_KEYS.items() if r.kind == sensitive.ID)


def english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def choice(kind: str, value) -> str:
    """The label of a code; an unknown code is shown as it is (a newer phone may know more)."""
    return choices.label(kind, value, english())


def field(name: str) -> str:
    return FIELDS.get(name, name)


def tag_name(tag_type) -> str:
    if tag_type is None:
        return ""
    return tag_type.name_en if english() else tag_type.name_zh


def detail_label(spec: dict) -> str:
    return spec.get("label_en" if english() else "label_zh") or spec.get("label_zh") or spec["name"]


def address(building_number: str | None, unit, room: str | None) -> str:
    """3号楼2单元501, as the register and the field app write it."""
    head = f"{building_number}号楼" if building_number else ""
    return f"{head}{unit}单元{room or ''}" if unit is not None else f"{head}{room or ''}"
