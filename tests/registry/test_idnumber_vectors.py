"""server/registry/validators.py against tests/vectors/idnumber.json (the field app's idnumber.js runs the same file).

A change of behaviour in the validators fails here until the file is regenerated with
tests/vectors/generate_idnumber.py, which then fails pwa/tests/views.test.mjs until the JS port follows.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest
from marshmallow import ValidationError

from server.core.time import china_today
from server.registry import validators as v
from sync.errors import MESSAGES

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
DATA = json.loads((VECTORS / "idnumber.json").read_text(encoding="utf-8"))
TODAY = date.fromisoformat(DATA["today"])


def code_of(call, *args, **kwargs) -> str | None:
    try:
        call(*args, **kwargs)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def test_the_file_is_fresh():
    spec = importlib.util.spec_from_file_location("idnumber_vectors", VECTORS / "generate_idnumber.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (VECTORS / "idnumber.json").read_text(encoding="utf-8") == module.render(module.build()), \
        "idnumber.json is stale: run tests/vectors/generate_idnumber.py"


def test_every_section_has_cases():
    for key in ("validate", "against", "mask_id_number", "phone", "mask_phone"):
        assert DATA[key]
    assert any(c["code"] is None for c in DATA["validate"])
    assert {c["code"] for c in DATA["validate"]} >= {"id_number_format", "id_number_checksum", "id_number_birth_date"}


def test_messages_are_the_protocol_messages():
    for code, message in DATA["messages"].items():
        assert MESSAGES[code][0] == message


@pytest.mark.parametrize("case", DATA["validate"], ids=lambda c: repr(c["value"]))
def test_validate(case):
    assert code_of(v.validate_id_number, case["value"], today=TODAY) == case["code"]
    if case["code"] is None:
        assert v.normalise_id_number(case["value"]) == case["normalised"]
        assert v.check_digit(case["normalised"][:17]) == case["check_digit"]
        if date.fromisoformat(case["birth_date"]) <= china_today():
            assert v.id_number_facts(case["value"]) == (date.fromisoformat(case["birth_date"]), case["sex"])


@pytest.mark.parametrize("case", DATA["against"], ids=lambda c: f"{c['id_number']}-{c['birth_date']}-{c['sex']}")
def test_against(case):
    birth = date.fromisoformat(case["birth_date"]) if case["birth_date"] else None
    if "invalid" in case:
        assert code_of(v.check_id_number_against, case["id_number"], birth, case["sex"]) == case["invalid"]
    else:
        assert v.check_id_number_against(case["id_number"], birth, case["sex"]) == case["errors"]


@pytest.mark.parametrize("case", DATA["mask_id_number"], ids=lambda c: repr(c["value"]))
def test_mask_id_number(case):
    assert v.mask_id_number(case["value"]) == case["masked"]


@pytest.mark.parametrize("case", DATA["phone"], ids=lambda c: repr(c["value"]))
def test_phone(case):
    assert code_of(v.validate_phone, case["value"]) == case["code"]


@pytest.mark.parametrize("case", DATA["mask_phone"], ids=lambda c: repr(c["value"]))
def test_mask_phone(case):
    assert v.mask_phone(case["value"]) == case["masked"]
