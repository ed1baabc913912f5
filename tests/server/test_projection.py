"""Personal numbers reach a device only when its role may hold them (server/core/sensitive.py).

A street admin's or a patrol volunteer's pull carries no ID number, phone, landlord phone, kin or
guardian phone, residence-permit or certificate number, not even masked; what such a device pushes
back leaves the numbers it never got as they are, and it may not write one; its checksum is over
the records as it holds them. Staff pulls are audited. Grid workers keep what the door-to-door work
needs, for their own grid.
"""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest

from server.audit.models import AuditEntry
from server.extensions import db
from server.registry.models import CareTagType, Household, Resident, ResidentTag
from server.registry.validators import make_id_number
from server.syncapi.direct import DirectWriter
from sync.client import SyncClient
from sync.ids import uuid7
from tests.conftest import PASSWORD, wsgi_send

NUMBERS = SimpleNamespace(
    id_number=make_id_number("110105", date(1950, 3, 1), 11), phone="13800138000",
    contact="13512340000", landlord="13912345678", kin="13698765432", guardian="13611112222",
    permit="440300202400123", certificate="11010519500301001122", helper="13733334444",
    captain="13755556666",
)


@pytest.fixture
def numbers(app, world):
    """Every kind of personal number on records of grid 0 (and one in the other community)."""
    w = DirectWriter(db.session, app.extensions["wangge_clock"])
    # A city's own tag with a phone field the table does not name: the dictionary's type decides.
    w.put("care_tag_type", CareTagType(id="city_helper", name_zh="结对帮扶", name_en="Paired helper",
                                       interval_days=30, detail_fields=[
                                           {"name": "helper_tel", "type": "phone", "label_zh": "帮扶人电话"},
                                           {"name": "helper_name", "type": "text", "max": 32, "label_zh": "帮扶人"}]))
    w.update("building", world.buildings[0], {"captain_name": "楼长老李", "captain_phone": NUMBERS.captain})
    home = world.households[0]
    w.update("household", home, {"contact_phone": NUMBERS.contact, "landlord_phone": NUMBERS.landlord,
                                 "landlord_name": "钱房东", "housing_use": "rented"})
    person = w.put("resident", Resident(id=uuid7(), household_id=home.id, grid_id=home.grid_id, name="王建国",
                                        sex="male", birth_date=date(1950, 3, 1), id_number=NUMBERS.id_number,
                                        phone=NUMBERS.phone))
    tags = {}
    for code, detail in (("elderly_alone", {"risk_level": "medium", "kin_name": "王小", "kin_phone": NUMBERS.kin}),
                         ("child_left_behind", {"school": "一小", "guardian_phone": NUMBERS.guardian}),
                         ("tenant", {"landlord": "钱房东", "residence_permit": NUMBERS.permit}),
                         ("low_income", {"certificate_no": NUMBERS.certificate}),
                         ("city_helper", {"helper_name": "刘帮扶", "helper_tel": NUMBERS.helper})):
        tags[code] = w.put("resident_tag", ResidentTag(id=uuid7(), resident_id=person.id, grid_id=home.grid_id,
                                                       tag=code, detail=detail))
    far_home = world.households[2]
    w.put("resident", Resident(id=uuid7(), household_id=far_home.id, grid_id=far_home.grid_id, name="远方",
                               sex="female", id_number=make_id_number("310101", date(1980, 1, 2), 22),
                               phone="13700007777"))
    db.session.commit()
    return SimpleNamespace(home=home, person=person, tags=tags)


def recording_device(app, username):
    """A SyncClient whose every reply body is kept as the JSON text the server sent."""
    replies = []
    send = wsgi_send(app)

    def record(method, path, headers, body):
        reply = send(method, path, headers, body)
        if path.startswith("/api/sync/pull"):
            replies.append(json.dumps(reply.body, ensure_ascii=False))
        return reply

    client = SyncClient(record)
    client.login(username, PASSWORD)
    client.replies = replies
    return client


def every_number():
    return [v for v in vars(NUMBERS).values()] + ["13700007777"]


# Every personal number a synced record can hold (the fixture fills each one).
NUMBER_FIELDS = {"resident": {"id_number", "phone"}, "household": {"contact_phone", "landlord_phone"},
                 "building": {"captain_phone"}}
NUMBER_DETAIL_KEYS = {"kin_phone", "guardian_phone", "residence_permit", "certificate_no", "helper_tel"}


