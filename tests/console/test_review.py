"""The review queue: new visits and findings, reviewed or returned, and the return's round trip to
the worker's phone and back."""

from __future__ import annotations

import re

from server.cases.models import CaseStep, Finding
from server.extensions import db
from server.fieldwork.models import Visit
from server.syncapi.models import Change
from tests.console.cases_helpers import refused, report, street_admin_on
from tests.pulls import pull_until

ROW = re.compile(r'<tr data-kind="(visit|finding)" data-id="([0-9a-f-]{36})"')


def visit(device, household, at="2026-11-20T02:00:00Z", notes="老人身体不错", residents=()) -> str:
    vid = device.create("visit", {"household_id": household.id, "visited_at": at, "method": "in_person",
                                  "outcome": "normal", "notes": notes, "resident_ids": [r.id for r in residents]})
    assert device.push()[-1]["status"] == "accepted"
    return vid


def queue(client, query="") -> list[tuple[str, str]]:
    page = client.get("/console/review" + query)
    assert page.status_code == 200
    return ROW.findall(page.text)


def version(vid) -> str:
    db.session.expire_all()
    row = db.session.get(Visit, vid)
    return max((row.clocks or {}).values())


def act(client, vid, action, comment="", seen=None):
    return client.post(f"/console/review/visits/{vid}", {"action": action, "comment": comment,
                                                          "version": seen or version(vid)}, htmx=True)


def test_the_queue_lists_new_visits_and_findings_of_the_community_newest_first(world, staff_client, device_factory):
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    late = visit(worker, world.households[0], at="2026-11-20T05:00:00Z", residents=[world.residents[0]])
    early = visit(worker_b, world.households[1], at="2026-11-19T05:00:00Z")
    finding = report(worker, world.grids[0])  # reported 2026-11-20T03:00Z
    far = device_factory("far_staff")
    far_visit = far.create("visit", {"household_id": world.households[2].id, "visited_at": "2026-11-18T02:00:00Z",
                                     "method": "phone", "outcome": "normal"})
    assert far.push()[-1]["status"] == "accepted"
    staff = staff_client("staff")
    assert queue(staff) == [("visit", late), ("finding", finding), ("visit", early)]
    assert queue(staff, "?order=old") == [("visit", early), ("finding", finding), ("visit", late)]
    assert far_visit not in str(queue(staff))
    assert queue(staff, "?kind=finding") == [("finding", finding)]
    assert queue(staff, "?kind=visit") == [("visit", late), ("visit", early)]
    assert queue(staff, f"?grid={world.grids[1].id}") == [("visit", early)]
    # A grid of another community is not a filter this page offers: ignored.
    assert len(queue(staff, f"?grid={world.far_grid.id}&kind=nope&page=x")) == 3
    page = staff.get("/console/review").text
    assert "1号楼1单元501" in page and "老人身体不错" in page and "李网格" in page
    assert "走访对象：张秀英" in page


def test_marking_a_visit_reviewed_syncs_to_the_phone_and_leaves_the_queue(world, staff_client, device_factory):
    worker = device_factory("worker")
    vid = visit(worker, world.households[0])
    staff = staff_client("staff")
    reply = act(staff, vid, "reviewed")
    assert reply.status_code == 200 and 'data-status="reviewed"' in reply.text and "已审核" in reply.text
    row = db.session.get(Visit, vid)
    assert (row.review_status, row.reviewed_by) == ("reviewed", world.users["staff"].id)
    assert row.reviewed_at is not None
    assert queue(staff) == []
    logged = db.session.scalars(db.select(Change).where(Change.entity == "visit", Change.device_id.is_(None))).all()
    assert len(logged) == 1 and logged[0].fields["review_status"] == "reviewed"
    pull_until(worker)
    assert worker.server_copy()[("visit", vid)]["review_status"] == "reviewed"
    # Reviewing it again (a second tab) is refused, not applied twice.
    assert refused(act(staff, vid, "reviewed")) == (409, "review_stale")


