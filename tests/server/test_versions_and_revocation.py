"""Guarantees 12 and 13: every request states its versions and an old app hears "update
required"; a revoked device is refused and told to wipe, and the client does."""

from __future__ import annotations

import pytest

from server.auth.models import Device
from server.auth.operations import revoke_device
from server.extensions import db
from server.registry.models import Resident
from sync import PROTOCOL_VERSION
from sync.client import DeviceRevoked, SyncClient, UpdateRequired
from sync.errors import field_error
from sync.ids import uuid7
from sync.transport import FlakyNetwork
from tests.conftest import PASSWORD, wsgi_send
from tests.pulls import pull_until

HEADERS = {"X-Wangge-Protocol": str(PROTOCOL_VERSION), "X-Wangge-App": "0.1.0"}



def assert_error(reply, status: int, code: str) -> dict:
    assert reply.status_code == status, reply.get_data(as_text=True)
    body = reply.get_json()
    assert body["code"] == code and body["message"] and body["message_en"]
    return body


def login_body(username: str = "worker", device_id: str | None = None) -> dict:
    return {"username": username, "password": PASSWORD, "device_id": device_id or uuid7()}


def token_headers(device: SyncClient) -> dict:
    return {**HEADERS, "Authorization": f"Bearer {device._meta('token')}"}


# --- versions --------------------------------------------------------------------------


def test_a_request_without_the_protocol_version_is_refused(app, world, device_factory):
    client = app.test_client()
    phone = device_factory("worker")
    auth = {"Authorization": f"Bearer {phone._meta('token')}", "X-Wangge-App": "0.1.0"}
    for reply in (client.post("/api/auth/login", json=login_body(), headers={"X-Wangge-App": "0.1.0"}),
                  client.post("/api/sync/push", json={"changes": []}, headers=auth),
                  client.get("/api/sync/pull", headers=auth),
                  client.put(f"/api/blobs/{'a' * 64}", data=b"x", headers=auth)):
        assert_error(reply, 400, "protocol_missing")
    assert client.get("/api/sync/pull", headers={**auth, **HEADERS}).status_code == 200


def test_a_protocol_newer_than_the_server_or_garbled_is_refused(app, world):
    for value in (str(PROTOCOL_VERSION + 1), "one", ""):
        reply = app.test_client().post("/api/auth/login", json=login_body(),
                                       headers={**HEADERS, "X-Wangge-Protocol": value})
        body = assert_error(reply, 400, "invalid_request")
        assert body["protocol"] == PROTOCOL_VERSION


@pytest.mark.parametrize("app_version", ["0.9.9", "1.1.99", "1.2.0-rc.1", "1.2.0-0", None])
def test_an_app_older_than_the_minimum_is_told_to_update(app, world, app_version):
    app.config["MIN_APP_VERSION"] = "1.2.0"
    headers = {**HEADERS, "X-Wangge-App": app_version} if app_version else {"X-Wangge-Protocol": "1"}
    # Before the body is even parsed: an old app may send a shape the server no longer reads.
    reply = app.test_client().post("/api/auth/login", data=b"{from an old app", headers=headers)
    body = assert_error(reply, 426, "update_required")
    assert body["min_app_version"] == "1.2.0" and body["protocol"] == PROTOCOL_VERSION
    assert body["message"] == "应用版本过旧，请更新后再同步"


@pytest.mark.parametrize("app_version", ["0.1", "2.0", "0.1.0.5", "00.1.0", "0.01.0", "1.2.0+build.7", "v1.2.0",
                                         "1.2.0-", "1.2.0-rc.01", "", "not-a-version", "1.2.0-" + "a" * 27])
def test_a_malformed_app_version_is_a_bad_request_naming_the_header(app, world, device_factory, app_version):
    app.config["MIN_APP_VERSION"] = "1.2.0"
    headers = {**HEADERS, "X-Wangge-App": app_version}
    phone = device_factory("worker", app_version="1.2.0")
    client = app.test_client()
    token = {"Authorization": f"Bearer {phone._meta('token')}"}
    for reply in (client.post("/api/auth/login", data=b"{not json", headers=headers),
                  client.get("/api/sync/pull", headers={**headers, **token})):
        body = assert_error(reply, 400, "invalid_request")
        assert body["fields"] == {"X-Wangge-App": field_error("app_version_format")}
        assert body["fields"]["X-Wangge-App"]["message"].startswith("应用版本号应为")
        assert body["min_app_version"] == "1.2.0" and body["protocol"] == PROTOCOL_VERSION


def test_an_app_at_or_above_the_minimum_is_served(app, world):
    app.config["MIN_APP_VERSION"] = "1.2.0"
    for version in ("1.2.0", "1.2.1-alpha", "1.10.0", "2.0.0", "2.0.0-beta.2", "1.2.1-" + "a" * 26):
        reply = app.test_client().post("/api/auth/login", json=login_body(),
                                       headers={**HEADERS, "X-Wangge-App": version})
        assert reply.status_code == 200, version


def test_the_longest_version_fits_the_device_row(any_app, any_world):
    # 32 characters is the rule's limit because it is the column's: one more was a 500 on PostgreSQL.
    version = "1.2.1-" + "a" * 26
    reply = any_app.test_client().post("/api/auth/login", json=login_body(), headers={**HEADERS, "X-Wangge-App": version})
    assert reply.status_code == 200, reply.get_json()
    assert db.session.get(Device, reply.get_json()["device_id"]).app_version == version


