"""Plausible Chinese identities for the demo community.

Everything is drawn from a `random.Random` the caller owns, so one seed always rebuilds the
same community: demos, screenshots and tests stay stable across runs.

The tables are invented samples shaped like the public statistics (census surname and
ethnicity shares, the well-known naming fashions of each generation); they are not data
about real people.
"""

from __future__ import annotations

import random

from ..core.choices import codes

# (surname, relative weight): roughly per-mille of the population, so the big five dominate
# the way they do on any real household register.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 53),
    ("杨", 31), ("黄", 22), ("赵", 21), ("吴", 20), ("周", 19),
    ("徐", 15), ("孙", 15), ("马", 14), ("朱", 13), ("胡", 13),
    ("郭", 11), ("何", 11), ("林", 10), ("高", 10), ("罗", 9),
    ("郑", 8), ("梁", 8), ("谢", 7), ("宋", 7), ("唐", 7),
    ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6), ("曹", 6),
    ("彭", 5), ("曾", 5), ("肖", 5), ("田", 5), ("董", 5),
    ("袁", 5), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4),
    ("余", 4), ("杜", 4), ("叶", 4), ("程", 4), ("苏", 3),
    ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3), ("沈", 3),
    ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3), ("钟", 3),
    ("谭", 3), ("陆", 3), ("汪", 3), ("范", 2), ("金", 2),
    ("石", 2), ("廖", 2), ("贾", 2), ("夏", 2), ("韦", 2),
    ("方", 2), ("白", 2), ("邹", 2), ("孟", 2),
)

# Naming fashion changed sharply with the generations, and a 1950s grandmother called 梓萱
# would look fake at once. The boundaries are the usual rough ones: revolutionary-era names
# before 1970, reform-era names up to the mid-2000s, then the literary two-character names.
OLD, MIDDLE, YOUNG = "old", "middle", "young"

GIVEN_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    (OLD, "male"): (
        "建国", "国强", "建华", "国庆", "志强", "卫国", "建军", "振华", "德明", "志刚",
        "立新", "学文", "永福", "福生", "德福", "长青", "宝山", "金山", "海生", "春生",
        "玉林", "明德", "光明", "红军", "向东", "跃进", "建设", "保国", "连生", "树林",
        "国华", "德胜", "永强", "援朝", "胜利", "兴旺",
    ),
    (OLD, "female"): (
        "秀英", "桂兰", "玉兰", "秀兰", "桂英", "玉梅", "凤英", "淑珍", "秀珍", "玉珍",
        "桂芳", "淑华", "玉芬", "秀云", "桂珍", "凤兰", "淑英", "秀芳", "翠花", "素芬",
        "美兰", "金凤", "月英", "春梅", "冬梅", "红梅", "玉华", "淑兰", "桂香", "素珍",
        "爱华", "秀梅", "凤霞", "兰英",
    ),
    (MIDDLE, "male"): (
        "志伟", "建平", "海涛", "文杰", "俊杰", "晓东", "小军", "建伟", "鹏飞", "振宇",
        "志勇", "明辉", "天宇", "家豪", "思远", "少华", "立伟", "伟东", "晓明", "永刚",
        "国栋", "海峰", "宏伟", "俊峰", "文博", "浩然", "博文", "嘉伟", "晨阳", "晓峰",
        "子健", "宇航",
    ),
    (MIDDLE, "female"): (
        "丽娟", "晓燕", "海燕", "丽华", "小红", "春燕", "晓丽", "雪梅", "婷婷", "丹丹",
        "佳慧", "晓婷", "雅琴", "美玲", "慧敏", "文静", "晓静", "思思", "璐璐", "倩倩",
        "佳琪", "梦婷", "雨婷", "静怡", "晓雪", "丽萍", "艳红", "金玲",
    ),
    (YOUNG, "male"): (
        "浩宇", "子轩", "宇轩", "梓豪", "俊熙", "一鸣", "皓轩", "宇泽", "梓睿", "子墨",
        "奕辰", "沐宸", "睿泽", "浩轩", "思源", "铭泽", "煜祺", "承泽", "亦辰", "锦程",
        "昊然", "天佑", "景行", "子豪", "明轩", "梓航", "俊宇", "铭轩",
    ),
    (YOUNG, "female"): (
        "子涵", "梓萱", "欣怡", "一诺", "梓涵", "诗涵", "雨涵", "可馨", "思涵", "语桐",
        "若汐", "紫涵", "梦瑶", "依诺", "欣妍", "佳怡", "雨桐", "诗琪", "芷若", "梓晴",
        "可欣", "书瑶", "安琪", "心怡", "雨萱", "一涵", "语嫣", "思琪",
    ),
}

# One-character given names (王伟, 李静) peaked with the 1970s-90s births.
SINGLE_GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "male": ("伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "鹏", "飞", "刚", "平", "华", "林"),
    "female": ("静", "丽", "敏", "艳", "娟", "霞", "芳", "燕", "婷", "颖", "琳", "洁", "雪", "倩", "莉", "萍"),
}
_SINGLE_SHARE = {OLD: 0.10, MIDDLE: 0.30, YOUNG: 0.05}

# Per-mille shares close to the national census; a city community is overwhelmingly Han.
ETHNICITIES: tuple[tuple[str, float], ...] = (
    ("汉族", 920),
    ("壮族", 13), ("回族", 9), ("满族", 9), ("维吾尔族", 8), ("苗族", 7),
    ("彝族", 7), ("土家族", 7), ("藏族", 5), ("蒙古族", 5), ("侗族", 2),
    ("布依族", 2), ("瑶族", 2), ("白族", 1), ("朝鲜族", 1), ("哈尼族", 1), ("黎族", 1),
)

# Prefixes the three carriers really issue, so numbers look familiar to staff at a glance.
MOBILE_PREFIXES: tuple[str, ...] = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "166", "173", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
    "191", "198", "199",
)

SEXES = codes("sex")


def surname(rng: random.Random) -> str:
    return _weighted(rng, SURNAMES)


def era(birth_year: int) -> str:
    """The naming generation a birth year belongs to."""
    if birth_year < 1970:
        return OLD
    if birth_year < 2005:
        return MIDDLE
    return YOUNG


def given_name(rng: random.Random, sex: str, birth_year: int | None = None) -> str:
    """A given name in the fashion of the birth year; any generation's when it is unknown."""
    if sex not in SEXES:
        raise ValueError(f"sex must be one of {SEXES}, not {sex!r}")
    generation = era(birth_year) if birth_year is not None else rng.choice((OLD, MIDDLE, YOUNG))
    if rng.random() < _SINGLE_SHARE[generation]:
        return rng.choice(SINGLE_GIVEN_NAMES[sex])
    return rng.choice(GIVEN_NAMES[(generation, sex)])


def person_name(rng: random.Random, sex: str, birth_year: int | None = None) -> str:
    """A full name of 2-3 characters, e.g. 张秀英 for a woman born in 1950."""
    return surname(rng) + given_name(rng, sex, birth_year)


def ethnicity(rng: random.Random) -> str:
    return _weighted(rng, ETHNICITIES)


def mobile(rng: random.Random) -> str:
    """An 11-digit mobile number that passes `validate_phone`."""
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def _weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    values = [value for value, _ in table]
    weights = [weight for _, weight in table]
    return rng.choices(values, weights=weights)[0]
