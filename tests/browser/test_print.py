"""Paper from the console in a real browser: the 派遣单 prints as one A4 page with the case number
and its QR code and no screen chrome; a resident's page prints without navigation or history."""

from __future__ import annotations

import re

from server.cases.models import Finding
from tests.browser.conftest import SCREENSHOTS
from server.extensions import db
from tests.browser.test_console_cases import add_directory_entry, phone_of, take
from tests.browser.test_sync_edge_cases import server_query

CHROME = (".topbar", ".sidenav", ".crumbs")


def hidden_on_paper(page, selectors) -> list[str]:
    """The selectors that still show something with print media (should be none)."""
    return [s for s in selectors if page.locator(s).count() and page.locator(s).first.is_visible()]


def pdf_pages(page, name: str) -> int:
    """Print the page as Chromium would to A4 (kept beside the screenshots); how many pages it took."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(SCREENSHOTS / f"{name}.pdf"), format="A4", print_background=True,
                   prefer_css_page_size=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_the_dispatch_sheet_prints_one_page_with_number_unit_and_qr_and_no_chrome(
        live_server, desk, phone, console, screenshot):
    world = live_server.world
    worker = phone_of(live_server, "worker")
    fid = worker.create("finding", {"grid_id": world.grids[0].id, "category": "safety_fire_lane",
                                    "description": "5号楼消防通道被电动车堵塞", "address": "5号楼东侧",
                                    "reported_at": "2026-11-20T03:00:00Z", "urgency": "urgent"})
    worker.sync()
    number = server_query(live_server, lambda: db.session.get(Finding, fid).number)
    server_query(live_server, lambda: add_directory_entry(world.community.id, "物业服务中心"))

    page = desk().new_page()
    console.login(page, live_server, "staff")
    page.goto(live_server.url(f"/console/cases/{fid}"))
    take(page, "受理", "已受理")
    dispatch = page.locator('form[data-step="dispatched"]')
    dispatch.get_by_label("社区级").check()
    dispatch.locator("select[name=handling_unit_id]").select_option(label="物业服务中心（物业）")
    take(page, "派遣", "已派遣")

    # The case page itself on paper: the facts, without the menu or the step forms.
    page.emulate_media(media="print")
    assert hidden_on_paper(page, [*CHROME, ".case-actions", "button"]) == []
    assert page.get_by_text("5号楼消防通道被电动车堵塞").is_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="打印派遣单").click()
    page.wait_for_url(f"**/console/cases/{fid}/sheet")
    assert page.locator("[data-number]").inner_text() == number
    assert page.locator("[data-unit]").inner_text() == "物业服务中心"
    assert page.get_by_role("button", name="打印").is_visible()
    screenshot(page, "print-sheet-screen", full_page=True)

    page.emulate_media(media="print")
    assert hidden_on_paper(page, [*CHROME, ".sheet-tools", "button"]) == []
    qr = page.locator("[data-qr] svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 100  # about 30 mm: scannable
    for words in ("接单人", "处置结果", "核查人", "已派遣"):
        assert page.locator(".sheet").get_by_text(words).first.is_visible()
    screenshot(page, "print-sheet-paper", full_page=True)
    assert pdf_pages(page, "print-sheet") == 1

    # On a phone the sheet still reads (a unit contact may open it there).
    small = phone(service_workers="block").new_page()
    console.login(small, live_server, "staff")
    small.goto(live_server.url(f"/console/cases/{fid}/sheet"))
    width = small.evaluate("document.documentElement.scrollWidth")
    screenshot(small, "print-sheet-phone", full_page=True)
    assert width <= 390


def test_a_residents_page_prints_on_one_page_without_menu_or_history_and_keeps_numbers_masked(
        live_server, desk, console, screenshot):
    world = live_server.world
    resident = world.residents[0]
    worker = phone_of(live_server, "worker")
    worker.update("resident", resident.id, {"phone": "13800138000"})
    for day in range(1, 9):
        worker.create("visit", {"household_id": resident.household_id, "visited_at": f"2026-11-{day:02d}T02:00:00Z",
                                "method": "in_person", "outcome": "normal", "notes": f"第{day}次走访，身体尚可",
                                "resident_ids": [resident.id]})
    worker.sync()

    page = desk().new_page()
    console.login(page, live_server, "staff")
    page.goto(live_server.url(f"/console/residents/{resident.id}"))
    page.locator("#number-phone").get_by_role("button", name="显示完整号码").click()
    page.locator("#number-phone [data-revealed]").wait_for()
    assert "13800138000" in page.locator("#number-phone").inner_text()

    page.emulate_media(media="print")
    assert hidden_on_paper(page, [*CHROME, "button", "#history", "form"]) == []
    assert page.locator("h1.person").is_visible() and page.locator(".print-stamp").is_visible()
    # The reveal was for the screen: paper shows the mask.
    assert page.locator("#number-phone").inner_text().strip() == "138****8000"
    assert page.locator("table.visits tbody tr:visible").count() == 5
    assert page.get_by_text("纸面仅列最近 5 次走访，共 8 次。").is_visible()
    screenshot(page, "print-resident-paper", full_page=True)
    assert pdf_pages(page, "print-resident") == 1

    page.emulate_media(media="screen")
    page.goto(live_server.url(f"/console/households/{resident.household_id}"))
    page.emulate_media(media="print")
    assert hidden_on_paper(page, [*CHROME, "button", "#history", "form"]) == []
    assert page.locator("table.visits tbody tr:visible").count() == 5
    screenshot(page, "print-household-paper", full_page=True)
    assert pdf_pages(page, "print-household") == 1
