"""A handling unit's contact on a phone: signs in to the console, finds the case the community sent,
signs for it, reports the result with a photo; staff then see it on the case page."""

from __future__ import annotations

from sync.ids import uuid7

from server.auth.operations import create_user
from server.extensions import db
from tests.browser.test_console_cases import add_directory_entry, phone_of
from tests.browser.test_offline_fieldwork import png
from tests.browser.test_sync_edge_cases import server_query
from tests.conftest import PASSWORD


def test_a_unit_contact_takes_a_case_and_reports_the_result(live_server, phone, desk, console, screenshot,
                                                           tmp_path):
    world = live_server.world

    def office_and_contact() -> str:
        entry_id = add_directory_entry(world.community.id, "物业服务中心")
        user = create_user("wuye", PASSWORD, "刘建国", "unit_contact", [])
        user.handling_unit_id = entry_id
        db.session.commit()
        return entry_id

    office = server_query(live_server, office_and_contact)
    worker, staff = phone_of(live_server, "worker"), phone_of(live_server, "staff")
    fid = worker.create("finding", {"grid_id": world.grids[0].id, "category": "safety_plaster",
                                    "description": "3号楼外墙墙皮脱落，楼下是出入口", "address": "3号楼2单元门口",
                                    "reported_at": "2026-11-21T03:00:00Z", "requester_name": "钱大妈",
                                    "requester_phone": "13912345678"})
    worker.sync()
    staff.update("case_step", uuid7(), {"finding_id": fid, "from_status": "reported", "to_status": "accepted",
                                        "at": "2026-11-21T04:00:00Z"})
    staff.update("case_step", uuid7(), {"finding_id": fid, "from_status": "accepted", "to_status": "dispatched",
                                        "level": "community", "unit": "物业服务中心", "handling_unit_id": office,
                                        "at": "2026-11-21T05:00:00Z"})
    assert {r["status"] for r in staff.push()} == {"accepted"}

    page = phone().new_page()
    console.login(page, live_server, "wuye")
    assert page.url.endswith("/console/unit/")
    case = page.locator(".desk-case", has_text="3号楼2单元门口")
    assert "待签收" in case.inner_text()
    screenshot(page, "unit-desk-list")
    case.click()
    page.get_by_role("button", name="签收（接单）").click()
    page.locator("[data-flash]", has_text="已签收").wait_for()
    assert "期限" in page.locator("dl").inner_text()
    body = page.inner_text("body")
    assert "13912345678" not in body and "钱大妈" not in body  # who asked is not the unit's business
    result = page.locator('form[data-action="result"]')
    photo = tmp_path / "after.png"
    photo.write_bytes(png())
    result.locator("input[type=file]").set_input_files(str(photo))
    result.locator("textarea[name=opinion]").fill("松动墙皮已全部铲除并修补")
    screenshot(page, "unit-desk-case", full_page=True)
    result.get_by_role("button", name="反馈处置结果").click()
    page.locator("[data-flash]", has_text="处置结果已反馈").wait_for()
    assert page.locator(".desk-steps img").count() == 1
    # Every touch target on the desk is at least 44 px tall, and the text at least 16 px.
    small = page.evaluate("""() => [...document.querySelectorAll('button, summary, a, input, textarea')]
        .filter(e => e.offsetParent && e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))""")
    assert small == []
    tiny = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.offsetParent && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
                     && parseFloat(getComputedStyle(e).fontSize) < 16).map(e => e.outerHTML.slice(0, 80))""")
    assert tiny == []
    screenshot(page, "unit-desk-done", full_page=True)

    office_page = desk().new_page()
    console.login(office_page, live_server, "staff")
    office_page.goto(live_server.url(f"/console/cases/{fid}"))
    office_page.locator(".case-head .badge.stage", has_text="已反馈").wait_for()
    assert "松动墙皮已全部铲除并修补" in office_page.locator(".case-timeline").inner_text()
    assert office_page.locator(".case-timeline img").count() == 1
    units = office_page.locator(".case-units").inner_text()
    assert "物业服务中心" in units and "主办" in units and "已反馈" in units
    screenshot(office_page, "unit-desk-staff-sees")
    office_page.goto(live_server.url("/console/directory"))
    assert "物业服务中心" in office_page.locator("table.directory").inner_text()
    screenshot(office_page, "directory", full_page=True)
