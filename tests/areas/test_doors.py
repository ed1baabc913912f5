"""server/areas/doors.py: the shared vectors (the phone's doors.js runs the same file) and the edits
staff make to an irregular building."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from server.areas import doors as d

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
DATA = json.loads((VECTORS / "doors.json").read_text(encoding="utf-8"))


def test_vector_file_is_current():
    spec = importlib.util.spec_from_file_location("generate_doors", VECTORS / "generate_doors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (VECTORS / "doors.json").read_text(encoding="utf-8") == module.render(module.build()), \
        "doors.json is stale: run tests/vectors/generate_doors.py"


@pytest.mark.parametrize("case", DATA["patterns"], ids=lambda c: repr(c["pattern"]))
def test_patterns(case):
    assert d.pattern_error(case["pattern"]) == case["code"]


@pytest.mark.parametrize("case", DATA["buildings"], ids=lambda c: c["building"]["number"])
def test_buildings(case):
    assert d.expand(case["building"]) == case["doors"]
    assert d.layout(case["building"]) == case["layout"]


def test_default_grid_and_standard_address():
    building = {"number": "3", "estate": "幸福小区", "units": 2, "floors": 12, "rooms_per_floor": 2}
    rooms = [door["room"] for door in d.expand(building) if door["unit"] == 1]
    assert rooms[:2] == ["101", "102"] and rooms[-1] == "1202"
    assert d.standard_address(building, 2, "1201") == "幸福小区3号楼2单元1201"
    assert d.standard_address({"number": "7", "estate": None}, 1, "101") == "7号楼1单元101"


BUILDING = {"number": "3", "units": 1, "floors": 5, "rooms_per_floor": 2}


def _with(doors):
    return {**BUILDING, "doors": doors}


def test_skip_the_4th_floor_keeps_the_labels_above():
    doors = d.skip_floor(BUILDING, 4)
    floors = [row["floor"] for row in d.layout(_with(doors))[0]["floors"]]
    assert floors == [5, 3, 2, 1]
    assert [x["room"] for x in d.expand(_with(doors)) if x["floor"] == 5] == ["501", "502"]


def test_a_floor_where_people_live_cannot_be_skipped():
    with pytest.raises(d.DoorError) as refused:
        d.skip_floor(BUILDING, 4, occupied={(1, 4, "401")})
    assert refused.value.code == "floor_has_household"


def test_rename_mark_add_remove():
    doors = d.rename_door(BUILDING, 1, 5, "501", "13A")
    doors = d.set_use(_with(doors), 1, 1, "101", "shop")
    doors = d.add_door(_with(doors), 1, 1, "103", "office")
    doors = d.remove_door(_with(doors), 1, 2, "202")
    by_room = {x["room"]: x["use"] for x in d.expand(_with(doors))}
    assert by_room["13A"] == "home" and by_room["101"] == "shop" and by_room["103"] == "office"
    assert "202" not in by_room and "501" not in by_room
    assert [x["room"] for x in d.homes(_with(doors))] == ["102", "201", "301", "302", "401", "402", "13A", "502"]
    # a removed door can be added back where it was
    doors = d.add_door(_with(doors), 1, 2, "202")
    assert ["201", "202"] == [x["room"] for x in d.expand(_with(doors)) if x["floor"] == 2]


@pytest.mark.parametrize("edit, code", [
    (lambda: d.remove_door(BUILDING, 1, 3, "301", occupied={(1, 3, "301")}), "door_has_household"),
    (lambda: d.rename_door(BUILDING, 1, 3, "301", "302"), "door_exists"),
    (lambda: d.rename_door(BUILDING, 1, 3, "301", " "), "room_required"),
    (lambda: d.rename_door(BUILDING, 1, 3, "301", "1" * 17), "room_too_long"),
    (lambda: d.rename_door(BUILDING, 1, 3, "999", "13A"), "door_not_found"),
    (lambda: d.add_door(BUILDING, 2, 1, "103"), "door_out_of_building"),
    (lambda: d.add_door(BUILDING, 1, 1, "101"), "door_exists"),
    (lambda: d.set_use(BUILDING, 1, 1, "101", "garage"), "door_use_invalid"),
])
def test_refused_edits(edit, code):
    with pytest.raises(d.DoorError) as refused:
        edit()
    assert refused.value.code == code


@pytest.mark.parametrize("doors, code", [
    (None, None), ([], None), ([{"unit": 1, "floor": 1, "room": "101", "use": "shop"}], None),
    ("x", "doors_invalid"), ([{"unit": "1", "floor": 1, "room": "101"}], "doors_invalid"),
    ([{"unit": 1, "floor": 1, "room": "101", "colour": "red"}], "doors_invalid"),
    ([{"unit": 1, "floor": 1, "room": "101"}, {"unit": 1, "floor": 2, "room": "101"}], "door_exists"),
    ([{"unit": 1, "floor": 1, "room": "101", "use": "none"}, {"unit": 1, "floor": 2, "room": "101"}], None),
    ([{"unit": 3, "floor": 1, "room": "101"}], "door_out_of_building"),
    ([{"unit": 1, "floor": 1, "room": "101", "use": "garage"}], "door_use_invalid"),
])
def test_check_doors(doors, code):
    assert d.check_doors(doors, units=2) == code


def test_the_wire_schema_refuses_bad_patterns_and_door_lists():
    """A phone's push or an import meets the same rules as the console's form."""
    from server.areas.schemas import BuildingWire
    from server.wire import code_for

    base = {"grid_id": "01a2524b-fb30-767e-aa95-cb97c8fa15da", "number": "3"}
    schema = BuildingWire()
    assert schema.validate({**base, "door_pattern": "{floor}{door:02}"}) == {}
    errors = schema.validate({**base, "door_pattern": "{room}"})
    assert code_for(errors["door_pattern"][0]) == "door_pattern_unknown"
    errors = schema.validate({**base, "units": 1, "doors": [{"unit": 2, "floor": 1, "room": "101"}]})
    assert code_for(errors["doors"][0]) == "door_out_of_building"
