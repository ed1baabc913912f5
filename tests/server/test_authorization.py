"""Who may read and write what, through the real API: role × operation × in/out of scope.

Roles of the world fixture: `worker` (grid 0), `volunteer` (patrol volunteer of grid 0), `staff`
(the community of grids 0 and 1), `admin` (the street), `far_staff` (the other community, whose only
grid is `far_grid`). An extra street with one grid (`street2`) lies outside even the admin's scope.
"""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace

import pytest

from server.areas.operations import add_area, add_building
from server.auth.operations import create_user
from server.cases.models import CaseStep, Finding
from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Household, Resident, ResidentTag
from server.syncapi.direct import DirectWriter
from server.core import sensitive
from server.syncapi.entities import ENTITIES
from server.syncapi.projection import tag_specs
from server.syncapi.models import Change, SyncRow
from sync import PROTOCOL_VERSION
from sync.ids import uuid7
from tests.conftest import PASSWORD, build_world, make_app, wsgi_send

AT = "2026-03-01T08:00:00Z"



# -- the world, extended by a street nobody in it may see ---------------------------------------

def extend(app, world):
    """Add a second street (with its own staff and worker) to a world built by build_world."""
    writer = DirectWriter(db.session, app.extensions["wangge_clock"])
    street2 = add_area(writer, "street", "光明街道")
    community2 = add_area(writer, "community", "光明社区", street2)
    grid2 = add_area(writer, "grid", "光明第1网格", community2)
    building2 = add_building(writer, grid2, "7", units=1, floors=6)
    household2 = writer.put("household", Household(id=uuid7(), building_id=building2.id, grid_id=grid2.id,
                                                   unit=1, floor=2, room="201"))
    resident2 = writer.put("resident", Resident(id=uuid7(), household_id=household2.id, grid_id=grid2.id,
                                               name="马桂兰", sex="female"))
    world.users["worker_s2"] = create_user("worker_s2", PASSWORD, "光明网格员", "grid_worker", [grid2.id])
    world.users["staff_s2"] = create_user("staff_s2", PASSWORD, "光明社区员", "community_staff", [community2.id])
    db.session.commit()
    grids = {
        "grid0": SimpleNamespace(grid=world.grids[0], building=world.buildings[0],
                                 household=world.households[0], resident=world.residents[0]),
        "grid1": SimpleNamespace(grid=world.grids[1], building=world.buildings[1],
                                 household=world.households[1], resident=world.residents[1]),
        "far_grid": SimpleNamespace(grid=world.far_grid, building=world.buildings[2],
                                    household=world.households[2], resident=world.residents[2]),
        "street2": SimpleNamespace(grid=grid2, building=building2, household=household2, resident=resident2),
    }
    # Someone (never the acting user) reported a finding in every grid, for the case-step writes.
    for key, place in grids.items():
        place.reporter = world.users[REPORTERS[key]]
        place.finding = seed_finding(app, place.grid, place.reporter)
    db.session.commit()
    world.street2 = street2
    world.community2 = community2
    world.place = grids
    return world


REPORTERS = {"grid0": "worker2", "grid1": "worker_b", "far_grid": "far_staff", "street2": "worker_s2"}


