"""Seed finding categories, two levels (大类/小类), adapted from GB/T 30428."""

CATEGORIES = [
    ("safety", "安全隐患", "Safety hazard", [
        ("safety_electrical", "用电隐患", "Electrical"),
        ("safety_gas", "燃气隐患", "Gas"),
        ("safety_fire_lane", "消防通道堵塞", "Blocked fire lane"),
        ("safety_plaster", "墙皮脱落", "Falling plaster"),
        ("safety_height", "高空坠物", "Objects at height"),
    ]),
    ("environment", "市容环境", "Environment", [
        ("env_clutter", "乱堆乱放", "Clutter"),
        ("env_garbage", "暴露垃圾", "Exposed garbage"),
        ("env_illegal_structure", "私搭乱建", "Illegal structure"),
    ]),
    ("facility", "设施", "Facilities", [
        ("facility_flooding", "内涝积水", "Flooding"),
        ("facility_road", "路面破损", "Road surface"),
        ("facility_lamp", "路灯故障", "Street lamp"),
        ("facility_manhole", "井盖缺损", "Manhole cover"),
    ]),
    ("public_order", "治安", "Public order", []),
    ("dispute", "矛盾纠纷", "Neighbour dispute", []),
    ("livelihood", "民生诉求", "Residents' needs", []),
]

# Default handling time in hours per top-level category and response level (分级响应). Staff
# change them in the console; a sub-category row, when present, wins over its parent's.
DEADLINE_HOURS = {
    "safety": {"grid": 24, "community": 48, "street": 72},
    "environment": {"grid": 72, "community": 120, "street": 168},
    "facility": {"grid": 48, "community": 96, "street": 168},
    "public_order": {"grid": 24, "community": 48, "street": 72},
    "dispute": {"grid": 72, "community": 168, "street": 240},
    "livelihood": {"grid": 72, "community": 168, "street": 240},
}
