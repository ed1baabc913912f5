"""Cases in a real browser: a finding a phone reported goes through every stage to closure and
callback in the console, and every step reaches the phone; an overdue case is flagged and chased;
a description that is markup stays text."""

from __future__ import annotations

from datetime import datetime, timedelta

from server.cases.models import Finding, HandlingUnit
from server.extensions import db
from sync.client import SyncClient
from sync.ids import uuid7
from sync.transport import http_transport
from tests.browser.test_offline_fieldwork import png
from tests.browser.test_sync_edge_cases import server_query
from tests.conftest import PASSWORD

STEPS = ["accepted", "dispatched", "in_progress", "extension_requested", "in_progress", "resolved", "verified",
         "closed", "rated"]


def phone_of(server, username: str) -> SyncClient:
    device = SyncClient(http_transport(server.base))
    device.login(username, PASSWORD)
    return device


def add_directory_entry(area_id: str, name: str, kind: str = "property_manager") -> str:
    entry = HandlingUnit(id=uuid7(), area_id=area_id, name=name, kind=kind, active=True)
    db.session.add(entry)
    db.session.commit()
    return entry.id


def no_alerts(page) -> list[str]:
    """Fail on any alert (an injected script); answer the console's own confirm questions yes."""
    alerts: list[str] = []

    def on_dialog(dialog):
        if dialog.type == "confirm" and dialog.message.startswith("确认"):
            dialog.accept()
        else:
            alerts.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

    page.on("dialog", on_dialog)
    return alerts


def take(page, button: str, status: str) -> None:
    """Press a step's button; the page reloads at the new stage."""
    page.locator(".case-actions").get_by_role("button", name=button, exact=True).click()
    page.locator(".case-head .badge.stage", has_text=status).wait_for()


def local(moment: datetime) -> str:
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")


def test_a_reported_finding_is_handled_to_closure_and_every_step_reaches_the_phone(
        live_server, desk, console, screenshot):
    world = live_server.world
    worker = phone_of(live_server, "worker")
    photo = worker.attach(png(320, 240))
    fid = worker.create("finding", {"grid_id": world.grids[0].id, "category": "safety_fire_lane",
                                    "description": "5号楼消防通道被电动车堵塞", "address": "5号楼东侧",
                                    "reported_at": "2026-11-20T03:00:00Z", "urgency": "urgent",
                                    "lat": 39.9042, "lng": 116.4074, "accuracy": 8, "photos": [photo]})
    worker.sync()

    server_query(live_server, lambda: add_directory_entry(live_server.world.community.id, "物业服务中心"))
    page = desk().new_page()
    alerts = no_alerts(page)
    console.login(page, live_server, "staff")
    page.goto(live_server.url("/console/review"))
    row = page.locator(f'tr[data-id="{fid}"]')
    assert "5号楼消防通道被电动车堵塞" in row.inner_text()
    screenshot(page, "console-review")
    row.get_by_role("button", name="受理").click()
    page.locator(f'tr.done[data-id="{fid}"]').wait_for()
    page.locator(f'tr.done[data-id="{fid}"]').get_by_role("link", name="查看事件").click()
    page.locator(".case-head .badge.stage", has_text="已受理").wait_for()
    assert page.locator(".case-main img").count() == 1  # the phone's photo, served to staff

    dispatch = page.locator('form[data-step="dispatched"]')
    dispatch.get_by_label("社区级").check()
    dispatch.locator("select[name=handling_unit_id]").select_option(label="物业服务中心（物业）")
    screenshot(page, "console-case-dispatch")
    take(page, "派遣", "已派遣")
    take(page, "单位已接单，开始处置", "处置中")
    deadline = server_query(live_server, lambda: db.session.get(Finding, fid).deadline_at)
    extension = page.locator('form[data-step="extension_requested"]')
    extension.locator("input[name=deadline]").fill(local(deadline + timedelta(days=2)))
    extension.locator("textarea[name=opinion]").fill("需要协调车主，申请延期两天")
    take(page, "申请延期", "申请延期")
    decision = page.locator('form[data-step="in_progress"]')
    decision.get_by_label("批准延期").check()
    take(page, "审批延期", "处置中")
    result = page.locator('form[data-step="resolved"]')
    result.locator("input[name=photo]").set_input_files(
        files=[{"name": "after.png", "mimeType": "image/png", "buffer": png(200, 150)}])
    result.locator("textarea[name=opinion]").fill("已联系车主挪走电动车，通道畅通")
    take(page, "反馈处置结果", "已反馈")
    page.locator('form[data-step="verified"] textarea[name=opinion]').fill("电话联系上报人，确认已畅通")
    take(page, "核查通过", "已核查")
    take(page, "销号", "已销号")
    rating = page.locator('form[data-step="rated"]')
    rating.get_by_label("非常满意").check()
    rating.locator("textarea[name=opinion]").fill("居民表示满意")
    take(page, "记录回访评价", "已评价")
    assert page.locator(".case-timeline li[data-entry]").count() == len(STEPS)
    assert page.locator(".case-main img").count() == 2  # before and after
    screenshot(page, "console-case-closed", full_page=True)
    assert alerts == []

    worker.pull()
    copy = worker.server_copy()
    assert copy[("finding", fid)]["status"] == "rated"
    steps = sorted((fields for (entity, _), fields in copy.items()
                    if entity == "case_step" and fields["finding_id"] == fid), key=lambda s: s["at"])
    assert sorted(s["to_status"] for s in steps) == sorted(STEPS)
    assert {s["opinion"] for s in steps} >= {"需要协调车主，申请延期两天", "居民表示满意"}
    assert next(s for s in steps if s["to_status"] == "rated")["rating"] == 5


