"""A device is told which of its field writes lost to a write its author had not seen, with the
winner's name and time, in either arrival order; the winner and other devices are told nothing."""

from __future__ import annotations

import pytest

from server.auth.models import User
from server.extensions import db
from server.syncapi.conflicts import settle_conflict
from server.syncapi.models import Conflict
from server.syncapi.push import ChangeContext
from sync import hlc
from tests.pulls import pull_until


def lost(device, after: int = 0) -> dict:
    return device.overwritten(after)


def name_of(username: str) -> str:
    db.session.rollback()
    return db.session.scalar(db.select(User.name).where(User.username == username))


@pytest.mark.parametrize("arrival", ["winner_first", "loser_first"])
def test_the_losing_device_hears_whose_write_replaced_its_own(app, world, device_factory, arrival):
    start = hlc.now_millis()
    winner = device_factory("worker", wall=lambda: start + 120_000)
    loser = device_factory("worker2", wall=lambda: start + 60_000)
    pull_until(winner)
    pull_until(loser)
    rid = world.residents[0].id
    winner.update("resident", rid, {"notes": "女儿每周来"})
    loser.update("resident", rid, {"notes": "无人照顾"})
    stamp = winner.outbox()[0]["hlc"]
    for device in ((winner, loser) if arrival == "winner_first" else (loser, winner)):
        device.push()

    reply = lost(loser)
    [item] = reply["items"]
    assert {k: item[k] for k in ("entity", "record_id", "field", "by")} == {
        "entity": "resident", "record_id": rid, "field": "notes", "by": name_of("worker")}
    assert item["at"] == hlc.Timestamp.parse(stamp).millis
    assert reply["last"] == item["id"] and reply["has_more"] is False
    # Asked again after what it has: nothing new. The winner lost nothing.
    assert lost(loser, after=reply["last"])["items"] == []
    assert lost(winner)["items"] == []


def test_a_conflict_staff_have_settled_is_no_longer_told(app, world, device_factory):
    start = hlc.now_millis()
    winner = device_factory("worker", wall=lambda: start + 120_000)
    loser = device_factory("worker2", wall=lambda: start + 60_000)
    pull_until(winner)
    pull_until(loser)
    rid = world.residents[0].id
    winner.update("resident", rid, {"phone": "13800000002"})
    loser.update("resident", rid, {"phone": "13800000001"})
    winner.push()
    loser.push()
    db.session.rollback()
    conflict = db.session.scalars(db.select(Conflict)).one()
    staff = db.session.scalar(db.select(User).where(User.username == "staff"))
    settle_conflict(ChangeContext(db.session, staff, None, app.extensions["wangge_clock"], 0), conflict.id, True)
    db.session.commit()
    assert lost(loser)["items"] == []


def test_the_question_needs_a_signed_in_device_and_a_number(app, world, device_factory):
    client = app.test_client()
    assert client.get("/api/sync/overwritten").status_code == 401
    device = device_factory("worker")
    reply = client.get("/api/sync/overwritten?after=abc", headers={"Authorization": f"Bearer {device._meta('token')}"})
    assert reply.status_code == 400 and reply.get_json()["code"]
