"""Plain data for the demo community: places, codes, notes, findings and the units that handle them.

Invented but shaped like a real Beijing residents' committee's ledgers. Nothing here is about
real people; the area codes are real administrative division codes so ID numbers look right.
"""

from __future__ import annotations

# --- places and codes ----------------------------------------------------------------------

STREET_NAME = "和平街道"
COMMUNITY_NAME = "幸福社区"
GRID_NAMES = ("幸福社区第一网格", "幸福社区第二网格", "幸福社区第三网格")
# The grids' boundaries in words, as the district's grid plan describes them.
GRID_BOUNDARIES = ("东至幸福路，西至和平街，南至幸福家园南门，北至光华路", "东至朝阳路，西至幸福路，南至团结湖北路，北至光华路",
                   "东至东三环辅路，西至朝阳路，南至团结湖北路，北至光华路")
ESTATE = "幸福家园"  # the 小区 of every building: part of each door's standard address

# CJ/T 349 grid code: object code (6) + county (6) + street (3) + community (3) + grid sequence (2).
OBJECT_CODE = "110000"
COUNTY_CODE = "110105"  # 北京市朝阳区
STREET_SEQ = "008"
COMMUNITY_SEQ = "012"
STREET_CODE = COUNTY_CODE + STREET_SEQ  # 9-digit township code (GB/T 10114 style)
COMMUNITY_CODE = STREET_CODE + COMMUNITY_SEQ


def grid_code(sequence: int) -> str:
    return f"{OBJECT_CODE}{COUNTY_CODE}{STREET_SEQ}{COMMUNITY_SEQ}{sequence:02d}"


# The compound sits around this point (WGS-84); buildings are laid out east to west by grid.
CENTRE_LAT = 39.9300
CENTRE_LNG = 116.4500

# Where registered residents' ID numbers were issued (mostly the district itself).
BEIJING_AREA_CODES: tuple[tuple[str, float], ...] = (
    ("110105", 70), ("110101", 5), ("110102", 5), ("110106", 4), ("110108", 5),
    ("130102", 2), ("370102", 2), ("210102", 2), ("420106", 2), ("230103", 3),
)
# Migrants' home counties: the usual provinces that send workers to Beijing.
MIGRANT_AREA_CODES: tuple[str, ...] = (
    "130102", "130602", "131102", "410105", "411302", "370102", "372901", "340104",
    "342201", "420106", "421002", "510107", "511702", "230103", "220102", "150102",
    "140105", "610113", "360102", "430104",
)

# --- buildings -----------------------------------------------------------------------------

# (kind, how many, floors choices, units choices, rooms-per-floor choices, note template)
BUILDING_TYPES: tuple[tuple[str, int, tuple[int, ...], tuple[int, ...], tuple[int, ...], str], ...] = (
    ("walkup", 13, (6,), (2, 3), (2,), "{year}年建成，砖混结构，无电梯"),
    ("midrise", 4, (9, 11, 12), (2,), (2, 3), "{year}年建成，小高层，每单元1部电梯"),
    ("highrise", 3, (16, 18), (2, 3), (3, 4), "{year}年建成，高层，每单元2部电梯"),
)
BUILT_YEARS = {"walkup": (1982, 1996), "midrise": (1998, 2006), "highrise": (2005, 2012)}

COMMERCIAL_NOTES = ("底商：便利店", "底商：理发店", "底商：社区菜店", "底商：药店", "底商：快递驿站",
                    "底商：早餐店", "底商：洗衣店")
VACANT_NOTES = ("房屋空置，业主现居外区", "房屋空置待售", "户在人不在，业主随子女在外地居住",
                "房屋正在装修，暂无人居住")
SKIPPED_GENERATION_NOTES = ("父母在外地工作，孩子随祖父母生活", "父母长期在外务工，由爷爷奶奶照顾",
                            "父母外派海外工作，孩子随祖父母生活")

# --- care details --------------------------------------------------------------------------

PRIMARY_SCHOOLS = ("幸福路小学", "和平里实验小学", "朝阳区劲松第一小学")
MIDDLE_SCHOOLS = ("和平街第二中学", "朝阳区第八十中学分校")
GRADES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "初一", "初二", "初三")

CHRONIC_CONDITIONS: tuple[tuple[str, str], ...] = (
    ("高血压", "按时服药，每周测量血压"),
    ("2型糖尿病", "控制饮食，定期监测血糖"),
    ("冠心病", "避免劳累，家中备急救药品"),
    ("慢性阻塞性肺病", "家用制氧机，冬季重点关注"),
    ("脑梗后遗症", "行动不便，需协助康复训练"),
    ("尿毒症（规律透析）", "每周三次透析，需协助出行"),
    ("阿尔茨海默病（早期）", "防走失，家属陪护"),
    ("类风湿关节炎", "协助代购药品"),
    ("肺癌术后", "定期复查，心理疏导"),
)

