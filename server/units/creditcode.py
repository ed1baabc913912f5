"""The unified social credit code (统一社会信用代码, GB 32100-2015) a unit is registered under.

18 characters: registration authority, organisation type, the 6-digit division code, the 9-character
organisation code and a check character, all from a 31-character alphabet without I, O, S, V, Z
(too easily read as digits or each other). The field app's port is pwa/src/core/creditcode.js,
checked against tests/vectors/creditcode.json.
"""

from __future__ import annotations

import re

from marshmallow import ValidationError

from ..core.messages import register_messages

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100: the weight of position i is 3**i mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_SHAPE = re.compile(f"[{ALPHABET}]{{2}}[0-9]{{6}}[{ALPHABET}]{{10}}")

register_messages({
    "credit_code_format": ("统一社会信用代码应为18位（数字或大写字母，不含I、O、S、V、Z）",
                           "A unified social credit code has 18 characters (digits or capitals, no I, O, S, V, Z)"),
    "credit_code_checksum": ("统一社会信用代码校验位错误，请核对",
                             "The unified social credit code's check character is wrong"),
})


def normalise_credit_code(value: str) -> str:
    """The stored form: capitals, as printed on the business licence."""
    return value.strip().upper()


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(value) -> str | None:
    """None for a valid code, else its error code."""
    if not isinstance(value, str):
        return "credit_code_format"
    code = normalise_credit_code(value)
    if len(code) != 18 or not _SHAPE.fullmatch(code):
        return "credit_code_format"
    if check_character(code[:17]) != code[17]:
        return "credit_code_checksum"
    return None


def validate_credit_code(value) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error)
