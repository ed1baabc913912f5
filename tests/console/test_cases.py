"""The case workflow in the console: every step, its rules, deadlines, and what reaches the phone."""

from __future__ import annotations

from datetime import timedelta

from server.cases.models import CaseDeadline, CaseStep, Finding
from server.extensions import db
from server.syncapi.models import Change
from server.core.time import utcnow
from tests.console.cases_helpers import (china_input, directory_entry, dispatch, make_overdue, ok, receive, refused,
                                         report, status_of, step, street_admin_on)


def steps_of(fid) -> list[CaseStep]:
    return list(db.session.scalars(db.select(CaseStep).where(CaseStep.finding_id == fid)
                                   .order_by(CaseStep.created_at, CaseStep.id)))


def test_a_case_goes_through_every_stage_and_the_reporter_sees_each_step(world, staff_client, device_factory):
    worker = device_factory("worker")
    fid = report(worker, world.grids[0])
    staff = staff_client("staff")

    ok(step(staff, fid, "reported", "accepted", opinion="社区已受理"), fid)
    before = utcnow().replace(microsecond=0)
    dispatch(staff, fid, level="community", unit="物业服务中心")
    finding = db.session.get(Finding, fid)
    # safety_plaster has no row of its own: its top category "safety" gives 48 hours at community level.
    assert (finding.status, finding.level, finding.unit) == ("dispatched", "community", "物业服务中心")
    assert finding.deadline_at is None  # the deadline runs from the unit's receipt
    ok(step(staff, fid, "dispatched", "in_progress"), fid)
    db.session.expire_all()
    finding = db.session.get(Finding, fid)
    assert before + timedelta(hours=48) <= finding.deadline_at <= utcnow() + timedelta(hours=48)

    wanted = finding.deadline_at + timedelta(days=2)
    ok(step(staff, fid, "in_progress", "extension_requested", deadline=china_input(wanted),
            opinion="需要等待材料到货"), fid)
    assert status_of(fid) == "extension_requested"
    granted = wanted + timedelta(hours=6)
    ok(step(staff, fid, "extension_requested", "in_progress", decision="approve", deadline=china_input(granted),
            opinion="同意延期"), fid)
    assert db.session.get(Finding, fid).deadline_at == granted.replace(second=0)

    ok(step(staff, fid, "in_progress", "resolved", opinion="已铲除松动墙皮并修补"), fid)
    ok(step(staff, fid, "resolved", "verified", opinion="电话回访上报人，已确认修好"), fid)
    ok(step(staff, fid, "verified", "closed"), fid)
    ok(step(staff, fid, "closed", "rated", rating="5", opinion="居民很满意"), fid)
    assert status_of(fid) == "rated"

    taken = steps_of(fid)
    assert [(s.from_status, s.to_status) for s in taken] == [
        ("reported", "accepted"), ("accepted", "dispatched"), ("dispatched", "in_progress"),
        ("in_progress", "extension_requested"), ("extension_requested", "in_progress"),
        ("in_progress", "resolved"), ("resolved", "verified"), ("verified", "closed"), ("closed", "rated")]
    assert {s.actor_id for s in taken} == {world.users["staff"].id}
    assert taken[-1].rating == 5
    # The console's steps are logged like a phone's, with no device.
    logged = db.session.scalars(db.select(Change).where(Change.entity == "case_step")).all()
    assert len(logged) == 9 and all(c.device_id is None and c.status == "accepted" for c in logged)

    assert worker.pull()["verified"] is True
    copy = worker.server_copy()
    assert copy[("finding", fid)]["status"] == "rated"
    assert {copy[("case_step", s.id)]["to_status"] for s in taken} == {s.to_status for s in taken}
    assert copy[("case_step", taken[-1].id)]["rating"] == 5

    page = staff.get(f"/console/cases/{fid}")
    assert page.status_code == 200
    for text in ("物业服务中心", "同意延期", "已确认修好", "非常满意", "没有后续步骤"):
        assert text in page.text


