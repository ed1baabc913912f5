"""The directory of handling units: a community keeps its own, a street its departments; contacts'
numbers follow the personal-number rules; writes are audited; unit contacts are made on the users page."""

from __future__ import annotations

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import User
from server.cases.models import HandlingUnit
from server.extensions import db
from server.units.models import Unit
from sync.ids import uuid7
from tests.console.cases_helpers import CODE, street_admin_on
from tests.conftest import PASSWORD


def entry(name) -> HandlingUnit:
    db.session.expire_all()
    return db.session.scalar(select(HandlingUnit).where(HandlingUnit.name == name))


def test_community_staff_add_edit_and_deactivate_their_units(world, staff_client):
    staff = staff_client("staff")
    reply = staff.post("/console/directory", {"name": "物业服务中心", "kind": "property_manager",
                                              "contact_name": "刘经理", "contact_phone": "13800138001"})
    assert reply.status_code == 303
    office = entry("物业服务中心")
    assert (office.area_id, office.kind, office.active) == (world.community.id, "property_manager", True)
    page = staff.get("/console/directory").text
    assert "物业服务中心" in page and "13800138001" in page
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "create_handling_unit"))
    assert audit.record_id == office.id and "13800138001" not in str(audit.detail)
    # The same name twice, a bad number, a kind not in the catalogue: each refused with its code.
    for form, code in (({"name": "物业服务中心", "kind": "property_manager"}, "handling_unit_exists"),
                       ({"name": "供电所", "kind": "government", "contact_phone": "12345"}, "phone_format"),
                       ({"name": "供电所", "kind": "shop"}, "invalid_choice")):
        reply = staff.post("/console/directory", form)
        assert reply.status_code == 422 and code in CODE.findall(reply.text), (form, reply.text[:300])
    reply = staff.post(f"/console/directory/{office.id}", {"name": "幸福物业服务中心", "kind": "property_manager",
                                                             "contact_name": "刘经理", "contact_phone": ""})
    assert reply.status_code == 303
    assert (entry("幸福物业服务中心").contact_phone) == "13800138001"  # an empty box keeps the number
    assert staff.post(f"/console/directory/{office.id}/active", {"active": "0"}).status_code == 303
    assert entry("幸福物业服务中心").active is False


def test_the_street_keeps_its_departments_and_sees_community_numbers_masked(world, staff_client):
    db.session.add(HandlingUnit(id=uuid7(), area_id=world.community.id, name="物业服务中心", kind="property_manager",
                                contact_phone="13800138001"))
    db.session.commit()
    admin = street_admin_on(staff_client, world.community)
    reply = admin.post("/console/directory", {"name": "区住建委", "kind": "government"})
    assert reply.status_code == 303 and entry("区住建委").area_id == world.street.id
    page = admin.get("/console/directory").text
    assert "138****8001" in page and "13800138001" not in page
    # A street admin may neither write a personal number nor edit the community's own entries.
    reply = admin.post("/console/directory", {"name": "供电所", "kind": "government", "contact_phone": "13900139000"})
    assert reply.status_code == 422 and entry("供电所") is None
    assert admin.get(f"/console/directory/{entry('物业服务中心').id}").status_code == 404
    # Another community's staff see neither.
    far = staff_client("far_staff").get("/console/directory").text
    assert "物业服务中心" not in far and "区住建委" not in far


def test_an_actual_unit_that_takes_cases_joins_the_directory(world, staff_client):
    shop = Unit(id=uuid7(), building_id=world.buildings[0].id, grid_id=world.grids[0].id, name="幸福超市",
                kind="shop", contact_name="钱老板", contact_phone="13700137000", handles_cases=True)
    db.session.add(shop)
    db.session.commit()
    staff = staff_client("staff")
    assert "幸福超市" in staff.get("/console/directory").text
    assert staff.post("/console/directory/from-unit", {"unit_id": shop.id}).status_code == 303
    added = entry("幸福超市")
    assert (added.unit_id, added.kind, added.contact_name) == (shop.id, "resident_unit", "钱老板")


def test_a_unit_contact_is_made_on_the_users_page_for_a_directory_unit(world, staff_client):
    office = HandlingUnit(id=uuid7(), area_id=world.community.id, name="物业服务中心", kind="property_manager")
    db.session.add(office)
    db.session.commit()
    staff = staff_client("staff")
    form = {"username": "wuye", "name": "刘建国", "role": "unit_contact", "password": PASSWORD, "password2": PASSWORD}
    reply = staff.post("/console/users/new", form)
    assert reply.status_code == 422 and "handling_unit_required" in reply.text
    assert staff.post("/console/users/new", {**form, "handling_unit_id": office.id}).status_code == 302
    user = db.session.scalar(select(User).where(User.username == "wuye"))
    assert (user.role, user.handling_unit_id, user.area_ids) == ("unit_contact", office.id, [])
    assert "刘建国" in staff.get("/console/users").text
    assert "处置单位：物业服务中心" in staff.get(f"/console/users/{user.id}").text
