"""Finding 10: console sessions live on the server; signing out or a password reset ends them, so
a copied cookie is refused afterwards. A reset from the users page also ends the person's device
tokens without revoking the phones."""

from __future__ import annotations

from server.auth.models import Device
from server.extensions import db
from sync.ids import uuid7
from tests.conftest import PASSWORD

HEADERS = {"X-Wangge-Protocol": "1", "X-Wangge-App": "0.1.0"}


def session_cookie(client) -> str:
    return client.client.get_cookie("session").value


def replay(app, cookie: str):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/console/")


def test_a_cookie_replayed_after_logout_is_refused(app, world, staff_client):
    client = staff_client("staff")
    cookie = session_cookie(client)
    assert replay(app, cookie).status_code == 200
    assert client.post("/console/logout").status_code == 302
    refused = replay(app, cookie)
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/console/login")


def test_a_reset_on_the_users_page_ends_sessions_and_device_tokens(app, world, staff_client):
    device_id = uuid7()
    phone = app.test_client()
    token = phone.post("/api/auth/login", json={"username": "worker", "password": PASSWORD, "device_id": device_id},
                       headers=HEADERS).get_json()["token"]
    admin = staff_client("staff")
    worker_id = world.users["worker"].id
    assert admin.post(f"/console/users/{worker_id}/password",
                      {"password": "new-password-9", "password2": "new-password-9"}).status_code == 302
    reply = phone.get("/api/sync/pull", headers={**HEADERS, "Authorization": f"Bearer {token}"})
    assert reply.status_code == 401 and reply.get_json()["code"] == "token_expired"
    assert "wipe" not in reply.get_json()
    assert db.session.get(Device, device_id).revoked_at is None


def test_a_reset_ends_the_staff_members_own_sessions(app, world, staff_client):
    admin = staff_client("admin")
    victim = staff_client("staff")
    cookie = session_cookie(victim)
    from server.auth.operations import set_password
    set_password(db.session.get(type(world.users["staff"]), world.users["staff"].id), "another-pass-77")
    db.session.commit()
    assert replay(app, cookie).status_code == 302
    assert admin.get("/console/").status_code == 200  # nobody else's session is touched
