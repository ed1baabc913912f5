"""核查: the unit reports a case handled; its reporter checks it on the phone, offline, and the
check reaches the community as a case step that moves the case on."""

from __future__ import annotations

from server.auth.models import User
from server.cases.models import CaseStep, Finding
from server.extensions import db
from server.syncapi.push import ChangeContext, apply_one
from sync.ids import uuid7
from tests.browser.test_sync_edge_cases import go_offline, go_online, log_in, server_query, sync_now, wait_for_screen

FEEDBACK = "已拆除私拉电线 <b>并加装充电桩</b>"


def write_as(server, username: str, entity: str, fields: dict, record_id: str | None = None) -> str:
    """One change through the push pipeline as `username` (the phone's or the console's path)."""
    def write():
        user = db.session.scalar(db.select(User).where(User.username == username))
        ctx = ChangeContext(db.session, user, None, server.app.extensions["wangge_clock"], 300_000)
        rid = record_id or uuid7()
        result = apply_one(ctx, {"id": uuid7(), "entity": entity, "record_id": rid, "op": "upsert",
                                 "hlc": str(ctx.clock.tick()), "fields": fields, "base": {}})
        assert result["status"] == "accepted", result
        db.session.commit()
        return rid
    return server_query(server, write)


def handled_case(server, photos: list[str] | None = None) -> str:
    """A finding the worker reported, taken by the community through to 已反馈 (resolved), with
    the after-`photos` (sha256s the staff member uploaded) on that last step."""
    grid = server.world.grids[0]
    fid = write_as(server, "worker", "finding", {
        "grid_id": grid.id, "category": "safety_plaster", "description": "5号楼楼道电动车私拉电线充电",
        "reported_at": "2026-11-20T03:00:00Z"})
    for before, after, extra in [("reported", "accepted", {}),
                                 ("accepted", "dispatched", {"level": "community", "unit": "物业服务中心",
                                                             "deadline_at": "2026-11-22T03:00:00Z"}),
                                 ("dispatched", "in_progress", {}),
                                 ("in_progress", "resolved", {"opinion": FEEDBACK, "photos": photos or []})]:
        write_as(server, "staff", "case_step", {"finding_id": fid, "from_status": before, "to_status": after,
                                                "at": "2026-11-21T03:00:00Z", **extra})
    return fid


def test_the_reporter_checks_a_handled_case_offline(live_server, phone, pwa, screenshot):
    fid = handled_case(live_server)
    context = phone()
    page = context.new_page()
    log_in(page, live_server, "worker", pwa)
    page.locator("#screen").get_by_role("link", name="待我核查的上报（1）").wait_for()

    go_offline(context, page, live_server)
    page.locator("#screen").get_by_role("link", name="待我核查的上报（1）").click()
    page.locator("#screen").get_by_role("link", name="去核查").click()
    wait_for_screen(page, "处置反馈")
    assert FEEDBACK in page.locator("#screen").inner_text()  # the unit's markup is shown as text
    screenshot(page, "check-case")
    # Failing the check needs a reason; the form says so and keeps nothing.
    page.locator("#screen").get_by_role("button", name="未解决，要求重新处置").click()
    page.locator("#screen .field-error", has_text="必填").wait_for()
    page.fill("#screen textarea[name=opinion]", "现场已整改，充电线已拆除")
    page.locator("#screen").get_by_role("button", name="已解决，核查通过").click()
    wait_for_screen(page, "已核查通过")
    assert page.locator("#screen").get_by_role("link", name="去核查").count() == 0
    screenshot(page, "check-case-queued")

    go_online(context, page, live_server)
    sync_now(page)
    status, steps = server_query(live_server, lambda: (
        db.session.get(Finding, fid).status,
        [(s.from_status, s.to_status, s.opinion) for s in db.session.scalars(
            db.select(CaseStep).where(CaseStep.finding_id == fid, CaseStep.from_status == "resolved"))]))
    assert status == "verified"
    assert steps == [("resolved", "verified", "现场已整改，充电线已拆除")]
