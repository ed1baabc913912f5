"""Signing in to the console: who may, how often, and what a forged form gets."""

from __future__ import annotations

from server.audit.models import AuditEntry
from server.auth.models import LoginAttempt
from server.extensions import db
from tests.console.conftest import StaffClient
from tests.frozen_clock import clock  # noqa: F401


def test_pages_need_a_staff_session(app, world):
    reply = app.test_client().get("/console/")
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/console/login?next=/console/")


def test_staff_signs_in_and_lands_on_the_dashboard(app, world):
    client = StaffClient(app.test_client())
    reply = client.login("staff")
    assert reply.status_code == 302 and reply.headers["Location"] == "/console/"
    page = client.get("/console/")
    assert page.status_code == 200 and "幸福社区" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.user_id == world.users["staff"].id)) == "login"


def test_field_roles_are_refused(app, world):
    client = StaffClient(app.test_client())
    reply = client.login("worker")
    assert reply.status_code == 403 and "staff_only" in reply.text
    assert client.get("/console/").status_code == 302


def test_wrong_password_says_so_in_both_languages(app, world):
    reply = StaffClient(app.test_client()).login("staff", "wrong-password")
    assert reply.status_code == 401
    assert "用户名或密码错误" in reply.text and "Wrong username or password" in reply.text


def test_sign_in_is_rate_limited_per_username(app, world, clock):
    attacker = StaffClient(app.test_client())
    for _ in range(5):
        assert attacker.login("staff", "guess").status_code == 401
    locked = attacker.login("staff")  # even the right password, until the backoff has passed
    assert locked.status_code == 429 and "too_many_attempts" in locked.text
    assert locked.headers["Retry-After"] == "1"
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginAttempt)) == 5
    # Another account from elsewhere is not locked out by it.
    assert StaffClient(app.test_client()).login("admin").status_code == 302


def test_forms_without_the_csrf_token_are_refused(app, world, staff_client):
    client = staff_client("admin")
    reply = client.client.post("/console/community", data={"community_id": world.other_community.id})
    assert reply.status_code == 400 and "csrf_failed" in reply.text
    forged = client.client.post("/console/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert client.get("/console/").status_code == 200  # still signed in


def test_street_admin_switches_community_but_staff_cannot(app, world, staff_client):
    admin = staff_client("admin")
    assert "团结社区" in admin.get("/console/").text  # the switcher lists both
    assert admin.post("/console/community", {"community_id": world.other_community.id}).status_code == 302
    page = admin.get("/console/").text
    assert 'selected>团结社区' in page
    staff = staff_client("staff")
    refused = staff.post("/console/community", {"community_id": world.other_community.id})
    assert refused.status_code == 404


def test_a_password_reset_ends_old_sessions(app, world, staff_client):
    from server.auth.operations import set_password

    client = staff_client("staff")
    set_password(db.session.get(type(world.users["staff"]), world.users["staff"].id), "a-new-password-1")
    db.session.commit()
    assert client.get("/console/").status_code == 302


def test_next_never_leaves_the_console(app, world):
    client = StaffClient(app.test_client())
    client.client.get("/console/login")
    page = client.client.get("/console/login")
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    reply = client.client.post("/console/login", data={"username": "staff", "password": "grid-pass-2026",
                                                       "csrf_token": token, "next": "//evil.example/x"})
    assert reply.headers["Location"] == "/console/"
