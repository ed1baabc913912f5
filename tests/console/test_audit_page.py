"""Audit item: the audit page shows street admins their street's entries and community staff
their community's, with filters by person, action, date and record, paged."""

from __future__ import annotations

from datetime import timedelta

from server.audit import write
from server.auth.operations import create_user
from server.extensions import db
from tests.conftest import PASSWORD
from tests.frozen_clock import clock  # noqa: F401


def entries(world):
    u = world.users
    write("view_id_number", u["staff"].id, "resident", world.residents[0].id, detail={"field": "id_number"})
    write("login", u["worker"].id, "device", None, detail={"channel": "api"})
    write("view_phone", u["far_staff"].id, "resident", world.residents[2].id, detail={"field": "phone"})
    write("export", u["admin"].id, "console_job", None)
    write("login_failed", None, detail={"username": "not-a-user", "channel": "api"})
    db.session.commit()


def test_street_admin_sees_the_whole_street_and_staff_only_their_community(app, world, staff_client):
    entries(world)
    page = staff_client("admin").get("/console/audit")
    assert page.status_code == 200
    for name in ("周社区", "李网格", "孙社区", "吴街道"):  # both communities and the street admin
        assert name in page.text
    assert "not-a-user" not in page.text  # no account: for the operator, not the console
    mine = staff_client("staff").get("/console/audit").text
    assert "周社区" in mine and "李网格" in mine
    assert "孙社区" not in mine and "吴街道" not in mine
    assert world.residents[2].id[-8:] not in mine


def test_the_filters(app, world, staff_client, clock):
    entries(world)
    clock.advance(days=3)
    write("view_phone", world.users["staff"].id, "resident", world.residents[1].id)
    db.session.commit()
    admin = staff_client("admin")
    staff_id = world.users["staff"].id
    by_person = admin.get(f"/console/audit?user={staff_id}").text
    assert by_person.count("<tr>") - 1 == 2  # the two views
    by_action = admin.get("/console/audit?action=view_phone").text
    assert world.residents[1].id[-8:] in by_action and world.residents[0].id[-8:] not in by_action
    by_record = admin.get(f"/console/audit?record={world.residents[0].id}").text
    assert "<td>查看完整证件号</td>" in by_record and "<td>导出台账</td>" not in by_record
    today = (clock.at + timedelta(hours=8)).date()
    dated = admin.get(f"/console/audit?from={today - timedelta(days=1)}&to={today}").text
    assert world.residents[1].id[-8:] in dated and world.residents[0].id[-8:] not in dated
    # A person outside the scope is ignored as a filter, not shown.
    outside = staff_client("staff").get(f"/console/audit?user={world.users['far_staff'].id}").text
    assert "孙社区" not in outside


def test_paged(app, world, staff_client):
    for i in range(60):
        write("view_phone", world.users["staff"].id, "resident", f"00000000-0000-7000-8000-{i:012d}")
    db.session.commit()
    admin = staff_client("admin")
    first = admin.get("/console/audit?action=view_phone").text
    assert "第 1 / 2 页" in first and "action=view_phone&amp;page=2" in first
    second = admin.get("/console/audit?action=view_phone&page=2").text
    assert "00000000-0000-7000-8000-000000000000"[-8:] in second


def test_in_english(app, world, staff_client):
    admin = staff_client("admin")
    admin.post("/console/lang", {"lang": "en"})
    page = admin.get("/console/audit").text
    assert "Audit Log" in page and "Sign In" in page


def test_only_staff_reach_it(app, world):
    create_user("someone", PASSWORD, "某人", "grid_worker", [world.grids[0].id])
    db.session.commit()
    reply = app.test_client().get("/console/audit")
    assert reply.status_code == 302 and reply.headers["Location"].startswith("/console/login")
