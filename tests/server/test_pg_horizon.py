"""A lagging horizon delays a pull, it never makes a replica look wrong (docs/sync-protocol.md 7.6, 8.4).

The pull horizon is the oldest transaction open anywhere on the PostgreSQL cluster, so a transaction
left open in ANOTHER database holds back what every pull here may serve. While it is open, a device
that pulls after a push must neither get the push nor a checksum that counts it: a checksum over rows
it was not served would mismatch and start a needless repair. Once the transaction ends, the next pull
brings the record and verifies.

PostgreSQL only, and never skipped: if the server is unreachable, this fails.
"""

from __future__ import annotations

import psycopg
import pytest

from server.extensions import db
from tests.conftest import PG_ADMIN, ensure_pg_database, run_db
from tests.pulls import pull_until

pytestmark = pytest.mark.postgres

ELSEWHERE = run_db("elsewhere")  # the other application on the same cluster


@pytest.fixture
def open_elsewhere():
    """Start a write transaction in another database and keep it open until the test ends it."""
    ensure_pg_database(ELSEWHERE)
    conn = psycopg.connect(PG_ADMIN.rsplit("/", 1)[0] + f"/{ELSEWHERE}")
    # Taking a transaction id is what holds the horizon back; a read-only transaction would not.
    xid = int(conn.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0])
    yield conn, xid
    conn.close()


def horizon_held_at(xid: int) -> bool:
    horizon = db.session.execute(db.text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    return horizon.scalar_one() <= xid


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_transaction_open_in_another_database_delays_a_pull_without_a_mismatch(
        any_app, any_world, device_factory, open_elsewhere):
    conn, xid = open_elsewhere
    a = device_factory("worker", app=any_app)
    b = device_factory("worker2", app=any_app)
    # The world was written before the other transaction began, so the horizon lets it through.
    for device in (a, b):
        pull_until(device)
    rid = any_world.residents[0].id
    a.update("resident", rid, {"phone": "13800138000"})
    new = a.create("resident", {"household_id": any_world.households[0].id, "name": "刘建国", "sex": "male"})
    assert [r["status"] for r in a.push()] == ["accepted", "accepted"]
    assert horizon_held_at(xid)
    db.session.rollback()

    fresh = device_factory("worker2", app=any_app)
    for device in (a, b, fresh, a, b):
        summary = device.pull()
        # Nothing above the horizon was served, and so no checksum is offered: no mismatch, no repair.
        assert summary["verified"] is None, summary
        assert device.repairs == 0
        copy = device.server_copy()
        assert ("resident", new) not in copy
        if device is fresh:  # the edit moved the resident past the horizon before fresh first saw it
            assert ("resident", rid) not in copy
        else:
            assert copy[("resident", rid)]["phone"] is None

    conn.rollback()  # the other application's transaction ends
    for device in (a, b, fresh):
        assert pull_until(device)["verified"] is True
        assert device.repairs == 0
        assert device.get("resident", rid)["phone"] == "13800138000"
        assert device.get("resident", new)["name"] == "刘建国"
    assert a.server_copy() == b.server_copy() == fresh.server_copy()