def test_the_case_page_offers_only_the_steps_allowed_from_the_current_stage(world, staff_client, device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    staff = staff_client("staff")
    page = staff.get(f"/console/cases/{fid}").text
    assert 'data-step="accepted"' in page and 'data-step="returned"' in page
    assert 'data-step="dispatched"' not in page and 'data-step="closed"' not in page
    assert 'name="from_status" value="reported"' in page
    ok(step(staff, fid, "reported", "accepted"), fid)
    page = staff.get(f"/console/cases/{fid}").text
    assert 'data-step="dispatched"' in page and 'data-step="in_progress"' in page
    assert 'data-step="accepted"' not in page


def test_illegal_steps_are_refused_with_a_clear_code(world, staff_client, device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    staff = staff_client("staff")
    assert refused(step(staff, fid, "reported", "resolved", opinion="x")) == (409, "illegal_transition")
    assert refused(step(staff, fid, "reported", "nonsense")) == (400, "form_state_invalid")
    for a, b in (("reported", "accepted"), ("accepted", "in_progress")):
        ok(step(staff, fid, a, b), fid)
    ok(step(staff, fid, "in_progress", "resolved", opinion="已处理"), fid)
    # Closing needs the re-check first.
    reply = step(staff, fid, "resolved", "closed")
    assert refused(reply) == (409, "unverified_close")
    assert "事件尚未核查，不能销号" in reply.text
    assert refused(step(staff, fid, "resolved", "rated", rating="4")) == (409, "illegal_transition")
    assert status_of(fid) == "resolved"
    assert len(steps_of(fid)) == 3


def test_a_step_on_a_case_someone_else_moved_on_is_stale(world, staff_client, device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    staff, admin = staff_client("staff"), street_admin_on(staff_client, world.community)
    # Both have the case page open at "reported"; the street admin accepts first.
    ok(step(admin, fid, "reported", "accepted"), fid)
    reply = step(staff, fid, "reported", "accepted")
    assert refused(reply) == (409, "stale_transition")
    assert "事件状态已被他人更新" in reply.text
    reply = step(staff, fid, "reported", "returned", opinion="重复上报")
    assert refused(reply) == (409, "stale_transition")
    assert status_of(fid) == "accepted" and len(steps_of(fid)) == 1
    # Without htmx the same refusal is a whole page with the message.
    plain = staff.post(f"/console/cases/{fid}/steps", {"from_status": "reported", "to_status": "accepted"})
    assert plain.status_code == 409 and "stale_transition" in plain.text


def test_what_each_step_must_carry(world, staff_client, device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    staff = staff_client("staff")
    reply = step(staff, fid, "reported", "returned", opinion="  ")
    assert refused(reply) == (422, "validation_failed") and "<strong>处置意见</strong> <code>opinion</code>：必填" in reply.text
    ok(step(staff, fid, "reported", "accepted"), fid)
    assert refused(step(staff, fid, "accepted", "dispatched", level="community"))[0] == 422
    assert refused(step(staff, fid, "accepted", "dispatched", unit="物业"))[0] == 422
    assert refused(step(staff, fid, "accepted", "dispatched", level="county", unit="物业"))[0] == 422
    assert refused(step(staff, fid, "accepted", "dispatched", level="grid", unit="物" * 65))[0] == 422
    dispatch(staff, fid, level="grid")
    ok(step(staff, fid, "dispatched", "in_progress"), fid)
    current = db.session.get(Finding, fid).deadline_at
    # An extension must end after the current deadline, and needs a reason.
    reply = step(staff, fid, "in_progress", "extension_requested", deadline=china_input(current - timedelta(hours=1)),
                 opinion="等材料")
    assert refused(reply) == (422, "validation_failed") and "新的期限应晚于当前期限和现在" in reply.text
    reply = step(staff, fid, "in_progress", "extension_requested", deadline="明天", opinion="等材料")
    assert "时间格式不正确" in reply.text
    assert refused(step(staff, fid, "in_progress", "extension_requested",
                        deadline=china_input(current + timedelta(days=1))))[0] == 422
    ok(step(staff, fid, "in_progress", "extension_requested", deadline=china_input(current + timedelta(days=1)),
            opinion="等材料"), fid)
    assert "请选择批准或不批准延期" in step(staff, fid, "extension_requested", "in_progress").text
    # Refusing an extension keeps the old deadline and needs a reason.
    assert refused(step(staff, fid, "extension_requested", "in_progress", decision="refuse"))[0] == 422
    ok(step(staff, fid, "extension_requested", "in_progress", decision="refuse", opinion="按原期限办理"), fid)
    assert db.session.get(Finding, fid).deadline_at == current
    # Reporting back needs after-photos or a written result.
    reply = step(staff, fid, "in_progress", "resolved")
    assert refused(reply) == (422, "validation_failed") and "请上传处置后照片或填写处置结果说明" in reply.text
    ok(step(staff, fid, "in_progress", "resolved", opinion="已修复"), fid)
    # A failed re-check, and a staff-recorded re-check, both say why.
    assert refused(step(staff, fid, "resolved", "in_progress"))[0] == 422
    assert refused(step(staff, fid, "resolved", "verified"))[0] == 422
    ok(step(staff, fid, "resolved", "verified", opinion="现场核查已修好"), fid)
    ok(step(staff, fid, "verified", "closed"), fid)
    for bad in ("", "0", "6", "五"):
        assert "请选择1到5分的评价" in step(staff, fid, "closed", "rated", rating=bad).text
    ok(step(staff, fid, "closed", "rated", rating="3"), fid)


def test_the_deadline_comes_from_the_configuration_with_the_parent_as_fallback(world, staff_client, device_factory):
    worker = device_factory("worker")
    staff = staff_client("staff")
    own = report(worker, world.grids[0], category="safety_gas")
    inherited = report(worker, world.grids[0], category="safety_plaster")
    missing = report(worker, world.grids[0], category="dispute")
    db.session.add(CaseDeadline(category_id="safety_gas", level="grid", amount=6, unit="hours"))
    db.session.delete(db.session.get(CaseDeadline, ("dispute", "street")))
    db.session.commit()
    for fid in (own, inherited, missing):
        ok(step(staff, fid, "reported", "accepted"), fid)
    dispatch(staff, own, level="grid")
    dispatch(staff, inherited, level="grid")
    start = utcnow().replace(microsecond=0)
    own_deadline, inherited_deadline = receive(staff, own), receive(staff, inherited)
    assert start + timedelta(hours=6) <= own_deadline <= utcnow() + timedelta(hours=6)
    assert start + timedelta(hours=24) <= inherited_deadline <= utcnow() + timedelta(hours=24)
    # No row for the category or its parent: refused, nothing written.
    reply = step(staff, missing, "accepted", "dispatched", level="street",
                 handling_unit_id=directory_entry(missing, "街道综治中心").id)
    assert refused(reply) == (422, "deadline_missing")
    assert "该类别和响应级别没有配置处置时限" in reply.text
    assert status_of(missing) == "accepted"
    # The dispatch form tells which levels have no deadline before anyone tries.
    assert "未配置时限" in staff.get(f"/console/cases/{missing}").text


def test_returning_a_dispatched_case_ends_its_deadline_until_it_is_dispatched_again(world, staff_client,
                                                                                    device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    staff = staff_client("staff")
    ok(step(staff, fid, "reported", "accepted"), fid)
    dispatch(staff, fid, unit="园林所")
    ok(step(staff, fid, "dispatched", "returned", opinion="不属于本单位职责"), fid)
    finding = db.session.get(Finding, fid)
    assert (finding.status, finding.unit, finding.deadline_at) == ("returned", None, None)
    dispatch(staff, fid, level="street", unit="街道城管科", from_status="returned")
    finding = db.session.get(Finding, fid)
    assert (finding.status, finding.level, finding.unit) == ("dispatched", "street", "街道城管科")
    assert finding.deadline_at is None  # until 街道城管科 signs for it
    assert receive(staff, fid) is not None


def test_overdue_cases_are_flagged_in_words_and_filtered(world, staff_client, device_factory):
    from server.console.dashboard.queries import moment, overdue_cases_per_grid

    worker = device_factory("worker")
    staff = staff_client("staff")
    late = report(worker, world.grids[0], description="楼道堆放杂物")
    on_time = report(worker, world.grids[0], description="路灯不亮")
    done = report(worker, world.grids[0], description="井盖松动")
    for fid in (late, on_time, done):
        ok(step(staff, fid, "reported", "accepted"), fid)
        dispatch(staff, fid)
    ok(step(staff, done, "dispatched", "in_progress"), done)
    ok(step(staff, done, "in_progress", "resolved", opinion="已更换"), done)
    make_overdue(late, hours=50)
    make_overdue(done, hours=50)  # reported back: no longer late, whatever its deadline

    page = staff.get("/console/cases?overdue=1").text
    assert "楼道堆放杂物" in page and "路灯不亮" not in page and "井盖松动" not in page
    assert "已超期 2 天" in page
    assert 'data-total="1"' in page
    # The dashboard's "超期 N 件" counts the same cases.
    assert sum(overdue_cases_per_grid([g.id for g in world.grids], moment()).values()) == 1
    everything = staff.get("/console/cases").text
    assert everything.count("已超期") == 1
    assert "已超期" in staff.get(f"/console/cases/{late}").text


def test_chasing_an_overdue_case_is_recorded_and_reaches_the_reporter(world, staff_client, device_factory):
    worker = device_factory("worker")
    fid = report(worker, world.grids[0])
    staff = staff_client("staff")
    ok(step(staff, fid, "reported", "accepted"), fid)
    dispatch(staff, fid)
    make_overdue(fid)
    page = staff.get(f"/console/cases/{fid}").text
    assert 'id="step-chase"' in page
    ok(step(staff, fid, "dispatched", "dispatched", kind="chase", opinion="请今天下班前办结"), fid)
    assert status_of(fid) == "dispatched"
    [chase] = [s for s in steps_of(fid) if s.kind == "chase"]
    assert (chase.from_status, chase.to_status, chase.opinion) == ("dispatched", "dispatched", "请今天下班前办结")
    page = staff.get(f"/console/cases/{fid}").text
    assert "已督办 1 次" in page and 'data-entry="chase"' in page
    assert "已督办 1 次" in staff.get("/console/cases").text
    worker.pull()
    assert worker.server_copy()[("case_step", chase.id)]["kind"] == "chase"
    # A chase names the case's stage; a stale or moved one is refused like any step.
    assert refused(step(staff, fid, "in_progress", "in_progress", kind="chase")) == (409, "stale_transition")
    assert refused(step(staff, fid, "dispatched", "in_progress", kind="chase")) == (409, "illegal_transition")


def test_only_staff_chase_and_only_a_case_a_unit_holds(world, staff_client, device_factory):
    from sync.ids import uuid7

    worker = device_factory("worker")
    fid = report(worker, world.grids[0])
    staff = staff_client("staff")
    # Nothing to chase before a unit has the case.
    assert refused(step(staff, fid, "reported", "reported", kind="chase")) == (409, "illegal_transition")
    ok(step(staff, fid, "reported", "accepted"), fid)
    dispatch(staff, fid)
    worker.update("case_step", uuid7(), {"finding_id": fid, "from_status": "dispatched", "to_status": "dispatched",
                                         "kind": "chase", "at": "2026-11-21T03:00:00Z"})
    [result] = worker.push()
    assert (result["status"], result["code"]) == ("rejected", "forbidden")


def test_a_field_worker_cannot_grant_an_extension(world, staff_client, device_factory):
    from sync.ids import uuid7

    worker = device_factory("worker")
    fid = report(worker, world.grids[0])
    staff = staff_client("staff")
    for a, b in (("reported", "accepted"), ("accepted", "in_progress")):
        ok(step(staff, fid, a, b), fid)
    deadline = china_input(utcnow() + timedelta(days=3))
    ok(step(staff, fid, "in_progress", "extension_requested", deadline=deadline, opinion="等材料"), fid)
    worker.update("case_step", uuid7(), {"finding_id": fid, "from_status": "extension_requested",
                                         "to_status": "in_progress", "at": "2026-11-21T03:00:00Z"})
    [result] = worker.push()
    assert (result["status"], result["code"]) == ("rejected", "forbidden")


def test_the_list_filters(world, staff_client, device_factory):
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    staff = staff_client("staff")
    gas = report(worker, world.grids[0], description="燃气管道锈蚀", category="safety_gas")
    lamp = report(worker_b, world.grids[1], description="路灯不亮", category="facility_lamp", source="patrol")
    dispute = report(worker, world.grids[0], description="邻里噪音纠纷", category="dispute")
    ok(step(staff, gas, "reported", "accepted"), gas)
    dispatch(staff, gas, level="street", unit="燃气公司")

    def shown(query: str) -> set[str]:
        page = staff.get("/console/cases" + query)
        assert page.status_code == 200
        return {text for text in ("燃气管道锈蚀", "路灯不亮", "邻里噪音纠纷") if text in page.text}

    assert shown("") == {"燃气管道锈蚀", "路灯不亮", "邻里噪音纠纷"}
    assert shown("?status=reported") == {"路灯不亮", "邻里噪音纠纷"}
    assert shown("?status=open") == {"燃气管道锈蚀", "路灯不亮", "邻里噪音纠纷"}
    assert shown("?category=safety") == {"燃气管道锈蚀"}        # a top category covers its sub-categories
    assert shown("?category=safety_gas") == {"燃气管道锈蚀"}
    assert shown(f"?grid={world.grids[1].id}") == {"路灯不亮"}
    assert shown("?level=street") == {"燃气管道锈蚀"}
    assert shown("?source=patrol") == {"路灯不亮"}
    for text, expected in (("燃气公司", {"燃气管道锈蚀"}), ("噪音", {"邻里噪音纠纷"})):
        landed = staff.post("/console/cases", {"q": text}).headers["Location"]
        assert "q=" not in landed and shown(landed.removeprefix("/console/cases")) == expected
    staff.get("/console/cases?clear=1")
    # Values the page does not offer are ignored rather than failing.
    assert shown(f"?grid={world.far_grid.id}&status=bogus&level=x&page=-3") == {"燃气管道锈蚀", "路灯不亮", "邻里噪音纠纷"}
    assert f"/console/cases/{dispute}" in staff.get("/console/cases?status=reported").text
    assert f"/console/cases/{lamp}" in staff.get("/console/cases?source=patrol").text


def test_another_communitys_staff_get_404_by_url_and_cannot_act(world, staff_client, device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    far = staff_client("far_staff")
    assert far.get(f"/console/cases/{fid}").status_code == 404
    assert far.post(f"/console/cases/{fid}/steps", {"from_status": "reported", "to_status": "accepted"},
                    htmx=True).status_code == 404
    assert fid not in far.get("/console/cases").text and "墙皮脱落</strong>" not in far.get("/console/cases").text
    assert far.get("/console/cases/no-such-case").status_code == 404
    assert status_of(fid) == "reported"


def test_a_description_with_markup_is_shown_as_text(world, staff_client, device_factory):
    fid = report(device_factory("worker"), world.grids[0], description="<script>alert(1)</script>",
                 address='"><img src=x onerror=alert(2)>')
    staff = staff_client("staff")
    for url in ("/console/cases", f"/console/cases/{fid}", "/console/review"):
        page = staff.get(url).text
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_case_page_needs_a_signed_in_staff_member_and_a_csrf_token(app, world, device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    anonymous = app.test_client()
    assert anonymous.get(f"/console/cases/{fid}").status_code == 302
    from tests.console.conftest import StaffClient
    client = StaffClient(app.test_client())
    client.login("staff")
    client.token = "forged"
    reply = client.post(f"/console/cases/{fid}/steps", {"from_status": "reported", "to_status": "accepted"})
    assert reply.status_code == 400 and "csrf_failed" in reply.text
    assert status_of(fid) == "reported"
