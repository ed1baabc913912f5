"""The audit page as a street admin uses it on a phone: who signed in, who failed, filtered."""

from __future__ import annotations

from tests.conftest import PASSWORD


def test_a_street_admin_reads_sign_ins_and_failures_on_a_phone(live_server, desk, phone, console, screenshot):
    office = desk().new_page()
    office.goto(live_server.url("/console/login"))
    office.fill("input[name=username]", "staff")
    office.fill("input[name=password]", "not-the-password")
    office.get_by_role("button", name="登录").click()
    office.get_by_text("用户名或密码错误").first.wait_for()
    console.login(office, live_server, "staff", PASSWORD)

    page = phone().new_page()
    console.login(page, live_server, "admin")
    page.goto(live_server.url("/console/audit"))
    rows = page.locator("table tbody tr")
    text = page.locator("main").inner_text()
    assert "周社区" in text and "登录失败" in text, text[:600]
    page.select_option("select[name=action]", "login_failed")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**action=login_failed**")
    text = page.locator("main").inner_text()
    assert "登录失败" in text and rows.count() >= 1
    assert "not-the-password" not in page.content()
    screenshot(page, "console-audit-phone")
    # Nothing on a 390 px wide page runs off its right edge.
    widest = page.evaluate("() => document.documentElement.scrollWidth")
    assert widest <= 390, widest
