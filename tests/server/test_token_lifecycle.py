"""Finding 10: a device token ends after an idle period and on a password reset: the phone is told
`token_expired` (sign in again, keep the outbox), never `wipe`; a revoked one still wipes."""

from __future__ import annotations

from server.auth.models import Device
from server.auth.operations import set_password
from server.extensions import db
from sync.ids import uuid7
from tests.conftest import PASSWORD
from tests.frozen_clock import clock  # noqa: F401

HEADERS = {"X-Wangge-Protocol": "1", "X-Wangge-App": "0.1.0"}


def sign_in(client, username: str = "worker", password: str = PASSWORD, device_id: str | None = None) -> str:
    reply = client.post("/api/auth/login", json={"username": username, "password": password,
                                                 "device_id": device_id or uuid7()}, headers=HEADERS)
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()["token"]


def pull(client, token: str):
    return client.get("/api/sync/pull", headers={**HEADERS, "Authorization": f"Bearer {token}"})


def test_a_token_unused_for_the_idle_period_expires_without_wipe(app, world, clock):
    client = app.test_client()
    token = sign_in(client)
    clock.advance(days=29)
    assert pull(client, token).status_code == 200  # use keeps it alive
    clock.advance(days=30, seconds=1)
    reply = pull(client, token)
    body = reply.get_json()
    assert reply.status_code == 401 and body["code"] == "token_expired" and body["reason"] == "idle"
    assert "wipe" not in body and body["message"] and body["message_en"]
    # Signing in again on the same device works and the new token syncs.
    device_id = db.session.scalar(db.select(Device.id))
    assert pull(client, sign_in(client, device_id=device_id)).status_code == 200


def test_the_idle_period_is_configurable(app, world, clock):
    app.config["DEVICE_TOKEN_IDLE_DAYS"] = 2
    client = app.test_client()
    token = sign_in(client)
    clock.advance(days=2, seconds=1)
    assert pull(client, token).get_json()["code"] == "token_expired"


def test_a_password_reset_ends_device_tokens_but_does_not_revoke(app, world, clock):
    client = app.test_client()
    device_id = uuid7()
    token = sign_in(client, device_id=device_id)
    worker = world.users["worker"]
    set_password(worker, "a-brand-new-pass-1")
    db.session.commit()
    reply = pull(client, token)
    body = reply.get_json()
    assert reply.status_code == 401 and body["code"] == "token_expired" and body["reason"] == "password_reset"
    assert "wipe" not in body
    assert db.session.get(Device, device_id).revoked_at is None
    assert client.post("/api/auth/login", json={"username": "worker", "password": PASSWORD, "device_id": device_id},
                       headers=HEADERS).status_code == 401  # the old password is gone
    fresh = sign_in(client, "worker", "a-brand-new-pass-1", device_id)
    assert pull(client, fresh).status_code == 200