def test_a_returned_visit_goes_to_the_phone_and_comes_back_resubmitted(world, staff_client, device_factory):
    worker = device_factory("worker")
    vid = visit(worker, world.households[0], notes="正常")
    staff = staff_client("staff")
    # A return needs a comment.
    reply = act(staff, vid, "returned", comment="  ")
    assert refused(reply) == (422, "validation_failed")
    assert db.session.get(Visit, vid).review_status is None
    reply = act(staff, vid, "returned", comment="请写明老人的身体状况和需求")
    assert reply.status_code == 200 and 'data-status="returned"' in reply.text
    assert queue(staff) == []

    pull_until(worker)
    copy = worker.server_copy()[("visit", vid)]
    assert (copy["review_status"], copy["review_comment"]) == ("returned", "请写明老人的身体状况和需求")
    worker.update("visit", vid, {"notes": "老人血压偏高，已提醒按时服药；需要助餐服务"})
    [result] = worker.push()
    assert result["status"] == "accepted", result
    db.session.expire_all()
    row = db.session.get(Visit, vid)
    assert (row.review_status, row.notes) == ("resubmitted", "老人血压偏高，已提醒按时服药；需要助餐服务")
    assert queue(staff) == [("visit", vid)]
    page = staff.get("/console/review").text
    assert "已修改，重新提交" in page and "上次退回意见" in page and "需要助餐服务" in page
    assert act(staff, vid, "reviewed").status_code == 200
    assert db.session.get(Visit, vid).review_status == "reviewed"
    pull_until(worker)
    assert worker.server_copy()[("visit", vid)]["review_status"] == "reviewed"


def test_an_action_on_a_visit_changed_since_the_page_was_loaded_is_refused(world, staff_client, device_factory):
    worker = device_factory("worker")
    vid = visit(worker, world.households[0])
    staff, admin = staff_client("staff"), street_admin_on(staff_client, world.community)
    seen = version(vid)
    assert act(admin, vid, "returned", comment="补充照片", seen=seen).status_code == 200
    reply = act(staff, vid, "reviewed", seen=seen)
    assert refused(reply) == (409, "review_stale")
    assert "这条记录已被他人审核或被修改" in reply.text
    assert db.session.get(Visit, vid).review_status == "returned"
    assert refused(act(staff, vid, "approve")) == (400, "form_state_invalid")


def test_bulk_review_marks_the_ticked_visits_and_skips_those_changed_meanwhile(world, staff_client, device_factory):
    worker = device_factory("worker")
    vids = [visit(worker, world.households[0], at=f"2026-11-2{i}T02:00:00Z") for i in range(3)]
    staff = staff_client("staff")
    stale = f"{vids[2]}|{version(vids[2])}"
    assert act(staff, vids[2], "returned", comment="请补充").status_code == 200
    picked = [f"{vids[0]}|{version(vids[0])}", f"{vids[1]}|{version(vids[1])}", stale]
    reply = staff.post("/console/review/visits", {"visit": picked})
    assert reply.status_code == 303
    db.session.expire_all()
    assert [db.session.get(Visit, v).review_status for v in vids] == ["reviewed", "reviewed", "returned"]
    page = staff.get("/console/review").text
    assert "2 条走访已标记为已审核" in page and "1 条已被他人处理或被修改" in page
    assert refused(staff.post("/console/review/visits", {}, htmx=True)) == (422, "nothing_selected")


