"""The seed care-tag dictionary (DOMAIN.md). Cities extend it; intervals are data."""

from ..core.choices import codes

RISK = {"name": "risk_level", "type": "choice", "choices": list(codes("risk_level")),
        "label_zh": "风险等级", "label_en": "Risk level"}
KIN = [
    {"name": "kin_name", "type": "text", "max": 32, "label_zh": "亲属姓名", "label_en": "Next of kin"},
    {"name": "kin_phone", "type": "phone", "label_zh": "亲属电话", "label_en": "Next of kin's phone"},
]
GUARDIAN = [
    {"name": "guardian_name", "type": "text", "max": 32, "label_zh": "监护人", "label_en": "Guardian"},
    {"name": "guardian_phone", "type": "phone", "label_zh": "监护人电话", "label_en": "Guardian's phone"},
]

CARE_TAGS = [
    ("elderly_alone", "独居老人", "Elderly living alone", 7, [RISK, *KIN]),
    ("elderly_empty_nest", "空巢老人", "Empty-nest elderly", 30, [RISK, *KIN]),
    ("elderly_80plus", "高龄老人", "Aged 80 and over", 30, []),
    ("child_left_behind", "留守儿童", "Left-behind child", 30, [
        {"name": "school", "type": "text", "max": 64, "label_zh": "学校", "label_en": "School"},
        {"name": "grade", "type": "text", "max": 16, "label_zh": "年级", "label_en": "Grade"},
        *GUARDIAN,
    ]),
    ("infant", "婴幼儿", "Infant", 90, GUARDIAN),
    ("chronic_ill", "慢病/重病", "Chronic or serious illness", 30, [
        {"name": "condition", "type": "text", "max": 100, "label_zh": "病情", "label_en": "Condition"},
        {"name": "care_needs", "type": "text", "max": 200, "label_zh": "照护需求", "label_en": "Care needs"},
    ]),
    ("disabled", "残疾人", "Person with disability", 30, [
        {"name": "disability_type", "type": "choice", "choices": list(codes("disability_type")), "required": True,
         "label_zh": "残疾类别", "label_en": "Type"},
        {"name": "disability_grade", "type": "choice", "choices": list(codes("disability_grade")), "required": True,
         "label_zh": "残疾等级", "label_en": "Grade (1 most severe)"},
        {"name": "certificate_no", "type": "text", "max": 32, "label_zh": "残疾证号", "label_en": "Certificate no."},
    ]),
    ("pregnant", "孕产妇", "Pregnant or postpartum", 30, [
        {"name": "due_date", "type": "date", "required": True, "label_zh": "预产期", "label_en": "Due date"},
        {"name": "postpartum", "type": "bool", "label_zh": "产后", "label_en": "Postpartum"},
    ]),
    ("tenant", "租户/流动人口", "Tenant or migrant", 90, [
        {"name": "landlord", "type": "text", "max": 32, "label_zh": "房东", "label_en": "Landlord"},
        {"name": "lease_end", "type": "date", "label_zh": "租约到期", "label_en": "Lease end"},
        {"name": "residence_permit", "type": "text", "max": 32, "label_zh": "居住证号", "label_en": "Residence permit"},
    ]),
    ("low_income", "低保/特困", "Low income (dibao)", 90, [
        {"name": "certificate_no", "type": "text", "max": 32, "label_zh": "证件号", "label_en": "Certificate no."},
    ]),
]
