"""server/registry/rules.py against tests/vectors/registry_rules.json (the field app's registry_rules.js runs the same file)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from server.registry.rules import household_errors, movement_errors

DATA = json.loads((Path(__file__).parents[1] / "vectors" / "registry_rules.json").read_text(encoding="utf-8"))
TODAY = date.fromisoformat(DATA["today"])


@pytest.mark.parametrize("case", DATA["resident"], ids=[c["why"] for c in DATA["resident"]])
def test_resident_movement(case):
    assert movement_errors(case["state"], TODAY) == case["errors"]


@pytest.mark.parametrize("case", DATA["household"], ids=[c["why"] for c in DATA["household"]])
def test_household_status(case):
    assert household_errors(case["state"], case["id"], case["target"]) == case["errors"]