def sensitive_keys_of(entity: str, fields: dict) -> set[str]:
    """The personal-number fields (and detail keys) present in a record as a device holds it."""
    found = {f for f in NUMBER_FIELDS.get(entity, set()) if f in fields}
    detail = fields.get("detail") if entity == "resident_tag" else None
    if isinstance(detail, dict):
        found |= {f"detail.{k}" for k in detail if k in NUMBER_DETAIL_KEYS}
    return found


@pytest.mark.parametrize("username", ["admin", "volunteer"])
def test_a_street_admin_or_volunteer_pull_has_no_personal_numbers_at_all(app, world, numbers, username):
    device = recording_device(app, username)
    summary = device.pull()
    # The checksum is over the records as this device holds them: no mismatch, no repair.
    assert summary["verified"] is True and device.repairs == 0
    held = device.server_copy()
    if username == "admin":
        assert ("resident", numbers.person.id) in held and ("household", numbers.home.id) in held
        assert {k for (e, k) in held if e == "resident_tag"} >= {t.id for t in numbers.tags.values()}
        # What the work needs from the records is still there.
        assert held[("resident", numbers.person.id)]["name"] == "王建国"
        assert held[("resident_tag", numbers.tags["elderly_alone"].id)]["detail"] == {"risk_level": "medium",
                                                                                      "kin_name": "王小"}
    for (entity, _), fields in held.items():
        assert sensitive_keys_of(entity, fields) == set(), (entity, fields)
    text = "".join(device.replies)
    for value in every_number():
        assert value not in text and value[-4:] + '"' not in text, value
    # Nor do the field clocks say that a number exists.
    assert '"id_number"' not in text and '"landlord_phone"' not in text and '"contact_phone"' not in text


def test_the_table_names_every_number_field_of_the_wire(app):
    # A new phone or number field on a synced record must be added to core/sensitive.py.
    from server.core import sensitive
    from server.syncapi.entities import ENTITIES
    for name, entity in ENTITIES.items():
        for field in entity.wire().fields:
            if "phone" in field or field in ("id_number", "certificate_no", "residence_permit"):
                assert field in sensitive.FIELDS.get(name, {}), (name, field)
    for name, fields in NUMBER_FIELDS.items():
        assert fields <= set(sensitive.FIELDS[name]), name
    assert NUMBER_DETAIL_KEYS - {"helper_tel"} <= set(sensitive.DETAIL_KEYS)


def pull_audits(user_id):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.user_id == user_id,
                                                          AuditEntry.action == "api_pull")
                              .order_by(AuditEntry.id)).all()


def test_a_community_staff_pull_is_audited_once_a_page_with_what_it_carried(app, world, numbers):
    staff = world.users["staff"]
    device = recording_device(app, "staff")
    summary = device.pull()
    assert summary["verified"] is True
    # Community staff serve residents in person: their device gets the numbers, and the pull is logged.
    assert device.server_copy()[("resident", numbers.person.id)]["id_number"] == NUMBERS.id_number
    entries = pull_audits(staff.id)
    assert len(entries) == summary["pages"] >= 1
    assert sum(e.detail["personal_numbers"] for e in entries) == 10
    assert sum(e.detail["records"] for e in entries) == sum(1 for _ in device.server_copy())
    assert entries[0].detail["by_entity"]["resident"] == 3 and entries[0].detail["device_id"] == device.device_id
    # Polling with nothing new leaves the log alone.
    device.pull()
    assert len(pull_audits(staff.id)) == len(entries)


def test_a_street_admin_pull_is_audited_too(app, world, numbers):
    recording_device(app, "admin").pull()
    entries = pull_audits(world.users["admin"].id)
    assert entries and sum(e.detail["personal_numbers"] for e in entries) == 0


def test_a_grid_worker_keeps_what_the_field_app_needs_for_the_own_grid_only(app, world, numbers):
    device = recording_device(app, "worker")
    assert device.pull()["verified"] is True
    held = device.server_copy()
    person = held[("resident", numbers.person.id)]
    assert (person["id_number"], person["phone"]) == (NUMBERS.id_number, NUMBERS.phone)
    home = held[("household", numbers.home.id)]
    assert (home["contact_phone"], home["landlord_phone"]) == (NUMBERS.contact, NUMBERS.landlord)
    assert held[("resident_tag", numbers.tags["elderly_alone"].id)]["detail"]["kin_phone"] == NUMBERS.kin
    assert "13700007777" not in "".join(device.replies)  # the other community's resident
    assert pull_audits(world.users["worker"].id) == []