# Disability types with their weights, and the digit the second-generation certificate uses.
DISABILITY_TYPES: tuple[tuple[str, float, int], ...] = (
    ("physical", 45, 4), ("visual", 15, 1), ("hearing", 15, 2), ("intellectual", 8, 5),
    ("psychiatric", 8, 6), ("speech", 4, 3), ("multiple", 5, 7),
)
DISABILITY_GRADE_WEIGHTS = (("1", 10), ("2", 25), ("3", 30), ("4", 35))

FOREIGNERS: tuple[tuple[str, str, int, str, str], ...] = (
    # (name as on the passport, sex, birth year, passport number, nationality)
    ("KIM MINJUN", "male", 1987, "M58203716", "韩国"),
    ("PARK SOYEON", "female", 1990, "M61739025", "韩国"),
    ("TANAKA KENJI", "male", 1979, "TZ2084571", "日本"),
)

# --- visits --------------------------------------------------------------------------------

VISIT_NOTES: dict[str, tuple[str, ...]] = {
    "elderly_alone": (
        "老人身体状况良好，精神不错，家中水电气使用正常", "测量血压138/85，提醒按时服药",
        "老人反映近期膝盖疼痛，已告知子女陪同就医", "检查燃气灶和热水器，提醒用完关阀",
        "协助老人预约社区卫生服务中心体检", "老人独自在家，情绪稳定，冰箱食物充足",
        "送去助餐卡，讲解社区助餐点用餐流程", "提醒老人防范电信诈骗，不给陌生人转账",
    ),
    "elderly_empty_nest": (
        "老两口身体状况稳定，子女每周末回来探望", "了解老人日常起居，无特殊需求",
        "宣传老年人意外伤害保险政策", "提醒注意防寒保暖和用气安全",
    ),
    "elderly_80plus": (
        "高龄老人身体状况稳定，家属照顾到位", "核实高龄津贴发放情况，已按月到账", "老人行动不便，家属陪护",
    ),
    "child_left_behind": (
        "孩子学习情况正常，祖父母照顾细心", "了解孩子在校情况，与父母视频沟通",
        "提醒假期防溺水、防火安全", "孩子近期情绪低落，已联系班主任关注",
    ),
    "infant": ("宝宝发育正常，已按时接种疫苗", "宣传儿童保健服务，提醒按时体检", "家长咨询入托政策，已告知办理流程"),
    "chronic_ill": (
        "病情稳定，按时服药", "提醒定期复查，了解家庭医生签约情况",
        "近期血糖偏高，建议调整饮食并复诊", "协助办理门诊慢特病备案",
    ),
    "disabled": (
        "了解康复训练情况，辅具使用正常", "核实残疾人两项补贴发放情况",
        "家属反映单元门口坡道破损，已记录", "宣传残疾人就业帮扶政策",
    ),
    "pregnant": ("孕期检查正常，已在社区卫生服务中心建档", "宣传孕产妇保健知识和生育津贴政策", "家属咨询新生儿落户手续"),
    "tenant": (
        "核实租住人员信息，与登记一致", "提醒租户办理居住登记和居住证",
        "检查出租房屋消防安全，无群租现象", "提醒不要在室内给电动车电池充电",
    ),
    "low_income": ("核实家庭收入情况，低保待遇正常发放", "了解生活困难，送去米面油慰问品", "告知临时救助申请流程"),
    "general": (
        "入户走访，家庭情况稳定", "更新家庭成员信息，无变化", "宣传垃圾分类和燃气安全知识",
        "征求居民对社区工作的意见建议", "发放防诈骗宣传资料",
    ),
}
# Who a note speaks of, so it is drawn only for a home where that person lives: an elderly person
# (60 or over), a child (under 14), a tenant (a rented home); None fits any home.
ELDERLY, CHILD, TENANT = "elderly", "child", "tenant"
NEEDS: tuple[tuple[str, str | None], ...] = (
    ("希望社区开展老年人智能手机培训", ELDERLY), ("希望增加小区休息座椅", None), ("咨询社区食堂开放时间", None),
    ("希望楼道加装扶手", ELDERLY), ("咨询居家养老服务补贴申请", ELDERLY), ("咨询社区暑期托管班报名", CHILD),
)
NOT_HOME_NOTES = ("敲门无人应答，已在门上留联系卡", "家中无人，邻居称外出买菜", "无人在家，改日再访")
FOLLOW_UP_CALL_NOTES: tuple[tuple[str, str | None], ...] = (
    ("入户未遇，电话联系上，本人称一切正常", None), ("电话联系家属，老人在子女家小住", ELDERLY),
    ("入户未遇，电话联系租户，称白天上班，晚上在家", TENANT),
)
REFUSED_NOTES: tuple[tuple[str, str | None], ...] = (
    ("住户不愿配合登记，称已在派出所登记", None), ("租户拒绝开门，已联系房东协助", TENANT),
)
ISSUE_NOTES: tuple[tuple[str, str | None, str | None], ...] = (
    ("厨房燃气软管老化开裂，已告知更换", "希望社区协助联系燃气公司上门", None),
    ("卫生间地面湿滑，老人有跌倒风险", "申请适老化改造（扶手、防滑垫）", ELDERLY),
    ("老人近期记忆力下降，忘记关火", "建议安装燃气报警器", ELDERLY),
    ("楼道堆放杂物影响通行", None, None),
    ("家中电线老化，插座发热", "希望物业协助检查线路", None),
    ("阳台窗户未装防护栏，有儿童坠落风险", "建议加装儿童防护栏", CHILD),
    ("租户在室内给电动车电池充电", "已要求停止室内充电，并告知房东", TENANT),
)

