"""A community tunes its dictionaries (/console/setup/dictionaries): its tags' intervals, detail
fields and switch, tags and sub-categories of its own, category deadlines. Validated per field,
written as synced community rows, audited; other communities keep the installation's values."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.cases.deadlines import Limit, community_of_grid, deadline_for, limit_for
from server.cases.models import CaseDeadline, Finding, FindingCategory
from server.extensions import db
from server.registry.models import CareTagType
from server.registry.tag_types import tag_types
from server.syncapi.models import Change, SyncRow
from sync.ids import uuid7
from tests.console.test_records import writer

from .cases_helpers import dispatch, ok, receive, report, step, street_admin_on

CODE = re.compile(r'data-code="([a-z_]+)"')


def codes(page) -> list[str]:
    return CODE.findall(page.text)


def test_staff_tune_a_tag_for_their_community_only(world, staff_client):
    staff = staff_client("staff")
    page = staff.get("/console/setup/dictionaries")
    assert page.status_code == 200 and "独居老人" in page.text and "/console/units" in page.text
    form = staff.get("/console/setup/dictionaries/tags/elderly_alone")
    assert form.status_code == 200 and "全区默认：7 天" in form.text

    reply = staff.post("/console/setup/dictionaries/tags/elderly_alone", {"interval_days": "3", "active": "",
                                                                         "detail_fields": ""})
    assert reply.status_code == 303
    mine = tag_types(db.session, world.community.id)["elderly_alone"]
    assert mine.interval_days == 3 and mine.tuned == {"interval_days"}
    # Fields it left empty stay the installation's: the detail fields are the seed's.
    assert [f["name"] for f in mine.detail_fields] == ["risk_level", "kin_name", "kin_phone"]
    other = tag_types(db.session, world.other_community.id)["elderly_alone"]
    assert other.interval_days == 7 and other.override is None
    # A synced row in the community's scope, written by this screen.
    row = mine.override
    sync_row = db.session.get(SyncRow, ("care_tag_type", row.id))
    assert (sync_row.grid_id, sync_row.community_id, sync_row.street_id) == (None, world.community.id, world.street.id)
    change = db.session.scalars(select(Change).where(Change.record_id == row.id)).one()
    assert change.result["via"] == "console:dictionaries" and change.user_id == world.users["staff"].id
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "tune_care_tag")).one()
    assert entry.detail["tag"] == "elderly_alone" and entry.detail["interval_days"] == 3
    page = staff.get("/console/setup/dictionaries").text
    assert 'data-tuned="interval_days"' in page

    # Back to the installation's interval: the field emptied again.
    assert staff.post("/console/setup/dictionaries/tags/elderly_alone",
                      {"interval_days": "", "active": "", "detail_fields": ""}).status_code == 303
    assert tag_types(db.session, world.community.id)["elderly_alone"].interval_days == 7


def test_a_community_switches_a_tag_off_and_changes_its_detail_fields(world, staff_client):
    staff = staff_client("staff")
    reply = staff.post("/console/setup/dictionaries/tags/tenant", {
        "interval_days": "", "active": "off",
        "detail_fields": "landlord | 房东 | text\nlandlord_phone | 房东电话 | phone | 必填\nfloor_kind | 房屋类型 | choice:whole/shared"})
    assert reply.status_code == 303
    tenant = tag_types(db.session, world.community.id)["tenant"]
    assert tenant.active is False and tenant.tuned == {"active", "detail_fields"}
    assert tenant.detail_fields[1] == {"name": "landlord_phone", "type": "phone", "required": True,
                                       "label_zh": "房东电话", "label_en": "房东电话"}
    assert tenant.detail_fields[0]["label_en"] == "Landlord"  # a known field keeps its English label
    assert tag_types(db.session, world.other_community.id)["tenant"].active is True


def test_a_community_adds_a_tag_of_its_own(world, staff_client):
    staff = staff_client("staff")
    reply = staff.post("/console/setup/dictionaries/tags/new", {
        "name_zh": "退役军人", "name_en": "Veteran", "interval_days": "60", "active": "on",
        "detail_fields": "service_no | 优待证号 | text"})
    assert reply.status_code == 303
    row = db.session.scalars(select(CareTagType).where(CareTagType.name_zh == "退役军人")).one()
    assert row.community_id == world.community.id and row.base is None and re.fullmatch(r"c[0-9a-f]{32}", row.id)
    assert row.id in tag_types(db.session, world.community.id)
    assert row.id not in tag_types(db.session, world.other_community.id)
    # Another community's staff cannot open it.
    far = staff_client("far_staff")
    assert far.get(f"/console/setup/dictionaries/tags/{row.id}").status_code == 404
    assert far.post(f"/console/setup/dictionaries/tags/{row.id}", {"interval_days": "5"}).status_code == 404
    assert "退役军人" not in far.get("/console/setup/dictionaries").text


def test_bad_fields_are_refused_one_by_one_and_nothing_is_saved(world, staff_client):
    staff = staff_client("staff")
    reply = staff.post("/console/setup/dictionaries/tags/elderly_alone", {
        "interval_days": "400", "active": "maybe", "detail_fields": "不是代码 | 名称 | text"})
    assert reply.status_code == 422
    found = codes(reply)
    assert "dictionary_form_invalid" in found
    assert {"out_of_range", "invalid_choice", "detail_line_invalid"} <= set(found)
    assert "Some fields are not valid" in reply.text  # the English message beside the Chinese
    reply = staff.post("/console/setup/dictionaries/tags/elderly_alone", {"interval_days": "七", "active": "",
                                                                         "detail_fields": "a | 甲 | money"})
    assert {"invalid_type", "detail_type_invalid"} <= set(codes(reply))
    reply = staff.post("/console/setup/dictionaries/tags/new", {"name_zh": "", "interval_days": "", "active": "on"})
    assert reply.status_code == 422 and codes(reply).count("required") >= 2
    reply = staff.post("/console/setup/dictionaries/categories/new", {"parent_id": "safety_gas", "name_zh": "电动车"})
    assert reply.status_code == 422 and "base_not_top" in codes(reply)
    reply = staff.post("/console/setup/dictionaries/categories/safety", {"active": "", "amount-grid": "0"})
    assert reply.status_code == 422 and "out_of_range" in codes(reply)
    assert db.session.scalars(select(CareTagType).where(CareTagType.community_id.is_not(None))).all() == []
    assert db.session.scalars(select(FindingCategory).where(FindingCategory.community_id.is_not(None))).all() == []


def test_category_deadlines_and_sub_categories_per_community(world, staff_client):
    staff = staff_client("staff")
    assert limit_for("safety_plaster", "grid", world.community.id) == Limit(24, "hours")
    reply = staff.post("/console/setup/dictionaries/categories/safety",
                       {"active": "", "amount-grid": "6", "unit-grid": "hours", "amount-community": "2",
                        "unit-community": "working_days"})
    assert reply.status_code == 303
    assert limit_for("safety", "grid", world.community.id) == Limit(6, "hours")
    assert limit_for("safety_plaster", "grid", world.community.id) == Limit(6, "hours")  # 小类 inherits
    assert limit_for("safety", "community", world.community.id) == Limit(2, "working_days")
    assert limit_for("safety", "street", world.community.id) == limit_for("safety", "street")  # left empty
    assert limit_for("safety", "grid", world.other_community.id) == Limit(24, "hours")
    assert limit_for("safety", "grid") == Limit(24, "hours")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "tune_category")).one()
    assert entry.detail["changed"] == {"grid": "6 hours", "community": "2 working_days"}

    reply = staff.post("/console/setup/dictionaries/categories/new",
                       {"parent_id": "safety", "name_zh": "电动车楼道充电", "name_en": ""})
    assert reply.status_code == 303
    own = db.session.scalars(select(FindingCategory).where(FindingCategory.name_zh == "电动车楼道充电")).one()
    assert own.parent_id == "safety" and own.community_id == world.community.id
    assert limit_for(own.id, "grid", world.community.id) == Limit(6, "hours")  # under the community's 大类
    page = staff.get("/console/setup/dictionaries").text
    assert "电动车楼道充电" in page and 'data-tuned="deadline-grid"' in page
    # Switching the installation's category off in this community.
    assert staff.post("/console/setup/dictionaries/categories/dispute", {"active": "off"}).status_code == 303
    from server.cases.categories import categories
    assert categories(db.session, world.community.id)["dispute"].active is False
    assert categories(db.session, world.other_community.id)["dispute"].active is True
    # The installation-wide deadline table does not list community rows.
    table = staff.get("/console/cases/deadlines").text
    assert "电动车楼道充电" not in table


def test_a_street_admin_tunes_the_community_chosen_in_the_switcher(world, staff_client):
    admin = street_admin_on(staff_client, world.other_community)
    assert "团结社区" in admin.get("/console/setup/dictionaries").text
    assert admin.post("/console/setup/dictionaries/tags/infant", {"interval_days": "45", "active": "",
                                                                 "detail_fields": ""}).status_code == 303
    assert tag_types(db.session, world.other_community.id)["infant"].interval_days == 45
    assert tag_types(db.session, world.community.id)["infant"].interval_days == 90


def test_unknown_codes_answer_404(world, staff_client):
    staff = staff_client("staff")
    assert staff.get("/console/setup/dictionaries/tags/no_such_tag").status_code == 404
    assert staff.get("/console/setup/dictionaries/categories/no_such").status_code == 404


def test_case_deadlines_use_the_communitys_limits(app, world, device_factory, staff_client):
    w = writer(app)
    row = FindingCategory(id=uuid7(), community_id=world.community.id, base="safety", parent_id=None,
                          name_zh="安全隐患", name_en="Safety", sort=0, tuned=[])
    w.put("finding_category", row)
    db.session.add(CaseDeadline(category_id=row.id, level="grid", amount=6, unit="hours"))
    db.session.commit()
    assert community_of_grid(world.grids[0].id) == world.community.id
    staff = staff_client("staff")
    fid = report(device_factory("worker"), world.grids[0], category="safety_plaster")
    ok(step(staff, fid, "reported", "accepted"), fid)
    assert "处置时限 6小时" in staff.get(f"/console/cases/{fid}").text
    dispatch(staff, fid, level="grid")
    receive(staff, fid)  # the limit runs from the unit's receipt
    finding = db.session.get(Finding, fid)
    last = finding.deadline_at
    start = last - timedelta(hours=6)
    assert deadline_for("safety_plaster", "grid", start, world.community.id) == last
    # The other community keeps the installation's 24 hours.
    assert deadline_for("safety_plaster", "grid", start, world.other_community.id) == start + timedelta(hours=24)


def test_the_console_tag_form_offers_the_residents_communitys_tags(world, staff_client):
    staff = staff_client("staff")
    assert staff.post("/console/setup/dictionaries/tags/new", {"name_zh": "退役军人", "interval_days": "60",
                                                              "active": "on", "detail_fields": ""}).status_code == 303
    assert staff.post("/console/setup/dictionaries/tags/infant", {"interval_days": "", "active": "off",
                                                                 "detail_fields": ""}).status_code == 303
    form = staff.get(f"/console/residents/{world.residents[0].id}/tags/new").text
    assert "退役军人" in form and "婴幼儿" not in form
    far = staff_client("far_staff").get(f"/console/residents/{world.residents[2].id}/tags/new").text
    assert "退役军人" not in far and "婴幼儿" in far
    veteran = db.session.scalars(select(CareTagType).where(CareTagType.name_zh == "退役军人")).one()
    reply = staff.post(f"/console/residents/{world.residents[0].id}/tags/new", {"tag": veteran.id, "started_on": ""})
    assert reply.status_code == 302
