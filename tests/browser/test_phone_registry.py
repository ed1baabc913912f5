"""The registry kept true from a phone with no network: a grid worker registers a new household with
its tenant at a door marked 未登记, moves a resident out and records a birth, then syncs; staff see
all of it in the console. Screenshots (390×844) of each new screen go to test-artifacts/screenshots/
registry-*.png."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.core.time import china_today
from server.extensions import db
from server.registry.models import Household, Resident
from tests.browser.conftest import HOME_READY, console_login, field_login, wait_until


def test_register_move_out_and_birth_offline_then_sync(live_server, phone, desk, screenshot):
    server = live_server
    building, home = server.world.buildings[0], server.world.households[0]
    today = china_today()
    context = phone()
    page = context.new_page()
    field_login(page, server, "worker")
    wait_until(page, HOME_READY, timeout=30000)

    context.set_offline(True)
    page.locator("#screen a[href^='/app/buildings/']").first.click()
    door = page.locator("#screen a.door-unregistered[href*='unit=2&floor=3&room=301']")
    door.wait_for()
    screenshot(page, "registry-building")
    door.click()
    page.locator("#screen h1.bar-title", has_text="登记住户").wait_for()
    form = page.locator("#screen form")
    form.locator("select[name=housing_use]").select_option("rented")
    form.locator("input[name=landlord_name]").fill("刘房东")
    form.locator("input[name=lease_end]").fill((today + timedelta(days=10)).isoformat())
    form.locator("input[name='r.name']").fill("王租客")
    form.locator("input[name='r.sex'][value=male]").check()
    form.locator("select[name='r.relation']").select_option("tenant")
    form.locator("input[name='r.moved_in_from']").fill("河南省周口市")
    screenshot(page, "registry-register", full_page=True)
    form.get_by_role("button", name="保存住户").click()
    page.locator("#screen .flash", has_text="已登记住户").wait_for()
    assert "租约到期，请核实租户" in page.locator("#screen").inner_text()
    screenshot(page, "registry-new-household")

    page.goto(server.url(f"/app/households/{home.id}"))
    page.locator("#screen li.resident", has_text="张秀英").get_by_role("link", name="迁出").click()
    page.locator("#screen h1.bar-title", has_text="迁出").wait_for()
    page.locator("#screen input[name=moved_out_to]").fill("上海市浦东新区")
    screenshot(page, "registry-move-out")
    page.locator("#screen").get_by_role("button", name="确认迁出").click()
    page.locator("#screen .flash", has_text="已迁出").wait_for()
    page.locator("#screen details.moved-out summary").click()
    assert "迁往上海市浦东新区" in page.locator("#screen details.moved-out").inner_text()
    assert "居民（0）" in page.locator("#screen").inner_text()

    page.locator("#screen").get_by_role("link", name="出生").click()
    page.locator("#screen h1.bar-title", has_text="登记出生").wait_for()
    page.locator("#screen input[name=name]").fill("王小宝")
    page.locator("#screen input[name=sex][value=female]").check()
    screenshot(page, "registry-birth")
    page.locator("#screen").get_by_role("button", name="保存出生登记").click()
    page.locator("#screen .flash", has_text="出生").wait_for()
    assert "居民（1）" in page.locator("#screen").inner_text()
    screenshot(page, "registry-household", full_page=True)
    page.locator("#screen").get_by_role("link", name="住户状态").click()
    page.locator("#screen h1.bar-title", has_text="住户状态").wait_for()
    screenshot(page, "registry-status", full_page=True)

    context.set_offline(False)
    page.goto(server.url("/app/"))
    page.locator("#screen").get_by_role("button", name="立即同步").click()
    wait_until(page, HOME_READY, timeout=30000)
    assert "租约到期，请核实租户（1）" in page.locator("#screen").inner_text()
    screenshot(page, "registry-home")

    with server.app.app_context():
        new_home = db.session.scalars(select(Household).where(Household.room == "301")).one()
        assert (new_home.building_id, new_home.unit, new_home.housing_use) == (building.id, 2, "rented")
        tenant = db.session.scalars(select(Resident).where(Resident.name == "王租客")).one()
        assert (tenant.household_id, tenant.arrived_by, tenant.moved_in_from) == (new_home.id, "move_in", "河南省周口市")
        gone = db.session.get(Resident, server.world.residents[0].id)
        assert (gone.left_by, gone.moved_out_on, gone.moved_out_to) == ("move_out", today, "上海市浦东新区")
        baby = db.session.scalars(select(Resident).where(Resident.name == "王小宝")).one()
        assert (baby.arrived_by, baby.birth_date, baby.moved_in_on) == ("birth", today, today)
        new_id = new_home.id

    office = desk().new_page()
    console_login(office, server, "staff")
    office.goto(server.url(f"/console/households/{new_id}"))
    text = office.locator("main").inner_text() if office.locator("main").count() else office.inner_text("body")
    assert "王租客" in text and (today + timedelta(days=10)).isoformat() in text
    office.goto(server.url(f"/console/households/{home.id}"))
    text = office.inner_text("body")
    assert "王小宝" in text and "迁出" in text
    office.goto(server.url(f"/console/residents/{server.world.residents[0].id}"))
    assert "迁往 上海市浦东新区" in office.inner_text("body")