# --- arrivals and departures ---------------------------------------------------------------

MOVED_IN_FROM_BEIJING = ("北京市海淀区", "北京市东城区", "北京市西城区", "北京市丰台区", "朝阳区和平街道其他社区",
                         "朝阳区劲松街道")
MOVED_IN_FROM_ELSEWHERE = ("河北省石家庄市", "河南省郑州市", "山东省济南市", "安徽省合肥市", "湖北省武汉市",
                           "四川省成都市", "黑龙江省哈尔滨市", "山西省太原市")
MOVED_OUT_TO = ("北京市通州区", "北京市昌平区", "北京市大兴区", "随子女迁往海淀区", "回原籍")
TENANT_MOVED_OUT_TO = ("租约到期，搬往朝阳区其他小区", "换工作搬往亦庄", "回老家发展")

# --- findings and cases --------------------------------------------------------------------

# Deadlines per response level in hours (configuration in the real system); urgency shortens them.
DEADLINE_HOURS = {"grid": 24, "community": 72, "street": 120}
URGENCY_FACTOR = {"normal": 1.0, "urgent": 0.5, "emergency": 0.1}

# (category, urgency, level, unit, description, address). {b} building, {u} unit, {f} floor.
FINDINGS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("safety_plaster", "urgent", "community", "物业服务中心", "{b}号楼{u}单元楼道墙皮脱落，约1平方米，有砸伤行人风险", "{b}号楼{u}单元"),
    ("safety_plaster", "normal", "community", "物业服务中心", "{b}号楼外墙保温层空鼓，雨后有脱落迹象", "{b}号楼北侧"),
    ("safety_electrical", "urgent", "community", "物业服务中心", "{b}号楼{u}单元楼道内私拉电线给电动自行车充电", "{b}号楼{u}单元一层"),
    ("safety_electrical", "normal", "community", "物业服务中心", "{b}号楼{u}单元电表箱门损坏，线路裸露", "{b}号楼{u}单元"),
    ("safety_gas", "emergency", "street", "燃气公司抢修队", "{b}号楼{u}单元{f}层楼道有燃气异味，已通知住户开窗通风", "{b}号楼{u}单元"),
    ("safety_gas", "normal", "grid", "网格员及楼门长", "{b}号楼{u}单元{f}层住户燃气软管老化，需要更换", "{b}号楼{u}单元"),
    ("safety_fire_lane", "urgent", "community", "物业服务中心", "{b}号楼东侧消防通道被私家车长期占用", "{b}号楼东侧"),
    ("safety_fire_lane", "normal", "grid", "网格员及楼门长", "{b}号楼{u}单元楼道堆放纸箱杂物，堵塞疏散通道", "{b}号楼{u}单元"),
    ("safety_height", "urgent", "community", "物业服务中心", "{b}号楼{u}单元{f}层窗外空调外机支架锈蚀松动", "{b}号楼{u}单元"),
    ("safety_height", "normal", "grid", "网格员及楼门长", "{b}号楼{u}单元{f}层阳台花盆摆放在护栏外侧", "{b}号楼{u}单元"),
    ("env_clutter", "normal", "grid", "网格员及楼门长", "{b}号楼{u}单元一层楼道堆放旧家具和废弃自行车", "{b}号楼{u}单元"),
    ("env_clutter", "normal", "community", "物业服务中心", "小区北门自行车棚僵尸自行车堆积", "小区北门自行车棚"),
    ("env_garbage", "normal", "community", "物业服务中心", "{b}号楼西侧垃圾分类点桶满外溢，异味明显", "{b}号楼西侧"),
    ("env_garbage", "normal", "street", "街道城管科", "小区东门外人行道有装修垃圾堆放", "小区东门外"),
    ("env_illegal_structure", "normal", "street", "街道城管科", "{b}号楼一层住户在院内私搭彩钢板房", "{b}号楼南侧"),
    ("env_illegal_structure", "normal", "street", "街道城管科", "{b}号楼楼顶有住户私建阳光房", "{b}号楼楼顶"),
    ("facility_flooding", "urgent", "community", "物业服务中心", "{b}号楼地下室进水，积水约10厘米", "{b}号楼地下室"),
    ("facility_flooding", "normal", "street", "街道城建科", "小区南门内道路低洼处雨后积水", "小区南门"),
    ("facility_road", "normal", "community", "物业服务中心", "{b}号楼前路面塌陷一处，约半米见方", "{b}号楼南侧"),
    ("facility_road", "normal", "street", "街道城建科", "社区活动中心门前步道砖松动翘起", "社区活动中心"),
    ("facility_lamp", "normal", "community", "物业服务中心", "{b}号楼北侧路灯不亮，夜间通行不便", "{b}号楼北侧"),
    ("facility_lamp", "normal", "community", "物业服务中心", "{b}号楼{u}单元楼道声控灯损坏", "{b}号楼{u}单元"),
    ("facility_manhole", "urgent", "street", "街道城管科", "{b}号楼南侧雨水井盖缺失，已设临时围挡", "{b}号楼南侧"),
    ("facility_manhole", "normal", "community", "物业服务中心", "小区西门停车场井盖破损下陷", "小区西门停车场"),
    ("public_order", "normal", "community", "社区民警", "{b}号楼{u}单元近期多次发生电动车电瓶被盗", "{b}号楼{u}单元"),
    ("public_order", "normal", "community", "社区民警", "小区东门夜间有陌生人散发小广告", "小区东门"),
    ("dispute", "normal", "community", "社区人民调解委员会", "{b}号楼{u}单元上下楼住户因卫生间漏水发生纠纷", "{b}号楼{u}单元"),
    ("dispute", "normal", "community", "社区人民调解委员会", "{b}号楼{u}单元住户饲养犬只夜间吠叫，邻里矛盾", "{b}号楼{u}单元"),
    ("livelihood", "normal", "community", "社区居委会", "{b}号楼老年居民较多，反映希望加装电梯", "{b}号楼"),
    ("livelihood", "normal", "street", "街道社区服务中心", "12345热线转办：居民反映小区周边缺少老年助餐点", "幸福社区"),
)
# Another unit a case can be sent on to when the first one returns it.
REDISPATCH_UNITS = {"物业服务中心": "街道城建科", "街道城管科": "物业服务中心", "社区民警": "街道平安办"}