def test_an_overdue_case_is_flagged_and_chased_and_markup_stays_text(live_server, desk, console, screenshot):
    world = live_server.world
    worker, staff = phone_of(live_server, "worker"), phone_of(live_server, "staff")
    late = worker.create("finding", {"grid_id": world.grids[0].id, "category": "env_clutter",
                                     "description": "<script>alert(1)</script>楼道堆放杂物",
                                     "address": "<img src=x onerror=alert(2)>",
                                     "reported_at": "2026-11-10T03:00:00Z"})
    fresh = worker.create("finding", {"grid_id": world.grids[0].id, "category": "facility_lamp",
                                      "description": "路灯不亮", "reported_at": "2026-11-21T03:00:00Z"})
    worker.sync()
    for fid in (late, fresh):
        staff.update("case_step", uuid7(), {"finding_id": fid, "from_status": "reported", "to_status": "accepted",
                                            "at": "2026-11-21T04:00:00Z"})
        staff.update("case_step", uuid7(), {"finding_id": fid, "from_status": "accepted", "to_status": "dispatched",
                                            "level": "grid", "unit": "物业公司", "at": "2026-11-21T05:00:00Z",
                                            "deadline_at": "2099-01-01T00:00:00Z"})
    assert {r["status"] for r in staff.push()} == {"accepted"}

    def past_due():
        db.session.get(Finding, late).deadline_at = datetime(2026, 11, 12, 5, 0)
        db.session.commit()
    server_query(live_server, past_due)

    page = desk().new_page()
    alerts = no_alerts(page)
    console.login(page, live_server, "staff")
    page.goto(live_server.url("/console/cases"))
    late_row = page.locator(f'tr[data-case="{late}"]')
    assert "已超期" in late_row.inner_text() and "<script>alert(1)</script>楼道堆放杂物" in late_row.inner_text()
    assert "已超期" not in page.locator(f'tr[data-case="{fresh}"]').inner_text()
    screenshot(page, "console-cases")
    page.get_by_label("只看超期").check()
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**overdue=1**")
    assert page.locator("tr[data-case]").count() == 1
    screenshot(page, "console-cases-overdue")

    page.locator(f'tr[data-case="{late}"] a').first.click()
    assert page.locator(".description").inner_text() == "<script>alert(1)</script>楼道堆放杂物"
    assert "<img src=x onerror=alert(2)>" in page.locator("dl.fields").inner_text()
    chase = page.locator(".chase-card")
    chase.locator("textarea[name=opinion]").fill("已超期，请今天办结")
    chase.get_by_role("button", name="督办").click()
    page.locator('.case-timeline li[data-entry="chase"]').wait_for()
    assert "已督办 1 次" in page.locator(".case-head").inner_text()
    screenshot(page, "console-case-overdue")
    assert alerts == []

    worker.pull()
    chases = [f for (e, _), f in worker.server_copy().items() if e == "case_step" and f.get("kind") == "chase"]
    assert [(c["finding_id"], c["opinion"]) for c in chases] == [(late, "已超期，请今天办结")]


def test_the_deadline_table_is_edited_in_the_page(live_server, desk, console, screenshot):
    page = desk().new_page()
    console.login(page, live_server, "staff")
    page.goto(live_server.url("/console/cases"))
    page.get_by_role("link", name="处置时限设置").click()
    page.fill("input[name=amount-safety_gas-grid]", "0")
    # The browser's own check would stop this; the server's must hold without it.
    page.eval_on_selector("form.deadlines-form", "form => { form.noValidate = true; }")
    page.get_by_role("button", name="保存处置时限").click()
    page.locator(".field-error", has_text="数值超出范围").wait_for()
    screenshot(page, "console-case-deadlines-error")
    page.fill("input[name=amount-safety_gas-grid]", "6")
    page.get_by_role("button", name="保存处置时限").click()
    page.locator(".notice", has_text="处置时限已保存（1 项修改）").wait_for()
    assert page.input_value("input[name=amount-safety_gas-grid]") == "6"
    screenshot(page, "console-case-deadlines")
