"""The review queue in a real browser: a visit returned with a comment reaches the worker's phone,
comes back corrected as resubmitted, and is approved with the bulk action."""

from __future__ import annotations

from server.extensions import db
from server.fieldwork.models import Visit
from tests.browser.test_console_cases import no_alerts, phone_of
from tests.browser.test_sync_edge_cases import server_query

COMMENT = "请写明老人的身体状况 <b>和需求</b>"


def test_a_visit_is_returned_corrected_on_the_phone_and_approved(live_server, desk, console, screenshot):
    world = live_server.world
    worker = phone_of(live_server, "worker")
    returned = worker.create("visit", {"household_id": world.households[0].id, "visited_at": "2026-11-20T02:00:00Z",
                                       "method": "in_person", "outcome": "normal", "notes": "一切正常",
                                       "resident_ids": [world.residents[0].id]})
    other = worker.create("visit", {"household_id": world.households[0].id, "visited_at": "2026-11-21T02:00:00Z",
                                    "method": "phone", "outcome": "not_home"})
    worker.sync()

    page = desk().new_page()
    alerts = no_alerts(page)
    console.login(page, live_server, "staff")
    page.goto(live_server.url("/console/review?kind=visit"))
    row = page.locator(f'tr[data-id="{returned}"]')
    assert "张秀英" in row.inner_text() and "一切正常" in row.inner_text()
    row.get_by_text("退回…").click()
    row.locator("textarea[name=comment]").fill(COMMENT)
    screenshot(page, "console-review-return")
    row.get_by_role("button", name="退回给网格员").click()
    done = page.locator(f'tr.done[data-id="{returned}"]')
    done.wait_for()
    assert COMMENT in done.inner_text()  # the markup is shown as text

    worker.pull()
    copy = worker.server_copy()[("visit", returned)]
    assert (copy["review_status"], copy["review_comment"]) == ("returned", COMMENT)
    worker.update("visit", returned, {"notes": "老人血压偏高，已提醒按时服药"})
    assert worker.push()[0]["status"] == "accepted"

    page.reload()
    row = page.locator(f'tr[data-id="{returned}"]')
    assert "已修改，重新提交" in row.inner_text() and "老人血压偏高" in row.inner_text()
    page.get_by_label("全选本页走访").check()
    assert page.locator('input[data-pick="visit"]:checked').count() == 2
    screenshot(page, "console-review-resubmitted")
    page.get_by_role("button", name="将所选走访标记为已审核").click()
    page.locator(".notice", has_text="2 条走访已标记为已审核").wait_for()
    assert page.locator("tr[data-kind]").count() == 0
    screenshot(page, "console-review-empty")
    assert alerts == []

    states = server_query(live_server, lambda: {v.id: v.review_status for v in db.session.scalars(db.select(Visit))})
    assert states == {returned: "reviewed", other: "reviewed"}
    worker.pull()
    assert worker.server_copy()[("visit", returned)]["review_status"] == "reviewed"


def test_pressing_findings_on_top_and_keyboard_review(live_server, desk, console, screenshot):
    world = live_server.world
    worker = phone_of(live_server, "worker")
    first = worker.create("visit", {"household_id": world.households[0].id, "visited_at": "2026-11-22T02:00:00Z",
                                    "method": "in_person", "outcome": "normal", "notes": "一切正常"})
    worker.create("visit", {"household_id": world.households[0].id, "visited_at": "2026-11-20T02:00:00Z",
                            "method": "phone", "outcome": "normal"})
    gas = worker.create("finding", {"grid_id": world.grids[0].id, "category": "safety_gas", "urgency": "emergency",
                                    "description": "楼道里闻到燃气味", "reported_at": "2026-11-01T03:00:00Z"})
    worker.sync()

    page = desk().new_page()
    alerts = no_alerts(page)
    console.login(page, live_server, "staff")
    page.goto(live_server.url("/console/review"))
    assert page.locator('.sidenav .nav-badge').inner_text().startswith("1")
    pinned = page.locator(".pinned-block")
    assert "楼道里闻到燃气味" in pinned.inner_text() and pinned.locator(f'tr[data-id="{gas}"]').count() == 1
    page.get_by_text("j / k").wait_for()
    screenshot(page, "console-review-pinned")
    # j: the pinned finding, j: the newest visit; x ticks it, a marks it reviewed.
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("tr.cursor").get_attribute("data-id") == first
    page.keyboard.press("x")
    page.keyboard.press("a")
    page.locator(".notice", has_text="1 条走访已标记为已审核").wait_for()
    assert page.locator(f'tr[data-id="{first}"]').count() == 0
    assert alerts == []
    states = server_query(live_server, lambda: db.session.get(Visit, first).review_status)
    assert states == "reviewed"