def test_accepting_or_returning_a_finding_from_the_queue_is_a_case_step(world, staff_client, device_factory):
    worker = device_factory("worker")
    taken = report(worker, world.grids[0], description="消防通道堵塞")
    sent_back = report(worker, world.grids[0], description="重复的上报")
    staff = staff_client("staff")
    reply = staff.post(f"/console/review/findings/{taken}", {"action": "accepted", "from_status": "reported"},
                       htmx=True)
    assert reply.status_code == 200 and 'data-status="accepted"' in reply.text
    assert refused(staff.post(f"/console/review/findings/{sent_back}", {"action": "returned",
                                                                        "from_status": "reported"}, htmx=True)) \
        == (422, "validation_failed")
    reply = staff.post(f"/console/review/findings/{sent_back}", {"action": "returned", "from_status": "reported",
                                                                 "opinion": "与昨天的上报重复"}, htmx=True)
    assert reply.status_code == 200
    db.session.expire_all()
    assert db.session.get(Finding, taken).status == "accepted"
    assert db.session.get(Finding, sent_back).status == "returned"
    steps = {s.finding_id: s for s in db.session.scalars(db.select(CaseStep))}
    assert steps[sent_back].opinion == "与昨天的上报重复"
    assert queue(staff) == []
    # The same click from a page loaded before: stale.
    again = staff.post(f"/console/review/findings/{taken}", {"action": "accepted", "from_status": "reported"},
                       htmx=True)
    assert refused(again) == (409, "stale_transition")
    pull_until(worker)
    assert worker.server_copy()[("finding", sent_back)]["status"] == "returned"
    # Without htmx: back to the queue with a message.
    third = report(worker, world.grids[0], description="第三条")
    plain = staff.post(f"/console/review/findings/{third}", {"action": "accepted", "from_status": "reported"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/console/review")


def test_another_communitys_staff_cannot_see_or_act_on_the_queue(world, staff_client, device_factory):
    worker = device_factory("worker")
    vid = visit(worker, world.households[0])
    fid = report(worker, world.grids[0])
    far = staff_client("far_staff")
    assert queue(far) == []
    assert far.post(f"/console/review/visits/{vid}", {"action": "reviewed", "version": version(vid)},
                    htmx=True).status_code == 404
    assert far.post("/console/review/visits", {"visit": [f"{vid}|{version(vid)}"]}).status_code == 404
    assert far.post(f"/console/review/findings/{fid}", {"action": "accepted", "from_status": "reported"},
                    htmx=True).status_code == 404
    db.session.expire_all()
    assert db.session.get(Visit, vid).review_status is None
    assert db.session.get(Finding, fid).status == "reported"


def test_the_street_admin_reviews_the_community_they_are_looking_at(world, staff_client, device_factory):
    worker = device_factory("worker")
    vid = visit(worker, world.households[0])
    admin = street_admin_on(staff_client, world.community)
    assert queue(admin) == [("visit", vid)]
    assert act(admin, vid, "reviewed").status_code == 200
    assert db.session.get(Visit, vid).reviewed_by == world.users["admin"].id


def test_the_queue_and_the_case_pages_work_on_both_databases(any_app, device_factory):
    from tests.conftest import build_world
    from tests.console.cases_helpers import dispatch, make_overdue, ok, step
    from tests.console.conftest import StaffClient

    world = build_world(any_app)
    worker = device_factory("worker", app=any_app)
    vid = visit(worker, world.households[0], residents=[world.residents[0]])
    fid = report(worker, world.grids[0])
    db.session.remove()
    staff = StaffClient(any_app.test_client())
    assert staff.login("staff").status_code == 302
    assert queue(staff) == [("finding", fid), ("visit", vid)]
    assert queue(staff, "?order=old") == [("visit", vid), ("finding", fid)]
    assert act(staff, vid, "reviewed").status_code == 200
    ok(step(staff, fid, "reported", "accepted"), fid)
    dispatch(staff, fid)
    make_overdue(fid)
    ok(step(staff, fid, "dispatched", "dispatched", kind="chase", opinion="请尽快办结"), fid)
    for url in ("/console/cases", "/console/cases?overdue=1&status=open&category=safety",
                f"/console/cases/{fid}", "/console/cases/deadlines", "/console/review?kind=finding"):
        assert staff.get(url).status_code == 200, url
    assert "已督办 1 次" in staff.get("/console/cases?overdue=1").text
    db.session.remove()