def test_a_projected_record_pushed_back_erases_nothing(app, world, numbers):
    device = recording_device(app, "admin")
    device.pull()
    person = device.get("resident", numbers.person.id)
    assert "id_number" not in person and "phone" not in person  # the device holds the projection
    device.update("resident", numbers.person.id, {**person, "name": "王建华"})
    home = device.get("household", numbers.home.id)
    device.update("household", numbers.home.id, {**home, "notes": "已走访"})
    for tag in numbers.tags.values():
        fields = device.get("resident_tag", tag.id)
        # The whole record as received, detail included: the numbers it lacks are not removals.
        device.update("resident_tag", tag.id, {**fields, "started_on": "2026-01-05"})
    results = device.push()
    assert [r["status"] for r in results] == ["accepted"] * len(results), results
    db.session.expire_all()
    stored = db.session.get(Resident, numbers.person.id)
    assert (stored.name, stored.id_number, stored.phone) == ("王建华", NUMBERS.id_number, NUMBERS.phone)
    stored_home = db.session.get(Household, numbers.home.id)
    assert (stored_home.notes, stored_home.contact_phone, stored_home.landlord_phone) == \
        ("已走访", NUMBERS.contact, NUMBERS.landlord)
    details = {t.tag: t.detail for t in db.session.scalars(db.select(ResidentTag).where(
        ResidentTag.resident_id == numbers.person.id))}
    assert details["elderly_alone"]["kin_phone"] == NUMBERS.kin
    assert details["tenant"]["residence_permit"] == NUMBERS.permit
    assert details["low_income"]["certificate_no"] == NUMBERS.certificate
    assert details["city_helper"] == {"helper_name": "刘帮扶", "helper_tel": NUMBERS.helper}
    # The device's copy and the server's projection still agree.
    summary = device.pull()
    assert summary["verified"] is True and device.repairs == 0
    assert device.get("resident", numbers.person.id)["name"] == "王建华"


def test_a_role_may_not_write_a_number_it_may_not_read(app, world, numbers):
    device = recording_device(app, "admin")
    device.pull()
    device.update("resident", numbers.person.id, {"id_number": make_id_number("110105", date(1950, 3, 1), 13)})
    device.update("household", numbers.home.id, {"landlord_phone": None})
    tag = numbers.tags["elderly_alone"]
    device.update("resident_tag", tag.id, {"detail": {"risk_level": "high", "kin_phone": "13600000000"}})
    new_person = str(uuid7())
    device.update("resident", new_person, {"household_id": numbers.home.id, "name": "新人", "sex": "male",
                                          "phone": "13800000001"})
    results = device.push()
    assert [r["status"] for r in results] == ["rejected"] * 4
    assert [r["code"] for r in results] == ["field_not_permitted"] * 4
    assert set(results[0]["fields"]) == {"id_number"} and set(results[1]["fields"]) == {"landlord_phone"}
    assert set(results[2]["fields"]) == {"detail.kin_phone"} and set(results[3]["fields"]) == {"phone"}
    db.session.expire_all()
    assert db.session.get(Resident, numbers.person.id).id_number == NUMBERS.id_number
    assert db.session.get(Household, numbers.home.id).landlord_phone == NUMBERS.landlord
    assert db.session.get(ResidentTag, tag.id).detail["kin_phone"] == NUMBERS.kin
    assert db.session.get(Resident, new_person) is None


def test_a_worker_still_writes_numbers(app, world, numbers):
    device = recording_device(app, "worker")
    device.pull()
    device.update("household", numbers.home.id, {"landlord_phone": None})
    assert [r["status"] for r in device.push()] == ["accepted"]
    db.session.expire_all()
    assert db.session.get(Household, numbers.home.id).landlord_phone is None


def test_the_migration_fills_the_projected_hashes_the_writes_would(app, world, numbers):
    # Records stored before the projection existed get the hash a new write would give them.
    import importlib.util
    from pathlib import Path

    from server.syncapi.models import SyncRow
    path = Path(__file__).resolve().parents[2] / "server/migrations/versions/0007_projection.py"
    spec = importlib.util.spec_from_file_location("migration_0007", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    stamped = {(r.entity, r.record_id): r.projected_hash for r in db.session.scalars(db.select(SyncRow))}
    # Every resident, household and building (their number fields are left out even when empty) and
    # the five tags holding numbers.
    assert sum(1 for v in stamped.values() if v) == 5 + 3 + 3 + 5
    db.session.execute(db.update(SyncRow).values(projected_hash=None))
    migration._backfill(db.session.connection())
    db.session.expire_all()
    assert {(r.entity, r.record_id): r.projected_hash for r in db.session.scalars(db.select(SyncRow))} == stamped
