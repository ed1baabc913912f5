"""A visit the community returns (退回) reaches the worker's phone, is corrected there and goes
back to the community as resubmitted."""

from __future__ import annotations

from server.auth.models import User
from server.extensions import db
from server.fieldwork.models import Visit
from server.syncapi.push import ChangeContext
from tests.browser.test_sync_edge_cases import log_in, server_query, sync_now, wait_for_screen

COMMENT = "请写明老人的身体状况 <b>和需求</b>"


def return_visit(server, visit_id: str) -> None:
    """What the console's 退回 does: a server write of the review fields, as community staff."""
    def write():
        staff = db.session.scalar(db.select(User).where(User.username == "staff"))
        visit = db.session.get(Visit, visit_id)
        ctx = ChangeContext(db.session, staff, None, server.app.extensions["wangge_clock"], 300_000)
        ctx.server_write("visit", visit, {"review_status": "returned", "review_comment": COMMENT,
                                          "reviewed_by": staff.id})
        db.session.commit()
    server_query(server, write)


def test_a_returned_visit_is_fixed_on_the_phone_and_resubmitted(live_server, phone, pwa, screenshot):
    household = live_server.world.households[0]
    page = phone().new_page()
    log_in(page, live_server, "worker", pwa)
    page.goto(live_server.url(f"/app/households/{household.id}"))
    page.locator("#screen").get_by_role("link", name="在家，一切正常").click()
    page.locator("#visit-sheet").get_by_role("button", name="保存走访").click()
    wait_for_screen(page, "已记录走访")
    sync_now(page)  # online: it may already have left with the write
    [visit_id] = server_query(live_server, lambda: db.session.scalars(
        db.select(Visit.id).where(Visit.household_id == household.id)).all())

    return_visit(live_server, visit_id)
    sync_now(page)
    page.goto(live_server.url("/app/"))
    returned = page.locator("#screen section", has_text="社区退回的走访（1）")
    returned.wait_for()
    assert COMMENT in returned.inner_text()  # the comment's markup is shown as text
    screenshot(page, "returned-home")
    returned.get_by_role("link").first.click()
    wait_for_screen(page, "社区退回意见")
    page.fill("#screen textarea[name=notes]", "老人血压偏高，已提醒按时服药")
    screenshot(page, "returned-fix")
    page.locator("#screen").get_by_role("button", name="保存并重新提交").click()
    wait_for_screen(page, "已修改走访记录")
    sync_now(page)

    state = server_query(live_server, lambda: (lambda v: (v.review_status, v.notes))(
        db.session.get(Visit, visit_id)))
    assert state == ("resubmitted", "老人血压偏高，已提醒按时服药")
    page.goto(live_server.url(f"/app/households/{household.id}"))
    page.locator("#screen .visit .badge", has_text="已重新提交").wait_for()
    assert page.locator("#screen section", has_text="社区退回的走访").count() == 0
