"""The Chinese words a spreadsheet uses for the records' codes, both ways.

A ledger or setup file is a Chinese document whatever language the console is shown in, so it
always carries the choice catalogue's Chinese (server/core/choices.py). Import also accepts the
codes themselves and a few spellings found in real community ledgers, kept here because only
import reads them.
"""

from __future__ import annotations

from ..core.choices import codes, label

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


def words(kind: str) -> list[str]:
    """The Chinese of every code of a kind, as a template's drop-down offers them."""
    return [label(kind, code) for code in codes(kind)]


def code_of(kind: str, text: str) -> str | None:
    """The code a ledger's word stands for; None when it is none of them."""
    value = text.strip()
    for code in codes(kind):
        if value in (code, label(kind, code)):
            return code
    return SPELLINGS.get(kind, {}).get(value) or SPELLINGS.get(kind, {}).get(value.lower())
