"""A building moved to another grid leaves one worker's phone and reaches the other's
(issue 10: "Moving a building from one grid to another moves it off one worker's phone and onto
the other's at their next sync"). The pull index holds one row per record, where it is now; the
departure it leaves behind (docs/sync-protocol.md, "Records that move") is what tells the old
grid's phones. On SQLite and on the real PostgreSQL."""

from __future__ import annotations

import pytest

from server.areas.moves import move_building
from server.extensions import db
from server.syncapi.direct import DirectWriter
from server.syncapi.models import Change, SyncDeparture
from tests.pulls import pull_until
from tests.server.test_scope_changes import assert_replica_is_scope, fill_grid, grid_records

BELOW = {"household", "resident", "resident_tag", "visit"}


def staff_move(app, building, grid):
    writer = DirectWriter(db.session, app.extensions["wangge_clock"], via="console:setup")
    moved = move_building(writer, building, grid)
    db.session.commit()
    return moved


def building_records(device, world, index=0):
    """The building, and everything below it, in a device's replica."""
    copy = device.server_copy()
    household = world.households[index].id
    residents = {i for (e, i), f in copy.items() if e == "resident" and f["household_id"] == household}
    return {(e, i) for (e, i), f in copy.items()
            if (e, i) == ("building", world.buildings[index].id)
            or (e == "household" and f["building_id"] == world.buildings[index].id)
            or (e in ("resident",) and i in residents)
            or (e == "resident_tag" and f["resident_id"] in residents)
            or (e == "visit" and f["household_id"] == household)}


@pytest.fixture
def devices(any_app, any_world, device_factory):
    a = device_factory("worker", app=any_app)
    b = device_factory("worker_b", app=any_app)
    made = fill_grid(a, any_world.households[0].id, residents=3, visits=2)
    assert pull_until(a)["verified"] is True and pull_until(b)["verified"] is True
    return a, b, made


def test_a_moved_building_leaves_the_old_grids_phone_and_reaches_the_new_ones(any_app, any_world, devices,
                                                                            device_factory):
    a, b, made = devices
    g0, g1 = any_world.grids
    held = building_records(a, any_world)
    assert len(held) == 1 + 1 + 4 + 3 + 2  # building, household, residents (one from the world), tags, visits
    assert not building_records(b, any_world)

    moved = staff_move(any_app, any_world.buildings[0], g1)
    assert moved == {"building": 1, "household": 1, "resident": 4, "resident_tag": 3, "visit": 2, "unit": 0}

    pulled = pull_until(a)
    assert pulled["verified"] is True and a.repairs == 0
    assert not building_records(a, any_world) and not held & set(a.server_copy())
    assert_replica_is_scope(a, [g0.id])

    assert pull_until(b)["verified"] is True and b.repairs == 0
    assert building_records(b, any_world) == held
    assert_replica_is_scope(b, [g1.id])
    assert ("resident", made["resident"][0]) in grid_records(b, g1.id)

    # Nothing more to hear on either side; a new phone of the old grid is served no departure.
    assert (a.pull()["records"], b.pull()["records"]) == (0, 0)
    fresh = device_factory("worker2", app=any_app)
    assert pull_until(fresh)["verified"] is True and not building_records(fresh, any_world)


def test_every_record_moved_is_in_its_history_with_the_screen_that_moved_it(any_app, any_world, devices):
    staff_move(any_app, any_world.buildings[0], any_world.grids[1])
    changes = db.session.scalars(db.select(Change).where(Change.record_id == any_world.households[0].id)).all()
    moves = [c for c in changes if c.fields == {"grid_id": any_world.grids[1].id}]
    assert len(moves) == 1 and moves[0].result["via"] == "console:setup"


def test_a_building_that_comes_back_is_whole_on_every_phone(any_app, any_world, devices, device_factory):
    a, b, _ = devices
    g0, g1 = any_world.grids
    staff = device_factory("staff", app=any_app)
    assert pull_until(staff)["verified"] is True
    held = building_records(a, any_world)
    staff_move(any_app, any_world.buildings[0], g1)
    assert pull_until(b)["verified"] is True
    staff_move(any_app, any_world.buildings[0], g0)
    # A record back where it left has no departure there any more; the one from grid 2 is current.
    departures = db.session.scalars(db.select(SyncDeparture)).all()
    assert {d.grid_id for d in departures} == {g1.id}
    db.session.rollback()

    assert pull_until(a)["verified"] is True and building_records(a, any_world) == held
    assert pull_until(b)["verified"] is True and not building_records(b, any_world)
    assert_replica_is_scope(a, [g0.id])
    assert_replica_is_scope(b, [g1.id])
    # Community staff see both grids: the building never leaves their phone.
    assert pull_until(staff)["verified"] is True and building_records(staff, any_world) == held
    assert staff.repairs == 0
    assert grid_records(a, g1.id) == set()


@pytest.fixture
def small_pages(backend, tmp_path):
    """The app serving pulls two records a page, so departures and log rows share pages."""
    from tests.conftest import build_world, make_app

    app = make_app(backend, tmp_path, PULL_PAGE_SIZE=2)
    with app.app_context():
        yield app, build_world(app)
        db.session.remove()
        db.engine.dispose()


def test_departures_page_in_order_with_the_log(small_pages, device_factory):
    app, world = small_pages
    a = device_factory("worker", app=app)
    b = device_factory("worker_b", app=app)
    staff = device_factory("staff", app=app)
    fill_grid(a, world.households[0].id, residents=2, visits=1)
    for device in (a, b, staff):
        assert pull_until(device)["verified"] is True
    held = building_records(a, world)
    staff_move(app, world.buildings[0], world.grids[1])
    # Work that continues in both grids meanwhile is interleaved with the departures.
    b.update("resident", world.residents[1].id, {"notes": "二网格"})
    assert b.push()[0]["status"] == "accepted"
    for device, grid in ((a, world.grids[0]), (b, world.grids[1])):
        summary = device.pull()
        assert summary["pages"] > 2 and summary["verified"] is not False
        # Another run's transaction on the cluster may hold the horizon back: the checksum then
        # comes with a later pull, as on a phone.
        pull_until(device)
        assert device.repairs == 0
        assert_replica_is_scope(device, [grid.id])
    assert building_records(b, world) == held and not building_records(a, world)
    pull_until(staff)
    assert building_records(staff, world) == held and staff.repairs == 0
