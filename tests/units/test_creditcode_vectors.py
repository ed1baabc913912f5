"""server/units/creditcode.py against tests/vectors/creditcode.json (pwa/tests/units.test.mjs runs the
field app's port on the same file), and the wire schema refusing a bad code with its own message."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from server.core.messages import message
from server.units import creditcode as cc
from server.units.schemas import UnitWire

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
DATA = json.loads((VECTORS / "creditcode.json").read_text(encoding="utf-8"))
BUILDING = "0190a000-0000-7000-8000-000000000001"


def test_the_file_is_fresh():
    spec = importlib.util.spec_from_file_location("creditcode_vectors", VECTORS / "generate_creditcode.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (VECTORS / "creditcode.json").read_text(encoding="utf-8") == module.render(module.build()), \
        "creditcode.json is stale: run tests/vectors/generate_creditcode.py"


@pytest.mark.parametrize("case", DATA["validate"], ids=lambda c: repr(c["value"]))
def test_validate(case):
    assert cc.credit_code_error(case["value"]) == case["code"]
    assert cc.normalise_credit_code(case["value"]) == case["normalised"]


@pytest.mark.parametrize("case", DATA["check_character"], ids=lambda c: c["first17"])
def test_check_character(case):
    assert cc.check_character(case["first17"]) == case["check"]


def test_messages_in_both_languages():
    for code, pair in DATA["messages"].items():
        assert list(message(code)) == pair
        assert all(pair)


def test_the_wire_stores_capitals_and_refuses_a_wrong_check_character():
    loaded = UnitWire().load({"building_id": BUILDING, "name": "便民超市", "kind": "shop",
                              "credit_code": "91310000ma1fl4b24g"})
    assert loaded["credit_code"] == "91310000MA1FL4B24G"
    with pytest.raises(Exception) as refused:
        UnitWire().load({"building_id": BUILDING, "name": "便民超市", "kind": "shop", "credit_code": "91350100M000100Y44"})
    assert refused.value.messages == {"credit_code": ["credit_code_checksum"]}
