"""Checks for the identifiers a grid worker types in: resident ID numbers, phones, grid codes.

Pure functions so the server, the demo generator and the tests share one definition. Each
validator raises `marshmallow.ValidationError(code)` with a code from `sync.errors`, which
lets marshmallow schemas use them directly and lets the sync layer report the code verbatim.
"""

from __future__ import annotations

import re
from datetime import date

from marshmallow import ValidationError

from ..core.time import china_today

# GB 11643-1999: the weight of position i is 2**(17 - i) mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# Explicit [0-9] rather than \d: \d also matches full-width and other Unicode digits, which
# would pass here and then break every later int() and comparison.
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE_RE = re.compile(r"(0[0-9]{2,3})(-?)([0-9]{7,8})(?:-([0-9]{1,6}))?")
_GRID_CODE_RE = re.compile(r"[0-9]{20}")

_EARLIEST_BIRTH = date(1900, 1, 1)

MALE = "male"
FEMALE = "female"


# --- resident ID numbers -------------------------------------------------------------------


def normalise_id_number(value: str) -> str:
    """The stored form: people write the check character X in either case."""
    return value.upper()


def check_digit(first17: str) -> str:
    """The 18th character that GB 11643 derives from the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def validate_id_number(value: str, *, today: date | None = None) -> None:
    """Raise ValidationError(code) unless `value` is a well-formed resident ID number.

    The date is checked before the checksum so a mistyped birth date gets the more specific
    message. A birth date may not be after `today`, Beijing's today unless given (the vectors pin it).
    """
    number = _id_number_shape(value)
    _id_birth_date(number, today or china_today())
    if check_digit(number[:17]) != number[17]:
        raise ValidationError("id_number_checksum")


def id_number_facts(value: str) -> tuple[date, str]:
    """Birth date and sex ('male'/'female') recorded in a valid ID number."""
    validate_id_number(value)
    number = normalise_id_number(value)
    return _parse_birth(number), _sex_from_sequence(number[14:17])


def check_id_number_against(id_number: str, birth_date: date | None, sex: str | None) -> dict[str, str]:
    """{field: code} for the resident fields that contradict a valid ID number.

    A missing field is not a contradiction: the form may simply not have it yet.
    """
    number_birth, number_sex = id_number_facts(id_number)
    errors: dict[str, str] = {}
    if birth_date is not None and birth_date != number_birth:
        errors["birth_date"] = "id_number_birth_mismatch"
    if sex is not None and sex != number_sex:
        errors["sex"] = "id_number_sex_mismatch"
    return errors


def make_id_number(area_code: str, birth: date, sequence: int) -> str:
    """A valid 18-character number; an odd `sequence` makes a man, an even one a woman."""
    if len(area_code) != 6 or not area_code.isascii() or not area_code.isdigit():
        raise ValueError("area_code must be 6 ASCII digits")
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be between 0 and 999")
    first17 = f"{area_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def mask_id_number(value: str | None) -> str:
    """At most the last 4 characters (`**************123X`): enough to tell records apart. The first 6
    (the area code) and the middle 8 (the birth date, which the same screen shows) would give the
    number back."""
    if not value:
        return ""
    return _mask_unknown(normalise_id_number(value))


def _id_number_shape(value: object) -> str:
    if not isinstance(value, str) or not _ID_RE.fullmatch(normalise_id_number(value)):
        raise ValidationError("id_number_format")
    return normalise_id_number(value)


def _id_birth_date(number: str, today: date) -> None:
    try:
        birth = _parse_birth(number)
    except ValueError as exc:
        raise ValidationError("id_number_birth_date") from exc
    if not _EARLIEST_BIRTH <= birth <= today:
        raise ValidationError("id_number_birth_date")


def _parse_birth(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _sex_from_sequence(sequence: str) -> str:
    return MALE if int(sequence) % 2 else FEMALE


# --- phone numbers -------------------------------------------------------------------------


def validate_phone(value: str) -> None:
    """Raise ValidationError('phone_format') unless `value` is a mobile or a landline with area code."""
    if not isinstance(value, str) or not (_MOBILE_RE.fullmatch(value) or _LANDLINE_RE.fullmatch(value)):
        raise ValidationError("phone_format")


def mask_phone(value: str | None) -> str:
    """Mobiles keep carrier prefix and tail; landlines keep area code and tail."""
    if not value:
        return ""
    if _MOBILE_RE.fullmatch(value):
        return _mask_middle(value, keep_head=3, keep_tail=4)
    landline = _LANDLINE_RE.fullmatch(value)
    if landline:
        return _mask_landline(*landline.groups())
    return _mask_unknown(value)


def _mask_landline(area: str, dash: str, local: str, extension: str | None) -> str:
    # Without a dash "0101234567" could be 010 + 7 digits or 0101 + 6, so re-split by the
    # national plan: only Beijing (010) and the 02x cities have three-digit area codes.
    if not dash:
        digits = area + local
        cut = 3 if digits[1] in "12" else 4
        area, local = digits[:cut], digits[cut:]
    masked = area + dash + _mask_middle(local, keep_head=0, keep_tail=4)
    # An extension only picks a desk inside the masked number, so it reveals nothing.
    return masked + (f"-{extension}" if extension else "")


# --- grid codes ----------------------------------------------------------------------------


def validate_grid_code(value: str) -> None:
    """Raise ValidationError('grid_code_format') unless `value` is a 20-digit CJ/T 349 grid code."""
    if not isinstance(value, str) or not _GRID_CODE_RE.fullmatch(value):
        raise ValidationError("grid_code_format")


# --- shared masking ------------------------------------------------------------------------


def _mask_middle(text: str, *, keep_head: int, keep_tail: int) -> str:
    hidden = len(text) - keep_head - keep_tail
    return text[:keep_head] + "*" * hidden + text[len(text) - keep_tail:]


def _mask_unknown(text: str) -> str:
    # A value we cannot parse may be anything (a passport, a typo): reveal at most its last
    # four characters, and nothing at all when that would be half of it.
    if len(text) >= 8:
        return _mask_middle(text, keep_head=0, keep_tail=4)
    return "*" * len(text)
