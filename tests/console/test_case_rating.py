"""The resident's rating after closure, and the 回头看 a low rating starts."""

from __future__ import annotations

from server.cases.models import CaseStep, Finding
from server.extensions import db
from tests.console.cases_helpers import dispatch, ok, refused, report, step


def close(staff, fid, after_reopen=False):
    """Take a reported (or reopened) case through every stage to closed, as the case page's forms do."""
    if not after_reopen:
        ok(step(staff, fid, "reported", "accepted"), fid)
    dispatch(staff, fid)
    for before, after in (("dispatched", "in_progress"), ("in_progress", "resolved"), ("resolved", "verified"),
                          ("verified", "closed")):
        ok(step(staff, fid, before, after, opinion=f"{after}意见"), fid)


def steps_of(fid) -> list[CaseStep]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(CaseStep).where(CaseStep.finding_id == fid)
                                   .order_by(CaseStep.created_at, CaseStep.id)))


def test_a_rating_below_satisfied_reopens_the_case_and_keeps_its_history(world, staff_client, device_factory):
    worker = device_factory("worker")
    fid = report(worker, world.grids[0])
    staff = staff_client("staff")
    close(staff, fid)
    ok(step(staff, fid, "closed", "rated", rating="2", opinion="墙皮又掉了"), fid)

    finding = db.session.get(Finding, fid)
    assert (finding.status, finding.reopened, finding.unit, finding.level, finding.deadline_at) == (
        "accepted", 1, None, None, None)
    taken = steps_of(fid)
    assert [(s.from_status, s.to_status, s.kind) for s in taken][-3:] == [
        ("verified", "closed", None), ("closed", "rated", None), ("rated", "accepted", "reopen")]
    assert len(taken) == 8 and taken[-1].opinion == "评价不满意，回头看"

    # The worker's phone sees the case back with the community, and the reopen step in its history.
    worker.pull()
    copy = worker.server_copy()
    assert copy[("finding", fid)]["status"] == "accepted" and copy[("finding", fid)]["reopened"] == 1
    assert copy[("case_step", taken[-1].id)]["kind"] == "reopen"

    page = staff.get(f"/console/cases/{fid}").text
    assert "事件已重新受理（回头看）" in page  # the flash: the stage the rating left it in
    assert "第2轮（回头看）" in page and 'data-rating="2"><strong>不满意' in page and "墙皮又掉了" in page
    assert 'data-step="dispatched"' in page  # the new round starts at dispatch again
    listed = staff.get("/console/cases?reopened=1").text
    assert fid in listed

    # A second round that ends satisfied stays closed and rated.
    close(staff, fid, after_reopen=True)
    ok(step(staff, fid, "closed", "rated", rating="4"), fid)
    db.session.expire_all()
    finding = db.session.get(Finding, fid)
    assert (finding.status, finding.reopened) == ("rated", 1)
    page = staff.get(f"/console/cases/{fid}").text
    assert 'data-rating="4"><strong>满意' in page and "没有后续步骤" in page


def test_a_satisfied_rating_leaves_the_case_rated_and_out_of_the_reopened_filter(world, staff_client, device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    staff = staff_client("staff")
    close(staff, fid)
    ok(step(staff, fid, "closed", "rated", rating="4"), fid)
    db.session.expire_all()
    finding = db.session.get(Finding, fid)
    assert (finding.status, finding.reopened) == ("rated", 0)
    assert [s.kind for s in steps_of(fid)].count("reopen") == 0
    page = staff.get(f"/console/cases/{fid}").text
    assert 'data-rating="4"><strong>满意' in page and "4 分" not in page and 'data-step="accepted"' not in page
    assert fid not in staff.get("/console/cases?reopened=1").text


def test_nobody_reopens_a_rated_case_by_hand(world, staff_client, device_factory):
    fid = report(device_factory("worker"), world.grids[0])
    staff = staff_client("staff")
    close(staff, fid)
    ok(step(staff, fid, "closed", "rated", rating="5"), fid)
    assert refused(step(staff, fid, "rated", "accepted")) == (409, "illegal_transition")
