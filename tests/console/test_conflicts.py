"""Conflicts and rejected changes in the console: two phones editing one resident offline, the
conflict kept or restored by staff (and the result on both phones), a second settle refused,
rejections listed with their reasons, and nothing of 幸福社区 visible to another community."""

from __future__ import annotations

import re
from datetime import date

from server.extensions import db
from server.registry.validators import make_id_number
from server.syncapi.models import Change, Conflict
from tests.console.cases_helpers import refused, street_admin_on
from tests.pulls import pull_until

CARD = re.compile(r'<article class="card conflict" id="conflict-(\d+)"')
REJECTED = re.compile(r'<tr data-change="([0-9a-f-]{36})" data-code="([a-z_]+)"')


def offline_edits(world, device_factory, field="phone", first="13800138000", second="13900139000"):
    """worker and worker2 change the same field of a resident, neither seeing the other's value."""
    a = device_factory("worker")
    b = device_factory("worker2")
    pull_until(a)
    pull_until(b)
    rid = world.residents[0].id
    a.network.offline = b.network.offline = True
    a.update("resident", rid, {field: first})
    b.update("resident", rid, {field: second})
    a.network.offline = b.network.offline = False
    a.sync()
    b.sync()
    db.session.rollback()
    return a, b, rid


def the_conflict() -> Conflict:
    db.session.expire_all()
    return db.session.scalars(db.select(Conflict)).one()


def open_cards(client) -> list[int]:
    page = client.get("/console/conflicts")
    assert page.status_code == 200
    return [int(n) for n in CARD.findall(page.text)]


def test_a_conflict_shows_both_values_with_their_authors_devices_and_record(world, device_factory, staff_client):
    a, b, rid = offline_edits(world, device_factory)
    conflict = the_conflict()
    assert (conflict.winner_value, conflict.loser_value) == ("13900139000", "13800138000")
    page = staff_client("staff").get("/console/conflicts")
    assert page.status_code == 200
    card = page.text[page.text.index(f'id="conflict-{conflict.id}"'):]
    card = card[:card.index("</article>")]
    # The record and the field as staff name them, the numbers masked as in every list.
    assert "张秀英（1号楼1单元501）" in card and "联系电话" in card
    assert "139****9000" in card and "138****8000" in card
    assert "13900139000" not in page.text and "13800138000" not in page.text
    # Each side: its author and device, from the change whose clock is the value's clock.
    winner = card[card.index('data-side="winner"'):card.index('data-side="loser"')]
    loser = card[card.index('data-side="loser"'):]
    assert "王网格" in winner and b.device_id[-6:] in winner
    assert "李网格" in loser and a.device_id[-6:] in loser
    assert 'data-open-count="1"' in page.text


def test_restoring_the_overwritten_value_reaches_both_phones(world, device_factory, staff_client):
    a, b, rid = offline_edits(world, device_factory)
    conflict = the_conflict()
    staff = staff_client("staff")
    reply = staff.post(f"/console/conflicts/{conflict.id}", {"action": "restore"}, htmx=True)
    assert reply.status_code == 200, reply.text
    assert 'data-status="restored"' in reply.text and "138****8000" in reply.text
    assert the_conflict().status == "restored"
    # The restore is a change in the log by the staff member, from the console (no device).
    [restore] = db.session.scalars(db.select(Change).where(
        Change.record_id == rid, Change.user_id == world.users["staff"].id)).all()
    assert restore.device_id is None and restore.fields == {"phone": "13800138000"}
    pull_until(a)
    pull_until(b)
    assert a.get("resident", rid)["phone"] == b.get("resident", rid)["phone"] == "13800138000"
    # The queue is empty; the conflict is in the recently settled list.
    assert open_cards(staff) == []
    page = staff.get("/console/conflicts").text
    assert f'data-settled="{conflict.id}" data-status="restored"' in page and "周社区" in page


def test_keeping_the_current_value_changes_nothing_on_the_phones(world, device_factory, staff_client):
    a, b, rid = offline_edits(world, device_factory)
    conflict = the_conflict()
    staff = staff_client("staff")
    reply = staff.post(f"/console/conflicts/{conflict.id}", {"action": "keep"})
    assert reply.status_code == 303
    assert the_conflict().status == "kept"
    assert db.session.scalars(db.select(Change).where(Change.user_id == world.users["staff"].id)).all() == []
    pull_until(a)
    pull_until(b)
    assert a.get("resident", rid)["phone"] == b.get("resident", rid)["phone"] == "13900139000"
    assert "已保留当前值" in staff.get("/console/conflicts").text


def test_settling_a_conflict_someone_already_settled_is_refused(world, device_factory, staff_client):
    offline_edits(world, device_factory, field="notes", first="女儿每周来", second="无人照顾")
    conflict = the_conflict()
    first, second = staff_client("staff"), street_admin_on(staff_client, world.community)
    assert first.post(f"/console/conflicts/{conflict.id}", {"action": "keep"}, htmx=True).status_code == 200
    reply = second.post(f"/console/conflicts/{conflict.id}", {"action": "restore"}, htmx=True)
    assert refused(reply) == (409, "stale_transition")
    assert "周社区" in reply.text
    assert the_conflict().status == "kept"
    resident = db.session.get(type(world.residents[0]), world.residents[0].id)
    assert resident.notes == "无人照顾"
    # A bad action is a clear refusal, not a guess.
    assert refused(first.post(f"/console/conflicts/{conflict.id}", {"action": "both"}, htmx=True))[0] in (409, 422)