# The final stage of each demo case; two of the dispatched ones are past their deadline.
CASE_PLAN: tuple[tuple[str, bool], ...] = (
    *[("reported", False)] * 3, *[("accepted", False)] * 3, ("returned", False),
    *[("dispatched", False)] * 3, *[("dispatched", True)] * 2,
    *[("in_progress", False)] * 4, ("extension_requested", False),
    *[("resolved", False)] * 3, *[("verified", False)] * 2, *[("closed", False)] * 5, *[("rated", False)] * 3,
)

STEP_OPINIONS: dict[str, tuple[str, ...]] = {
    "accepted": ("情况属实，予以受理", "已受理，安排处置"),
    "dispatched": ("请按时限处置并反馈", "派遣相关单位处置，请及时反馈结果"),
    "in_progress": ("已到现场开始处置", "已安排人员处置"),
    "extension_requested": ("需协调产权单位，申请延期3天", "材料需采购，申请延期"),
    "returned": ("经核实为重复上报，予以退回", "非本单位职责，退回重新派遣"),
    "resolved": ("已处置完毕，附处置后照片", "问题已解决，现场已恢复"),
    "verified": ("已现场核查，处置到位", "复查无问题"),
    "closed": ("核查通过，予以销号",),
    "rated": ("电话回访居民，表示满意", "回访居民，评价：满意"),
}
