"""楼栋设置: staff create and edit buildings with their standard address, and edit an irregular
building's doors one by one; every save syncs to phones, names the screen and is audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.areas import doors as door_rules
from server.areas.models import Building
from server.audit.models import AuditEntry
from server.extensions import db
from server.registry.models import Household
from server.syncapi.models import Change
from sync.ids import uuid7


def form(world, **overrides) -> dict:
    values = {"grid_id": world.grids[1].id, "estate": "幸福小区", "number": "12", "name": "",
              "units": "2", "floors": "6", "rooms_per_floor": "2", "door_pattern": "", "lift": "1",
              "built_year": "1998", "lat": "39.9", "lng": "116.4", "captain_user_id": "",
              "captain_name": "刘楼长", "captain_phone": "13800138000", "notes": ""}
    values.update(overrides)
    return values


def fresh(building_id: str) -> Building:
    db.session.expire_all()
    return db.session.get(Building, building_id)


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def changes(building_id: str) -> list[Change]:
    return list(db.session.scalars(select(Change).where(Change.record_id == building_id).order_by(Change.hlc)))


def created(world) -> Building:
    return db.session.scalar(select(Building).where(Building.grid_id == world.grids[1].id, Building.number == "12"))


def test_staff_create_a_building_and_see_its_generated_grid(world, staff_client):
    client = staff_client("staff")
    reply = client.post("/console/setup/buildings/new", data=form(world))
    assert reply.status_code == 302, reply.text
    building = created(world)
    assert (building.estate, building.units, building.floors, building.lift, building.built_year) == \
        ("幸福小区", 2, 6, True, 1998)
    assert building.doors is None and building.captain_name == "刘楼长"
    [change] = changes(building.id)
    assert change.result["via"] == "console:buildings" and change.user_id == world.users["staff"].id
    assert audits("create_building")[0].record_id == building.id
    page = client.get(reply.headers["Location"])
    assert page.status_code == 200
    assert "幸福小区12号楼" in page.text and ">601<" in page.text and ">102<" in page.text
    listing = client.get("/console/setup/buildings")
    assert "幸福小区12号楼" in listing.text and "24户住宅" in listing.text


def test_a_captain_who_is_a_user_is_named_by_the_account(world, staff_client):
    worker = world.users["worker_b"]
    reply = staff_client("staff").post("/console/setup/buildings/new", data=form(
        world, captain_user_id=worker.id, captain_name="", captain_phone=""))
    assert reply.status_code == 302, reply.text
    building = created(world)
    assert (building.captain_user_id, building.captain_name) == (worker.id, worker.name)


@pytest.mark.parametrize("overrides, field, code", [
    ({"number": ""}, "number", "required"),
    ({"units": "abc"}, "units", "not_a_number"),
    ({"floors": "0"}, "floors", "out_of_range"),
    ({"rooms_per_floor": ""}, "rooms_per_floor", "required"),
    ({"door_pattern": "{floor}{room}"}, "door_pattern", "door_pattern_unknown"),
    ({"door_pattern": "{floor}{door:02}" + "号" * 12}, "door_pattern", "door_pattern_too_long"),
    ({"door_pattern": "{floor}{door:02}" + "号" * 20}, "door_pattern", "too_long"),
    ({"captain_phone": "12345"}, "captain_phone", "phone_format"),
    ({"built_year": "1500"}, "built_year", "out_of_range"),
    ({"lat": "95"}, "lat", "out_of_range"),
    ({"number": "1", "estate": ""}, "number", "building_number_taken"),
])
def test_bad_fields_are_refused_one_by_one(world, staff_client, overrides, field, code):
    data = form(world, **overrides)
    if code == "building_number_taken":
        data["grid_id"] = world.grids[0].id  # the test world's 1号楼
    reply = staff_client("staff").post("/console/setup/buildings/new", data=data)
    assert reply.status_code == 422
    assert f'id="{field}-error" data-code="{code}"' in reply.text
    assert created(world) is None


def test_grids_and_captains_outside_the_community_are_refused(world, staff_client):
    client = staff_client("staff")
    reply = client.post("/console/setup/buildings/new", data=form(world, grid_id=world.far_grid.id))
    assert reply.status_code == 422 and 'data-code="unknown_grid"' in reply.text
    reply = client.post("/console/setup/buildings/new", data=form(world, captain_user_id=world.users["far_staff"].id))
    assert reply.status_code == 422 and 'data-code="captain_not_in_community"' in reply.text


def test_edit_a_building(world, staff_client):
    building = world.buildings[0]
    client = staff_client("admin")
    # a street admin works on the community the switcher shows
    assert client.post("/console/community", data={"community_id": world.community.id}).status_code in (302, 303)
    page = client.get(f"/console/setup/buildings/{building.id}")
    assert page.status_code == 200 and 'name="floors" type="number" value="6"' in page.text
    reply = client.post(f"/console/setup/buildings/{building.id}", data=form(
        world, grid_id=building.grid_id, number="1", floors="7", door_pattern="{unit}-{floor}{door:02}"))
    # the household at 1单元501 would lose its door under the new pattern
    assert reply.status_code == 422 and 'data-code="door_has_household"' in reply.text
    reply = client.post(f"/console/setup/buildings/{building.id}", data=form(
        world, grid_id=building.grid_id, number="1", floors="7", estate="和平里"))
    assert reply.status_code == 302
    building = fresh(building.id)
    assert (building.floors, building.estate) == (7, "和平里")
    last = changes(building.id)[-1]
    assert last.result["via"] == "console:buildings" and "floors" in last.fields and "units" not in last.fields
    assert audits("edit_building")[0].detail["fields"]


def post_door(client, building, **data):
    return client.post(f"/console/setup/buildings/{building.id}/doors", data=data)


def test_an_irregular_building_edited_door_by_door(world, staff_client):
    building = world.buildings[0]  # 2 units × 6 floors × 2; a household at 1单元 5F 501
    client = staff_client("staff")
    assert post_door(client, building, action="skip_floor", unit="1", floor="4").status_code == 302
    assert post_door(client, building, action="use", unit="1", floor="1", room="101", use="shop").status_code == 302
    assert post_door(client, building, action="use", unit="1", floor="1", room="102", use="office").status_code == 302
    assert post_door(client, building, action="rename", unit="1", floor="6", room="601",
                     new_room="13A").status_code == 302
    assert post_door(client, building, action="add", unit="2", floor="1", room="103", use="home").status_code == 302
    assert post_door(client, building, action="remove", unit="2", floor="6", room="602").status_code == 302
    building = fresh(building.id)
    doors = {(d["unit"], d["room"]): d["use"] for d in door_rules.expand(building)}
    assert doors[(1, "101")] == "shop" and doors[(1, "102")] == "office" and doors[(1, "13A")] == "home"
    assert (1, "401") not in doors and (1, "601") not in doors and (2, "602") not in doors
    assert doors[(2, "103")] == "home" and (2, "401") in doors  # the skip was for unit 1 only
    edits = changes(building.id)[1:]  # after the test world's creation
    assert len(edits) == 6 and all(c.result["via"] == "console:buildings" for c in edits)
    assert [a.detail["door_action"] for a in audits("edit_doors")] == ["skip_floor", "use", "use", "rename", "add",
                                                                       "remove"]
    page = client.get(f"/console/setup/buildings/{building.id}/doors")
    assert ">13A<" in page.text and "商铺" in page.text and "办公" in page.text
    assert not re.search(r">401<small>", page.text.split('aria-label="1单元"')[0])


def test_a_door_where_a_household_lives_cannot_be_removed(world, staff_client):
    building = world.buildings[0]
    client = staff_client("staff")
    reply = post_door(client, building, action="remove", unit="1", floor="5", room="501")
    assert reply.status_code == 409 and 'data-code="door_has_household"' in reply.text
    reply = post_door(client, building, action="skip_floor", unit="1", floor="5")
    assert reply.status_code == 409 and 'data-code="floor_has_household"' in reply.text
    reply = post_door(client, building, action="rename", unit="1", floor="5", room="501", new_room="5A")
    assert reply.status_code == 409
    assert fresh(building.id).doors is None and changes(building.id)[-1].result.get("via") is None
    # a demolished household holds no door
    household = db.session.get(Household, world.households[0].id)
    household.status = "demolished"
    db.session.commit()
    assert post_door(client, building, action="remove", unit="1", floor="5", room="501").status_code == 302


@pytest.mark.parametrize("data, code", [
    ({"action": "rename", "unit": "1", "floor": "3", "room": "301", "new_room": "302"}, "door_exists"),
    ({"action": "add", "unit": "9", "floor": "1", "room": "103"}, "door_out_of_building"),
    ({"action": "use", "unit": "1", "floor": "1", "room": "101", "use": "garage"}, "door_use_invalid"),
    ({"action": "rename", "unit": "1", "floor": "3", "room": "399", "new_room": "3A"}, "door_not_found"),
])
def test_bad_door_edits_are_refused(world, staff_client, data, code):
    reply = post_door(staff_client("staff"), world.buildings[0], **data)
    assert reply.status_code in (409, 422) and f'data-code="{code}"' in reply.text
    assert fresh(world.buildings[0].id).doors is None


def test_switch_to_explicit_and_back(world, staff_client):
    building = world.buildings[0]
    client = staff_client("staff")
    assert post_door(client, building, action="explicit").status_code == 302
    assert fresh(building.id).doors == door_rules.generated(building)
    assert post_door(client, building, action="regular").status_code == 302
    assert fresh(building.id).doors is None


def test_another_communitys_building_is_not_found(world, staff_client):
    far = world.buildings[2]
    client = staff_client("staff")
    assert client.get(f"/console/setup/buildings/{far.id}/doors").status_code == 404
    assert client.get(f"/console/setup/buildings/{far.id}").status_code == 404
    assert post_door(client, far, action="explicit").status_code == 404
    assert fresh(far.id).doors is None


def test_field_roles_cannot_sign_in_to_set_up(app, world):
    from tests.console.conftest import StaffClient
    client = StaffClient(app.test_client())
    assert client.login("worker").status_code != 302
    assert client.get("/console/setup/buildings").status_code == 302  # to the sign-in page


def test_a_removed_door_is_shown_and_can_be_restored(world, staff_client):
    building = world.buildings[0]
    client = staff_client("staff")
    assert post_door(client, building, action="skip_floor", unit="1", floor="4").status_code == 302
    page = client.get(f"/console/setup/buildings/{building.id}/doors?unit=1&floor=4&room=401")
    assert "此房间已删除" in page.text and 'value="add"' in page.text and 'value="remove"' not in page.text
    assert post_door(client, building, action="add", unit="1", floor="4", room="401").status_code == 302
    rooms = [d["room"] for d in door_rules.expand(fresh(building.id)) if (d["unit"], d["floor"]) == (1, 4)]
    assert rooms == ["401"]
