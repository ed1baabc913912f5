"""Guarantee 6, clocks lie: a phone whose clock runs far ahead is clamped to the server's clock,
told so, and cannot win every later merge."""

from __future__ import annotations

import time


from server.extensions import db
from server.registry.models import Resident
from server.syncapi.models import Change
from sync import hlc
from tests.pulls import pull_until

YEAR_MS = 365 * 24 * 3600 * 1000



def year_ahead() -> int:
    return hlc.now_millis() + YEAR_MS


def test_a_device_clock_a_year_ahead_is_clamped_and_told_so(any_app, any_world, device_factory):
    tolerance = any_app.config["CLOCK_TOLERANCE_MS"]
    fast = device_factory("worker", app=any_app, wall=year_ahead)
    pull_until(fast)
    rid = any_world.residents[0].id
    fast.update("resident", rid, {"phone": "13800138000"})
    sent = hlc.Timestamp.parse(fast.outbox()[0]["hlc"])
    before = hlc.now_millis()
    [result] = fast.push()
    after = hlc.now_millis()
    assert sent.millis > after + YEAR_MS - 60_000

    assert result["status"] == "accepted" and result["clamped"] is True
    used = hlc.Timestamp.parse(result["hlc"])
    assert before <= used.millis <= after + tolerance
    assert used.node == fast.device_id
    db.session.rollback()
    assert db.session.get(Resident, rid).clocks["phone"] == result["hlc"]
    assert db.session.get(Change, result["id"]).hlc == result["hlc"]
    # The server's own clock, and so every device that pulls from it, is not dragged a year on.
    assert any_app.extensions["wangge_clock"].last.millis <= hlc.now_millis() + tolerance
    other = device_factory("worker2", app=any_app)
    pull_until(other)
    assert other.clock.last.millis <= hlc.now_millis() + tolerance
    assert other.get("resident", rid)["phone"] == "13800138000"


def test_a_later_honest_edit_from_another_device_still_wins_the_field(any_app, any_world, device_factory):
    fast = device_factory("worker", app=any_app, wall=year_ahead)
    honest = device_factory("worker2", app=any_app)
    pull_until(fast)
    pull_until(honest)
    rid = any_world.residents[0].id
    fast.update("resident", rid, {"notes": "手机时间错乱时写的"})
    [first] = fast.push()
    assert first["clamped"] is True
    time.sleep(0.005)
    honest.update("resident", rid, {"notes": "后来如实记录"})
    [second] = honest.push()
    assert second["clamped"] is False
    assert second["applied"] == ["notes"]
    for device in (fast, honest):
        pull_until(device)
        assert device.get("resident", rid)["notes"] == "后来如实记录"
    db.session.rollback()
    assert db.session.get(Resident, rid).notes == "后来如实记录"


def test_a_clock_within_the_tolerance_is_used_as_sent(app, world, device_factory):
    slightly_fast = device_factory("worker", wall=lambda: hlc.now_millis() + 60_000)
    slightly_fast.pull()
    slightly_fast.update("resident", world.residents[0].id, {"ethnicity": "汉族"})
    sent = slightly_fast.outbox()[0]["hlc"]
    [result] = slightly_fast.push()
    assert result["clamped"] is False and result["hlc"] == sent


def test_a_clamped_change_still_sorts_after_what_its_author_had_seen(app, world, device_factory):
    """Clamping must not put a write before the value its author saw and overwrote (causality)."""
    tolerated = device_factory("worker2", wall=lambda: hlc.now_millis() + 4 * 60_000)
    fast = device_factory("worker", wall=year_ahead)
    rid = world.residents[0].id
    tolerated.pull()
    tolerated.update("resident", rid, {"notes": "四分钟后的时钟写的"})
    [seen] = tolerated.push()
    assert seen["clamped"] is False
    fast.pull()
    assert fast.get("resident", rid)["notes"] == "四分钟后的时钟写的"
    fast.update("resident", rid, {"notes": "看过之后改的"})
    [result] = fast.push()
    assert result["clamped"] is True
    assert result["hlc"] > seen["hlc"]
    assert result["applied"] == ["notes"] and result["conflicts"] == []
    db.session.rollback()
    assert db.session.get(Resident, rid).notes == "看过之后改的"


def test_a_fast_device_keeps_being_clamped_on_every_push(app, world, device_factory):
    fast = device_factory("worker", wall=year_ahead)
    fast.pull()
    rid = world.residents[0].id
    stamps = []
    for value in ("13800000001", "13800000002", "13800000003"):
        fast.update("resident", rid, {"phone": value})
        [result] = fast.push()
        assert result["clamped"] is True
        stamps.append(result["hlc"])
        fast.pull()
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert all(hlc.Timestamp.parse(s).millis <= hlc.now_millis() + app.config["CLOCK_TOLERANCE_MS"] for s in stamps)
    assert db.session.get(Resident, rid).phone == "13800000003"
