"""Every coded value Wangge stores, with the Chinese and the English people read for it.

The one catalogue: the wire schemas accept exactly these codes, the console shows the Chinese or
the English by its language, ledgers write the Chinese (and read it back), and the field app reads
a generated copy, pwa/src/core/choices.js (scripts/generate_catalogues.py writes it; a test fails
when it is stale). Kinds are named for the field that holds the code where that is unambiguous.
Order matters: forms offer the codes in the order written here.
"""

from __future__ import annotations

CHOICES: dict[str, dict[str | None, tuple[str, str]]] = {
    # --- households and residents --------------------------------------------------------------
    "housing_use": {
        "owner_occupied": ("自住", "Owner-occupied"),
        "rented": ("出租", "Rented"),
        "vacant": ("空置", "Vacant"),
        "commercial": ("商用", "Commercial"),
    },
    "household_status": {
        "active": ("在用", "In use"),
        "demolished": ("已拆除", "Demolished"),
        "merged": ("已合并", "Merged"),
    },
    "arrival": {
        "native": ("原有", "Lived here already"),
        "move_in": ("迁入", "Moved in"),
        "birth": ("出生", "Born"),
    },
    "departure": {
        "move_out": ("迁出", "Moved out"),
        "death": ("死亡", "Died"),
    },
    "door_use": {
        "home": ("住宅", "Home"),
        "shop": ("商铺", "Shop"),
        "office": ("办公", "Office"),
        "none": ("无此房间", "No such door"),
    },
    "registration_status": {
        "consistent": ("人户一致", "Living where registered"),
        "present_unregistered": ("人在户不在", "Living here, registered elsewhere"),
        "registered_absent": ("户在人不在", "Registered here, living elsewhere"),
        "nominal": ("空挂户", "Nominal registration"),
    },
    "sex": {
        "male": ("男", "Male"),
        "female": ("女", "Female"),
    },
    "id_type": {
        "resident_id": ("居民身份证", "Resident ID card"),
        "passport": ("护照", "Passport"),
        "hk_macau_permit": ("港澳居民通行证", "Hong Kong/Macao resident travel permit"),
        "taiwan_permit": ("台湾居民通行证", "Taiwan resident travel permit"),
        "foreign_permit": ("外国人居留证", "Foreigner’s residence permit"),
        "other": ("其他证件", "Other ID"),
    },
    "relation": {
        "head": ("户主", "Head of household"),
        "spouse": ("配偶", "Spouse"),
        "child": ("子女", "Child"),
        "parent": ("父母", "Parent"),
        "grandparent": ("祖父母", "Grandparent"),
        "grandchild": ("孙子女", "Grandchild"),
        "sibling": ("兄弟姐妹", "Sibling"),
        "in_law": ("姻亲", "In-law"),
        "tenant": ("租户", "Tenant"),
        "other": ("其他", "Other"),
    },
    "population_type": {
        "registered": ("户籍", "Registered locally"),
        "migrant": ("流动", "Migrant"),
        "foreign": ("境外", "Foreign"),
    },
    "political_status": {
        "party_member": ("中共党员", "CPC member"),
        "probationary_member": ("预备党员", "Probationary CPC member"),
        "league_member": ("共青团员", "Communist Youth League member"),
        "masses": ("群众", "Ordinary citizen"),
        "other": ("其他", "Other"),
    },
    # --- care-tag details (the seed dictionary's choice fields store these codes) -------------
    "risk_level": {
        "high": ("高", "High"),
        "medium": ("中", "Medium"),
        "low": ("低", "Low"),
    },
    "disability_type": {
        "visual": ("视力", "Visual"),
        "hearing": ("听力", "Hearing"),
        "speech": ("言语", "Speech"),
        "physical": ("肢体", "Physical"),
        "intellectual": ("智力", "Intellectual"),
        "psychiatric": ("精神", "Psychiatric"),
        "multiple": ("多重", "Multiple"),
    },
    "disability_grade": {
        "1": ("一级", "Grade 1"),
        "2": ("二级", "Grade 2"),
        "3": ("三级", "Grade 3"),
        "4": ("四级", "Grade 4"),
    },
    # --- visits -------------------------------------------------------------------------------
    "method": {
        "in_person": ("入户", "In person"),
        "phone": ("电话", "Phone"),
        "video": ("视频", "Video"),
        "doorstep": ("门口", "At the door"),
    },
    "outcome": {
        "normal": ("正常", "Normal"),
        "not_home": ("不在家", "Not at home"),
        "refused": ("拒访", "Refused"),
        "issue_found": ("发现问题", "Issue found"),
    },
    # No value (None) is a visit nobody has reviewed yet: not a code a client may send.
    "review_status": {
        None: ("待审核", "Pending review"),
        "reviewed": ("已审核", "Reviewed"),
        "returned": ("已退回", "Returned"),
        "resubmitted": ("已重新提交", "Resubmitted"),
    },
    # --- findings and their handling ------------------------------------------------------------
    "source": {
        "grid": ("网格发现", "Found by grid worker"),
        "patrol": ("巡逻", "Patrol"),
        "resident": ("居民反映", "Resident report"),
        "hotline": ("12345热线", "12345 hotline"),
        "visit": ("走访诉求", "Need raised at a visit"),
        "walk_in": ("居民来访", "Resident walk-in"),
        "phone": ("电话", "Phone call"),
        "other": ("其他", "Other"),
    },
    "urgency": {
        "normal": ("一般", "Normal"),
        "urgent": ("紧急", "Urgent"),
        "emergency": ("特急", "Emergency"),
    },
    "case_status": {
        "reported": ("已上报", "Reported"),
        "accepted": ("已受理", "Accepted"),
        "dispatched": ("已派遣", "Dispatched"),
        "in_progress": ("处置中", "In progress"),
        "extension_requested": ("申请延期", "Extension requested"),
        "returned": ("已退回", "Returned"),
        "resolved": ("已反馈", "Resolved"),
        "verified": ("已核查", "Verified"),
        "closed": ("已销号", "Closed"),
        "rated": ("已评价", "Rated"),
    },
    # The response level a case is handled at (分级响应), lowest first.
    "case_level": {
        "grid": ("网格级", "Grid level"),
        "community": ("社区级", "Community level"),
        "street": ("街道级", "Street level"),
    },
    # Steps that are not moves between stages.
    "step_kind": {
        "chase": ("督办", "Chased"),
        # A unit's report that leaves the stage as it is (a 协办 unit's receipt or result too).
        "progress": ("进展", "Progress"),
        "receipt": ("签收", "Received"),
        # The community hands the case to the street (吹哨); the stage stays.
        "escalate": ("吹哨", "Escalated to the street"),
        # A rating below satisfied sends the case back to the community (回头看).
        "reopen": ("回头看", "Reopened"),
    },
    "rating": {
        "5": ("非常满意", "Very satisfied"),
        "4": ("满意", "Satisfied"),
        "3": ("基本满意", "Fairly satisfied"),
        "2": ("不满意", "Dissatisfied"),
        "1": ("非常不满意", "Very dissatisfied"),
    },
    "handler_kind": {
        "government": ("职能部门", "Government department"),
        "property_manager": ("物业", "Property manager"),
        "resident_unit": ("驻区单位", "Unit in the area"),
        "social_org": ("社会组织", "Social organisation"),
    },
    "case_unit_role": {
        "lead": ("主办", "Lead"),
        "assist": ("协办", "Assisting"),
    },
    "case_unit_status": {
        "dispatched": ("待签收", "Awaiting receipt"),
        "received": ("处置中", "Handling"),
        "extension_requested": ("申请延期", "Extension requested"),
        "finished": ("已反馈", "Reported back"),
        "returned": ("已退回", "Returned"),
        "withdrawn": ("已撤回", "Withdrawn"),
    },
    # How a handling limit counts (24 小时, 3 个工作日): the English reads after a number.
    "limit_unit": {
        "hours": ("小时", "hours"),
        "working_days": ("个工作日", "working days"),
    },
    # --- actual units (实有单位) ------------------------------------------------------------------
    "unit_kind": {
        "shop": ("商铺", "Shop"),
        "company": ("企业", "Company"),
        "school": ("学校", "School"),
        "hospital": ("医疗机构", "Hospital or clinic"),
        "government": ("职能部门", "Government department"),
        "property_manager": ("物业服务企业", "Property manager"),
        "social_org": ("社会组织", "Social organisation"),
        "other": ("其他单位", "Other unit"),
    },
    "unit_status": {
        "open": ("在营", "Open"),
        "closed": ("已关闭", "Closed"),
    },
    # --- places and people ----------------------------------------------------------------------
    "area_level": {
        "street": ("街道", "Street"),
        "community": ("社区", "Community"),
        "grid": ("网格", "Grid"),
    },
    "role": {
        "grid_worker": ("网格员", "Grid worker"),
        "patrol_volunteer": ("巡逻志愿者", "Patrol volunteer"),
        "community_staff": ("社区工作人员", "Community staff"),
        "street_admin": ("街道管理员", "Sub-district administrator"),
        "unit_contact": ("处置单位联系人", "Handling unit contact"),
    },
    # --- the sync protocol: what a change is to, and what it does ------------------------------
    "entity": {
        "area": ("区域", "Area"),
        "care_tag_type": ("特殊人群类别", "Care tag type"),
        "finding_category": ("事件类别", "Category"),
        "building": ("楼栋", "Building"),
        "household": ("住户", "Household"),
        "resident": ("居民", "Resident"),
        "resident_tag": ("特殊人群标签", "Care tag"),
        "visit": ("走访", "Visit"),
        "finding": ("上报事件", "Report"),
        "case_step": ("处置步骤", "Handling step"),
        "unit": ("实有单位", "Unit"),
    },
    "op": {
        "upsert": ("保存", "Save"),
        "delete": ("删除", "Delete"),
    },
}


def codes(kind: str) -> tuple[str, ...]:
    """The codes a field of this kind accepts, in catalogue order."""
    return tuple(code for code in CHOICES[kind] if code is not None)


def label(kind: str, code, english: bool = False) -> str:
    """The words for a code; "" for no value; an unknown code as it is (a newer phone may know more)."""
    words = CHOICES.get(kind, {})
    if code not in words:
        return "" if code is None else str(code)
    return words[code][1 if english else 0]
