"""楼栋设置 on a phone-sized screen: staff tap a door of the generated grid and mark it a shop, and
the grid shows it; every door is a touch target."""

from __future__ import annotations

from pathlib import Path

SHOTS = Path("/work/wt/shots")


def test_mark_a_ground_floor_shop_on_a_phone(live_server, phone, console, screenshot):
    building = live_server.world.buildings[0]
    page = phone().new_page()
    console.login(page, live_server, "staff")
    page.goto(live_server.url(f"/console/setup/buildings/{building.id}/doors"))
    page.get_by_role("link", name="1号楼1单元101 住宅").click()
    page.locator("#door").wait_for()
    page.locator("#door").get_by_label("商铺").check()
    page.get_by_role("button", name="设为此用途").click()
    page.locator(".notice", has_text="已保存").wait_for()
    cell = page.get_by_role("link", name="1号楼1单元101 商铺")
    assert "商铺" in cell.inner_text()
    box = cell.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "no sideways scrolling at phone width"
    screenshot(page, "console-building-doors", full_page=True)
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "console-building-doors-phone.png"), full_page=True)
