"""A grid worker, with the server down, adds a shop to a building from its 户况图 (the credit code
checked on the phone first), and after the sync staff find it in the console's ledger of units.

Screenshots: test-artifacts/screenshots/units-*.png."""

from __future__ import annotations

from tests.browser.conftest import field_login, wait_until

SHOP = "惠民便利店"


def test_a_unit_added_offline_reaches_the_console_ledger(live_server, phone, desk, console, screenshot):
    server = live_server
    building = server.world.buildings[0]
    page = phone().new_page()
    field_login(page, server, "worker")
    page.locator(f"#screen a[href='/app/buildings/{building.id}']").first.wait_for(timeout=20000)
    page.goto(server.url(f"/app/buildings/{building.id}"))
    page.locator("#screen section.units").wait_for()

    with server.stopped():
        page.locator("#screen a", has_text="登记单位").click()
        page.locator("#screen input[name=name]").wait_for()
        page.fill("#screen input[name=name]", SHOP)
        page.select_option("#screen select[name=kind]", "shop")
        page.fill("#screen input[name=room]", "底商3号")
        page.fill("#screen input[name=credit_code]", "91350100M000100Y44")  # a mistyped check character
        page.fill("#screen input[name=contact_phone]", "13812345678")
        page.locator("#screen").get_by_role("button", name="保存").click()
        page.locator("#screen .field-error", has_text="统一社会信用代码校验位错误").wait_for()
        screenshot(page, "units-credit-code-refused")
        page.fill("#screen input[name=credit_code]", "91350100m000100y43")
        page.locator("#screen").get_by_role("button", name="保存").click()
        page.locator("#screen .flash", has_text="已保存单位").wait_for()
        page.goto(server.url(f"/app/buildings/{building.id}"))
        page.locator("#screen section.units a", has_text=SHOP).wait_for()
        screenshot(page, "units-building-offline")

    page.goto(server.url("/app/sync"))
    page.locator("#screen").get_by_role("button", name="立即同步").click()
    page.locator("#screen").get_by_text("所有修改都已同步。").wait_for(timeout=30000)
    wait_until(page, "document.querySelector('#outbox-badge').hidden")

    office = desk().new_page()
    console.login(office, server, "staff")
    office.goto(server.url("/console/units"))
    row = office.locator("table.units-table tbody tr", has_text=SHOP)
    row.wait_for()
    assert "底商3号" in row.inner_text() and "13812345678" not in row.inner_text()
    row.get_by_role("link", name=SHOP).click()
    office.locator("dd", has_text="91350100M000100Y43").wait_for()
    screenshot(office, "units-console-detail")