def test_another_community_neither_sees_nor_settles_the_conflict(world, device_factory, staff_client):
    offline_edits(world, device_factory)
    conflict = the_conflict()
    far = staff_client("far_staff")
    assert open_cards(far) == []
    reply = far.post(f"/console/conflicts/{conflict.id}", {"action": "restore"})
    assert reply.status_code == 404
    assert far.post("/console/conflicts/99999", {"action": "keep"}).status_code == 404
    assert the_conflict().status == "open"
    # The street admin sees it once looking at 幸福社区.
    admin = street_admin_on(staff_client, world.community)
    assert open_cards(admin) == [conflict.id]


# --- rejections ------------------------------------------------------------------------------

BAD_ID = make_id_number("110105", date(1948, 3, 2), 1)[:-1] + "0"  # a wrong check character


def rejections(client, query="") -> dict[str, str]:
    page = client.get("/console/rejections" + query)
    assert page.status_code == 200
    return dict(REJECTED.findall(page.text))


def test_rejections_are_listed_with_their_reasons_and_filtered(world, device_factory, staff_client):
    if BAD_ID == make_id_number("110105", date(1948, 3, 2), 1):
        raise AssertionError("the test's bad ID number happens to be valid")
    worker = device_factory("worker")
    worker_b = device_factory("worker_b")
    new_id = worker.create("resident", {"household_id": world.households[0].id, "name": "刘建国", "sex": "male",
                                        "id_number": BAD_ID, "phone": "13812345678"})
    [result] = worker.push()
    assert result["status"] == "rejected"
    worker_b.update("resident", world.residents[1].id, {"phone": "12345"})
    assert worker_b.push()[0]["code"] == "validation_failed"
    db.session.rollback()

    staff = staff_client("staff")
    page = staff.get("/console/rejections").text
    listed = dict(REJECTED.findall(page))
    assert len(listed) == 2 and set(listed.values()) == {"validation_failed"}
    row = page[page.index(f'data-change="{result["id"]}"'):]
    row = row[:row.index("</tr>")]
    assert "李网格" in row and worker.device_id[-6:] in row and "第1网格" in row
    assert "刘建国" in row and "138****5678" in row and "13812345678" not in row
    assert "id_number_checksum" in row and "身份证号校验位错误" in row and "check character" in row
    assert "在手机上改正后重新提交" in page

    assert list(rejections(staff, f"?user={world.users['worker_b'].id}")) == [worker_b.outbox("rejected")[0]["id"]]
    assert list(rejections(staff, f"?grid={world.grids[0].id}")) == [result["id"]]

    # Fixed on the phone and sent again: it leaves the default list, stays under 全部.
    worker.update("resident", new_id, {"household_id": world.households[0].id, "name": "刘建国", "sex": "male",
                                       "id_number": make_id_number("110105", date(1948, 3, 2), 1),
                                       "birth_date": "1948-03-02"})
    assert worker.push()[-1]["status"] == "accepted"
    db.session.rollback()
    assert result["id"] not in rejections(staff)
    everything = staff.get("/console/rejections?state=all").text
    assert result["id"] in everything and "已重新提交" in everything


def test_a_rejection_that_names_nothing_is_placed_by_its_author(world, device_factory, staff_client):
    worker = device_factory("worker")
    worker.create("resident", {"household_id": "01900000-0000-7000-8000-000000000000", "name": "王五", "sex": "male"})
    [result] = worker.push()
    assert result["code"] == "unknown_reference"
    db.session.rollback()
    assert rejections(staff_client("staff")) == {result["id"]: "unknown_reference"}
    assert rejections(staff_client("far_staff")) == {}


def test_a_write_into_another_community_shows_the_record_only_to_its_own_community(world, device_factory,
                                                                                     staff_client):
    worker = device_factory("worker")
    worker.update("resident", world.residents[2].id, {"notes": "越界修改"})
    [result] = worker.push()
    assert result["code"] == "out_of_scope"
    db.session.rollback()
    # 团结社区 owns the record: it sees the attempt, and which resident it was.
    far_page = staff_client("far_staff").get("/console/rejections").text
    assert result["id"] in far_page and "张秀英（1号楼1单元501）" in far_page
    # 幸福社区 supervises the worker: it sees the attempt, not the other community's resident.
    own_page = staff_client("staff").get("/console/rejections").text
    assert result["id"] in own_page and "张秀英" not in own_page and "越界修改" in own_page


def test_both_pages_on_both_databases(any_app, any_world, device_factory):
    """The JSON lookups that place a rejection, and the change lookups behind a conflict, on
    SQLite and on the real PostgreSQL."""
    from tests.console.conftest import StaffClient

    a = device_factory("worker", app=any_app)
    b = device_factory("worker2", app=any_app)
    pull_until(a)
    pull_until(b)
    rid = any_world.residents[0].id
    a.update("resident", rid, {"notes": "女儿每周来"})
    b.update("resident", rid, {"notes": "无人照顾"})
    a.sync()
    b.sync()
    b.create("resident", {"household_id": any_world.households[0].id, "name": "刘建国", "sex": "male",
                          "id_number": BAD_ID})
    b.create("resident", {"household_id": "01900000-0000-7000-8000-000000000000", "name": "王五", "sex": "male"})
    assert [r["status"] for r in b.push()] == ["rejected", "rejected"]
    db.session.rollback()
    staff = StaffClient(any_app.test_client())
    assert staff.login("staff").status_code == 302
    assert len(open_cards(staff)) == 1
    assert sorted(rejections(staff).values()) == ["unknown_reference", "validation_failed"]
    far = StaffClient(any_app.test_client())
    assert far.login("far_staff").status_code == 302
    assert open_cards(far) == [] and rejections(far) == {}
