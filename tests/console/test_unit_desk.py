"""Handling units as actors: a unit contact's desk, what it may see and do, deadlines from receipt,
assisting units, and the community's escalation to the street."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.auth.models import User
from server.auth.operations import create_user
from server.cases.deadlines import deadline_for
from server.cases.models import CaseStep, CaseUnit, Finding
from server.extensions import db
from sync.client import SyncError
from sync.errors import ProtocolError
from tests.conftest import PASSWORD
from tests.console.cases_helpers import directory_entry, dispatch, ok, report, status_of, step
from tests.console.conftest import StaffClient
from tests.frozen_clock import clock  # noqa: F401  (fixture)
from tests.server.test_blobs import png


def contact(app, world, username, entry) -> StaffClient:
    """A unit contact for directory `entry`, signed in to the console."""
    if db.session.scalar(select(User).where(User.username == username)) is None:
        user = create_user(username, PASSWORD, f"{entry.name}联系人", "unit_contact", [])
        user.handling_unit_id = entry.id
        db.session.commit()
    client = StaffClient(app.test_client())
    reply = client.login(username)
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/console/unit/"), reply.text
    return client


def act(client, fid, action, from_status, **fields):
    return client.post(f"/console/unit/cases/{fid}/act", {"action": action, "from_status": from_status, **fields})


def dispatched_case(world, staff_client, device_factory, assists=(), **extra):
    fid = report(device_factory("worker"), world.grids[0], **extra)
    staff = staff_client("staff")
    ok(step(staff, fid, "reported", "accepted"), fid)
    lead, helpers = dispatch(staff, fid, unit="物业服务中心", assists=assists)
    return fid, staff, lead, helpers


def test_a_unit_contact_sees_only_their_desk(app, world, staff_client, device_factory):
    fid, _, lead, _ = dispatched_case(world, staff_client, device_factory)
    wuye = contact(app, world, "wuye", directory_entry(fid))
    home = wuye.get("/console/unit/")
    assert home.status_code == 200 and "待签收" in home.text and f"/console/unit/cases/{fid}" in home.text
    for url in ("/console/", "/console/residents", "/console/cases", f"/console/cases/{fid}", "/console/users",
                "/console/directory", "/console/escalated"):
        assert wuye.get(url).status_code == 403, url
    # The field app will not sign them in, and says where to go instead.
    with pytest.raises(SyncError) as refused:
        device_factory("wuye")
    assert refused.value.status == 403 and refused.value.body["code"] == "unit_desk_only"
    assert "/console/" in refused.value.body["message"]


def test_another_units_case_is_not_found_and_cannot_be_acted_on(app, world, staff_client, device_factory):
    fid, _, _, _ = dispatched_case(world, staff_client, device_factory)
    other = contact(app, world, "chengguan", directory_entry(fid, "街道城管科", "government"))
    assert fid not in other.get("/console/unit/").text
    assert other.get(f"/console/unit/cases/{fid}").status_code == 404
    assert act(other, fid, "receipt", "dispatched").status_code == 404
    assert status_of(fid) == "dispatched"


def test_a_step_pushed_for_another_units_case_is_refused_by_the_pipeline(app, world, staff_client, device_factory):
    from server.console import writes

    fid, _, _, _ = dispatched_case(world, staff_client, device_factory)
    entry = directory_entry(fid, "街道城管科", "government")
    user = create_user("chengguan", PASSWORD, "城管联系人", "unit_contact", [])
    user.handling_unit_id = entry.id
    db.session.commit()
    with app.test_request_context():
        from flask import g
        g.staff = user
        with pytest.raises(ProtocolError) as refused:
            writes.write("case_step", "01a00000-0000-7000-8000-000000000001",
                         {"finding_id": fid, "from_status": "dispatched", "to_status": "in_progress",
                          "kind": "receipt", "at": "2026-11-20T04:00:00Z"})
    assert refused.value.code == "out_of_scope"
    db.session.rollback()
    assert status_of(fid) == "dispatched"


def test_the_unit_never_sees_who_asked_or_their_number(app, world, staff_client, device_factory):
    fid, _, lead, _ = dispatched_case(world, staff_client, device_factory, requester_name="钱大妈",
                                      requester_phone="13912345678")
    assert db.session.get(Finding, fid).requester_phone == "13912345678"
    wuye = contact(app, world, "wuye", directory_entry(fid))
    page = wuye.get(f"/console/unit/cases/{fid}").text
    assert "3号楼外墙墙皮脱落" in page
    for secret in ("13912345678", "5678", "钱大妈"):
        assert secret not in page


def test_the_deadline_runs_from_the_units_receipt(app, world, staff_client, device_factory, clock):
    fid, staff, lead, _ = dispatched_case(world, staff_client, device_factory)
    assert db.session.get(Finding, fid).deadline_at is None
    assert "待签收" in staff.get(f"/console/cases/{fid}").text
    assert "待签收" in staff.get("/console/cases").text
    clock.advance(hours=5)
    wuye = contact(app, world, "wuye", directory_entry(fid))
    reply = act(wuye, fid, "receipt", "dispatched")
    assert reply.status_code == 303, reply.text
    db.session.expire_all()
    finding = db.session.get(Finding, fid)
    expected = deadline_for(finding.category, "community", clock.at.replace(tzinfo=None), world.community.id)
    row = db.session.scalar(select(CaseUnit).where(CaseUnit.finding_id == fid))
    assert (finding.status, row.status, row.received_at) == ("in_progress", "received", clock.at.replace(tzinfo=None))
    assert row.deadline_at == expected == finding.deadline_at
    receipt = db.session.scalar(select(CaseStep).where(CaseStep.finding_id == fid, CaseStep.kind == "receipt"))
    wuye_id = db.session.scalar(select(User.id).where(User.username == "wuye"))
    assert (receipt.handling_unit_id, receipt.actor_id) == (lead, wuye_id)


def test_an_assisting_unit_finishing_does_not_resolve_the_case(app, world, staff_client, device_factory):
    fid, staff, lead, (helper,) = dispatched_case(world, staff_client, device_factory, assists=("供电所",))
    wuye = contact(app, world, "wuye", directory_entry(fid))
    power = contact(app, world, "gongdian", directory_entry(fid, "供电所"))
    assert "协办" in power.get(f"/console/unit/cases/{fid}").text
    # An assisting unit may not take the lead's steps.
    assert act(power, fid, "return", "dispatched", opinion="不归我们管").status_code == 403
    assert act(wuye, fid, "receipt", "dispatched").status_code == 303
    assert act(power, fid, "receipt", "in_progress").status_code == 303
    reply = act(power, fid, "result", "in_progress", opinion="已切断楼道电源",
                photo=(io.BytesIO(png(3, 3)), "done.png"))
    assert reply.status_code == 303, reply.text
    db.session.expire_all()
    rows = {r.handling_unit_id: r for r in db.session.scalars(select(CaseUnit).where(CaseUnit.finding_id == fid))}
    assert rows[helper].status == "finished" and rows[lead].status == "received"
    assert status_of(fid) == "in_progress"
    reply = act(wuye, fid, "result", "in_progress", opinion="墙皮已铲除修补", photo=(io.BytesIO(png(4, 4)), "after.png"))
    assert reply.status_code == 303, reply.text
    assert status_of(fid) == "resolved"
    page = staff.get(f"/console/cases/{fid}").text
    assert "墙皮已铲除修补" in page and "已切断楼道电源" in page and "供电所" in page


def test_a_lead_unit_can_hand_a_case_back_or_ask_for_more_time(app, world, staff_client, device_factory):
    fid, staff, _, _ = dispatched_case(world, staff_client, device_factory)
    wuye = contact(app, world, "wuye", directory_entry(fid))
    assert act(wuye, fid, "return", "dispatched").status_code == 422  # a reason is required
    assert act(wuye, fid, "receipt", "dispatched").status_code == 303
    db.session.expire_all()
    later = db.session.get(Finding, fid).deadline_at + timedelta(days=2, hours=8)
    reply = act(wuye, fid, "extension", "in_progress", deadline=later.strftime("%Y-%m-%dT%H:%M"), opinion="等材料")
    assert reply.status_code == 303, reply.text
    assert status_of(fid) == "extension_requested"


def test_the_community_escalates_and_the_street_dispatches_to_its_departments(app, world, staff_client,
                                                                             device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    staff = staff_client("staff")
    ok(step(staff, fid, "reported", "accepted"), fid)
    ok(step(staff, fid, "accepted", "accepted", kind="escalate", opinion="涉及多个部门"), fid)
    assert db.session.get(Finding, fid).escalated_at is not None
    assert "已吹哨" in staff.get("/console/cases").text
    assert 'data-step="escalate"' not in staff.get(f"/console/cases/{fid}").text  # once is enough
    assert staff.get("/console/escalated").status_code == 403
    admin = staff_client("admin")
    queue = admin.get("/console/escalated").text
    assert f"/console/escalated/{fid}" in queue
    assert 'class="count">1<' in admin.get("/console/directory").text
    assert admin.get(f"/console/escalated/{fid}").status_code == 302
    department = directory_entry(fid, "区住建委", "government", area_id=world.street.id)
    assert department.name in admin.get(f"/console/cases/{fid}").text
    ok(step(admin, fid, "accepted", "dispatched", level="street", handling_unit_id=department.id), fid)
    assert f"/console/escalated/{fid}" not in admin.get("/console/escalated").text
    # The community cannot dispatch to the street's departments itself.
    other = report(device_factory("worker"), world.grids[0])
    ok(step(staff, other, "reported", "accepted"), other)
    reply = step(staff, other, "accepted", "dispatched", level="community", handling_unit_id=department.id)
    assert reply.status_code == 422


def test_a_dispatch_names_only_a_unit_of_the_cases_own_directory(app, world, staff_client, device_factory):
    worker = device_factory("worker")
    fid = report(worker, world.grids[0])
    far_unit = directory_entry(fid, "团结物业", area_id=world.other_community.id)
    staff = device_factory("staff")
    staff.update("case_step", "01a00000-0000-7000-8000-0000000000a1",
                 {"finding_id": fid, "from_status": "reported", "to_status": "accepted", "at": "2026-11-20T04:00:00Z"})
    staff.update("case_step", "01a00000-0000-7000-8000-0000000000a2",
                 {"finding_id": fid, "from_status": "accepted", "to_status": "dispatched", "level": "community",
                  "unit": "团结物业", "handling_unit_id": far_unit.id, "at": "2026-11-20T05:00:00Z"})
    accepted, dispatched = staff.push()
    assert accepted["status"] == "accepted"
    assert (dispatched["code"], list(dispatched["fields"])) == ("validation_failed", ["handling_unit_id"])
    assert status_of(fid) == "accepted"
    # A field role never names a unit on a step, even one it may take (the reporter's re-check).
    console = staff_client("staff")
    lead, _ = dispatch(console, fid)
    ok(step(console, fid, "dispatched", "in_progress"), fid)
    ok(step(console, fid, "in_progress", "resolved", opinion="已修好"), fid)
    worker.update("case_step", "01a00000-0000-7000-8000-0000000000a3",
                  {"finding_id": fid, "from_status": "resolved", "to_status": "verified", "opinion": "已核查",
                   "handling_unit_id": lead, "at": "2026-11-20T06:00:00Z"})
    worker.pull()
    [result] = worker.push()
    assert (result["code"], list(result["fields"])) == ("validation_failed", ["handling_unit_id"]), result
    assert status_of(fid) == "resolved"


def test_the_desk_speaks_english_when_asked(app, world, staff_client, device_factory):
    fid, _, _, _ = dispatched_case(world, staff_client, device_factory)
    wuye = contact(app, world, "wuye", directory_entry(fid))
    assert wuye.post("/console/lang", {"lang": "en", "next": "/console/unit/"}).status_code == 302
    home = wuye.get("/console/unit/").text
    assert "Cases sent to your unit" in home and "Awaiting receipt" in home
    page = wuye.get(f"/console/unit/cases/{fid}").text
    assert "Sign for the case" in page and "Hand back to the community" in page


def test_every_state_of_a_units_turn_is_stored_on_both_databases(any_app, any_world, device_factory):
    """PostgreSQL checks column lengths where SQLite does not: a lead asking for more time while an
    assisting unit has yet to sign for the case is stored on each."""
    staff = StaffClient(any_app.test_client())
    assert staff.login("staff").status_code == 302
    fid = report(device_factory("worker", app=any_app), any_world.grids[0])
    ok(step(staff, fid, "reported", "accepted"), fid)
    dispatch(staff, fid, unit="物业服务中心", assists=("供电所",))
    wuye = contact(any_app, any_world, "wuye", directory_entry(fid))
    assert act(wuye, fid, "receipt", "dispatched").status_code == 303
    db.session.expire_all()
    later = db.session.get(Finding, fid).deadline_at + timedelta(days=2, hours=8)
    reply = act(wuye, fid, "extension", "in_progress", deadline=later.strftime("%Y-%m-%dT%H:%M"), opinion="等材料")
    assert reply.status_code == 303, reply.text
    db.session.expire_all()
    rows = {row.role: row.status for row in db.session.scalars(select(CaseUnit).where(CaseUnit.finding_id == fid))}
    assert rows == {"lead": "extension_requested", "assist": "dispatched"}
