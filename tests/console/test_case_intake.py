"""Logging a case at the desk: looked-up place and requester, a number, every refusal explained."""

from __future__ import annotations

import re

from server.audit.models import AuditEntry
from server.cases.models import Finding
from server.extensions import db
from tests.console.cases_helpers import CODE, street_admin_on

PHONE = "13812345678"


def with_phone(resident, phone=PHONE):
    resident.phone = phone
    db.session.commit()
    return resident


def form(**overrides):
    values = {"source": "walk_in", "category": "safety_plaster", "urgency": "normal",
              "description": "居民来访反映：楼道墙皮脱落"}
    values.update(overrides)
    return values


def test_staff_log_a_walk_in_for_a_looked_up_resident_and_land_on_its_number(world, staff_client, device_factory):
    resident = with_phone(world.residents[0])
    staff = staff_client("staff")
    page = staff.get("/console/cases/new").text
    assert "居民来访" in page and "12345" in page and 'name="lookup_q"' in page

    found = staff.post("/console/cases/new/lookup", {"lookup_q": "张秀英"}, htmx=True).text
    assert f"resident:{resident.id}" in found and "138****5678" in found and PHONE not in found
    assert f"resident:{world.residents[2].id}" not in found  # another community's namesake

    reply = staff.post("/console/cases/new", form(pick=f"resident:{resident.id}", address="楼道三层"))
    assert reply.status_code == 303
    finding = db.session.scalars(db.select(Finding)).one()
    assert reply.headers["Location"] == f"/console/cases/{finding.id}"
    assert (finding.source, finding.requester_id, finding.grid_id, finding.status) == (
        "walk_in", resident.id, world.grids[0].id, "reported")
    assert finding.address == "1号楼1单元501 楼道三层" and re.fullmatch(r"XF-\d{8}-0001", finding.number)
    assert finding.reporter_id == world.users["staff"].id

    detail = staff.get(reply.headers["Location"]).text
    assert f"已登记，编号 {finding.number}" in detail
    assert "张秀英" in detail and "138****5678" in detail and PHONE not in detail
    assert "1号楼1单元501 楼道三层" in detail and "第1网格" in detail

    history = staff.get(f"/console/history/finding/{finding.id}").text
    assert f"{finding.number} · " in history

    # The number typed into the case list's search opens the case.
    opened = staff.post("/console/cases", {"q": finding.number.lower()})
    assert opened.status_code == 303 and opened.headers["Location"] == f"/console/cases/{finding.id}"
    assert finding.number in staff.get("/console/cases?clear=1").text

    # The grid's worker gets the case, with who asked but never their number in the clear here.
    worker = device_factory("worker")
    worker.pull()
    assert worker.server_copy()[("finding", finding.id)]["number"] == finding.number


def test_the_requester_s_full_number_is_shown_on_request_and_audited(world, staff_client):
    staff = staff_client("staff")
    reply = staff.post("/console/cases/new", form(source="phone", grid_id=world.grids[1].id, address="小区北门路灯",
                                                  requester_name="刘先生", requester_phone=PHONE))
    assert reply.status_code == 303
    finding = db.session.scalars(db.select(Finding)).one()
    assert (finding.requester_id, finding.requester_name, finding.requester_phone) == (None, "刘先生", PHONE)
    detail = staff.get(reply.headers["Location"]).text
    assert "刘先生" in detail and "未登记居民" in detail and PHONE not in detail
    shown = staff.post(f"/console/cases/{finding.id}/reveal", {"field": "requester_phone"}, htmx=True)
    assert shown.status_code == 200 and PHONE in shown.text
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "view_phone")).one()
    assert (entry.entity, entry.record_id) == ("finding", finding.id)
    # A street admin sees it masked and may not reveal it.
    admin = staff_client("admin")
    admin.post("/console/community", {"community_id": world.community.id, "next": "/console/"})
    assert PHONE not in admin.get(reply.headers["Location"]).text
    refused = admin.post(f"/console/cases/{finding.id}/reveal", {"field": "requester_phone"}, htmx=True)
    assert refused.status_code == 403 and CODE.search(refused.text).group(1) == "full_numbers_not_allowed"


def test_every_bad_intake_is_refused_in_the_form_with_what_to_fix(world, staff_client):
    staff = staff_client("staff")
    cases = [
        (form(), "validation_failed", "请查找并选择地址或居民"),
        # another community's resident, and a made-up door
        (form(pick=f"resident:{world.residents[2].id}"), "validation_failed", "不在您的辖区内"),
        (form(pick="household:nope"), "validation_failed", "不在您的辖区内"),
        (form(grid_id=world.far_grid.id, address="路口"), "validation_failed", "请查找并选择地址或居民"),
        (form(grid_id=world.grids[0].id, address="路口", description="", urgency="x"), "validation_failed",
         "事件描述"),
        (form(grid_id=world.grids[0].id, address="路口", source="carrier_pigeon"), "validation_failed",
         "不在可选范围内"),
        (form(grid_id=world.grids[0].id, address="路口", requester_phone="12345"), "validation_failed", "诉求人电话"),
        (form(grid_id=world.grids[0].id, address="路口", category="no_such"), "validation_failed", "类别"),
        (form(grid_id=world.grids[0].id, address="路口", requester_name="张" * 40), "validation_failed", "诉求人姓名"),
    ]
    for values, code, words in cases:
        reply = staff.post("/console/cases/new", values)
        assert reply.status_code == 422, (words, reply.status_code)
        box = re.search(r'<div class="error-box".*?</div>', reply.text, re.S).group(0)
        assert CODE.search(box).group(1) == code and words in box, (words, box)
        # The form comes back filled in: nothing typed is lost.
        assert values["description"] in reply.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Finding)) == 0


def test_the_lookup_finds_doors_by_address_fragment_within_the_staff_member_s_grids(world, staff_client):
    staff = staff_client("staff")
    found = staff.post("/console/cases/new/lookup", {"lookup_q": "1号楼1单元"}, htmx=True).text
    mine = {f"household:{h.id}" for h in world.households[:2]}
    assert all(value in found for value in mine) and f"household:{world.households[2].id}" not in found
    # What was typed (a resident's name) is never put in a URL, where access logs would keep it.
    assert staff.get("/console/cases/new/lookup?lookup_q=张秀英").status_code == 405
    assert "没有找到" in staff.post("/console/cases/new/lookup", {"lookup_q": "9号楼"}, htmx=True).text
    # Without JavaScript the 查找 button posts the form back with the results and what was typed,
    # and nothing is written.
    reply = staff.post("/console/cases/new", {"action": "lookup", "lookup_q": "501", "description": "漏水"})
    assert reply.status_code == 200 and all(value in reply.text for value in mine) and "漏水" in reply.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Finding)) == 0


def test_the_desk_is_in_the_navigation_and_the_case_list(world, staff_client):
    staff = staff_client("staff")
    page = staff.get("/console/cases").text
    assert page.count('href="/console/cases/new"') == 2


def test_a_street_admin_logs_a_hotline_item_in_the_community_they_look_at(world, staff_client):
    admin = street_admin_on(staff_client, world.other_community)
    page = admin.get("/console/cases/new").text
    assert world.far_grid.id in page and world.grids[0].id not in page
    reply = admin.post("/console/cases/new", form(source="hotline", grid_id=world.far_grid.id, address="团结路口",
                                                  requester_name="12345转办", description="路灯不亮"))
    assert reply.status_code == 303
    finding = db.session.scalars(db.select(Finding)).one()
    assert (finding.source, finding.grid_id, finding.requester_name) == ("hotline", world.far_grid.id, "12345转办")
