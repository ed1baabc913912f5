"""A stale case step resolved from its card: the reporter checks a handled case offline while
staff send the case back to 处置中. After the sync the card names the case, says why in plain
words and offers no identical resubmission; once the unit reports it handled again, the card
redoes the check from the case's stage now and the server takes it: nothing was discarded."""

from __future__ import annotations

from server.cases.models import CaseStep, Finding
from server.extensions import db
from tests.browser.test_case_check import handled_case, write_as
from tests.browser.test_sync_edge_cases import go_offline, go_online, log_in, outbox, server_query, sync_now, wait_for_screen


def case_state(server, fid):
    return server_query(server, lambda: (
        db.session.get(Finding, fid).status,
        [(s.from_status, s.to_status) for s in db.session.scalars(
            db.select(CaseStep).where(CaseStep.finding_id == fid).order_by(CaseStep.at, CaseStep.id))]))


def test_a_stale_check_is_redone_from_its_card(live_server, phone, pwa, screenshot):
    fid = handled_case(live_server)
    context = phone()
    page = context.new_page()
    log_in(page, live_server, "worker", pwa)
    number = server_query(live_server, lambda: db.session.get(Finding, fid).number)

    go_offline(context, page, live_server)
    page.locator("#screen").get_by_role("link", name="待我核查的上报（1）").click()
    page.locator("#screen").get_by_role("link", name="去核查").click()
    wait_for_screen(page, "处置反馈")
    page.locator("#screen").get_by_role("button", name="已解决，核查通过").click()
    wait_for_screen(page, "已核查通过")

    # Meanwhile (before the phone is back: it syncs as soon as it is) the community sends the case
    # back to the unit.
    write_as(live_server, "staff", "case_step", {"finding_id": fid, "from_status": "resolved", "to_status": "in_progress",
                                                 "at": "2026-11-21T05:00:00Z", "opinion": "照片不清楚，请补拍"})
    go_online(context, page, live_server)
    outcome = sync_now(page)
    assert outcome["rejected"] == 1
    [rejected] = outbox(page, "rejected")
    card = page.locator(f"#rejected-{rejected['id']}")
    card.wait_for()
    text = card.inner_text()
    assert f"事件 {number or '（待同步后编号）'} 5号楼楼道电动车私拉电线充电" in text
    assert "「核查通过」" in text
    assert "已被别人改到了别的阶段" in text
    assert "这件事现在：处置中" in text
    assert "要等处置单位再次反馈办结后才能核查" in text
    assert card.get_by_role("button", name="按现在的状态重做").count() == 0
    assert card.get_by_role("button", name="重新提交").count() == 0, "the identical change is never offered"
    assert "退回" not in text
    screenshot(page, "stale-step-waiting", full_page=True)

    # The unit reports it handled again; the next sync brings the case back to 已反馈.
    write_as(live_server, "staff", "case_step", {"finding_id": fid, "from_status": "in_progress", "to_status": "resolved",
                                                 "at": "2026-11-21T07:00:00Z", "opinion": "已补拍照片"})
    sync_now(page)
    card.get_by_text("这件事现在：已反馈").wait_for()
    screenshot(page, "stale-step-redo", full_page=True)
    card.get_by_role("button", name="按现在的状态重做").click()
    card.wait_for(state="detached")
    assert outbox(page, "rejected") == []
    sync_now(page)
    assert outbox(page) == []
    status, steps = case_state(live_server, fid)
    assert status == "verified"
    assert steps[-3:] == [("resolved", "in_progress"), ("in_progress", "resolved"), ("resolved", "verified")]


def test_dropping_a_refused_step_asks_first(live_server, phone, pwa):
    fid = handled_case(live_server)
    context = phone()
    page = context.new_page()
    log_in(page, live_server, "worker", pwa)
    go_offline(context, page, live_server)
    page.locator("#screen").get_by_role("link", name="待我核查的上报（1）").click()
    page.locator("#screen").get_by_role("link", name="去核查").click()
    page.locator("#screen").get_by_role("button", name="已解决，核查通过").click()
    wait_for_screen(page, "已核查通过")
    # Staff record the check first (the phone syncs by itself as soon as it is back).
    write_as(live_server, "staff", "case_step", {"finding_id": fid, "from_status": "resolved", "to_status": "verified",
                                                 "at": "2026-11-21T05:00:00Z"})
    go_online(context, page, live_server)
    sync_now(page)
    [rejected] = outbox(page, "rejected")
    card = page.locator(f"#rejected-{rejected['id']}")
    card.get_by_text("这件事现在：已核查").wait_for()
    assert "已经不需要这一步了" in card.inner_text()
    card.get_by_role("button", name="放弃这一步").click()
    card.get_by_role("button", name="确定放弃").click()
    card.wait_for(state="detached")
    assert outbox(page) == []
