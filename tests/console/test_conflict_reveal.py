"""A conflict over a personal number: both values masked, one side shown in full on request (a POST,
audited, naming who saw which record's field); a street admin, who works from aggregates, is refused."""

from __future__ import annotations

from datetime import date

from server.audit.models import AuditEntry
from server.extensions import db
from server.registry.validators import make_id_number
from tests.console.cases_helpers import refused, street_admin_on
from tests.console.test_conflicts import offline_edits, the_conflict


def reveal(client, conflict, side, htmx=True):
    return client.post(f"/console/conflicts/{conflict.id}/reveal", {"side": side}, htmx=htmx)


def test_staff_reveal_one_side_of_a_phone_conflict_and_it_is_audited(world, device_factory, staff_client):
    offline_edits(world, device_factory)
    conflict = the_conflict()
    staff = staff_client("staff")
    page = staff.get("/console/conflicts").text
    assert "13800138000" not in page and 'data-reveal="loser"' in page
    reply = reveal(staff, conflict, "loser")
    assert reply.status_code == 200 and "13800138000" in reply.text and "13900139000" not in reply.text
    [entry] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "view_phone")).all()
    assert (entry.user_id, entry.entity, entry.record_id) == (world.users["staff"].id, "resident", conflict.record_id)
    assert entry.detail["field"] == "phone" and entry.detail["side"] == "loser"
    # Without JavaScript: the list again, that one number in full.
    plain = reveal(staff, conflict, "winner", htmx=False)
    assert plain.status_code == 200 and "13900139000" in plain.text and "13800138000" not in plain.text
    assert refused(reveal(staff, conflict, "both")) == (400, "invalid_value")
    # Another community's staff do not learn the conflict exists.
    assert reveal(staff_client("far_staff"), conflict, "loser").status_code == 404


def test_a_street_admin_never_sees_a_full_id_number(world, device_factory, staff_client):
    first = make_id_number("110105", date(1948, 3, 2), 2)
    second = make_id_number("110105", date(1948, 3, 2), 4)
    offline_edits(world, device_factory, field="id_number", first=first, second=second)
    conflict = the_conflict()
    admin = street_admin_on(staff_client, world.community)
    page = admin.get("/console/conflicts").text
    assert "data-reveal" not in page and first not in page and second not in page
    assert refused(reveal(admin, conflict, "loser")) == (403, "full_numbers_not_allowed")
    assert db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "view_id_number")).all() == []
    # Community staff may, and it is logged as an ID number seen.
    assert first in reveal(staff_client("staff"), conflict, "loser").text
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "view_id_number")) == 1


def test_a_field_that_is_not_a_number_has_nothing_to_reveal(world, device_factory, staff_client):
    offline_edits(world, device_factory, field="name", first="张秀英", second="张秀瑛")
    conflict = the_conflict()
    staff = staff_client("staff")
    assert "data-reveal" not in staff.get("/console/conflicts").text
    assert refused(reveal(staff, conflict, "loser")) == (400, "invalid_value")
