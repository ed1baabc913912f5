"""Users and devices: accounts of the community's grids, their grids and passwords, lost phones."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from server.auth.models import Device, User
from server.audit.models import AuditEntry
from server.extensions import db
from sync.client import DeviceRevoked, SyncClient, SyncError
from sync.transport import FlakyNetwork
from tests.conftest import PASSWORD, wsgi_send

NEW_PASSWORD = "new-pass-2026"


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def user_named(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def phone_for(app, username: str, password: str = PASSWORD) -> SyncClient:
    client = SyncClient(FlakyNetwork(wsgi_send(app)))
    client.login(username, password)
    return client


def new_worker_form(world, **overrides) -> dict:
    form = {"role": "grid_worker", "username": "wgy_new", "name": "钱网格", "phone": "13800138000",
            "password": "start-2026", "password2": "start-2026", "grid_ids": [world.grids[1].id]}
    form.update(overrides)
    return form


# --- the list and who is in it -------------------------------------------------------------------

def test_the_list_shows_the_communitys_accounts_only(world, staff_client):
    html = staff_client("staff").get("/console/users").text
    for name in ("李网格", "王网格", "赵网格", "陈志愿", "周社区"):
        assert name in html
    assert "孙社区" not in html and "吴街道" not in html  # 团结社区's staff, the street admin
    # Filters: by role and by name or username.
    volunteers = staff_client("staff").get("/console/users?role=patrol_volunteer").text
    assert "陈志愿" in volunteers and "李网格" not in volunteers
    staff = staff_client("staff")
    found = staff.get(staff.post("/console/users", {"q": "worker_b"}).headers["Location"]).text
    assert "赵网格" in found and "李网格" not in found
    assert "共 0 个账号" in staff.get(staff.post("/console/users", {"q": "%"}).headers["Location"]).text


def test_staff_of_another_community_cannot_see_or_touch_these_users(app, world, staff_client, device_factory):
    phone = device_factory("worker")
    phone.pull()
    far = staff_client("far_staff")
    worker = world.users["worker"]
    assert "李网格" not in far.get("/console/users").text
    assert far.get(f"/console/users/{worker.id}").status_code == 404
    for url, data in ((f"/console/users/{worker.id}/devices/{phone.device_id}/revoke", {}),
                      (f"/console/users/{worker.id}/password", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}),
                      (f"/console/users/{worker.id}/active", {"active": "0"}),
                      (f"/console/users/{worker.id}/grids", {"grid_ids": [world.far_grid.id]})):
        assert far.post(url, data).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Device, phone.device_id).revoked_at is None
    assert user_named("worker").active and user_named("worker").area_ids == [world.grids[0].id]
    phone.pull()  # still works
    # A made-up id answers the same as someone else's.
    assert far.get("/console/users/01234567-89ab-7def-8123-456789abcdef").status_code == 404


def test_community_staff_cannot_manage_staff_but_a_street_admin_can(app, world, staff_client):
    admin = staff_client("admin")
    admin.post("/console/community", {"community_id": world.community.id, "next": "/console/users"})
    reply = admin.post("/console/users/new", {"role": "community_staff", "username": "sq_new", "name": "郑社区",
                                              "password": "start-2026", "password2": "start-2026"})
    assert reply.status_code == 302, reply.text
    colleague = user_named("sq_new")
    assert colleague.role == "community_staff" and colleague.area_ids == [world.community.id]

    staff = staff_client("staff")
    page = staff.get(f"/console/users/{colleague.id}")
    assert page.status_code == 200 and "您只能查看此账号" in page.text and "重置密码" not in page.text
    reply = staff.post(f"/console/users/{colleague.id}/password", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert reply.status_code == 403 and 'data-code="role_not_allowed"' in reply.text
    # Nor create one, nor a street admin.
    for role in ("community_staff", "street_admin"):
        reply = staff.post("/console/users/new", new_worker_form(world, role=role, username=f"x_{role}"))
        assert reply.status_code == 422 and "role_not_allowed" in reply.text
        assert user_named(f"x_{role}") is None
    # And not their own account either.
    me = world.users["staff"]
    assert staff.post(f"/console/users/{me.id}/active", {"active": "0"}).status_code == 403
    assert user_named("staff").active


# --- creating ------------------------------------------------------------------------------------

def test_create_a_grid_worker_who_then_signs_in_on_a_phone(app, world, staff_client):
    staff = staff_client("staff")
    reply = staff.post("/console/users/new", new_worker_form(world))
    assert reply.status_code == 302
    user = user_named("wgy_new")
    assert reply.headers["Location"].endswith(f"/console/users/{user.id}")
    assert (user.name, user.role, user.phone, user.area_ids) == ("钱网格", "grid_worker", "13800138000",
                                                                  [world.grids[1].id])
    entry = audits("create_user")[-1]
    assert entry.record_id == user.id and entry.user_id == world.users["staff"].id
    assert entry.detail["role"] == "grid_worker"
    page = staff.get(reply.headers["Location"]).text
    assert "已创建账号 wgy_new" in page and "钱网格" in page
    phone = phone_for(app, "wgy_new", "start-2026")
    phone.pull()
    grids = {record_id for entity, record_id in phone.server_copy() if entity == "area"}
    assert grids == {world.grids[1].id}


@pytest.mark.parametrize("overrides, field, code", [
    ({"password": "short", "password2": "short"}, "password", "password_too_short"),
    ({"password2": "different-2026"}, "password2", "password_mismatch"),
    ({"username": "worker"}, "username", "username_taken"),
    ({"username": "WORKER"}, "username", "username_taken"),
    ({"username": "a b"}, "username", "username_invalid"),
    ({"username": ""}, "username", "username_invalid"),
    ({"name": "  "}, "name", "required"),
    ({"name": "长" * 51}, "name", "too_long"),
    ({"phone": "12345"}, "phone", "phone_format"),
    ({"grid_ids": []}, "grid_ids", "grids_required"),
    ({"grid_ids": ["not-a-grid"]}, "grid_ids", "unknown_grid"),
    ({"role": "mayor"}, "role", "role_not_allowed"),
])
def test_bad_input_is_refused_with_its_code_and_keeps_what_was_typed(world, staff_client, overrides, field, code):
    form = new_worker_form(world, **overrides)
    reply = staff_client("staff").post("/console/users/new", form)
    assert reply.status_code == 422
    html = reply.text
    assert f'id="{field}-error" data-code="{code}"' in html
    assert 'data-code="user_form_invalid"' in html and "表单有误" in html and "Some fields need correcting" in html
    for name in ("username", "name", "phone"):
        if form[name].strip():
            assert f'value="{form[name]}"' in html or f'value="{form[name].strip()}"' in html, name
    if form["grid_ids"] == [world.grids[1].id]:
        assert re.search(rf'value="{world.grids[1].id}" checked', html)
    assert user_named(form["username"]) is None or form["username"].lower() == "worker"


def test_a_grid_of_another_community_cannot_be_assigned(world, staff_client):
    reply = staff_client("staff").post("/console/users/new", new_worker_form(world, grid_ids=[world.far_grid.id]))
    assert reply.status_code == 422 and 'data-code="unknown_grid"' in reply.text
    assert user_named("wgy_new") is None


# --- editing an account --------------------------------------------------------------------------

def test_assign_grids_and_the_phone_follows(app, world, staff_client, device_factory):
    phone = device_factory("worker")
    phone.pull()
    worker = world.users["worker"]
    staff = staff_client("staff")
    reply = staff.post(f"/console/users/{worker.id}/grids", {"grid_ids": [world.grids[1].id]})
    assert reply.status_code == 302
    assert user_named("worker").area_ids == [world.grids[1].id]
    entry = audits("edit_user")[-1]
    assert entry.detail == {"grids_before": [world.grids[0].id], "grids_after": [world.grids[1].id]}
    phone.pull()
    residents = {record_id for entity, record_id in phone.server_copy() if entity == "resident"}
    assert residents == {world.residents[1].id}
    # Nothing chosen is refused, and the page still shows the current grids.
    reply = staff.post(f"/console/users/{worker.id}/grids", {})
    assert reply.status_code == 422 and 'data-code="grids_required"' in reply.text
    assert user_named("worker").area_ids == [world.grids[1].id]


def test_a_worker_keeps_grids_of_other_communities(app, world, staff_client):
    worker = world.users["worker"]
    worker.assignments.append(type(worker.assignments[0])(area_id=world.far_grid.id))
    db.session.commit()
    staff = staff_client("staff")
    assert "另有 1 个其他社区的网格" in staff.get(f"/console/users/{worker.id}").text
    staff.post(f"/console/users/{worker.id}/grids", {"grid_ids": [world.grids[0].id, world.grids[1].id]})
    assert sorted(user_named("worker").area_ids) == sorted([world.grids[0].id, world.grids[1].id, world.far_grid.id])


def test_deactivate_and_reactivate(app, world, staff_client, device_factory):
    phone = device_factory("worker_b")
    phone.pull()
    worker = world.users["worker_b"]
    staff = staff_client("staff")
    assert staff.post(f"/console/users/{worker.id}/active", {"active": "0"}).status_code == 302
    assert not user_named("worker_b").active
    with pytest.raises(SyncError) as caught:
        phone.pull()
    assert caught.value.code == "user_disabled"
    assert "已停用" in staff.get(f"/console/users/{worker.id}").text
    assert staff.post(f"/console/users/{worker.id}/active", {"active": "1"}).status_code == 302
    phone.pull()
    assert [e.detail for e in audits("edit_user")] == [{"active": False}, {"active": True}]
    assert staff.post(f"/console/users/{worker.id}/active", {"active": "maybe"}).status_code == 400


def test_reset_a_password(app, world, staff_client):
    worker = world.users["worker2"]
    staff = staff_client("staff")
    reply = staff.post(f"/console/users/{worker.id}/password", {"password": "short", "password2": "short"})
    assert reply.status_code == 422 and 'data-code="password_too_short"' in reply.text
    assert audits("reset_password") == []
    reply = staff.post(f"/console/users/{worker.id}/password", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert reply.status_code == 302
    assert [e.record_id for e in audits("reset_password")] == [worker.id]
    with pytest.raises(SyncError) as caught:
        phone_for(app, "worker2", PASSWORD)
    assert caught.value.code == "invalid_credentials"
    phone_for(app, "worker2", NEW_PASSWORD).pull()


# --- devices --------------------------------------------------------------------------------------

def test_revoke_a_lost_phone_which_wipes_at_its_next_pull(app, world, staff_client, device_factory):
    lost = device_factory("worker")
    lost.pull()
    spare = device_factory("worker")
    spare.pull()
    assert lost.server_copy()
    worker = world.users["worker"]
    staff = staff_client("staff")
    page = staff.get(f"/console/users/{worker.id}").text
    revoke_url = f"/console/users/{worker.id}/devices/{lost.device_id}/revoke"
    assert f'action="{revoke_url}"' in page and "data-confirm=" in page
    reply = staff.post(revoke_url)
    assert reply.status_code == 302
    db.session.expire_all()
    device = db.session.get(Device, lost.device_id)
    assert device.revoked_at is not None and device.revoked_by == world.users["staff"].id
    assert device.token_hash is not None  # kept, so the phone is told to wipe rather than "signed out"
    entry = audits("revoke_device")[-1]
    assert entry.record_id == lost.device_id and entry.detail["user_id"] == worker.id
    with pytest.raises(DeviceRevoked):
        lost.pull()
    assert lost.server_copy() == {} and lost.user is None
    spare.pull()  # the worker's other phone carries on
    page = staff.get(f"/console/users/{worker.id}").text
    assert "已停用设备" in page
    again = staff.post(revoke_url)
    assert again.status_code == 409 and 'data-code="device_already_revoked"' in again.text
    # Another user's path to the device does not find it.
    other = world.users["worker2"]
    assert staff.post(f"/console/users/{other.id}/devices/{spare.device_id}/revoke").status_code == 404


def test_a_street_admin_revokes_in_the_current_community_only(app, world, staff_client, device_factory):
    admin = staff_client("admin")
    phone = device_factory("worker")
    phone.pull()
    worker = world.users["worker"]
    admin.post("/console/community", {"community_id": world.other_community.id, "next": "/console/"})
    assert admin.post(f"/console/users/{worker.id}/devices/{phone.device_id}/revoke").status_code == 404
    admin.post("/console/community", {"community_id": world.community.id, "next": "/console/"})
    assert admin.post(f"/console/users/{worker.id}/devices/{phone.device_id}/revoke").status_code == 302
    with pytest.raises(DeviceRevoked):
        phone.pull()


def test_the_detail_page_lists_devices_and_shows_the_phone_number_to_staff(app, world, staff_client, device_factory):
    phone = device_factory("worker")
    phone.pull()
    worker = world.users["worker"]
    worker.phone = "13912345678"
    db.session.commit()
    html = staff_client("staff").get(f"/console/users/{worker.id}").text
    assert "13912345678" in html and phone.device_id[-8:] in html and "使用中" in html
    assert audits("view_phone")[-1].record_id == worker.id
    admin = staff_client("admin")
    admin.post("/console/community", {"community_id": world.community.id, "next": "/console/"})
    html = admin.get(f"/console/users/{worker.id}").text
    assert "139****5678" in html and "13912345678" not in html
