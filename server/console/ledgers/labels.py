"""The Chinese words a ledger file uses for the records' codes, both ways.

A ledger is a Chinese document whatever language the console is shown in (it is filed, printed
and re-imported as it is), so these are fixed texts, not catalogue entries. Import also accepts
the codes themselves and a few spellings found in real community ledgers.
"""

from __future__ import annotations

from datetime import datetime

from ...core.time import china_wall
from ..records.labels import address  # noqa: F401  (3号楼2单元501: the register's own form)

CHOICES: dict[str, dict[str, str]] = {
    "housing_use": {"owner_occupied": "自住", "rented": "出租", "vacant": "空置", "commercial": "商用"},
    "registration_status": {"consistent": "人户一致", "present_unregistered": "人在户不在",
                            "registered_absent": "户在人不在", "nominal": "空挂户"},
    "sex": {"male": "男", "female": "女"},
    "id_type": {"resident_id": "居民身份证", "passport": "护照", "hk_macau_permit": "港澳居民通行证",
                "taiwan_permit": "台湾居民通行证", "foreign_permit": "外国人居留证", "other": "其他证件"},
    "relation": {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母", "grandparent": "祖父母",
                 "grandchild": "孙子女", "sibling": "兄弟姐妹", "in_law": "姻亲", "tenant": "租户", "other": "其他"},
    "population_type": {"registered": "户籍", "migrant": "流动", "foreign": "境外"},
    "political_status": {"party_member": "中共党员", "probationary_member": "预备党员",
                         "league_member": "共青团员", "masses": "群众", "other": "其他"},
    "method": {"in_person": "入户", "phone": "电话", "video": "视频", "doorstep": "门口"},
    "outcome": {"normal": "正常", "not_home": "不在家", "refused": "拒访", "issue_found": "发现问题"},
    "review_status": {"reviewed": "已审核", "returned": "已退回", "resubmitted": "已重新提交"},
    "status": {"reported": "已上报", "accepted": "已受理", "dispatched": "已派遣", "in_progress": "处置中",
               "extension_requested": "申请延期", "returned": "已退回", "resolved": "已反馈",
               "verified": "已核查", "closed": "已销号", "rated": "已评价"},
    "level": {"grid": "网格级", "community": "社区级", "street": "街道级"},
    "source": {"grid": "网格发现", "patrol": "巡逻", "resident": "居民反映", "hotline": "12345热线"},
    "urgency": {"normal": "一般", "urgent": "紧急", "emergency": "特急"},
    "kind": {"chase": "督办"},
    "risk_level": {"high": "高", "medium": "中", "low": "低"},
    "disability_type": {"visual": "视力", "hearing": "听力", "speech": "言语", "physical": "肢体",
                        "intellectual": "智力", "psychiatric": "精神", "multiple": "多重"},
    "disability_grade": {"1": "一级", "2": "二级", "3": "三级", "4": "四级"},
}

# Other ways ledgers write the same values (read on import only).
SPELLINGS: dict[str, dict[str, str]] = {
    "housing_use": {"自用": "owner_occupied", "自住房": "owner_occupied", "出租房": "rented", "租赁": "rented",
                    "闲置": "vacant", "空房": "vacant", "商铺": "commercial", "经营": "commercial"},
    "sex": {"男性": "male", "女性": "female", "m": "male", "f": "female"},
    "id_type": {"身份证": "resident_id", "居民身份证号": "resident_id", "港澳通行证": "hk_macau_permit",
                "台胞证": "taiwan_permit", "外国人永久居留证": "foreign_permit", "其他": "other"},
    "relation": {"本人": "head", "户主本人": "head", "妻": "spouse", "夫": "spouse", "妻子": "spouse",
                 "丈夫": "spouse", "子": "child", "女": "child", "儿子": "child", "女儿": "child", "父亲": "parent",
                 "母亲": "parent", "父": "parent", "母": "parent", "孙子": "grandchild", "孙女": "grandchild",
                 "外孙": "grandchild", "外孙女": "grandchild", "祖父": "grandparent", "祖母": "grandparent",
                 "兄": "sibling", "弟": "sibling", "姐": "sibling", "妹": "sibling", "儿媳": "in_law",
                 "女婿": "in_law", "租客": "tenant", "租户": "tenant"},
    "population_type": {"户籍人口": "registered", "常住": "registered", "流动人口": "migrant", "外来": "migrant",
                        "境外人员": "foreign", "外籍": "foreign"},
    "political_status": {"党员": "party_member", "团员": "league_member", "共青团员": "league_member"},
    "registration_status": {},
}


def label(kind: str, code) -> str:
    if code is None:
        return ""
    return CHOICES.get(kind, {}).get(code, str(code))


def code_of(kind: str, text: str) -> str | None:
    """The code a ledger's word stands for; None when it is none of them."""
    value = text.strip()
    choices = CHOICES[kind]
    if value in choices:
        return value
    for code, word in choices.items():
        if word == value:
            return code
    return SPELLINGS.get(kind, {}).get(value) or SPELLINGS.get(kind, {}).get(value.lower())


def china(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as Beijing time, for a ledger cell."""
    return china_wall(moment)


