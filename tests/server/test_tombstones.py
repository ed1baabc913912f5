"""Guarantee 10: deletes are tombstones that sync like any change; residents are never deleted,
moving out is a state."""

from __future__ import annotations

import urllib.parse


from server.extensions import db
from server.registry.models import Resident, ResidentTag
from server.syncapi.models import SyncRow
from sync.ids import uuid7
from tests.pulls import eventually, pull_until

HEADERS = {"X-Wangge-Protocol": "1", "X-Wangge-App": "0.1.0"}



def raw_pull(app, device) -> dict:
    """The next pull page exactly as the server sends it to this device."""
    query = urllib.parse.urlencode({"cursor": device._meta("cursor") or ""})
    reply = app.test_client().get(f"/api/sync/pull?{query}",
                                  headers={**HEADERS, "Authorization": f"Bearer {device._meta('token')}"})
    assert reply.status_code == 200
    return reply.get_json()


def tag_someone(device, resident_id: str) -> str:
    return device.create("resident_tag", {"resident_id": resident_id, "tag": "elderly_alone",
                                          "detail": {"risk_level": "high", "kin_name": "张伟", "kin_phone": "13700137000"},
                                          "started_on": "2026-01-05"})


def test_a_deleted_care_tag_syncs_as_a_tombstone_and_other_devices_drop_it(any_app, any_world, device_factory):
    a = device_factory("worker", app=any_app)
    b = device_factory("worker2", app=any_app)
    pull_until(a)
    pull_until(b)
    tag = tag_someone(a, any_world.residents[0].id)
    a.sync()
    pull_until(b)
    assert b.server_copy("resident_tag")[("resident_tag", tag)]["detail"]["risk_level"] == "high"

    a.delete("resident_tag", tag)
    assert a.get("resident_tag", tag) is None  # gone locally at once, before it syncs
    [result] = a.push()
    assert result["status"] == "accepted" and result["applied"] == ["_deleted"]

    page = eventually(lambda: raw_pull(any_app, b), lambda page: any(r["id"] == tag for r in page["records"]))
    [tombstone] = [r for r in page["records"] if r["id"] == tag]
    assert tombstone["entity"] == "resident_tag" and tombstone["deleted"] is True
    assert "fields" not in tombstone

    summary = pull_until(b)
    assert summary["verified"] is True
    assert ("resident_tag", tag) not in b.server_copy()
    assert b.get("resident_tag", tag) is None
    pull_until(a)
    assert a.server_copy() == b.server_copy()

    # On the server it is a tombstone, not a hard delete: the row stays, flagged.
    db.session.rollback()
    row = db.session.get(ResidentTag, tag)
    assert row is not None and row.deleted is True and row.clocks["_deleted"] == result["hlc"]
    index = db.session.get(SyncRow, ("resident_tag", tag))
    assert index.deleted is True and index.row_hash is None


def test_a_device_syncing_from_scratch_does_not_download_tombstones(app, world, device_factory):
    a = device_factory("worker")
    a.pull()
    tag = tag_someone(a, world.residents[0].id)
    a.sync()
    a.delete("resident_tag", tag)
    a.sync()
    fresh = device_factory("worker2")
    page = raw_pull(app, fresh)
    assert tag not in {r["id"] for r in page["records"]}
    assert all(not r["deleted"] for r in page["records"])
    # The first pull steps over the tombstones it leaves out, so it ends caught up and verified.
    assert fresh.pull()["verified"] is True
    assert ("resident_tag", tag) not in fresh.server_copy()
    assert fresh.server_copy() == a.server_copy()


def test_an_edit_to_a_record_deleted_elsewhere_is_rejected(app, world, device_factory):
    a = device_factory("worker")
    b = device_factory("worker2")
    a.pull()
    tag = tag_someone(a, world.residents[0].id)
    a.sync()
    b.pull()
    a.delete("resident_tag", tag)
    a.sync()
    b.update("resident_tag", tag, {"detail": {"risk_level": "low"}})
    [result] = b.push()
    assert result["status"] == "rejected" and result["code"] == "record_deleted"
    assert result["message"] == "记录已删除"
    assert [c["id"] for c in b.outbox("rejected")] == [result["id"]]
    b.pull()
    assert ("resident_tag", tag) not in b.server_copy()
    assert db.session.get(ResidentTag, tag).detail["risk_level"] == "high"


def test_deleting_a_resident_is_refused_and_moving_out_is_a_state(any_app, any_world, device_factory):
    a = device_factory("worker", app=any_app)
    b = device_factory("worker2", app=any_app)
    pull_until(a)
    pull_until(b)
    rid = any_world.residents[0].id
    a.delete("resident", rid)
    [refused] = a.push()
    assert refused["status"] == "rejected" and refused["code"] == "delete_not_allowed"
    assert refused["message"] == "此类记录不能删除，请改为更新状态"
    assert refused["message_en"].startswith("This kind of record cannot be deleted")

    a.update("resident", rid, {"moved_out_on": "2026-10-01", "left_by": "move_out"})
    [moved] = a.push()
    assert moved["status"] == "accepted" and sorted(moved["applied"]) == ["left_by", "moved_out_on"]
    pull_until(b)
    assert b.server_copy()[("resident", rid)]["moved_out_on"] == "2026-10-01"
    assert b.server_copy()[("resident", rid)]["name"] == "张秀英"
    db.session.rollback()
    row = db.session.get(Resident, rid)
    assert row.deleted is False and str(row.moved_out_on) == "2026-10-01"


def test_deleting_a_record_that_never_existed_is_rejected(app, world, device_factory):
    a = device_factory("worker")
    a.delete("resident_tag", uuid7())
    [result] = a.push()
    assert result["status"] == "rejected" and result["code"] == "unknown_record"


def test_a_deleted_record_cannot_be_brought_back_with_the_same_id(app, world, device_factory):
    a = device_factory("worker")
    a.pull()
    tag = tag_someone(a, world.residents[0].id)
    a.sync()
    a.delete("resident_tag", tag)
    a.sync()
    a.update("resident_tag", tag, {"resident_id": world.residents[0].id, "tag": "elderly_alone"})
    [result] = a.push()
    assert result["code"] == "record_deleted"
    assert db.session.get(ResidentTag, tag).deleted is True
