"""Actual units (实有单位) sync like the building's other records: a worker adds and edits a unit in
their grid offline, another device pulls it, a worker of another grid neither sees nor writes it, and
a street admin's device never receives the contact's number."""

from __future__ import annotations

from server.extensions import db
from server.syncapi.models import Change
from server.units.models import Unit
from tests.pulls import pull_until

SHOP = {"name": "惠民便利店", "kind": "shop", "room": "底商3号", "credit_code": "91310000ma1fl4b24g",
        "contact_name": "郑店长", "contact_phone": "13812345678", "employees": 4, "status": "open",
        "handles_cases": False}


def test_a_unit_added_offline_reaches_another_device_on_both_databases(any_app, any_world, device_factory):
    a = device_factory("worker", app=any_app)
    b = device_factory("worker2", app=any_app)
    pull_until(a)
    pull_until(b)
    a.network.offline = True
    uid = a.create("unit", {"building_id": any_world.buildings[0].id, **SHOP})
    a.network.offline = False
    assert [r["status"] for r in a.push()] == ["accepted"]
    pull_until(b)
    got = b.get("unit", uid)
    assert got["name"] == "惠民便利店" and got["credit_code"] == "91310000MA1FL4B24G"
    assert got["contact_phone"] == "13812345678"
    row = db.session.get(Unit, uid)
    assert row.grid_id == any_world.grids[0].id

    b.update("unit", uid, {"status": "closed", "handles_cases": True})
    assert [r["status"] for r in b.push()] == ["accepted"]
    pull_until(a)
    assert a.get("unit", uid)["status"] == "closed"
    assert a.get("unit", uid)["handles_cases"] is True
    assert db.session.scalar(db.select(db.func.count()).select_from(Change).where(Change.record_id == uid)) == 2


def test_a_wrong_credit_code_is_refused_with_its_code(world, device_factory):
    phone = device_factory("worker")
    phone.pull()
    phone.create("unit", {"building_id": world.buildings[0].id, **SHOP, "credit_code": "91350100M000100Y44"})
    [result] = phone.push()
    assert result["status"] == "rejected"
    assert result["fields"]["credit_code"]["code"] == "credit_code_checksum"
    assert result["fields"]["credit_code"]["message"].startswith("统一社会信用代码")


def test_a_unit_in_another_grid_is_neither_pulled_nor_written(world, device_factory):
    owner = device_factory("worker")
    owner.pull()
    uid = owner.create("unit", {"building_id": world.buildings[0].id, **SHOP})
    owner.push()
    stranger = device_factory("worker_b")
    pull_until(stranger)
    assert ("unit", uid) not in stranger.server_copy()
    stranger.update("unit", uid, {"name": "改名"})
    [result] = stranger.push()
    assert result["status"] == "rejected" and result["code"] == "out_of_scope"
    elsewhere = stranger.create("unit", {"building_id": world.buildings[0].id, **SHOP})
    [result] = stranger.push()
    assert result["status"] == "rejected" and result["code"] == "out_of_scope"
    assert db.session.get(Unit, elsewhere) is None


def test_a_street_admins_device_gets_the_unit_without_its_contact_number(world, device_factory):
    owner = device_factory("worker")
    owner.pull()
    uid = owner.create("unit", {"building_id": world.buildings[0].id, **SHOP})
    owner.push()
    admin = device_factory("admin")
    pull_until(admin)
    got = admin.get("unit", uid)
    assert got["name"] == "惠民便利店"
    assert "contact_phone" not in got


def test_a_units_building_moved_to_another_grid_takes_the_unit_to_that_grids_phones(app, world, device_factory):
    from server.areas.moves import move_building
    from server.areas.operations import add_building
    from server.syncapi.direct import DirectWriter

    writer = DirectWriter(db.session, app.extensions["wangge_clock"], via="console:setup")
    # A building of shops only: its households (another helper's move) do not come into it.
    building = add_building(writer, world.grids[0], "9", units=1, floors=2)
    db.session.commit()
    old = device_factory("worker")
    new = device_factory("worker_b")
    old.pull()
    uid = old.create("unit", {"building_id": building.id, **SHOP})
    old.push()
    pull_until(new)
    assert ("unit", uid) not in new.server_copy()

    assert move_building(writer, building, world.grids[1])["unit"] == 1
    db.session.commit()

    # The old grid's phone hears of the departure at its next pull; the new one gets the unit.
    old.pull()
    new.pull()
    assert ("unit", uid) not in old.server_copy()
    assert new.get("unit", uid)["name"] == "惠民便利店"
    assert db.session.get(Unit, uid).grid_id == world.grids[1].id
