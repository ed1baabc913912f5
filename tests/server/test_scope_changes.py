"""Scope follows the user and replicas can be verified (docs/sync-protocol.md).

A grid worker starts with grid 0. Granting a second grid must bring every record of it on the next
pull, including records last written long before the device's cursor; taking it away must make the
device drop all of it. Lost responses, checksum mismatches and scope changes in the middle of a paged
back-fill must all end in a verified replica that equals the server's state of the scope.
"""

from __future__ import annotations

import json

import pytest

from server.areas.models import Area
from server.auth.models import Assignment
from server.extensions import db
from server.registry.models import ResidentTag
from server.syncapi.entities import ENTITIES
from sync.client import SyncClient
from sync.transport import LostResponse, Offline

AT = "2026-03-01T08:00:00Z"
GRID_ENTITIES = ("building", "household", "unit", "resident", "resident_tag", "visit", "finding", "case_step")



# -- helpers ---------------------------------------------------------------------------------------

class Tap:
    """Sits under a device's FlakyNetwork: records every reply, and can lose the reply of chosen
    requests (the server handled them) or cut the network before a chosen request."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls = 0
        self.replies: list[tuple[str, dict]] = []
        self.lose: set[int] = set()      # request numbers (1-based) whose reply is lost
        self.cut_after: int | None = None  # requests allowed before the network goes down

    def __call__(self, method, path, headers, body):
        if self.cut_after is not None and self.calls >= self.cut_after:
            raise Offline("cut")
        self.calls += 1
        reply = self.inner(method, path, headers, body)
        self.replies.append((path.split("?")[0], reply.body))
        if self.calls in self.lose:
            raise LostResponse("lost")
        return reply

    def pulls(self) -> list[dict]:
        return [body for path, body in self.replies if path == "/api/sync/pull"]


def tapped(device: SyncClient) -> Tap:
    tap = Tap(device.network.inner)
    device.network.inner = tap
    return tap


def dictionaries() -> dict:
    out = {}
    for name in ("care_tag_type", "finding_category"):
        entity = ENTITIES[name]
        for row in db.session.scalars(db.select(entity.model).where(entity.model.deleted.is_(False))):
            out[(name, row.id)] = entity.dump(row)
    return out


def expected_worker_scope(grid_ids) -> dict:
    """The server's state of a grid worker's scope, read from the tables themselves (not the pull index)."""
    grid_ids = list(grid_ids)
    out = dictionaries()
    for area in db.session.scalars(db.select(Area).where(Area.id.in_(grid_ids))):
        out[("area", area.id)] = ENTITIES["area"].dump(area)
    for name in GRID_ENTITIES:
        entity = ENTITIES[name]
        model = entity.model
        for row in db.session.scalars(db.select(model).where(model.grid_id.in_(grid_ids), model.deleted.is_(False))):
            out[(name, row.id)] = entity.dump(row)
    db.session.rollback()
    return out


def grid_records(device: SyncClient, grid_id: str) -> set:
    """Records in the device's replica that sit in the grid (by the scope the server sent)."""
    rows = device.db.execute("SELECT entity, id, scope FROM records").fetchall()
    return {(e, i) for e, i, s in rows if json.loads(s).get("grid_id") == grid_id}


def assign(user, area) -> None:
    db.session.add(Assignment(user_id=user.id, area_id=area.id))
    db.session.commit()


def unassign(user, area) -> None:
    db.session.execute(db.delete(Assignment).where(Assignment.user_id == user.id, Assignment.area_id == area.id))
    db.session.commit()
    db.session.expire_all()


def fill_grid(device: SyncClient, household_id: str, residents: int = 3, visits: int = 2) -> dict:
    """Records written through the API in one grid: residents with tags, visits, a finding."""
    made = {"resident": [], "resident_tag": [], "visit": [], "finding": []}
    for i in range(residents):
        rid = device.create("resident", {"household_id": household_id, "name": f"居民{i}", "sex": "female",
                                         "birth_date": f"19{40 + i}-01-0{1 + i % 9}"})
        made["resident"].append(rid)
        made["resident_tag"].append(device.create("resident_tag", {"resident_id": rid, "tag": "elderly_80plus"}))
    for _ in range(visits):
        made["visit"].append(device.create("visit", {"household_id": household_id, "visited_at": AT,
                                                     "method": "doorstep", "outcome": "normal"}))
    results = device.push()
    assert {r["status"] for r in results} == {"accepted"}, results
    return made


def assert_replica_is_scope(device: SyncClient, grid_ids, repairs: int = 0) -> None:
    # A repair would hide a broken back-fill or drop (the re-download fixes the replica), so
    # outside the repair tests none may have happened.
    assert device.repairs == repairs
    expected = expected_worker_scope(grid_ids)
    copy = device.server_copy()
    assert set(copy) - set(expected) == set(), "records outside the scope"
    assert set(expected) - set(copy) == set(), "records of the scope missing"
    assert copy == expected


