"""Chinese names for the records' codes and fields, as staff read them (English via the catalogue)."""

from __future__ import annotations

from flask_babel import get_locale, lazy_gettext as _l

CHOICES = {
    "housing_use": {"owner_occupied": _l("自住"), "rented": _l("出租"), "vacant": _l("空置"),
                    "commercial": _l("商用")},
    "registration_status": {"consistent": _l("人户一致"), "present_unregistered": _l("人在户不在"),
                            "registered_absent": _l("户在人不在"), "nominal": _l("空挂户")},
    "sex": {"male": _l("男"), "female": _l("女")},
    "id_type": {"resident_id": _l("居民身份证"), "passport": _l("护照"), "hk_macau_permit": _l("港澳居民通行证"),
                "taiwan_permit": _l("台湾居民通行证"), "foreign_permit": _l("外国人居留证"),
                "other": _l("其他证件")},
    "relation": {"head": _l("户主"), "spouse": _l("配偶"), "child": _l("子女"), "parent": _l("父母"),
                 "grandparent": _l("祖父母"), "grandchild": _l("孙子女"), "sibling": _l("兄弟姐妹"),
                 "in_law": _l("姻亲"), "tenant": _l("租户"), "other": _l("其他")},
    "population_type": {"registered": _l("户籍"), "migrant": _l("流动"), "foreign": _l("境外")},
    "political_status": {"party_member": _l("中共党员"), "probationary_member": _l("预备党员"),
                         "league_member": _l("共青团员"), "masses": _l("群众"), "other": _l("其他")},
    "method": {"in_person": _l("入户"), "phone": _l("电话"), "video": _l("视频"), "doorstep": _l("门口")},
    "outcome": {"normal": _l("正常"), "not_home": _l("不在家"), "refused": _l("拒访"), "issue_found": _l("发现问题")},
    "review_status": {None: _l("待审核"), "reviewed": _l("已审核"), "returned": _l("已退回"),
                      "resubmitted": _l("已重新提交")},
    "role": {"grid_worker": _l("网格员"), "patrol_volunteer": _l("巡逻志愿者"), "community_staff": _l("社区工作人员"),
             "street_admin": _l("街道管理员")},
    # Choices inside care-tag details (the dictionary stores codes).
    "risk_level": {"high": _l("高"), "medium": _l("中"), "low": _l("低")},
    "disability_type": {"visual": _l("视力"), "hearing": _l("听力"), "speech": _l("言语"), "physical": _l("肢体"),
                        "intellectual": _l("智力"), "psychiatric": _l("精神"), "multiple": _l("多重")},
    "disability_grade": {"1": _l("一级"), "2": _l("二级"), "3": _l("三级"), "4": _l("四级")},
}

FIELDS = {
    "name": _l("姓名"), "sex": _l("性别"), "birth_date": _l("出生日期"), "id_type": _l("证件类型"),
    "id_number": _l("证件号码"), "phone": _l("联系电话"), "ethnicity": _l("民族"), "relation": _l("与户主关系"),
    "population_type": _l("人口类型"), "permit_expiry": _l("居住证到期日"), "political_status": _l("政治面貌"),
    "moved_out_on": _l("迁出日期"), "notes": _l("备注"), "household_id": _l("所属住户"),
    "tag": _l("标签"), "detail": _l("标签详情"), "started_on": _l("开始日期"), "ended_on": _l("结束日期"),
    "resident_id": _l("居民"), "building_id": _l("楼栋"), "unit": _l("单元"), "floor": _l("楼层"), "room": _l("房号"),
    "housing_use": _l("房屋用途"), "registration_status": _l("人户状态"), "landlord_name": _l("房东姓名"),
    "landlord_phone": _l("房东电话"), "contact_phone": _l("联系电话"), "grid_id": _l("网格"),
    "_deleted": _l("删除"),
    # Other console forms' fields, so that a refusal names them as the form does.
    "opinion": _l("处置意见"), "level": _l("响应级别"), "deadline_at": _l("处置期限"), "rating": _l("回访评价"),
    "comment": _l("审核意见"), "username": _l("用户名"), "password": _l("密码"), "password2": _l("确认密码"),
    "role": _l("角色"), "grid_ids": _l("负责网格"), "file": _l("文件"),
}

# Fields whose values are personal numbers: masked wherever a list or the history shows them.
ID_FIELDS = frozenset({"id_number"})
PHONE_FIELDS = frozenset({"phone", "landlord_phone", "contact_phone"})
# Care-tag details that are identity numbers in practice (a disability certificate number is the
# holder's ID number plus two digits): masked like an ID number.
ID_DETAIL_KEYS = frozenset({"certificate_no", "residence_permit"})


def english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def choice(kind: str, value):
    """The label of a code; an unknown code is shown as it is (a newer phone may know more)."""
    if value is None and None not in CHOICES.get(kind, {}):
        return ""
    return CHOICES.get(kind, {}).get(value, value)


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
