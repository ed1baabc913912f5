"""Guarantee 3, nothing lost and nothing silent: every change gets its own result, a rejected one
is kept on the server and on the device, and one bad change never sinks its batch."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Household, Resident
from server.syncapi.models import Change
from sync.ids import uuid7
from tests.pulls import pull_until

CHINESE = re.compile(r"[\u4e00-\u9fff]")



def visit_fields(household_id: str) -> dict:
    return {"household_id": household_id, "visited_at": "2026-11-21T10:00:00Z", "method": "phone",
            "outcome": "not_home"}


def assert_explained(result: dict) -> None:
    """A rejection a worker can act on: a stable code and messages in both languages."""
    assert result["status"] == "rejected"
    assert re.fullmatch(r"[a-z_]+", result["code"])
    assert CHINESE.search(result["message"]), result["message"]
    assert result["message_en"] and not CHINESE.search(result["message_en"])


def test_one_bad_change_among_good_ones_is_rejected_alone(any_app, any_world, device_factory):
    phone = device_factory("worker", app=any_app)
    pull_until(phone)
    resident = any_world.residents[0].id
    household = any_world.households[0].id
    good_first = phone.update("resident", resident, {"notes": "独居，耳背"})
    bad = phone.update("household", household, {"contact_phone": "0000", "notes": "租户已搬走"})
    visit_id = phone.create("visit", visit_fields(household))
    good_last = phone.outbox()[-1]["id"]

    results = phone.push()
    assert [r["id"] for r in results] == [good_first, bad, good_last]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    rejected = results[1]
    assert_explained(rejected)
    assert rejected["code"] == "validation_failed"
    assert rejected["message"] == "内容校验未通过"
    assert set(rejected["fields"]) == {"contact_phone"}
    assert rejected["fields"]["contact_phone"]["code"] == "phone_format"
    assert CHINESE.search(rejected["fields"]["contact_phone"]["message"])
    assert rejected["fields"]["contact_phone"]["message_en"].startswith("Not a valid phone number")

    db.session.rollback()
    assert db.session.get(Resident, resident).notes == "独居，耳背"
    assert db.session.get(Visit, visit_id).outcome == "not_home"
    # Nothing of the bad change was applied, not even its valid field.
    assert db.session.get(Household, household).notes is None


def test_a_rejected_change_is_kept_on_the_server_for_staff(app, world, device_factory):
    phone = device_factory("worker")
    phone.pull()
    change_id = phone.update("resident", world.residents[0].id, {"birth_date": "2099-01-01", "name": "张秀英"})
    [result] = phone.push()
    assert result["code"] == "validation_failed" and result["fields"]["birth_date"]["code"] == "future_date"
    stored = db.session.get(Change, change_id)
    assert stored.status == "rejected"
    assert stored.device_id == phone.device_id and stored.user_id == world.users["worker"].id
    assert stored.entity == "resident" and stored.record_id == world.residents[0].id
    assert stored.fields == {"birth_date": "2099-01-01", "name": "张秀英"}
    assert stored.result["code"] == "validation_failed"
    assert stored.result["fields"]["birth_date"]["code"] == "future_date"
    staff_queue = db.session.scalars(select(Change.id).where(Change.status == "rejected")).all()
    assert staff_queue == [change_id]


def test_a_rejected_change_stays_in_the_device_outbox_until_the_worker_fixes_it(app, world, device_factory):
    phone = device_factory("worker")
    phone.pull()
    resident = world.residents[0].id
    bad = phone.update("resident", resident, {"phone": "1380013800"})  # ten digits
    phone.push()
    assert phone.outbox("pending") == []
    [kept] = phone.outbox("rejected")
    assert kept["id"] == bad and kept["fields"] == {"phone": "1380013800"}
    assert kept["result"]["code"] == "validation_failed"
    assert kept["result"]["fields"]["phone"]["code"] == "phone_format"

    # A rejected change is not retried on its own: later pushes skip it and carry on.
    later = phone.update("resident", resident, {"ethnicity": "汉族"})
    assert [r["id"] for r in phone.push()] == [later]
    assert [c["id"] for c in phone.outbox("rejected")] == [bad]

    fixed = phone.resend(bad, {"phone": "13800138000"})
    assert fixed != bad
    [result] = phone.push()
    assert result["id"] == fixed and result["status"] == "accepted" and result["applied"] == ["phone"]
    assert phone.outbox("rejected") == [] and phone.outbox("pending") == []
    phone.pull()
    assert phone.server_copy()[("resident", resident)]["phone"] == "13800138000"
    # The server keeps both: the rejection for the record, and the fix that was applied.
    assert db.session.get(Change, bad).status == "rejected"
    assert db.session.get(Change, fixed).status == "accepted"


def test_resending_an_unknown_change_is_an_error(app, world, device_factory):
    phone = device_factory("worker")
    with pytest.raises(KeyError):
        phone.resend(uuid7(), {"phone": "13800138000"})


def test_a_push_outside_the_workers_grid_is_rejected_per_change(app, world, device_factory):
    phone = device_factory("worker")
    phone.pull()
    mine = phone.update("resident", world.residents[0].id, {"notes": "本网格"})
    other_grid = phone.update("resident", world.residents[1].id, {"notes": "别人的网格"})
    move = phone.create("household", {"building_id": world.buildings[1].id, "unit": 1, "floor": 1, "room": "101"})
    results = phone.push()
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected"]
    assert results[0]["id"] == mine
    assert results[1]["id"] == other_grid and results[1]["code"] == "out_of_scope"
    assert results[2]["code"] == "out_of_scope"
    for result in results[1:]:
        assert_explained(result)
    assert results[1]["message"] == "超出您负责的范围"
    db.session.rollback()
    assert db.session.get(Resident, world.residents[1].id).notes is None
    assert db.session.get(Household, move) is None


def test_a_reference_to_a_missing_record_is_rejected_with_the_field(app, world, device_factory):
    phone = device_factory("worker")
    phone.pull()
    phone.create("resident", {"household_id": uuid7(), "name": "王五", "sex": "male"})
    [result] = phone.push()
    assert_explained(result)
    assert result["code"] == "unknown_reference"
    assert result["fields"]["household_id"]["code"] == "unknown_reference"


def test_a_new_record_missing_required_fields_names_each_of_them(app, world, device_factory):
    phone = device_factory("worker")
    phone.pull()
    phone.create("resident", {"household_id": world.households[0].id})
    [result] = phone.push()
    assert_explained(result)
    assert result["code"] == "validation_failed"
    assert {name: f["code"] for name, f in result["fields"].items()} == {"name": "required", "sex": "required"}


def test_a_patrol_volunteer_may_not_write_resident_data(app, world, device_factory):
    phone = device_factory("volunteer")
    phone.pull()
    phone.update("resident", world.residents[0].id, {"notes": "志愿者不能改"})
    [result] = phone.push()
    assert_explained(result)
    assert result["code"] == "forbidden"
    assert db.session.get(Resident, world.residents[0].id).notes is None