@pytest.fixture
def city(app, world):
    return extend(app, world)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One city for the whole push matrix: every case writes new records or its own finding, so
    the cases cannot disturb each other, and the matrix runs in seconds instead of a minute."""
    app = make_app("sqlite", tmp_path_factory.mktemp("authz"))
    with app.app_context():
        world = extend(app, build_world(app))
        yield SimpleNamespace(app=app, city=world)
        db.session.remove()


def seed_finding(app, grid, reporter, status="reported") -> Finding:
    writer = DirectWriter(db.session, app.extensions["wangge_clock"], user=reporter)
    return writer.put("finding", Finding(
        id=uuid7(), grid_id=grid.id, reporter_id=reporter.id, category="safety_plaster",
        description="楼道墙皮脱落", reported_at=_dt(AT), status=status))


def _dt(text):
    return datetime.fromisoformat(text.replace("Z", ""))


def push_one(device, entity, record_id, fields, op="upsert") -> dict:
    if op == "delete":
        device.delete(entity, record_id)
    else:
        device.update(entity, record_id, fields)
    results = device.push()
    assert len(results) == 1, results
    return results[0]


# -- push matrix ---------------------------------------------------------------------------------

# role -> [(target grid, in scope?)]
TARGETS = {
    "worker": [("grid0", True), ("grid1", False), ("far_grid", False)],
    "volunteer": [("grid0", True), ("grid1", False)],
    "staff": [("grid0", True), ("grid1", True), ("far_grid", False)],
    "admin": [("grid0", True), ("far_grid", True), ("street2", False)],
    "far_staff": [("far_grid", True), ("grid0", False)],
}
OPERATIONS = ["create_resident", "create_household", "create_visit", "create_finding", "create_resident_tag",
              "create_building", "accept_case", "update_resident", "update_area"]
RESIDENT_DATA = {"create_resident", "create_household", "create_visit", "create_resident_tag",
                 "create_building", "update_resident"}


def expected_code(role: str, op: str, in_scope: bool) -> str | None:
    """None means accepted."""
    if op == "update_area":
        return "read_only_entity"
    if role == "volunteer" and op in RESIDENT_DATA:
        return "forbidden"  # no resident data for volunteers, in their grid or anywhere
    if not in_scope:
        return "out_of_scope"
    if op == "accept_case" and role in ("worker", "volunteer"):
        return "forbidden"  # accepting a case is the community's step
    if op == "update_resident" and role == "admin":
        return "field_not_permitted"  # a phone number: a street admin's device never holds one
    return None


def operation(op: str, place) -> tuple[str, str, dict]:
    """(entity, record id, fields) of one write aimed at `place`."""
    if op == "create_resident":
        return "resident", uuid7(), {"household_id": place.household.id, "name": "刘建国", "sex": "male",
                                     "birth_date": "1948-03-02"}
    if op == "create_household":
        return "household", uuid7(), {"building_id": place.building.id, "unit": 1, "floor": 3, "room": "302"}
    if op == "create_visit":
        return "visit", uuid7(), {"household_id": place.household.id, "visited_at": AT, "method": "in_person",
                                  "outcome": "normal", "resident_ids": [place.resident.id]}
    if op == "create_finding":
        return "finding", uuid7(), {"grid_id": place.grid.id, "category": "safety_plaster",
                                    "description": "消防通道堆放杂物", "reported_at": AT}
    if op == "create_resident_tag":
        return "resident_tag", uuid7(), {"resident_id": place.resident.id, "tag": "elderly_alone",
                                         "detail": {"risk_level": "high"}}
    if op == "create_building":
        return "building", uuid7(), {"grid_id": place.grid.id, "number": "12", "floors": 18}
    if op == "accept_case":
        return "case_step", uuid7(), {"finding_id": place.finding.id, "from_status": "reported",
                                      "to_status": "accepted", "at": AT, "opinion": "已受理"}
    if op == "update_resident":
        return "resident", place.resident.id, {"phone": "13800138000"}
    if op == "update_area":
        return "area", place.grid.id, {"name": "改名网格"}
    raise AssertionError(op)


MATRIX = [
    pytest.param(role, op, target, in_scope, id=f"{role}-{op}-{target}-{'in' if in_scope else 'out'}")
    for role, targets in TARGETS.items()
    for target, in_scope in targets
    for op in OPERATIONS
]


@pytest.mark.parametrize("role,op,target,in_scope", MATRIX)
def test_push_matrix(shared, device_factory, role, op, target, in_scope):
    app, city = shared.app, shared.city
    place = city.place[target]
    if op == "accept_case":
        place.finding = seed_finding(app, place.grid, place.reporter)  # fresh, still "reported"
        db.session.commit()
    device = device_factory(role, app=app)
    entity, record_id, fields = operation(op, place)
    model = ENTITIES[entity].model
    before = ENTITIES[entity].dump(db.session.get(model, record_id)) if db.session.get(model, record_id) else None
    db.session.rollback()

    result = push_one(device, entity, record_id, fields)

    code = expected_code(role, op, in_scope)
    change = db.session.get(Change, result["id"])
    assert change is not None, "every change is kept on the server, accepted or not"
    if code is None:
        assert result["status"] == "accepted", result
        assert change.status == "accepted"
        row = db.session.get(model, record_id)
        assert row is not None and not row.deleted
        stored = ENTITIES[entity].dump(row)
        for name, value in fields.items():
            assert stored[name] == value, name
        assert device.outbox() == [] and device.outbox("rejected") == []
        user = city.users[role]
        if entity == "visit":
            assert row.visitor_id == user.id
        if entity == "finding":
            assert (row.reporter_id, row.status) == (user.id, "reported")
        if entity == "case_step":
            assert row.actor_id == user.id
            assert db.session.get(Finding, place.finding.id).status == "accepted"
        # The write is in the pull index, where it belongs.
        assert db.session.get(SyncRow, (entity, record_id)).grid_id == place.grid.id
    else:
        assert result["status"] == "rejected", result
        assert result["code"] == code, result
        assert result["message"] and result["message_en"]
        assert change.status == "rejected" and change.result["code"] == code
        row = db.session.get(model, record_id)
        if before is None:
            assert row is None, "a rejected create leaves nothing behind"
            assert db.session.get(SyncRow, (entity, record_id)) is None
        else:
            assert ENTITIES[entity].dump(row) == before, "a rejected update changes nothing"
        if entity == "case_step":
            assert db.session.get(Finding, place.finding.id).status == "reported"
        # ... and it stays on the device for the worker to fix.
        [kept] = device.outbox("rejected")
        assert kept["id"] == result["id"] and kept["result"]["code"] == code


@pytest.mark.parametrize("role", list(TARGETS))
@pytest.mark.parametrize("entity,fields", [
    ("care_tag_type", {"name_zh": "自定义", "name_en": "Custom", "interval_days": 1}),
    ("finding_category", {"name_zh": "其他", "name_en": "Other"}),
    ("area", {"name": "新网格"}),
])
def test_dictionaries_and_the_area_tree_are_read_only_for_every_role(shared, device_factory, role, entity,
                                                                     fields):
    city = shared.city
    device = device_factory(role, app=shared.app)
    record_id = uuid7()  # a new entry: devices never create dictionary entries or areas either
    if entity == "area":
        fields = {**fields, "level": "grid", "parent_id": city.community.id}
    result = push_one(device, entity, record_id, fields)
    assert (result["status"], result["code"]) == ("rejected", "read_only_entity")
    assert db.session.get(ENTITIES[entity].model, record_id) is None
    assert db.session.get(SyncRow, (entity, record_id)) is None


@pytest.mark.parametrize("role", ["worker", "staff", "admin"])
@pytest.mark.parametrize("entity,record_id,fields", [
    ("care_tag_type", "elderly_alone", {"interval_days": 1}),
    ("finding_category", "safety_plaster", {"name_zh": "墙皮"}),
])
def test_existing_dictionary_entries_cannot_be_changed(shared, device_factory, role, entity, record_id, fields):
    """Dictionary ids are codes, not UUIDs: the change is refused at the envelope, per change."""
    device = device_factory(role, app=shared.app)
    model = ENTITIES[entity].model
    before = ENTITIES[entity].dump(db.session.get(model, record_id))
    result = push_one(device, entity, record_id, fields)
    assert result["status"] == "rejected"
    assert result["code"] in ("read_only_entity", "invalid_request"), result
    if result["code"] == "invalid_request":
        assert "record_id" in result["fields"]
    assert ENTITIES[entity].dump(db.session.get(model, record_id)) == before


@pytest.mark.parametrize("role", ["worker", "staff", "admin"])
def test_deleting_a_resident_tag_follows_the_same_scope(app, city, device_factory, role):
    writer = DirectWriter(db.session, app.extensions["wangge_clock"])
    tags = {}
    for key in ("grid0", "far_grid"):
        place = city.place[key]
        tags[key] = writer.put("resident_tag", ResidentTag(
            id=uuid7(), resident_id=place.resident.id, grid_id=place.grid.id, tag="elderly_80plus", detail={})).id
    db.session.commit()
    device = device_factory(role)
    assert push_one(device, "resident_tag", tags["grid0"], {}, op="delete")["status"] == "accepted"
    far = push_one(device, "resident_tag", tags["far_grid"], {}, op="delete")
    if role == "admin":
        assert far["status"] == "accepted"
    else:
        assert (far["status"], far["code"]) == ("rejected", "out_of_scope")
        assert db.session.get(ResidentTag, tags["far_grid"]).deleted is False
    assert db.session.get(ResidentTag, tags["grid0"]).deleted is True


def test_volunteer_cannot_delete_a_resident_tag(app, city, device_factory):
    writer = DirectWriter(db.session, app.extensions["wangge_clock"])
    tag = writer.put("resident_tag", ResidentTag(id=uuid7(), resident_id=city.residents[0].id,
                                                 grid_id=city.grids[0].id, tag="elderly_80plus", detail={}))
    db.session.commit()
    result = push_one(device_factory("volunteer"), "resident_tag", tag.id, {}, op="delete")
    assert (result["status"], result["code"]) == ("rejected", "forbidden")
    assert db.session.get(ResidentTag, tag.id).deleted is False


# -- findings and case steps: whose is whose -----------------------------------------------------

def report(device, grid, text="井盖缺失") -> str:
    fid = device.create("finding", {"grid_id": grid.id, "category": "safety_plaster", "description": text,
                                    "reported_at": AT})
    [result] = device.push()
    assert result["status"] == "accepted", result
    return fid


def step(device, finding_id, from_status, to_status, **extra) -> dict:
    return push_one(device, "case_step", uuid7(), {"finding_id": finding_id, "from_status": from_status,
                                                   "to_status": to_status, "at": AT, **extra})


def walk(device, finding_id, *statuses):
    """Take a case through consecutive stages, each step accepted."""
    for a, b in zip(statuses, statuses[1:]):
        result = step(device, finding_id, a, b)
        assert result["status"] == "accepted", result
    assert db.session.get(Finding, finding_id).status == statuses[-1]
    db.session.rollback()


def test_grid_worker_cannot_update_a_finding_someone_else_reported(city, device_factory):
    worker, worker2 = device_factory("worker"), device_factory("worker2")
    theirs = report(worker2, city.grids[0], "路灯不亮")
    mine = report(worker, city.grids[0], "路面塌陷")
    result = push_one(worker, "finding", theirs, {"description": "改掉别人的描述"})
    assert (result["status"], result["code"]) == ("rejected", "forbidden")
    assert db.session.get(Finding, theirs).description == "路灯不亮"
    assert push_one(worker, "finding", mine, {"description": "路面塌陷约一平米"})["status"] == "accepted"
    assert db.session.get(Finding, mine).description == "路面塌陷约一平米"
    # Staff of the community may correct any finding in it.
    staff = device_factory("staff")
    assert push_one(staff, "finding", theirs, {"urgency": "urgent"})["status"] == "accepted"


def test_volunteer_cannot_step_another_reporters_finding(city, device_factory):
    volunteer, worker, staff = device_factory("volunteer"), device_factory("worker"), device_factory("staff")
    theirs = report(worker, city.grids[0])
    own = report(volunteer, city.grids[0])
    for fid in (theirs, own):
        walk(staff, fid, "reported", "accepted", "in_progress", "resolved")
    result = step(volunteer, theirs, "resolved", "verified")
    assert (result["status"], result["code"]) == ("rejected", "forbidden")
    result = step(volunteer, theirs, "resolved", "in_progress")
    assert (result["status"], result["code"]) == ("rejected", "forbidden")
    assert db.session.get(Finding, theirs).status == "resolved"
    # Its own finding it may re-check.
    assert step(volunteer, own, "resolved", "verified")["status"] == "accepted"
    assert db.session.get(Finding, own).status == "verified"
    # But accepting (a community step) stays forbidden even on its own report.
    fresh = report(volunteer, city.grids[0], "高空坠物隐患")
    result = step(volunteer, fresh, "reported", "accepted")
    assert (result["status"], result["code"]) == ("rejected", "forbidden")


def test_volunteer_cannot_update_another_reporters_finding(city, device_factory):
    volunteer, worker = device_factory("volunteer"), device_factory("worker")
    theirs = report(worker, city.grids[0], "乱堆乱放")
    result = push_one(volunteer, "finding", theirs, {"description": "志愿者改的"})
    assert (result["status"], result["code"]) == ("rejected", "forbidden")
    assert db.session.get(Finding, theirs).description == "乱堆乱放"


def test_staff_moves_a_case_from_reported_to_accepted_and_the_reporter_sees_it(city, device_factory):
    volunteer, staff = device_factory("volunteer"), device_factory("staff")
    fid = report(volunteer, city.grids[0])
    volunteer.pull()
    assert volunteer.server_copy()[("finding", fid)]["status"] == "reported"
    result = step(staff, fid, "reported", "accepted", opinion="社区已受理")
    assert result["status"] == "accepted", result
    finding = db.session.get(Finding, fid)
    assert finding.status == "accepted"
    [case_step] = db.session.scalars(db.select(CaseStep).where(CaseStep.finding_id == fid)).all()
    assert (case_step.from_status, case_step.to_status, case_step.actor_id) == \
        ("reported", "accepted", city.users["staff"].id)
    assert volunteer.pull()["verified"] is True
    copy = volunteer.server_copy()
    assert copy[("finding", fid)]["status"] == "accepted"
    assert copy[("case_step", case_step.id)]["to_status"] == "accepted"
    # A second, stale "reported → accepted" is refused, not applied twice.
    again = step(staff, fid, "reported", "accepted")
    assert (again["status"], again["code"]) == ("rejected", "stale_transition")
    # Staff of another community cannot touch it.
    far = step(device_factory("far_staff"), fid, "accepted", "in_progress")
    assert (far["status"], far["code"]) == ("rejected", "out_of_scope")


def test_worker_verifies_only_their_own_resolved_finding(city, device_factory):
    worker, worker2, staff = device_factory("worker"), device_factory("worker2"), device_factory("staff")
    own = report(worker, city.grids[0], "燃气管道锈蚀")
    theirs = report(worker2, city.grids[0], "电线私拉乱接")
    # Not yet resolved: verifying is not a legal step.
    early = step(worker, own, "reported", "verified")
    assert (early["status"], early["code"]) == ("rejected", "illegal_transition")
    for fid in (own, theirs):
        walk(staff, fid, "reported", "accepted", "dispatched")
    # A step that names the wrong current stage is stale, not illegal.
    stale = step(worker, own, "resolved", "verified")
    assert (stale["status"], stale["code"]) == ("rejected", "stale_transition")
    for fid in (own, theirs):
        walk(staff, fid, "dispatched", "in_progress", "resolved")
    other = step(worker, theirs, "resolved", "verified")
    assert (other["status"], other["code"]) == ("rejected", "forbidden")
    assert db.session.get(Finding, theirs).status == "resolved"
    mine = step(worker, own, "resolved", "verified")
    assert mine["status"] == "accepted", mine
    assert db.session.get(Finding, own).status == "verified"
    # Closing is the community's step again.
    close = step(worker, own, "verified", "closed")
    assert (close["status"], close["code"]) == ("rejected", "forbidden")
    assert step(staff, own, "verified", "closed")["status"] == "accepted"


def test_append_only_records_cannot_be_changed_even_by_their_author(city, device_factory):
    worker = device_factory("worker")
    vid = worker.create("visit", {"household_id": city.households[0].id, "visited_at": AT, "method": "phone",
                                  "outcome": "normal"})
    assert worker.push()[0]["status"] == "accepted"
    result = push_one(worker, "visit", vid, {"notes": "补记"})
    assert (result["status"], result["code"]) == ("rejected", "append_only")
    result = push_one(worker, "visit", vid, {}, op="delete")
    assert (result["status"], result["code"]) == ("rejected", "append_only")
    result = push_one(worker, "resident", city.residents[0].id, {}, op="delete")
    assert (result["status"], result["code"]) == ("rejected", "delete_not_allowed")


def test_records_cannot_be_moved_into_another_grid(city, device_factory):
    staff = device_factory("staff")  # may write both grids, still may not move records between them
    result = push_one(staff, "resident", city.residents[0].id, {"household_id": city.households[1].id})
    assert (result["status"], result["code"]) == ("rejected", "cross_grid_move")
    assert db.session.get(Resident, city.residents[0].id).household_id == city.households[0].id


def test_a_worker_cannot_reference_an_out_of_scope_resident_in_a_visit(city, device_factory):
    worker = device_factory("worker")
    # In-scope household, but a resident of another grid's household.
    vid = worker.create("visit", {"household_id": city.households[0].id, "visited_at": AT,
                                  "method": "in_person", "outcome": "normal",
                                  "resident_ids": [city.residents[1].id]})
    [result] = worker.push()
    assert result["status"] == "rejected"
    assert result["code"] == "validation_failed" and "resident_ids" in result["fields"]
    assert db.session.get(Visit, vid) is None


# -- pull: exactly the scope -------------------------------------------------------------------

def populate(app, city, device_factory) -> dict:
    """Records of every kind in every grid, written through the API; {grid key: {(entity, id)}}."""
    devices = {"grid0": device_factory("worker"), "grid1": device_factory("worker_b"),
               "far_grid": device_factory("far_staff"), "street2": device_factory("worker_s2")}
    staff = {"grid0": device_factory("staff"), "grid1": device_factory("staff"),
             "far_grid": devices["far_grid"], "street2": device_factory("staff_s2")}
    volunteer = device_factory("volunteer")
    by_grid: dict[str, set] = {}
    for key, device in devices.items():
        place = city.place[key]
        records = {("area", place.grid.id), ("building", place.building.id), ("household", place.household.id),
                   ("resident", place.resident.id), ("finding", place.finding.id)}
        rid = device.create("resident", {"household_id": place.household.id, "name": "黄小明", "sex": "male"})
        tid = device.create("resident_tag", {"resident_id": rid, "tag": "elderly_80plus"})
        vid = device.create("visit", {"household_id": place.household.id, "visited_at": AT, "method": "phone",
                                      "outcome": "not_home"})
        fid = device.create("finding", {"grid_id": place.grid.id, "category": "safety_plaster",
                                        "description": "外墙瓷砖松动", "reported_at": AT})
        results = device.push()
        assert [r["status"] for r in results] == ["accepted"] * 4, results
        records |= {("resident", rid), ("resident_tag", tid), ("visit", vid), ("finding", fid)}
        sid = uuid7()
        result = push_one(staff[key], "case_step", sid, {"finding_id": place.finding.id, "from_status": "reported",
                                                          "to_status": "accepted", "at": AT})
        assert result["status"] == "accepted", result
        records.add(("case_step", sid))
        by_grid[key] = records
    # The volunteer's own finding in grid 0, accepted by staff.
    vf = report(volunteer, city.grids[0], "夜间路灯不亮")
    vs = uuid7()
    assert push_one(staff["grid0"], "case_step", vs, {"finding_id": vf, "from_status": "reported",
                                                       "to_status": "accepted", "at": AT})["status"] == "accepted"
    by_grid["grid0"] |= {("finding", vf), ("case_step", vs)}
    by_grid["volunteer"] = {("finding", vf), ("case_step", vs)}
    return by_grid


def expected_scope(city, by_grid, role) -> set:
    dictionaries = {("care_tag_type", i) for i in db.session.scalars(db.select(ENTITIES["care_tag_type"].model.id))}
    dictionaries |= {("finding_category", i)
                     for i in db.session.scalars(db.select(ENTITIES["finding_category"].model.id))}
    assert len(dictionaries) > 10
    if role == "volunteer":
        return dictionaries | {("area", city.grids[0].id)} | by_grid["volunteer"]
    grids = {"worker": ["grid0"], "staff": ["grid0", "grid1"], "far_staff": ["far_grid"],
             "admin": ["grid0", "grid1", "far_grid"]}[role]
    areas = {"worker": [], "staff": [city.community], "far_staff": [city.other_community],
             "admin": [city.street, city.community, city.other_community]}[role]
    out = set(dictionaries) | {("area", a.id) for a in areas}
    for key in grids:
        out |= by_grid[key]
    return out


@pytest.mark.parametrize("role", ["worker", "volunteer", "staff", "admin", "far_staff"])
def test_pull_serves_exactly_the_scope(app, city, device_factory, role):
    by_grid = populate(app, city, device_factory)
    device = device_factory(role)
    summary = device.pull()
    assert summary["verified"] is True
    copy = device.server_copy()
    assert set(copy) == expected_scope(city, by_grid, role)
    kinds = {entity for entity, _ in copy}
    if role == "volunteer":
        assert not kinds & {"household", "resident", "resident_tag", "visit", "building"}
        assert [i for e, i in copy if e == "area"] == [city.grids[0].id]
        assert all(fields["reporter_id"] == city.users["volunteer"].id
                   for (e, _), fields in copy.items() if e in ("finding", "case_step"))
    # What was received is the server's current state of each record.
    # (less the personal numbers a street admin's or volunteer's device does not receive).
    for (entity, record_id), fields in copy.items():
        state = ENTITIES[entity].dump(db.session.get(ENTITIES[entity].model, record_id))
        role_code = city.users[role].role
        assert fields == sensitive.project(entity, state, role_code, tag_specs(db.session, entity, state))
    # A second pull brings nothing new and still verifies.
    again = device.pull()
    assert (again["records"], again["verified"]) == (0, True)


def test_pull_never_leaks_a_later_out_of_scope_write(city, device_factory):
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    worker.pull()
    rid = worker_b.create("resident", {"household_id": city.households[1].id, "name": "隔壁网格", "sex": "male"})
    assert worker_b.push()[0]["status"] == "accepted"
    summary = worker.pull()
    assert summary["records"] == 0 and summary["verified"] is True
    assert ("resident", rid) not in worker.server_copy()


# -- authentication ----------------------------------------------------------------------------

def _headers(**extra):
    return {"X-Wangge-Protocol": str(PROTOCOL_VERSION), "X-Wangge-App": "0.1.0",
            "Content-Type": "application/json", **extra}


def _push_body(city):
    change = {"id": uuid7(), "entity": "resident", "record_id": uuid7(), "op": "upsert",
              "hlc": "001767225600000-00000-dev", "base": {},
              "fields": {"household_id": city.households[0].id, "name": "无名", "sex": "male"}}
    return json.dumps({"changes": [change]}).encode()


@pytest.mark.parametrize("authorization,code", [
    (None, "auth_required"),
    ("Bearer ", "auth_required"),
    ("Basic d29ya2VyOmdyaWQtcGFzcy0yMDI2", "auth_required"),
    ("Bearer garbage-token", "token_invalid"),
    ("Bearer " + "A" * 43, "token_invalid"),
])
@pytest.mark.parametrize("method,path", [("POST", "/api/sync/push"), ("GET", "/api/sync/pull")])
def test_requests_without_a_valid_token_are_refused(app, city, authorization, code, method, path):
    send = wsgi_send(app)
    headers = _headers(**({"Authorization": authorization} if authorization is not None else {}))
    changes_before = db.session.scalar(db.select(db.func.count()).select_from(Change))
    reply = send(method, path, headers, _push_body(city) if method == "POST" else None)
    assert reply.status == 401
    assert reply.body["code"] == code
    assert reply.body["message"] and reply.body["message_en"]
    assert "records" not in reply.body and "results" not in reply.body
    assert db.session.scalar(db.select(db.func.count()).select_from(Change)) == changes_before


def test_a_token_of_a_real_device_works_where_a_garbage_one_does_not(app, city, device_factory):
    device = device_factory("worker")
    send = wsgi_send(app)
    token = device._meta("token")
    ok = send("GET", "/api/sync/pull", _headers(Authorization=f"Bearer {token}"), None)
    assert ok.status == 200 and ok.body["records"]
    bad = send("GET", "/api/sync/pull", _headers(Authorization=f"Bearer {token[:-2]}xx"), None)
    assert (bad.status, bad.body["code"]) == (401, "token_invalid")


@pytest.mark.parametrize("entity,fields", [
    ("finding", {"status": "closed"}),                       # the case stage moves only by steps
    ("finding", {"reporter_id": "01900000-0000-7000-8000-000000000001"}),  # nobody reports as another
    ("visit", {"visitor_id": "01900000-0000-7000-8000-000000000001"}),
])
def test_server_owned_fields_cannot_be_written_by_a_device(city, device_factory, entity, fields):
    worker = device_factory("worker")
    if entity == "finding":
        record_id = report(worker, city.grids[0])
        before = ENTITIES["finding"].dump(db.session.get(Finding, record_id))
        db.session.rollback()
        result = push_one(worker, "finding", record_id, fields)
        assert ENTITIES["finding"].dump(db.session.get(Finding, record_id)) == before
    else:
        record_id = uuid7()
        result = push_one(worker, "visit", record_id, {"household_id": city.households[0].id, "visited_at": AT,
                                                       "method": "phone", "outcome": "normal", **fields})
        assert db.session.get(Visit, record_id) is None
    assert (result["status"], result["code"]) == ("rejected", "validation_failed")
    assert set(result["fields"]) == set(fields)
