"""Pinyin initials of Chinese names: `zxy` finds 张秀英, in the console and on the phone.

The one table: the console's resident search reads it here, and scripts/generate_catalogues.py
writes the field app's copy, pwa/src/core/pinyin_data.js, from it. GB 2312 level 1 (the 3,755
most common characters) is ordered by pinyin, so a character's initial follows from its code
point (BOUNDS, a well-known boundary table, applied with Python's own gb2312 codec). Level 2 is
ordered by radical instead: the characters of it that names use (every character of
server/demo/names.py and other popular given-name and surname characters) are listed by hand in
EXTRA. Polyphonic characters that names read differently (单 Shan, 解 Xie, 曾 Zeng, 长 Zhang...)
get every initial in POLYPHONIC, so `sd` and `ss` both find 单.
"""

from __future__ import annotations

import re
from functools import lru_cache

BOUNDS = [("a", 0xB0A1), ("b", 0xB0C5), ("c", 0xB2C1), ("d", 0xB4EE), ("e", 0xB6EA), ("f", 0xB7A2),
          ("g", 0xB8C1), ("h", 0xB9FE), ("j", 0xBBF7), ("k", 0xBFA6), ("l", 0xC0AC), ("m", 0xC2E8),
          ("n", 0xC4C3), ("o", 0xC5B6), ("p", 0xC5BE), ("q", 0xC6DA), ("r", 0xC8BB), ("s", 0xC8F6),
          ("t", 0xCBFA), ("w", 0xCDDA), ("x", 0xCFF4), ("y", 0xD1B9), ("z", 0xD4D1)]
LEVEL1_END = 0xD7F9

# Outside level 1, by initial: name characters (given names and surnames) in common use.
EXTRA = {
    "b": "彬蓓贲", "c": "宸琛岑晁", "d": "铎邸", "f": "霏", "g": "郜", "h": "昊皓晗灏泓濠桦荟颢煊",
    "j": "婕婧珏璟珺槿瑾靳", "k": "恺珂琨楷阚", "l": "璐琳霖麟澜岚翎蕾栾蔺", "m": "沐淼旻", "n": "楠",
    "p": "璞沛裴", "q": "倩琪祺琦骞麒茜芊嫱祁谯", "r": "睿芮苒榕嵘", "s": "晟姝姗崧烁", "t": "婷彤瑭佟",
    "w": "雯薇婉炜邬", "x": "萱馨璇瑄暄昕曦晞骁栩潇娴煦忻鑫",
    "y": "奕妍嫣怡煜瑶瑜玥钰焱烨熠滢翊羿苡媛妤祎懿怿彦琰瑛晔闫鄢", "z": "梓芷峥铮甄詹",
}

# Characters that names read with another initial than their GB 2312 place (all readings kept).
POLYPHONIC = {
    "单": "dsc", "解": "jx", "曾": "zc", "长": "cz", "重": "zc", "行": "xh", "乐": "ly", "查": "cz",
    "区": "qo", "仇": "cq", "覃": "tq", "翟": "dz", "尉": "wy", "盖": "g", "会": "hk", "藏": "cz",
    "奇": "qj", "朝": "cz", "传": "cz", "调": "td", "强": "qj", "省": "sx", "参": "cs", "石": "sd",
    "厦": "xs", "宿": "sx", "秘": "mb", "繁": "fp", "种": "zc", "阿": "ae", "万": "wm", "召": "zs",
    "朴": "p", "柏": "b", "薄": "b", "都": "d", "华": "h", "沈": "s", "员": "y", "缪": "m",
}

MAX_VARIANTS = 16
# From two letters: one letter would match a third of a community and search nothing.
QUERY = re.compile(r"[a-z]{2,12}")


def level1() -> dict[str, str]:
    """The initial of every GB 2312 level-1 character, from where it sits."""
    initials: dict[str, str] = {}
    bounds = BOUNDS + [("", LEVEL1_END + 1)]
    for (letter, start), (_, end) in zip(bounds, bounds[1:]):
        for code in range(start, end):
            high, low = divmod(code, 256)
            if 0xA1 <= low <= 0xFE:
                initials[bytes([high, low]).decode("gb2312")] = letter
    return initials


@lru_cache(maxsize=1)
def table() -> dict[str, str]:
    initials = level1()
    for letter, chars in EXTRA.items():
        for char in chars:
            initials[char] = letter
    return initials


def initials_of_char(char: str) -> str:
    if char in POLYPHONIC:
        return POLYPHONIC[char]
    letter = table().get(char)
    if letter:
        return letter
    return char.lower() if char.isascii() and char.isalnum() else ""


def initials_of(text: str) -> list[str]:
    """Every initials string of a name, one per reading of its polyphonic characters (at most 16)."""
    variants = [""]
    for char in text or "":
        options = initials_of_char(char)
        if not options:
            continue
        if len(options) == 1 or len(variants) * len(options) > MAX_VARIANTS:
            variants = [v + options[0] for v in variants]
        else:
            variants = [v + o for v in variants for o in options]
    return variants


def is_initials_query(query: str) -> bool:
    return bool(QUERY.fullmatch(query))


def matches(name: str, query: str) -> bool:
    """All initials, a prefix (surname onwards), or, from two letters, inside the given name."""
    for variant in initials_of(name):
        if variant.startswith(query) or (len(query) >= 2 and query in variant):
            return True
    return False
