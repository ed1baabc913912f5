"""The daily loop, every side in its own browser: a need heard at a door with no signal becomes a
case on the grid worker's phone; community staff accept it and dispatch it to the 物业 from the
directory; the 物业's contact signs for it on a phone and reports it handled with a photo; the worker
checks it on the phone, seeing the after-photo; staff close it; the resident's low rating reopens
it for 回头看. Each step shows on the other sides after they sync or reload."""

from __future__ import annotations

from server.auth.operations import create_user
from server.cases.models import CaseStep, Finding
from server.extensions import db
from tests.browser.conftest import PHONE
from tests.browser.test_console_cases import add_directory_entry, take
from tests.browser.test_offline_fieldwork import png
from tests.browser.test_phone_cases import save_visit_with_need
from tests.browser.test_sync_edge_cases import go_offline, go_online, log_in, server_query, sync_now, wait_for_screen
from tests.conftest import PASSWORD

NEED = "楼道声控灯坏了一周，独居老人晚上下楼看不见"
PHONE_SIZE = {"viewport": PHONE["viewport"], "is_mobile": True, "has_touch": True}


def office_and_contact(server) -> str:
    def make() -> str:
        entry_id = add_directory_entry(server.world.community.id, "物业服务中心")
        user = create_user("wuye", PASSWORD, "刘建国", "unit_contact", [])
        user.handling_unit_id = entry_id
        db.session.commit()
        return entry_id

    return server_query(server, make)


def case_state(server, fid: str) -> tuple:
    def read():
        finding = db.session.get(Finding, fid)
        kinds = [(s.from_status, s.to_status, s.kind) for s in db.session.scalars(
            db.select(CaseStep).where(CaseStep.finding_id == fid).order_by(CaseStep.at, CaseStep.id))]
        return finding.status, finding.reopened, kinds

    return server_query(server, read)


def test_a_need_at_the_door_goes_round_the_loop_and_a_low_rating_reopens_it(
        live_server, phone, desk, console, pwa, screenshot, tmp_path):
    household = live_server.world.households[0]
    office_and_contact(live_server)

    # -- At the door, offline: the visit's need becomes a case ------------------------------------
    field = phone()
    worker = field.new_page()
    log_in(worker, live_server, "worker", pwa)
    go_offline(field, worker, live_server)
    screen = worker.locator("#screen")
    save_visit_with_need(worker, live_server, household.id, NEED).get_by_role("link", name="转为事件", exact=True).click()
    form = screen.locator("form.form")
    form.locator("select[name=category]").select_option("facility_lamp")
    form.get_by_role("button", name="提交上报").click()
    wait_for_screen(worker, "已上报")
    assert "编号待同步" in screen.locator("article.finding").first.inner_text()
    go_online(field, worker, live_server)
    sync_now(worker)
    fid, number = server_query(live_server, lambda: next(
        (f.id, f.number) for f in db.session.scalars(db.select(Finding).where(Finding.description == NEED))))
    assert number and number.startswith("XF-")

    # -- The community accepts it and dispatches it to the 物业 -----------------------------------
    office = desk().new_page()
    console.login(office, live_server, "staff")
    office.goto(live_server.url(f"/console/cases/{fid}"))
    assert number in office.locator(".case-head").inner_text()
    assert "走访诉求" in office.locator(".case-main").inner_text()
    take(office, "受理", "已受理")
    dispatch = office.locator('form[data-step="dispatched"]')
    dispatch.get_by_label("社区级").check()
    dispatch.locator("select[name=handling_unit_id]").select_option(label="物业服务中心（物业）")
    take(office, "派遣", "已派遣")
    assert "待签收" in office.locator(".case-main").inner_text()  # no deadline runs before receipt

    # -- The 物业's contact signs for it and reports it handled, on a phone --------------------------
    unit = desk(**PHONE_SIZE).new_page()
    console.login(unit, live_server, "wuye")
    unit.locator(".desk-case", has_text=number).click()
    unit.get_by_role("button", name="签收（接单）").click()
    unit.locator("[data-flash]", has_text="已签收").wait_for()
    result = unit.locator('form[data-action="result"]')
    photo = tmp_path / "after.png"
    photo.write_bytes(png())
    result.locator("input[type=file]").set_input_files(str(photo))
    result.locator("textarea[name=opinion]").fill("已更换声控灯，夜间试亮正常")
    result.get_by_role("button", name="反馈处置结果").click()
    unit.locator("[data-flash]", has_text="处置结果已反馈").wait_for()
    screenshot(unit, "daily-loop-unit-reported", full_page=True)

    office.reload()
    office.locator(".case-head .badge.stage", has_text="已反馈").wait_for()
    assert "已更换声控灯，夜间试亮正常" in office.locator(".case-timeline").inner_text()
    units = office.locator(".case-units").inner_text()
    assert "物业服务中心" in units and "已反馈" in units

    # -- The worker checks it on the phone, with the unit's after-photo ---------------------------
    sync_now(worker)
    worker.goto(live_server.url("/app/"))
    screen.get_by_role("link", name="待我核查的上报（1）").click()
    screen.get_by_role("link", name="去核查").click()
    wait_for_screen(worker, "处置反馈")
    assert "已更换声控灯，夜间试亮正常" in screen.inner_text()
    worker.wait_for_function("() => [...document.querySelectorAll('#screen .photo-strip img')]"
                             ".some((i) => i.complete && i.naturalWidth > 0)")
    screenshot(worker, "daily-loop-worker-check", full_page=True)
    screen.get_by_role("button", name="已解决，核查通过").click()
    wait_for_screen(worker, "已核查通过")
    sync_now(worker)
    assert case_state(live_server, fid)[0] == "verified"

    # -- Staff close it; the resident is not satisfied: 回头看 ---------------------------------------
    office.reload()
    office.locator(".case-head .badge.stage", has_text="已核查").wait_for()
    take(office, "销号", "已销号")
    rating = office.locator('form[data-step="rated"]')
    rating.get_by_label("不满意", exact=True).check()
    rating.locator("textarea[name=opinion]").fill("灯又不亮了")
    rating.get_by_role("button", name="记录回访评价").click()
    office.locator(".case-head [data-reopened]", has_text="第2轮（回头看）").wait_for()
    screenshot(office, "daily-loop-reopened", full_page=True)

    status, reopened, steps = case_state(live_server, fid)
    assert (status, reopened) == ("accepted", 1)
    assert [to for _, to, _ in steps] == ["accepted", "dispatched", "in_progress", "resolved", "verified",
                                          "closed", "rated", "accepted"]
    assert steps[2][2] == "receipt" and steps[-1][2] == "reopen"

    # The phone learns of the new round at its next sync; the unit's desk shows where it stands.
    sync_now(worker)
    worker.goto(live_server.url("/app/patrol"))
    mine = screen.locator("article.finding", has_text=number)
    mine.wait_for()
    assert "已受理" in mine.inner_text()
    unit.reload()
    assert number in unit.inner_text("body")
