"""Guarantee 2, exactly once: a change sent twice is applied once, and the retry hears what the
first attempt did. Run on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError


from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Resident
from server.syncapi.models import Change
from sync import hlc
from sync.ids import uuid7
from sync.transport import LostResponse
from tests.conftest import PASSWORD
from tests.pulls import pull_until

HEADERS = {"X-Wangge-Protocol": "1", "X-Wangge-App": "0.1.0"}



def count(model) -> int:
    db.session.rollback()  # see what other requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def visit_fields(household_id: str, notes: str = "老人身体不错") -> dict:
    return {"household_id": household_id, "visited_at": "2026-11-20T09:30:00Z", "method": "in_person",
            "outcome": "normal", "notes": notes}


def sign_in(app, username: str) -> dict:
    reply = app.test_client().post("/api/auth/login", headers=HEADERS,
                                   json={"username": username, "password": PASSWORD, "device_id": uuid7()})
    assert reply.status_code == 200, reply.get_json()
    return {**HEADERS, "Authorization": f"Bearer {reply.get_json()['token']}"}


def change(entity: str, record_id: str, fields: dict, op: str = "upsert") -> dict:
    return {"id": uuid7(), "entity": entity, "record_id": record_id, "op": op,
            "hlc": str(hlc.Timestamp(hlc.now_millis(), 0, "dev-test")), "fields": fields, "base": {}}


def test_retried_push_after_a_lost_response_applies_nothing_twice(any_app, any_world, device_factory):
    phone = device_factory("worker", app=any_app)
    pull_until(phone)
    household = any_world.households[0].id
    resident = any_world.residents[0].id
    visit_id = phone.create("visit", visit_fields(household))
    phone.update("resident", resident, {"phone": "13800138000"})
    changes_before, visits_before = count(Change), count(Visit)

    phone.network.lose_responses = 1
    with pytest.raises(LostResponse):
        phone.push()
    # The server applied the batch, but the phone never heard: both changes are still pending.
    assert [c["entity"] for c in phone.outbox("pending")] == ["visit", "resident"]
    assert count(Change) == changes_before + 2
    assert count(Visit) == visits_before + 1
    first = {c.id: (c.status, c.hlc) for c in db.session.scalars(select(Change).where(Change.device_id == phone.device_id))}

    retry = phone.push()
    assert [r["replayed"] for r in retry] == [True, True]
    assert [r["status"] for r in retry] == ["accepted", "accepted"]
    assert {r["id"]: (r["status"], r["hlc"]) for r in retry} == first
    assert retry[0]["applied"] == sorted(visit_fields(household))
    assert count(Change) == changes_before + 2
    assert count(Visit) == visits_before + 1
    assert phone.outbox("pending") == []
    assert db.session.get(Visit, visit_id).notes == "老人身体不错"
    assert db.session.get(Resident, resident).phone == "13800138000"


def test_a_request_the_network_delivers_twice_is_applied_once(any_app, any_world, device_factory):
    phone = device_factory("worker", app=any_app)
    pull_until(phone)
    visit_id = phone.create("visit", visit_fields(any_world.households[0].id))
    changes_before, visits_before = count(Change), count(Visit)

    phone.network.duplicate_requests = 1
    [result] = phone.push()
    # The phone hears the second delivery's answer: it says the change was already accepted.
    assert result["status"] == "accepted" and result["replayed"] is True and result["id"]
    assert count(Change) == changes_before + 1
    assert count(Visit) == visits_before + 1
    assert db.session.scalars(select(Visit.id).where(Visit.id == visit_id)).all() == [visit_id]


def test_the_same_change_twice_in_one_batch_is_applied_once(any_app, any_world):
    headers = sign_in(any_app, "worker")
    one = change("visit", uuid7(), visit_fields(any_world.households[0].id))
    visits_before = count(Visit)
    reply = any_app.test_client().post("/api/sync/push", headers=headers, json={"changes": [one, one]})
    assert reply.status_code == 200
    first, second = reply.get_json()["results"]
    assert first["status"] == second["status"] == "accepted"
    assert second["replayed"] is True and "replayed" not in first
    assert count(Visit) == visits_before + 1
    assert db.session.scalar(select(func.count()).select_from(Change).where(Change.id == one["id"])) == 1


def test_a_retried_rejection_replays_the_same_rejection(any_app, any_world):
    headers = sign_in(any_app, "worker")
    bad = change("resident", any_world.residents[0].id, {"phone": "12345"})
    client = any_app.test_client()
    first = client.post("/api/sync/push", headers=headers, json={"changes": [bad]}).get_json()["results"][0]
    again = client.post("/api/sync/push", headers=headers, json={"changes": [bad]}).get_json()["results"][0]
    assert first["status"] == "rejected" and first["code"] == "validation_failed"
    assert again["replayed"] is True
    assert {k: again[k] for k in ("id", "status", "code", "message", "message_en", "fields")} == \
        {k: first[k] for k in ("id", "status", "code", "message", "message_en", "fields")}
    stored = db.session.scalars(select(Change).where(Change.id == bad["id"])).all()
    assert [(c.status, c.result["code"]) for c in stored] == [("rejected", "validation_failed")]


def test_a_retry_after_the_first_was_rejected_does_not_apply_a_fixed_copy(any_app, any_world):
    """The id decides: resending the same change id with other content only replays the first result."""
    headers = sign_in(any_app, "worker")
    bad = change("resident", any_world.residents[0].id, {"phone": "12345"})
    client = any_app.test_client()
    client.post("/api/sync/push", headers=headers, json={"changes": [bad]})
    sneaky = {**bad, "fields": {"phone": "13900139000"}}
    [result] = client.post("/api/sync/push", headers=headers, json={"changes": [sneaky]}).get_json()["results"]
    assert result["status"] == "rejected" and result["replayed"] is True
    db.session.rollback()
    assert db.session.get(Resident, any_world.residents[0].id).phone is None


def test_a_unique_constraint_not_only_a_lookup_keeps_a_change_id_once(any_app, any_world):
    change_id = uuid7()
    row = dict(device_id=None, user_id=any_world.users["worker"].id, entity="visit", record_id=uuid7(), op="upsert",
               hlc="001700000000000-00000-x", fields={}, base={}, status="accepted", result={})
    db.session.add(Change(id=change_id, **row))
    db.session.commit()
    db.session.add(Change(id=change_id, **{**row, "status": "rejected"}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert [c.status for c in db.session.scalars(select(Change).where(Change.id == change_id))] == ["accepted"]


def test_concurrent_deliveries_of_one_batch_apply_each_change_once(any_app, any_world):
    """Three app processes handle the same batch at the same moment (sent from the worker's phone
    and from a second signed-in copy of its outbox): the unique constraint decides, not a lookup."""
    sessions = [sign_in(any_app, "worker") for _ in range(3)]
    batch = {"changes": [change("visit", uuid7(), visit_fields(any_world.households[0].id, f"第{i}次"))
                         for i in range(5)]}
    visits_before, changes_before = count(Visit), count(Change)
    db.session.remove()
    replies: list = []
    barrier = threading.Barrier(3)

    def deliver(headers):
        with any_app.app_context():
            client = any_app.test_client()
            barrier.wait()
            reply = client.post("/api/sync/push", headers=headers, json=batch)
            replies.append((reply.status_code, reply.get_json()))
            db.session.remove()

    threads = [threading.Thread(target=deliver, args=(headers,)) for headers in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [status for status, _ in replies] == [200, 200, 200]
    for _, body in replies:
        assert [r["status"] for r in body["results"]] == ["accepted"] * 5
    replayed = sorted(sum(1 for r in body["results"] if r.get("replayed")) for _, body in replies)
    # Per change exactly one delivery applied it; the others replayed its result.
    assert sum(replayed) == 10
    assert count(Visit) == visits_before + 5
    assert count(Change) == changes_before + 5