# -- scope grows -----------------------------------------------------------------------------------

def test_granted_grid_arrives_in_full_including_records_older_than_the_cursor(app, world, device_factory):
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    g0, g1 = world.grids
    old = fill_grid(worker_b, world.households[1].id)  # written long before the worker's cursor
    tag_gone = old["resident_tag"][0]
    assert worker_b.delete("resident_tag", tag_gone) and worker_b.push()[0]["status"] == "accepted"
    fill_grid(worker, world.households[0].id, residents=2, visits=1)
    assert worker.pull()["verified"] is True
    assert_replica_is_scope(worker, [g0.id])
    assert grid_records(worker, g1.id) == set()
    # The worker keeps working in grid 0 and syncs a few times: the cursor moves well past grid 1's records.
    for i in range(3):
        worker.update("resident", world.residents[0].id, {"notes": f"第{i}次走访记录"})
        worker.sync()
    # An edit in grid 1 after the cursor, before the grant: it must come too (once).
    worker_b.update("resident", old["resident"][1], {"phone": "13912345678"})
    assert worker_b.push()[0]["status"] == "accepted"

    assign(world.users["worker"], g1)
    tap = tapped(worker)
    summary = worker.pull()
    assert summary["verified"] is True
    assert_replica_is_scope(worker, [g0.id, g1.id])
    copy = worker.server_copy()
    assert ("resident_tag", tag_gone) not in copy, "a tombstone is never back-filled as a record"
    assert copy[("resident", old["resident"][1])]["phone"] == "13912345678"
    assert ("area", g1.id) in copy and ("building", world.buildings[1].id) in copy
    # The grids' community's dictionary key stays: both grids are in the same community.
    assert tap.pulls()[-1]["scope"] == sorted(["*", f"d:{g0.parent_id}", f"g:{g0.id}", f"g:{g1.id}"])
    # Nothing of grid 1 was sent twice in a way that matters, and nothing more arrives afterwards.
    again = worker.pull()
    assert (again["records"], again["verified"]) == (0, True)


def test_a_new_device_of_a_granted_user_gets_the_same_replica(app, world, device_factory):
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    fill_grid(worker_b, world.households[1].id)
    worker.pull()
    assign(world.users["worker"], world.grids[1])
    assert worker.pull()["verified"] is True
    fresh = device_factory("worker")
    assert fresh.pull()["verified"] is True
    assert fresh.server_copy() == worker.server_copy()
    assert worker.repairs == fresh.repairs == 0


def test_volunteer_granted_a_grid_gets_only_its_area_row(app, world, device_factory):
    volunteer, worker_b = device_factory("volunteer"), device_factory("worker_b")
    fill_grid(worker_b, world.households[1].id)
    assert volunteer.pull()["verified"] is True
    assign(world.users["volunteer"], world.grids[1])
    assert volunteer.pull()["verified"] is True
    assert volunteer.repairs == 0
    copy = volunteer.server_copy()
    assert sorted(i for e, i in copy if e == "area") == sorted([world.grids[0].id, world.grids[1].id])
    assert {e for e, _ in copy} == {"area", "care_tag_type", "finding_category"}


# -- scope shrinks ---------------------------------------------------------------------------------

def test_removed_grid_is_dropped_from_the_replica(app, world, device_factory):
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    g0, g1 = world.grids
    assign(world.users["worker"], g1)
    made = fill_grid(worker_b, world.households[1].id)
    fill_grid(worker, world.households[0].id, residents=1, visits=1)
    assert worker.pull()["verified"] is True
    assert_replica_is_scope(worker, [g0.id, g1.id])
    held = grid_records(worker, g1.id)
    assert len(held) >= 10

    unassign(world.users["worker"], g1)
    tap = tapped(worker)
    summary = worker.pull()
    assert summary["verified"] is True
    assert tap.pulls()[0]["drop"] == [f"g:{g1.id}"]
    assert grid_records(worker, g1.id) == set()
    copy = worker.server_copy()
    assert not held & set(copy)
    assert_replica_is_scope(worker, [g0.id])
    # Later writes in grid 1 never reach it, and the drop is not repeated.
    worker_b.update("resident", made["resident"][0], {"notes": "不该同步到旧网格员"})
    worker_b.push()
    later = worker.pull()
    assert (later["records"], later["verified"]) == (0, True)
    assert tap.pulls()[-1]["drop"] == []
    # Granting it again brings it all back.
    assign(world.users["worker"], g1)
    assert worker.pull()["verified"] is True
    assert_replica_is_scope(worker, [g0.id, g1.id])
    assert worker.server_copy()[("resident", made["resident"][0])]["notes"] == "不该同步到旧网格员"


