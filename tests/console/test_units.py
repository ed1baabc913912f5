"""The console's ledger of actual units (实有单位): staff add and edit units at their buildings, each
write synced to phones with its history and audited; bad input is refused field by field; street
admins see only a mask of the contact's number, in the pages and in the export."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.extensions import db
from server.syncapi.models import Change, SyncRow
from server.units.models import Unit

SHOP = {"name": "惠民便利店", "kind": "shop", "room": "底商3号", "credit_code": "91310000MA1FL4B24G",
        "contact_name": "郑店长", "contact_phone": "13812345678", "employees": "4", "status": "open"}


def _create(client, world, **fields):
    return client.post("/console/units/new", {"building_id": world.buildings[0].id, **SHOP, **fields})


def test_staff_add_a_unit_that_phones_pull_with_its_history(world, staff_client):
    client = staff_client("staff")
    reply = _create(client, world, handles_cases="1")
    assert reply.status_code == 303
    unit = db.session.scalar(select(Unit))
    assert (unit.name, unit.grid_id, unit.employees, unit.handles_cases) == ("惠民便利店", world.grids[0].id, 4, True)
    assert db.session.scalar(select(SyncRow).where(SyncRow.entity == "unit", SyncRow.record_id == unit.id)) is not None
    change = db.session.scalar(select(Change).where(Change.record_id == unit.id))
    assert change.result["via"] == "console:units" and change.user_id == world.users["staff"].id
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "create_unit"))
    assert audit.record_id == unit.id
    listed = client.get("/console/units").text
    assert "惠民便利店" in listed and "底商3号" in listed and "13812345678" not in listed
    detail = client.get(f"/console/units/{unit.id}").text
    assert "13812345678" in detail  # community staff see the number, and the view is logged
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "view_phone", AuditEntry.record_id == unit.id))


def test_a_wrong_credit_code_and_a_missing_name_are_shown_at_their_fields(world, staff_client):
    client = staff_client("staff")
    reply = _create(client, world, name="", credit_code="91350100M000100Y44", contact_phone="12345")
    assert reply.status_code == 422
    page = reply.text
    assert 'data-code="credit_code_checksum"' in page and "统一社会信用代码校验位错误" in page
    assert 'id="name-error"' in page and 'data-code="phone_format"' in page
    assert db.session.scalar(select(Unit)) is None


def test_an_edit_changes_only_what_was_changed_and_keeps_the_number(world, staff_client):
    client = staff_client("staff")
    _create(client, world)
    unit = db.session.scalar(select(Unit))
    form = client.get(f"/console/units/{unit.id}/edit").text
    assert "13812345678" not in form  # the number is never put into the page
    reply = client.post(f"/console/units/{unit.id}/edit", {"building_id": unit.building_id, **SHOP,
                                                            "contact_phone": "", "status": "closed"})
    assert reply.status_code == 303
    db.session.expire_all()
    unit = db.session.get(Unit, unit.id)
    assert unit.status == "closed" and unit.contact_phone == "13812345678"
    last = db.session.scalars(select(Change).where(Change.record_id == unit.id).order_by(Change.hlc.desc())).first()
    assert last.fields == {"status": "closed"}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "edit_unit")).detail["fields"] == ["status"]


def test_a_street_admin_sees_a_mask_and_cannot_write_the_number(world, staff_client):
    _create(staff_client("staff"), world)
    unit = db.session.scalar(select(Unit))
    admin = staff_client("admin")
    admin.post("/console/community", {"community_id": world.community.id})
    assert "13812345678" not in admin.get(f"/console/units/{unit.id}").text
    assert "5678" in admin.get(f"/console/units/{unit.id}").text
    admin.post(f"/console/units/{unit.id}/edit", {"building_id": unit.building_id, **SHOP,
                                                   "contact_phone": "13900000000", "name": "惠民超市"})
    db.session.expire_all()
    unit = db.session.get(Unit, unit.id)
    assert unit.name == "惠民超市" and unit.contact_phone == "13812345678"
    book = load_workbook(io.BytesIO(admin.get("/console/units/export.xlsx").data))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "惠民超市" in cells and "13812345678" not in cells and "已脱敏" in str(cells)


def test_the_ledger_filters_pages_and_exports(world, staff_client):
    client = staff_client("staff")
    for i in range(55):
        _create(client, world, name=f"单位{i:02d}", kind="company" if i % 2 else "shop", credit_code="")
    _create(client, world, name="第二网格的学校", kind="school", credit_code="",
            building_id=world.buildings[1].id)
    first = client.get("/console/units").text
    assert "共 56 个单位" in first and "第 1 / 2 页" in first
    schools = client.get("/console/units?kind=school").text
    assert "第二网格的学校" in schools and "单位01" not in schools
    by_grid = client.get(f"/console/units?grid={world.grids[1].id}").text
    assert "共 1 个单位" in by_grid
    book = load_workbook(io.BytesIO(client.get("/console/units/export.xlsx?kind=shop").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][3] == "单位名称" and len(rows) == 2 + 28
    assert "13812345678" in [c for row in rows for c in row]


def test_units_of_another_community_are_not_found(world, staff_client):
    _create(staff_client("staff"), world)
    unit = db.session.scalar(select(Unit))
    far = staff_client("far_staff")
    assert far.get(f"/console/units/{unit.id}").status_code == 404
    assert far.post(f"/console/units/{unit.id}/edit", {**SHOP, "building_id": unit.building_id}).status_code == 404
    assert "惠民便利店" not in far.get("/console/units").text
    reply = far.post("/console/units/new", {**SHOP, "building_id": world.buildings[0].id})
    assert reply.status_code == 422 and db.session.scalar(select(db.func.count()).select_from(Unit)) == 1


def test_a_buildings_page_can_list_its_units(app, world, staff_client):
    from flask import render_template

    from server.console.units.queries import units_of_building

    _create(staff_client("staff"), world)
    building = world.buildings[0]
    with app.test_request_context("/console/"):
        html = render_template("console/units/_building_units.html", building=building,
                               units=units_of_building(building.id))
    assert "惠民便利店" in html and "底商3号" in html
    assert f"/console/units/new?building={building.id}" in html
