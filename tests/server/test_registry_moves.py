"""The registry's shared rules, enforced on every push (server/registry/rules.py): how residents come
and go, and a household's status and lease. The phone checks the same rules before it queues."""

from __future__ import annotations

from server.extensions import db
from server.registry.models import Household, Resident
from server.registry.models import ResidentTag
from tests.pulls import pull_until


def field_codes(result: dict) -> dict[str, str]:
    assert result["status"] == "rejected" and result["code"] == "validation_failed", result
    return {name: f["code"] for name, f in result["fields"].items()}


def test_a_move_out_needs_its_way_and_a_date_not_in_the_future(world, device_factory):
    phone = device_factory("worker")
    pull_until(phone)
    rid = world.residents[0].id
    phone.update("resident", rid, {"moved_out_on": "2026-01-01"})
    phone.update("resident", rid, {"left_by": "move_out"})
    phone.update("resident", rid, {"left_by": "move_out", "moved_out_on": "2099-01-01"})
    phone.update("resident", rid, {"left_by": "move_out", "moved_out_on": "2026-01-01", "moved_out_to": "上海市"})
    results = phone.push()
    assert field_codes(results[0]) == {"left_by": "left_by_required"}
    assert field_codes(results[1]) == {"moved_out_on": "moved_out_on_required"}
    assert field_codes(results[2]) == {"moved_out_on": "future_date"}
    assert results[3]["status"] == "accepted"
    assert results[0]["fields"]["left_by"]["message"] == "请选择离开方式（迁出或死亡）"
    assert results[0]["fields"]["left_by"]["message_en"] == "Say how the person left (moved out or died)"
    db.session.rollback()
    person = db.session.get(Resident, rid)
    assert (person.left_by, str(person.moved_out_on), person.moved_out_to, person.deleted) == \
        ("move_out", "2026-01-01", "上海市", False)


def test_a_birth_arrives_on_its_birth_date_and_a_death_is_not_before_it(world, device_factory):
    phone = device_factory("worker")
    pull_until(phone)
    household = world.households[0].id
    base = {"household_id": household, "name": "小宝", "sex": "female", "birth_date": "2026-03-01", "arrived_by": "birth"}
    phone.create("resident", {**base, "moved_in_on": "2026-03-02"})
    baby = phone.create("resident", {**base, "moved_in_on": "2026-03-01"})
    phone.update("resident", baby, {"left_by": "death", "moved_out_on": "2026-02-28"})
    results = phone.push()
    assert field_codes(results[0]) == {"moved_in_on": "birth_arrival_date"}
    assert results[1]["status"] == "accepted"
    assert field_codes(results[2]) == {"moved_out_on": "before_birth"}
    db.session.rollback()
    assert db.session.get(Resident, baby).arrived_by == "birth"


def test_a_merged_household_names_another_household_of_its_grid(world, device_factory):
    staff = device_factory("staff")
    pull_until(staff)
    first, second = world.households[0].id, world.households[1].id
    neighbour = staff.create("household", {"building_id": world.buildings[0].id, "unit": 1, "floor": 5, "room": "502"})
    staff.update("household", first, {"status": "merged"})
    staff.update("household", first, {"status": "merged", "merged_into_id": first})
    staff.update("household", first, {"status": "merged", "merged_into_id": second})
    staff.update("household", first, {"merged_into_id": neighbour})
    staff.update("household", first, {"status": "merged", "merged_into_id": neighbour})
    results = staff.push()
    assert results[0]["status"] == "accepted"
    assert field_codes(results[1]) == {"merged_into_id": "merged_into_required"}
    assert field_codes(results[2]) == {"merged_into_id": "merged_into_self"}
    assert field_codes(results[3]) == {"merged_into_id": "merged_into_unknown"}
    assert field_codes(results[4]) == {"merged_into_id": "merged_into_only_merged"}
    assert results[5]["status"] == "accepted"
    db.session.rollback()
    row = db.session.get(Household, first)
    assert (row.status, row.merged_into_id) == ("merged", neighbour)


def test_a_lease_end_belongs_to_a_rented_home(world, device_factory):
    phone = device_factory("worker")
    pull_until(phone)
    household = world.households[0].id
    phone.update("household", household, {"lease_end": "2027-01-31"})
    phone.update("household", household, {"housing_use": "rented", "lease_end": "2027-01-31", "landlord_name": "刘房东"})
    results = phone.push()
    assert field_codes(results[0]) == {"lease_end": "lease_for_rented_only"}
    assert results[1]["status"] == "accepted"
    db.session.rollback()
    assert str(db.session.get(Household, household).lease_end) == "2027-01-31"


def test_a_household_registered_offline_with_its_resident_and_a_death_ending_tags(world, device_factory):
    phone = device_factory("worker")
    pull_until(phone)
    household = phone.create("household", {
        "building_id": world.buildings[0].id, "unit": 2, "floor": 3, "room": "301", "housing_use": "rented",
        "lease_end": "2027-05-01", "status": "active",
    })
    tenant = phone.create("resident", {"household_id": household, "name": "王租客", "sex": "male",
                                       "arrived_by": "move_in", "moved_in_on": "2026-10-01", "moved_in_from": "河南省周口市"})
    tag = phone.create("resident_tag", {"resident_id": tenant, "tag": "tenant", "started_on": "2026-10-01"})
    phone.update("resident", tenant, {"left_by": "death", "moved_out_on": "2026-11-01"})
    phone.update("resident_tag", tag, {"ended_on": "2026-11-01"})
    assert [r["status"] for r in phone.push()] == ["accepted"] * 5
    db.session.rollback()
    person = db.session.get(Resident, tenant)
    assert (person.grid_id, person.moved_in_from, person.left_by) == (world.grids[0].id, "河南省周口市", "death")
    assert str(db.session.get(ResidentTag, tag).ended_on) == "2026-11-01"


def test_staff_see_the_household_it_joined_and_the_lease(app, world, device_factory):
    from tests.console.conftest import StaffClient

    staff = device_factory("staff")
    pull_until(staff)
    first = world.households[0].id
    neighbour = staff.create("household", {"building_id": world.buildings[0].id, "unit": 2, "floor": 4, "room": "402",
                                           "housing_use": "rented", "lease_end": "2027-01-31"})
    staff.update("household", first, {"status": "merged", "merged_into_id": neighbour})
    assert [r["status"] for r in staff.push()] == ["accepted", "accepted"]
    client = StaffClient(app.test_client())
    assert client.login("staff").status_code == 302
    page = client.get(f"/console/households/{first}").text
    assert "已合并" in page and f'href="/console/households/{neighbour}"' in page
    assert "2027-01-31" in client.get(f"/console/households/{neighbour}").text