def test_worker_moved_to_another_grid_swaps_the_whole_grid(app, world, device_factory):
    app.config["PULL_PAGE_SIZE"] = 3
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    g0, g1 = world.grids
    fill_grid(worker_b, world.households[1].id)
    fill_grid(worker, world.households[0].id)
    worker.pull()
    held = grid_records(worker, g0.id)
    unassign(world.users["worker"], g0)
    assign(world.users["worker"], g1)
    tap = tapped(worker)
    assert worker.pull()["verified"] is True
    assert tap.pulls()[0]["drop"] == [f"g:{g0.id}"]
    assert not held & set(worker.server_copy())
    assert_replica_is_scope(worker, [g1.id])


def test_a_pending_edit_in_a_dropped_grid_is_rejected_not_lost(app, world, device_factory):
    worker = device_factory("worker")
    g1 = world.grids[1]
    assign(world.users["worker"], g1)
    worker.pull()
    unassign(world.users["worker"], g1)
    worker.update("resident", world.residents[1].id, {"notes": "离线时写的"})
    worker.pull()
    assert grid_records(worker, g1.id) == set()
    [result] = worker.push()
    assert (result["status"], result["code"]) == ("rejected", "out_of_scope")
    assert [c["record_id"] for c in worker.outbox("rejected")] == [world.residents[1].id]


# -- lost responses, repairs, paging ---------------------------------------------------------------

@pytest.mark.parametrize("page_size", [2, 500])
def test_back_fill_survives_lost_responses(app, world, device_factory, page_size):
    app.config["PULL_PAGE_SIZE"] = page_size
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    g0, g1 = world.grids
    fill_grid(worker_b, world.households[1].id, residents=4, visits=3)
    assert worker.pull()["verified"] is True
    assign(world.users["worker"], g1)
    # Lose the reply of the first request, then of every third one: each retry starts from the
    # cursor the device last stored, so nothing is skipped and nothing breaks.
    tap = tapped(worker)
    tap.lose = {1} | set(range(3, 200, 3))
    worker_b.update("resident", world.residents[1].id, {"notes": "回填期间的修改"})
    worker_b.push()
    lost = 0
    for _ in range(60):
        try:
            summary = worker.pull()
            break
        except LostResponse:
            lost += 1
    else:
        pytest.fail("pull never completed")
    assert lost >= 1
    assert summary["verified"] is True
    assert_replica_is_scope(worker, [g0.id, g1.id])
    assert worker.server_copy()[("resident", world.residents[1].id)]["notes"] == "回填期间的修改"
    # The network's own knob does the same.
    tap.lose = set()
    worker.network.lose_responses = 1
    with pytest.raises(LostResponse):
        worker.pull()
    assert worker.pull()["verified"] is True


@pytest.mark.parametrize("corruption", ["changed_field", "missing_record", "phantom_record", "wrong_scope_record"])
def test_checksum_mismatch_triggers_a_repair(app, world, device_factory, corruption):
    worker = device_factory("worker")
    fill_grid(worker, world.households[0].id)
    assert worker.pull()["verified"] is True
    assert worker.repairs == 0
    rid = world.residents[0].id
    if corruption == "changed_field":
        worker.db.execute("UPDATE records SET fields = json_set(fields, '$.name', '篡改') "
                          "WHERE entity='resident' AND id=?", (rid,))
    elif corruption == "missing_record":
        worker.db.execute("DELETE FROM records WHERE entity='resident' AND id=?", (rid,))
    elif corruption == "phantom_record":
        worker.db.execute("INSERT INTO records (entity, id, fields, clocks, scope) VALUES "
                          "('resident', '01900000-0000-7000-8000-000000000000', '{\"name\": \"幽灵\"}', '{}', '{}')")
    else:  # a record of another grid that the device should never hold
        fields = json.dumps(ENTITIES["resident"].dump(world.residents[1]), ensure_ascii=False)
        worker.db.execute("INSERT INTO records (entity, id, fields, clocks, scope) VALUES ('resident', ?, ?, '{}', ?)",
                          (world.residents[1].id, fields, json.dumps({"grid_id": world.grids[1].id})))
    summary = worker.pull()
    assert summary["verified"] is True
    assert_replica_is_scope(worker, [world.grids[0].id], repairs=1)
    assert worker.server_copy()[("resident", rid)]["name"] == "张秀英"


