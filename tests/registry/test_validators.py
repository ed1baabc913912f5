"""Resident ID numbers, phones and grid codes as grid workers type them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields

from server.core.time import china_today
from server.registry.validators import (
    check_digit,
    check_id_number_against,
    id_number_facts,
    make_id_number,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    validate_grid_code,
    validate_id_number,
    validate_phone,
)
from sync.errors import MESSAGES

# Check characters worked out by hand from the GB 11643 weights, so the implementation is
# compared with the standard rather than with itself.
WOMAN_1949 = "11010519491231002X"
MAN_1990 = "110105199003071239"
CHECKSUM_OK_BUT_1880 = "440524188001010014"


def code_of(call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value.messages[0]


# --- ID numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("number", [WOMAN_1949, MAN_1990])
def test_hand_checked_numbers_are_valid(number):
    validate_id_number(number)


def test_check_digit_matches_hand_computation():
    assert check_digit(WOMAN_1949[:17]) == "X"
    assert check_digit(MAN_1990[:17]) == "9"
    assert check_digit(CHECKSUM_OK_BUT_1880[:17]) == "4"


def test_lowercase_x_is_accepted_and_normalised():
    validate_id_number(WOMAN_1949.lower())
    assert normalise_id_number(WOMAN_1949.lower()) == WOMAN_1949


def test_wrong_check_character_is_rejected():
    assert code_of(validate_id_number, MAN_1990[:17] + "8") == "id_number_checksum"
    assert code_of(validate_id_number, WOMAN_1949[:17] + "0") == "id_number_checksum"


@pytest.mark.parametrize("number", [
    "",
    "1101051949123100",           # 16 characters
    "11010519491231002X1",        # 19 characters
    "1101051949123100X2",         # X only allowed last
    "11010519491231002Y",
    " 11010519491231002X",
    "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits
    "110105 94912310020",
])
def test_malformed_numbers_are_format_errors(number):
    assert code_of(validate_id_number, number) == "id_number_format"


def test_non_string_is_a_format_error():
    assert code_of(validate_id_number, 110105194912310020) == "id_number_format"


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900000", "19000229"])
def test_impossible_birth_dates_are_rejected(birth):
    first17 = f"110105{birth}123"
    assert code_of(validate_id_number, first17 + check_digit(first17)) == "id_number_birth_date"


def test_birth_before_1900_is_rejected_even_with_a_good_checksum():
    assert code_of(validate_id_number, CHECKSUM_OK_BUT_1880) == "id_number_birth_date"


def test_birth_after_today_is_rejected():
    today = date(2024, 6, 1)
    validate_id_number(make_id_number("110105", today, 11), today=today)
    tomorrow = make_id_number("110105", today + timedelta(days=1), 11)
    assert code_of(validate_id_number, tomorrow, today=today) == "id_number_birth_date"


def test_leap_day_is_a_real_birth_date():
    validate_id_number(make_id_number("310101", date(2000, 2, 29), 42))


def test_facts_read_birth_date_and_sex():
    assert id_number_facts(WOMAN_1949) == (date(1949, 12, 31), "female")
    assert id_number_facts(MAN_1990) == (date(1990, 3, 7), "male")
    assert id_number_facts(WOMAN_1949.lower()) == (date(1949, 12, 31), "female")


def test_facts_refuse_an_invalid_number():
    assert code_of(id_number_facts, MAN_1990[:17] + "0") == "id_number_checksum"


def test_consistent_resident_has_no_mismatch():
    assert check_id_number_against(MAN_1990, date(1990, 3, 7), "male") == {}


def test_unknown_fields_are_not_mismatches():
    assert check_id_number_against(MAN_1990, None, None) == {}


def test_mismatches_are_reported_per_field():
    assert check_id_number_against(MAN_1990, date(1990, 7, 3), "male") == {
        "birth_date": "id_number_birth_mismatch"}
    assert check_id_number_against(MAN_1990, date(1990, 3, 7), "female") == {
        "sex": "id_number_sex_mismatch"}
    assert check_id_number_against(WOMAN_1949, date(1950, 1, 1), "male") == {
        "birth_date": "id_number_birth_mismatch", "sex": "id_number_sex_mismatch"}


def test_make_id_number_rejects_bad_arguments():
    with pytest.raises(ValueError):
        make_id_number("11010", date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("110105", date(1990, 1, 1), 1000)


def test_mask_id_number():
    # At most the tail: the area code and the birth date would give the number back.
    assert mask_id_number(MAN_1990) == "**************1239"
    assert mask_id_number(WOMAN_1949.lower()) == "**************002X"
    assert mask_id_number("110105491231002") == "***********1002"
    assert mask_id_number(None) == ""
    assert mask_id_number("E1234567") == "****4567"
    assert mask_id_number("E12") == "***"


@given(
    area=st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=china_today()),
    sequence=st.integers(0, 999),
    position=st.integers(0, 16),
    shift=st.integers(1, 9),
)
@settings(max_examples=200)
def test_made_numbers_validate_and_any_digit_typo_is_caught(area, birth, sequence, position, shift):
    number = make_id_number(area, birth, sequence)
    validate_id_number(number)
    assert id_number_facts(number) == (birth, "male" if sequence % 2 else "female")

    typo_digit = str((int(number[position]) + shift) % 10)
    typo = number[:position] + typo_digit + number[position + 1:]
    expected = "id_number_checksum" if _birth_still_valid(typo) else "id_number_birth_date"
    assert code_of(validate_id_number, typo) == expected


def _birth_still_valid(number: str) -> bool:
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= birth <= china_today()


# --- phones --------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", [
    "13812345678", "19912345678", "010-12345678", "01012345678", "0755-1234567",
    "021-87654321-123", "0571-8765432-1",
])
def test_valid_phones(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", [
    "12345", "23812345678", "12812345678", "1381234567", "138123456789",
    "010-123456", "010-123456789", "10-12345678", "0755-1234567-1234567", "138 1234 5678",
    "+8613812345678", "１３８１２３４５６７８", "",
])
def test_invalid_phones(phone):
    assert code_of(validate_phone, phone) == "phone_format"


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"),
    ("010-12345678", "010-****5678"),
    ("0755-1234567", "0755-***4567"),
    ("01012345678", "010****5678"),
    ("07551234567", "0755***4567"),
    ("021-87654321-123", "021-****4321-123"),
    ("", ""),
    (None, ""),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


# --- grid codes and wiring -----------------------------------------------------------------


def test_grid_code():
    validate_grid_code("11010500100100100001")
    for bad in ("1101050010010010000", "110105001001001000011", "1101050010010010000A", ""):
        assert code_of(validate_grid_code, bad) == "grid_code_format"


def test_every_code_raised_is_in_the_catalogue():
    for code in ("id_number_format", "id_number_checksum", "id_number_birth_date",
                 "id_number_birth_mismatch", "id_number_sex_mismatch", "phone_format", "grid_code_format"):
        assert code in MESSAGES


def test_validators_plug_into_marshmallow_schemas():
    class ResidentForm(Schema):
        id_number = fields.String(validate=validate_id_number)
        phone = fields.String(validate=validate_phone)

    errors = ResidentForm().validate({"id_number": MAN_1990[:17] + "0", "phone": "12345"})
    assert errors == {"id_number": ["id_number_checksum"], "phone": ["phone_format"]}
    assert ResidentForm().validate({"id_number": MAN_1990, "phone": "13812345678"}) == {}
