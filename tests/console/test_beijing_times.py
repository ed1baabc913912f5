"""Every console list prints Beijing wall time (UTC+8), never the stored UTC or an ISO stamp: a
visit synced at 17:30 UTC on 20 November shows as 2026-11-21 01:30 in the review queue, and the
rejected-changes list and the conflicts page show their times the same way."""

from __future__ import annotations

from datetime import datetime

from server.extensions import db
from server.syncapi.models import Change, Conflict
from tests.console.test_conflicts import offline_edits, the_conflict
from tests.console.test_review import visit

SYNCED = datetime(2026, 11, 20, 17, 30)


def test_the_review_queue_prints_beijing_time(world, device_factory, staff_client):
    visit(device_factory("worker"), world.households[0], at="2026-11-20T17:30:00Z")
    page = staff_client("staff").get("/console/review").text
    assert "2026-11-21 01:30" in page
    assert "2026-11-20 17:30" not in page and "2026-11-20T17:30" not in page


def test_rejections_and_conflicts_print_beijing_time(world, device_factory, staff_client):
    worker = device_factory("worker_b")
    worker.update("resident", world.residents[1].id, {"phone": "12345"})
    [result] = worker.push()
    db.session.rollback()
    db.session.get(Change, result["id"]).received_at = SYNCED
    db.session.commit()
    staff = staff_client("staff")
    page = staff.get("/console/rejections").text
    assert "2026-11-21 01:30" in page and "17:30" not in page

    offline_edits(world, device_factory)
    conflict: Conflict = the_conflict()
    conflict.created_at = SYNCED
    db.session.commit()
    page = staff.get("/console/conflicts").text
    assert "发现于 2026-11-21 01:30" in page and "2026-11-20 17:30" not in page