def test_a_pre_release_minimum_lets_its_later_pre_releases_in(app, world):
    app.config["MIN_APP_VERSION"] = "1.2.0-beta.2"
    for version, status in (("1.2.0-beta.1", 426), ("1.2.0-alpha.9", 426), ("1.2.0-beta.2", 200),
                            ("1.2.0-beta.10", 200), ("1.2.0-rc.1", 200), ("1.2.0", 200)):
        reply = app.test_client().post("/api/auth/login", json=login_body(),
                                       headers={**HEADERS, "X-Wangge-App": version})
        assert reply.status_code == status, version


def test_a_garbled_protocol_digit_is_a_bad_request_not_a_crash(app, world):
    # "²" passes str.isdigit() but not int().
    reply = app.test_client().post("/api/auth/login", json=login_body(), headers={**HEADERS, "X-Wangge-Protocol": "²"})
    assert_error(reply, 400, "invalid_request")


def test_the_client_refuses_to_start_with_a_malformed_version(app):
    with pytest.raises(ValueError):
        SyncClient(FlakyNetwork(wsgi_send(app)), app_version="0.1")


def test_the_client_raises_update_required_and_keeps_its_outbox(app, world, device_factory):
    phone = device_factory("worker", app_version="1.0.0")
    phone.pull()
    phone.update("resident", world.residents[0].id, {"notes": "升级前写的"})
    app.config["MIN_APP_VERSION"] = "1.1.0"
    with pytest.raises(UpdateRequired) as caught:
        phone.push()
    assert caught.value.status == 426 and caught.value.code == "update_required"
    with pytest.raises(UpdateRequired):
        phone.pull()
    # Nothing is lost while the app waits for its update.
    assert [c["fields"] for c in phone.outbox()] == [{"notes": "升级前写的"}]
    assert phone.server_copy()
    phone.app_version = "1.1.0"  # the app updated itself; the outbox survives the update
    [result] = phone.push()
    assert result["status"] == "accepted"
    assert db.session.get(Resident, world.residents[0].id).notes == "升级前写的"


# --- revocation ------------------------------------------------------------------------


def revoke(device_id: str, by) -> None:
    revoke_device(db.session.get(Device, device_id), by.id)
    db.session.commit()


def test_a_revoked_device_is_refused_and_told_to_wipe(any_app, any_world, device_factory):
    phone = device_factory("worker", app=any_app)
    pull_until(phone)
    headers = token_headers(phone)
    revoke(phone.device_id, any_world.users["staff"])
    client = any_app.test_client()
    for reply in (client.post("/api/sync/push", json={"changes": []}, headers=headers),
                  client.get("/api/sync/pull", headers=headers),
                  client.put(f"/api/blobs/{'a' * 64}", data=b"x", headers=headers),
                  client.get(f"/api/blobs/{'a' * 64}", headers=headers)):
        body = assert_error(reply, 401, "device_revoked")
        assert body["wipe"] is True
    stored = db.session.get(Device, phone.device_id)
    assert stored.revoked_at is not None and stored.revoked_by == any_world.users["staff"].id


def test_the_client_of_a_revoked_device_wipes_its_replica_and_outbox(any_app, any_world, device_factory):
    phone = device_factory("worker", app=any_app)
    pull_until(phone)
    phone.update("resident", any_world.residents[0].id, {"notes": "丢失的手机上写的"})
    phone.attach(b"\x89PNG\r\n\x1a\n photo bytes")
    assert phone.server_copy() and phone.outbox() and phone.pending_blobs()
    revoke(phone.device_id, any_world.users["admin"])

    with pytest.raises(DeviceRevoked) as caught:
        phone.push()
    assert caught.value.status == 401 and caught.value.body["wipe"] is True
    assert phone.server_copy() == {}
    assert phone.outbox("pending") == [] and phone.outbox("rejected") == []
    assert phone.pending_blobs() == []
    assert phone.user is None and phone._meta("token") is None and phone._meta("cursor") is None
    # The lost phone's edit never reached the server.
    db.session.rollback()
    assert db.session.get(Resident, any_world.residents[0].id).notes is None


def test_a_revoked_device_pulling_also_wipes(app, world, device_factory):
    phone = device_factory("worker")
    phone.pull()
    revoke(phone.device_id, world.users["staff"])
    with pytest.raises(DeviceRevoked):
        phone.pull()
    assert phone.server_copy() == {}


def test_a_revoked_device_cannot_sign_in_again(app, world, device_factory):
    phone = device_factory("worker")
    revoke(phone.device_id, world.users["staff"])
    reply = app.test_client().post("/api/auth/login", json=login_body("worker", phone.device_id), headers=HEADERS)
    assert assert_error(reply, 401, "device_revoked")["wipe"] is True
    with pytest.raises(DeviceRevoked):
        phone.login("worker", PASSWORD)
    # Another user cannot adopt the revoked device id either.
    reply = app.test_client().post("/api/auth/login", json=login_body("worker2", phone.device_id), headers=HEADERS)
    assert_error(reply, 401, "device_revoked")


def test_revoking_one_device_leaves_the_users_other_devices_working(app, world, device_factory):
    lost = device_factory("worker")
    kept = device_factory("worker")
    revoke(lost.device_id, world.users["staff"])
    assert kept.pull()["verified"] is True
    kept.update("resident", world.residents[0].id, {"notes": "新手机"})
    assert [r["status"] for r in kept.push()] == ["accepted"]


def test_a_fresh_client_on_the_same_phone_keeps_its_device_id_through_a_wipe(app, world):
    network = FlakyNetwork(wsgi_send(app))
    phone = SyncClient(network)
    phone.login("worker", PASSWORD)
    device_id = phone.device_id
    revoke(device_id, world.users["staff"])
    with pytest.raises(DeviceRevoked):
        phone.pull()
    # The id survives the wipe, so the server keeps recognising (and refusing) this phone.
    assert phone._meta("device_id") == device_id
    with pytest.raises(DeviceRevoked):
        phone.login("worker", PASSWORD)
