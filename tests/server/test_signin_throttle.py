"""Finding 7: one throttle for the device API and the console, backoff rather than lockout, the
client's own address behind a trusted proxy, and every sign-in in the audit trail."""

from __future__ import annotations

import pytest

from server.audit.models import AuditEntry
from server.extensions import db
from sync.ids import uuid7
from tests.conftest import PASSWORD, build_world, make_app
from tests.console.conftest import StaffClient
from tests.frozen_clock import clock  # noqa: F401

HEADERS = {"X-Wangge-Protocol": "1", "X-Wangge-App": "0.1.0"}


def api_login(client, username: str, password: str, address: str = "10.0.0.9", **headers):
    return client.post("/api/auth/login", json={"username": username, "password": password, "device_id": uuid7()},
                       headers={**HEADERS, **headers}, environ_base={"REMOTE_ADDR": address})


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_the_api_backs_off_after_wrong_passwords_and_says_how_long(app, world, clock):
    client = app.test_client()
    statuses = [api_login(client, "worker", f"guess-{i}").status_code for i in range(50)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    right = api_login(client, "worker", PASSWORD)
    assert right.status_code == 429
    body = right.get_json()
    assert body["code"] == "too_many_attempts" and body["message"] and body["message_en"]
    assert right.headers["Retry-After"] == "1" and body["retry_after"] == 1

    # Backoff, not lockout: each further failure doubles the wait, and after it the right password works.
    clock.advance(seconds=1)
    assert api_login(client, "worker", "guess-again").status_code == 401
    assert api_login(client, "worker", PASSWORD).headers["Retry-After"] == "2"
    clock.advance(seconds=2)
    assert api_login(client, "worker", PASSWORD).status_code == 200


def test_the_wait_is_capped(app, world, clock):
    client = app.test_client()
    for _ in range(30):
        reply = api_login(client, "worker", "guess")
        clock.advance(seconds=int(reply.headers.get("Retry-After", 0)))
    assert int(api_login(client, "worker", "guess").headers.get("Retry-After", 0)) <= 15 * 60


def test_api_and_console_share_one_count(app, world, clock):
    for _ in range(5):
        assert api_login(app.test_client(), "staff", "guess").status_code == 401
    reply = StaffClient(app.test_client()).login("staff")
    assert reply.status_code == 429 and reply.headers["Retry-After"] == "1"


def test_an_attacker_elsewhere_does_not_keep_staff_waiting_at_their_usual_address(app, world, clock):
    office = "10.1.1.1"
    assert api_login(app.test_client(), "staff", PASSWORD, office).status_code == 200
    for _ in range(12):
        api_login(app.test_client(), "staff", "guess", "203.0.113.5")
    assert api_login(app.test_client(), "staff", PASSWORD, "203.0.113.5").status_code == 429
    assert api_login(app.test_client(), "staff", PASSWORD, office).status_code == 200


def test_spraying_from_one_address_backs_off_but_not_for_accounts_known_there(app, world, clock):
    shared = "10.9.9.9"
    assert api_login(app.test_client(), "staff", PASSWORD, shared).status_code == 200
    for i in range(20):  # one guess at each of many usernames
        assert api_login(app.test_client(), f"nobody{i}", "guess", shared).status_code == 401
    assert api_login(app.test_client(), "admin", PASSWORD, shared).status_code == 429
    assert api_login(app.test_client(), "staff", PASSWORD, shared).status_code == 200  # signed in here before
    assert api_login(app.test_client(), "admin", PASSWORD, "10.9.9.10").status_code == 200


@pytest.fixture
def proxied_app(tmp_path):
    app = make_app("sqlite", tmp_path, TRUSTED_PROXY_HOPS=1)
    with app.app_context():
        build_world(app)
        yield app
        db.session.remove()


def console_login(app, username: str, password: str, client_address: str, proxy: str = "172.18.0.2"):
    """A sign-in through the compose file's reverse proxy, which appends the client's address."""
    client = StaffClient(app.test_client())
    environ = {"REMOTE_ADDR": proxy}
    page = client.client.get("/console/login", environ_base=environ)
    from tests.console.conftest import TOKEN
    token = TOKEN.search(page.text).group(1)
    return client.client.post("/console/login", data={"username": username, "password": password, "csrf_token": token},
                              headers={"X-Forwarded-For": client_address}, environ_base=environ)


def test_behind_the_proxy_one_attackers_failures_do_not_block_staff_elsewhere(proxied_app, clock):
    for i in range(20):  # all through the one proxy address
        assert console_login(proxied_app, f"guess{i}", "guess", "198.51.100.7").status_code == 401
    assert console_login(proxied_app, "nobody", "guess", "198.51.100.7").status_code == 429
    assert console_login(proxied_app, "staff", PASSWORD, "192.0.2.44").status_code == 302
    [entry] = audits("login")
    assert entry.ip == "192.0.2.44"


def test_without_trusted_hops_a_forwarded_header_is_ignored(app, world, clock):
    reply = api_login(app.test_client(), "worker", PASSWORD, "10.0.0.1", **{"X-Forwarded-For": "1.2.3.4"})
    assert reply.status_code == 200
    assert audits("login")[0].ip == "10.0.0.1"


def test_every_sign_in_is_audited_never_the_password(app, world, clock):
    api_login(app.test_client(), "worker", PASSWORD, "10.0.0.2")
    api_login(app.test_client(), "worker", "wrong-secret-1", "10.0.0.2")
    api_login(app.test_client(), "ghost", "wrong-secret-2", "10.0.0.2")
    StaffClient(app.test_client()).login("staff")
    StaffClient(app.test_client()).login("staff", "wrong-secret-3")
    StaffClient(app.test_client()).login("worker")  # right password, not staff

    ok = [(e.user_id, e.detail["channel"]) for e in audits("login")]
    assert ok == [(world.users["worker"].id, "api"), (world.users["staff"].id, "console")]
    failed = [(e.user_id, e.detail["channel"], e.detail["username"], e.detail["reason"]) for e in audits("login_failed")]
    assert failed == [(world.users["worker"].id, "api", "worker", "invalid_credentials"),
                      (None, "api", "ghost", "invalid_credentials"),
                      (world.users["staff"].id, "console", "staff", "invalid_credentials"),
                      (world.users["worker"].id, "console", "worker", "staff_only")]
    for entry in db.session.scalars(db.select(AuditEntry)):
        assert "wrong-secret" not in str(entry.detail) and PASSWORD not in str(entry.detail)