def test_pending_edits_survive_a_repair(app, world, device_factory):
    worker = device_factory("worker")
    worker.pull()
    worker.update("resident", world.residents[0].id, {"notes": "修复前的离线修改"})
    worker.db.execute("DELETE FROM records WHERE entity='household'")
    assert worker.pull()["verified"] is True and worker.repairs == 1
    assert worker.get("resident", world.residents[0].id)["notes"] == "修复前的离线修改"
    assert worker.push()[0]["status"] == "accepted"
    assert worker.pull()["verified"] is True
    assert worker.server_copy()[("resident", world.residents[0].id)]["notes"] == "修复前的离线修改"


def _pull_pages(device: SyncClient, tap: Tap, pages: int) -> None:
    """Let the device fetch exactly `pages` pull pages, then cut its network mid-pull."""
    tap.cut_after = tap.calls + pages
    with pytest.raises(Offline):
        device.pull()
    tap.cut_after = None


def test_scope_grows_again_while_a_back_fill_is_in_progress(app, world, device_factory):
    app.config["PULL_PAGE_SIZE"] = 2
    worker, worker_b, far = device_factory("worker"), device_factory("worker_b"), device_factory("far_staff")
    g0, g1 = world.grids
    fill_grid(worker_b, world.households[1].id, residents=4, visits=2)
    fill_grid(far, world.households[2].id, residents=3, visits=2)
    assert worker.pull()["verified"] is True

    assign(world.users["worker"], g1)
    tap = tapped(worker)
    _pull_pages(worker, tap, 2)  # two back-fill pages of grid 1, and then the phone lost signal
    partial = grid_records(worker, g1.id)
    assert 0 < len(partial) < len(expected_worker_scope([g1.id])) - len(dictionaries())
    # Meanwhile: grid 1 changes (one old record, one new), and the worker is given a third grid.
    worker_b.update("resident", world.residents[1].id, {"notes": "回填中途改的"})
    new_rid = worker_b.create("resident", {"household_id": world.households[1].id, "name": "新来的", "sex": "male"})
    assert {r["status"] for r in worker_b.push()} == {"accepted"}
    assign(world.users["worker"], world.far_grid)
    _pull_pages(worker, tap, 1)
    summary = worker.pull()
    assert summary["verified"] is True
    assert_replica_is_scope(worker, [g0.id, g1.id, world.far_grid.id])
    copy = worker.server_copy()
    assert copy[("resident", world.residents[1].id)]["notes"] == "回填中途改的"
    assert ("resident", new_rid) in copy


def test_scope_shrinks_while_a_back_fill_is_in_progress(app, world, device_factory):
    app.config["PULL_PAGE_SIZE"] = 2
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    g0, g1 = world.grids
    fill_grid(worker_b, world.households[1].id, residents=4, visits=2)
    worker.pull()
    assign(world.users["worker"], g1)
    tap = tapped(worker)
    _pull_pages(worker, tap, 2)
    assert grid_records(worker, g1.id)
    unassign(world.users["worker"], g1)
    summary = worker.pull()
    assert summary["verified"] is True
    assert f"g:{g1.id}" in tap.pulls()[2]["drop"]
    assert grid_records(worker, g1.id) == set()
    assert_replica_is_scope(worker, [g0.id])


def test_records_deleted_after_the_grant_are_not_resurrected(app, world, device_factory):
    """A tag deleted while the grid is being back-filled must end deleted on the device."""
    app.config["PULL_PAGE_SIZE"] = 2
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    g0, g1 = world.grids
    made = fill_grid(worker_b, world.households[1].id, residents=4, visits=0)
    worker.pull()
    assign(world.users["worker"], g1)
    tap = tapped(worker)
    _pull_pages(worker, tap, 3)
    for tag in made["resident_tag"]:
        worker_b.delete("resident_tag", tag)
    assert {r["status"] for r in worker_b.push()} == {"accepted"}
    assert worker.pull()["verified"] is True
    copy = worker.server_copy()
    assert not {("resident_tag", t) for t in made["resident_tag"]} & set(copy)
    assert db.session.scalar(db.select(db.func.count()).select_from(ResidentTag)
                             .where(ResidentTag.deleted.is_(True))) == 4
    assert_replica_is_scope(worker, [g0.id, g1.id])


def test_every_mismatch_is_repaired_however_many_came_before(app, world, device_factory):
    """The repair budget guards one pull against looping, not the device's whole lifetime."""
    worker = device_factory("worker")
    worker.pull()
    for n in range(1, 6):
        worker.db.execute("UPDATE records SET fields = json_set(fields, '$.name', ?) "
                          "WHERE entity='resident' AND id=?", (f"坏{n}", world.residents[0].id))
        assert worker.pull()["verified"] is True, f"mismatch number {n} was not repaired"
        assert_replica_is_scope(worker, [world.grids[0].id], repairs=n)
