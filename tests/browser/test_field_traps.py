"""The field app's small traps, as a worker meets them: the first open shows only the sign-in
form; phones on the household screen are tap-to-call links a thumb can hit; the quick visit
ticks no one in a household whose people live elsewhere (户在人不在)."""

from __future__ import annotations

from tests.browser.conftest import wait_for_service_worker
from tests.browser.test_case_check import write_as
from tests.browser.test_sync_edge_cases import log_in


def test_the_first_open_shows_just_the_sign_in_form(live_server, phone, screenshot):
    page = phone().new_page()
    page.goto(live_server.url("/app/"))
    wait_for_service_worker(page)
    page.goto(live_server.url("/app/"))
    page.locator("#screen input[name=password]").wait_for()
    assert "请先登录" not in page.locator("body").inner_text()
    assert page.locator("#shell-nav").is_hidden(), "no tab bar before anyone signed in"
    screenshot(page, "first-open")


def test_household_phones_are_tap_to_call_and_the_quick_visit_ticks_who_lives_there(live_server, phone, pwa, screenshot):
    world = live_server.world
    household, resident = world.households[0], world.residents[0]
    # 户在人不在: the family is registered here but lives elsewhere.
    write_as(live_server, "worker", "household", {"contact_phone": "010-62345678", "housing_use": "rented",
                                                  "landlord_name": "周房东", "landlord_phone": "13911112222",
                                                  "registration_status": "registered_absent"},
             record_id=household.id)
    write_as(live_server, "worker", "resident", {"phone": "13833334444"}, record_id=resident.id)

    context = phone()
    page = context.new_page()
    log_in(page, live_server, "worker", pwa)
    page.goto(live_server.url(f"/app/households/{household.id}"))
    screen = page.locator("#screen")
    screen.locator("a.tel").first.wait_for()
    for number, shown in [("01062345678", "010-****5678"), ("13911112222", "139****2222"), ("13833334444", "138****4444")]:
        link = screen.locator(f"a.tel[href='tel:{number}']")
        assert link.inner_text().endswith(shown), number
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (number, box)
    screenshot(page, "household-tap-to-call")

    page.get_by_role("link", name="在家，一切正常").click()
    sheet = page.locator("#visit-sheet")
    sheet.wait_for()
    # Listed, for the worker to tick if they do meet them, but not ticked for them.
    assert not sheet.locator(f"input[name=resident_ids][value='{resident.id}']").is_checked()
