"""A walk-in logged at the desk, in a real browser at phone and desktop size: the resident is looked
up, the case gets its number, is handled to closure, and the resident's low rating reopens it for
回头看 with its history kept."""

from __future__ import annotations

import re

from server.cases.models import Finding
from server.extensions import db
from tests.browser.test_sync_edge_cases import server_query
from tests.console.cases_helpers import dispatch, ok, step
from tests.console.conftest import StaffClient

PHONE_NUMBER = "13812345678"
PHONE_SIZE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
              "has_touch": True}


def give_phone(server):
    def change():
        server_resident = db.session.get(type(server.world.residents[0]), server.world.residents[0].id)
        server_resident.phone = PHONE_NUMBER
        db.session.commit()
    server_query(server, change)


def close_quickly(server, fid):
    """The handling between intake and callback, through the console's own step forms."""
    def run():
        staff = StaffClient(server.app.test_client())
        staff.login("staff")
        ok(step(staff, fid, "reported", "accepted"), fid)
        dispatch(staff, fid)
        for before, after in (("dispatched", "in_progress"), ("in_progress", "resolved"),
                              ("resolved", "verified"), ("verified", "closed")):
            ok(step(staff, fid, before, after, opinion="已处理"), fid)
    server_query(server, run)


def test_a_walk_in_is_logged_numbered_closed_and_reopened_by_a_low_rating(live_server, desk, console, screenshot):
    give_phone(live_server)

    # At the front desk on a phone-sized screen: log the walk-in.
    small = desk(**PHONE_SIZE).new_page()
    console.login(small, live_server, "staff")
    small.goto(live_server.url("/console/cases"))
    small.locator("main").get_by_role("link", name="登记事件").click()
    small.get_by_label("居民来访").check()
    small.locator("input[name=lookup_q]").fill("张秀英")
    choice = small.locator(".picks label", has_text="138****5678")
    choice.wait_for()
    assert PHONE_NUMBER not in small.content()
    screenshot(small, "case-intake-lookup-390")
    choice.locator("input").check()
    small.locator("select[name=category]").select_option("safety_plaster")
    small.locator("textarea[name=description]").fill("居民来访：楼道墙皮脱落，担心砸到老人")
    small.get_by_role("button", name="登记并编号").click()
    flash = small.locator("[data-flash]", has_text="已登记，编号")
    flash.wait_for()
    number = re.search(r"XF-\d{8}-\d{4}", flash.inner_text()).group(0)
    assert number in small.locator(".case-head").inner_text()
    assert "1号楼1单元501" in small.locator("[data-place]").inner_text()
    assert "138****5678" in small.locator("[data-requester]").inner_text()
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(small, "case-intake-saved-390", full_page=True)
    fid = small.url.rsplit("/", 1)[1]

    close_quickly(live_server, fid)

    # At the desk: find the case by its number, record the resident's callback.
    page = desk().new_page()
    console.login(page, live_server, "staff")
    page.goto(live_server.url("/console/cases"))
    page.locator("input[name=q]").fill(number)
    page.get_by_role("button", name="筛选").click()
    page.locator(".case-head", has_text=number).wait_for()
    rating = page.locator('form[data-step="rated"]')
    rating.get_by_label("不满意", exact=True).check()
    rating.locator("textarea[name=opinion]").fill("墙皮又掉了")
    screenshot(page, "case-intake-rating")
    rating.get_by_role("button", name="记录回访评价").click()
    page.locator(".case-head [data-reopened]", has_text="第2轮（回头看）").wait_for()
    assert "事件已重新受理（回头看）" in page.locator("#flash").inner_text()
    assert "已受理" in page.locator(".case-head .badge.stage").inner_text()
    timeline = page.locator(".case-timeline").inner_text()
    for earlier in ("已销号", "不满意", "墙皮又掉了", "评价不满意，回头看"):
        assert earlier in timeline, earlier
    assert page.locator('form[data-step="dispatched"]').count() == 1  # a new round of handling
    screenshot(page, "case-intake-reopened", full_page=True)

    page.goto(live_server.url("/console/cases?reopened=1&clear=1"))
    assert page.locator(f'tr[data-case="{fid}"]').count() == 1
    state = server_query(live_server, lambda: (db.session.get(Finding, fid).status, db.session.get(Finding, fid).reopened))
    assert state == ("accepted", 1)

    small.reload()
    small.locator(".case-head [data-reopened]").wait_for()
    screenshot(small, "case-intake-reopened-390", full_page=True)
