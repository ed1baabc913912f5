"""Guarantees 4 and 5: field-level merge settled by the hybrid logical clock, the same winner on
every replica in any arrival order, and visible conflicts (never on append-only records)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Resident
from server.syncapi.conflicts import settle_conflict
from server.syncapi.models import Conflict
from server.syncapi.push import ChangeContext
from sync import hlc
from sync.errors import ProtocolError
from tests.pulls import pull_until



def conflicts() -> list[Conflict]:
    db.session.rollback()
    return db.session.scalars(select(Conflict).order_by(Conflict.id)).all()


def replica(device, entity: str, record_id: str) -> tuple[dict, dict]:
    """(fields, clocks) exactly as the device holds them from the server."""
    row = device.db.execute("SELECT fields, clocks FROM records WHERE entity=? AND id=?", (entity, record_id)).fetchone()
    return json.loads(row[0]), json.loads(row[1])


def test_edits_to_different_fields_of_one_record_both_survive(any_app, any_world, device_factory):
    a = device_factory("worker", app=any_app)
    b = device_factory("worker2", app=any_app)
    pull_until(a)
    pull_until(b)
    rid = any_world.residents[0].id
    a.update("resident", rid, {"phone": "13800138000"})
    b.update("resident", rid, {"notes": "腿脚不便，需上门", "ethnicity": "回族"})
    [ra] = a.push()
    [rb] = b.push()
    assert ra["applied"] == ["phone"] and rb["applied"] == ["ethnicity", "notes"]
    assert ra["conflicts"] == rb["conflicts"] == []
    pull_until(a)
    pull_until(b)
    expected = {"phone": "13800138000", "notes": "腿脚不便，需上门", "ethnicity": "回族", "name": "张秀英"}
    for device in (a, b):
        fields, _ = replica(device, "resident", rid)
        assert {k: fields[k] for k in expected} == expected
    assert replica(a, "resident", rid) == replica(b, "resident", rid)
    assert conflicts() == []


@pytest.mark.parametrize("arrival", ["later_clock_first", "later_clock_last"])
def test_same_field_the_higher_clock_wins_on_every_replica_whatever_the_arrival_order(
        any_app, any_world, device_factory, arrival):
    start = hlc.now_millis()
    # Both phones within the server's tolerance; a's clock reads a minute later than b's.
    a = device_factory("worker", app=any_app, wall=lambda: start + 120_000)
    b = device_factory("worker2", app=any_app, wall=lambda: start + 60_000)
    staff = device_factory("staff", app=any_app)
    for device in (a, b, staff):
        pull_until(device)
    rid = any_world.residents[0].id
    a.update("resident", rid, {"phone": "13800000002"})
    b.update("resident", rid, {"phone": "13800000001"})
    a_stamp = a.outbox()[0]["hlc"]
    assert a_stamp > b.outbox()[0]["hlc"]

    order = (a, b) if arrival == "later_clock_first" else (b, a)
    for device in order:
        [result] = device.push()
        assert result["status"] == "accepted"
    for device in (a, b, staff):
        pull_until(device)

    db.session.rollback()
    row = db.session.get(Resident, rid)
    assert row.phone == "13800000002" and row.clocks["phone"] == a_stamp
    copies = [replica(d, "resident", rid) for d in (a, b, staff)]
    assert copies[0] == copies[1] == copies[2]
    assert copies[0][0]["phone"] == "13800000002" and copies[0][1]["phone"] == a_stamp
    assert a.get("resident", rid)["phone"] == b.get("resident", rid)["phone"] == "13800000002"
    # b had not seen a's value (nor a b's): the losing value is kept for staff, in either order.
    [conflict] = conflicts()
    assert (conflict.entity, conflict.record_id, conflict.field) == ("resident", rid, "phone")
    assert (conflict.winner_value, conflict.loser_value) == ("13800000002", "13800000001")
    assert conflict.winner_hlc == a_stamp and conflict.status == "open"
    assert conflict.grid_id == any_world.grids[0].id


def test_a_losing_write_is_accepted_but_reported_as_ignored_and_conflicting(app, world, device_factory):
    start = hlc.now_millis()
    a = device_factory("worker", wall=lambda: start + 120_000)
    b = device_factory("worker2", wall=lambda: start + 60_000)
    a.pull()
    b.pull()
    rid = world.residents[0].id
    a.update("resident", rid, {"notes": "女儿每周来"})
    b.update("resident", rid, {"notes": "无人照顾", "ethnicity": "满族"})
    a.push()
    [result] = b.push()
    assert result["status"] == "accepted"
    assert result["applied"] == ["ethnicity"] and result["ignored"] == ["notes"] and result["conflicts"] == ["notes"]
    # Settled: b's change leaves b's outbox, and b's copy now shows the winner.
    assert b.outbox() == []
    b.pull()
    assert b.get("resident", rid)["notes"] == "女儿每周来"
    [conflict] = conflicts()
    assert (conflict.winner_value, conflict.loser_value) == ("女儿每周来", "无人照顾")
    assert conflict.change_id == result["id"]


def test_no_conflict_when_a_device_edits_after_pulling_the_other_value(any_app, any_world, device_factory):
    a = device_factory("worker", app=any_app)
    b = device_factory("worker2", app=any_app)
    pull_until(a)
    pull_until(b)
    rid = any_world.residents[0].id
    a.update("resident", rid, {"phone": "13800138000"})
    a.sync()
    pull_until(b)
    assert b.get("resident", rid)["phone"] == "13800138000"
    b.update("resident", rid, {"phone": "13900139000"})
    [result] = b.push()
    assert result["applied"] == ["phone"] and result["conflicts"] == []
    pull_until(a)
    assert a.get("resident", rid)["phone"] == "13900139000"
    assert conflicts() == []


def test_equal_clock_readings_are_settled_by_device_id(app, world, device_factory):
    moment = hlc.now_millis() + 90_000
    low = device_factory("worker", wall=lambda: moment, device_id="01900000-0000-7000-8000-00000000000a")
    high = device_factory("worker2", wall=lambda: moment, device_id="01900000-0000-7000-8000-00000000000b")
    low.pull()
    high.pull()
    rid = world.residents[0].id
    high.update("resident", rid, {"relation": "head"})
    low.update("resident", rid, {"relation": "spouse"})
    low_stamp = hlc.Timestamp.parse(low.outbox()[0]["hlc"])
    high_stamp = hlc.Timestamp.parse(high.outbox()[0]["hlc"])
    assert (low_stamp.millis, low_stamp.counter) == (high_stamp.millis, high_stamp.counter)
    high.push()
    low.push()
    low.pull()
    high.pull()
    assert low.get("resident", rid)["relation"] == high.get("resident", rid)["relation"] == "head"


def test_visits_are_append_only_and_never_conflict(any_app, any_world, device_factory):
    a = device_factory("worker", app=any_app)
    b = device_factory("worker2", app=any_app)
    pull_until(a)
    pull_until(b)
    household = any_world.households[0].id
    fields = {"household_id": household, "visited_at": "2026-11-22T09:00:00Z", "method": "in_person",
              "outcome": "normal", "notes": "一切正常"}
    va = a.create("visit", fields)
    vb = b.create("visit", {**fields, "method": "phone", "notes": "电话回访"})
    assert [r["status"] for r in a.push() + b.push()] == ["accepted", "accepted"]

    a.update("visit", va, {"notes": "改写走访记录"})
    a.delete("visit", va)
    edit, delete = a.push()
    for result in (edit, delete):
        assert result["status"] == "rejected" and result["code"] == "append_only"
        assert result["message"] == "此类记录只能新增，不能修改或删除"
    pull_until(a)
    pull_until(b)
    for device in (a, b):
        visits = device.server_copy("visit")
        assert {i for (_, i) in visits} == {va, vb}
        assert visits[("visit", va)]["notes"] == "一切正常"
    db.session.rollback()
    assert db.session.get(Visit, va).notes == "一切正常" and not db.session.get(Visit, va).deleted
    assert db.session.get(Visit, va).visitor_id == any_world.users["worker"].id
    assert db.session.get(Visit, vb).visitor_id == any_world.users["worker2"].id
    assert conflicts() == []


def test_staff_keeping_the_winner_closes_the_conflict_without_a_change(app, world, device_factory):
    start = hlc.now_millis()
    a = device_factory("worker", wall=lambda: start + 120_000)
    b = device_factory("worker2", wall=lambda: start + 60_000)
    a.pull()
    b.pull()
    rid = world.residents[0].id
    a.update("resident", rid, {"notes": "甲"})
    b.update("resident", rid, {"notes": "乙"})
    a.push()
    b.push()
    [conflict] = conflicts()
    cursor_before = b.pull()
    ctx = ChangeContext(db.session, world.users["staff"], None, app.extensions["wangge_clock"], 300000)
    settle_conflict(ctx, conflict.id, restore=False)
    db.session.commit()
    assert db.session.get(Conflict, conflict.id).status == "kept"
    assert db.session.get(Resident, rid).notes == "甲"
    assert cursor_before["verified"] is True
    assert b.pull()["records"] == 0
    with pytest.raises(ProtocolError) as twice:
        settle_conflict(ctx, conflict.id, restore=True)
    assert twice.value.code == "stale_transition"
