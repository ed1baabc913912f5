"""Users and devices in a real browser: a worker's account created through the form (after a
refused first try that keeps what was typed), and a lost phone revoked, which then wipes itself."""

from __future__ import annotations

import pytest

from sync.client import DeviceRevoked, SyncClient
from sync.transport import http_transport
from tests.conftest import PASSWORD


def test_create_a_worker_through_the_form(live_server, desk, console, screenshot):
    page = desk().new_page()
    console.login(page, live_server, "staff")
    page.goto(live_server.url("/console/users"))
    screenshot(page, "console-users")
    page.get_by_role("link", name="新建账号").click()
    page.fill("input[name=username]", "wgy_new")
    page.fill("input[name=name]", "钱网格")
    page.fill("input[name=phone]", "13800138000")
    page.fill("input[name=password]", "short")
    page.fill("input[name=password2]", "short")
    page.get_by_label("第2网格").check()
    page.get_by_role("button", name="创建账号").click()
    error = page.locator("#password-error")
    error.wait_for()
    assert "密码至少8位" in error.inner_text() and "at least 8 characters" in error.inner_text()
    assert page.input_value("input[name=username]") == "wgy_new"
    assert page.input_value("input[name=name]") == "钱网格"
    assert page.get_by_label("第2网格").is_checked()
    screenshot(page, "console-user-new-error")
    page.fill("input[name=password]", "start-2026")
    page.fill("input[name=password2]", "start-2026")
    page.get_by_role("button", name="创建账号").click()
    page.locator(".notice", has_text="已创建账号 wgy_new").wait_for()
    assert "第2网格" in page.locator("dl.fields").inner_text()
    # The new worker signs in on a phone.
    phone = SyncClient(http_transport(live_server.base))
    phone.login("wgy_new", "start-2026")
    phone.pull()


def test_revoke_a_lost_phone_through_the_page(live_server, desk, console, screenshot):
    world = live_server.world
    lost = SyncClient(http_transport(live_server.base))
    lost.login("worker", PASSWORD)
    lost.pull()
    assert lost.server_copy()
    page = desk().new_page()
    console.login(page, live_server, "staff")
    page.goto(live_server.url("/console/users"))
    page.get_by_role("link", name="李网格").click()
    row = page.locator(".devices-table tbody tr", has_text=lost.device_id[-8:])
    assert "使用中" in row.inner_text()
    screenshot(page, "console-user-detail")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    row.get_by_role("button", name="停用设备").click()
    page.locator(".notice", has_text="已停用设备").wait_for()
    assert questions and "清除本机的全部数据" in questions[0]
    row = page.locator(".devices-table tbody tr", has_text=lost.device_id[-8:])
    assert "已停用" in row.inner_text() and row.get_by_role("button").count() == 0
    screenshot(page, "console-user-revoked")
    with pytest.raises(DeviceRevoked):
        lost.pull()
    assert lost.server_copy() == {}
    assert world.users["worker"].id in page.url
