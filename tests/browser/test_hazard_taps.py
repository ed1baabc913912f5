"""A hazard report with a photo and a preset phrase in at most 6 taps, offline: the form locates
itself, a phrase writes the description, the photos show as thumbnails (one removed), and the
report reaches the server with its photo and position after sync. Without a location it still
saves, with the address typed."""

from __future__ import annotations

import io

from PIL import Image

from server.cases.models import Finding
from server.extensions import db
from tests.browser.conftest import wait_until
from tests.browser.test_sync_edge_cases import go_offline, go_online, log_in, outbox, server_query, sync_now

POSITION = {"latitude": 39.915123, "longitude": 116.403456, "accuracy": 12}
PHRASE = "楼道墙皮脱落，有掉落风险"


def photo(name: str, colour: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


class Taps:
    """The worker's taps: each click, choice from a list or photo pick counts one."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def choose(self, locator, value: str):
        self.count += 1
        locator.select_option(value)

    def photos(self, locator, files: list[dict]):
        self.count += 1  # the camera or gallery picker returns with the pictures chosen
        locator.set_input_files(files)


def test_a_hazard_report_takes_at_most_six_taps_offline(live_server, phone, pwa, screenshot):
    context = phone(geolocation=POSITION, permissions=["geolocation"])
    page = context.new_page()
    log_in(page, live_server, "worker", pwa)
    go_offline(context, page, live_server)
    screen = page.locator("#screen")
    taps = Taps(page)

    taps.click(screen.get_by_role("link", name="上报巡查发现").first)
    form = screen.locator("form.form")
    form.wait_for()
    # The GPS started by itself when the form opened.
    screen.get_by_text("已定位 ±12米").wait_for()
    taps.choose(form.locator("select[name=category]"), "safety_plaster")
    taps.click(form.get_by_role("button", name=PHRASE))
    assert form.locator("textarea[name=description]").input_value() == PHRASE
    taps.photos(form.locator("input[type=file][name=photo]"), [photo("a.jpg", "red"), photo("b.jpg", "blue")])
    thumbs = form.locator("[data-wangge-thumbs] img")
    wait_until(page, "() => document.querySelectorAll('[data-wangge-thumbs] img').length === 2")
    assert thumbs.first.get_attribute("src").startswith("blob:")
    screenshot(page, "hazard-form-filled", full_page=True)
    taps.click(form.get_by_role("button", name="移除照片 2"))
    wait_until(page, "() => document.querySelectorAll('[data-wangge-thumbs] img').length === 1")
    assert page.evaluate("document.querySelector('#screen input[name=photo]').files.length") == 1
    taps.click(form.get_by_role("button", name="提交上报"))
    screen.get_by_text("已上报（照片 1 张）").wait_for()
    screenshot(page, "hazard-saved")
    assert taps.count <= 6, f"{taps.count} taps"

    # Queued (the change is sealed on the phone): 我的上报 shows it as the worker made it.
    assert [c["entity"] for c in outbox(page, "pending")] == ["finding"]
    report = screen.locator("article.finding").first.inner_text()
    assert PHRASE in report and "照片 1 张" in report and "定位精度 12 米" in report and "编号待同步" in report

    go_online(context, page, live_server)
    sync_now(page)
    finding = server_query(live_server, lambda: db.session.scalars(
        db.select(Finding).where(Finding.description == PHRASE)).one())
    assert (finding.category, finding.urgency, len(finding.photos)) == ("safety_plaster", "normal", 1)
    assert abs(finding.lat - POSITION["latitude"]) < 1e-5 and finding.number
    # The number the server gave comes back to the phone.
    page.goto(live_server.url("/app/patrol"))
    screen.get_by_text(finding.number).wait_for()
    screenshot(page, "hazard-numbered")


def test_without_a_location_the_form_says_so_and_still_saves(live_server, phone, pwa, screenshot):
    context = phone(permissions=[])  # location refused
    page = context.new_page()
    log_in(page, live_server, "worker", pwa)
    screen = page.locator("#screen")
    screen.get_by_role("link", name="上报巡查发现").first.click()
    form = screen.locator("form.form")
    screen.get_by_text("未能定位，可手动填写地址").wait_for()
    form.locator("select[name=category]").select_option("safety_electrical")
    form.get_by_role("button", name="楼道电线私拉乱接").click()
    form.locator("input[name=address]").fill("5号楼东侧")
    screenshot(page, "hazard-no-location", full_page=True)
    form.get_by_role("button", name="提交上报").click()
    screen.get_by_text("已上报").first.wait_for()
    report = screen.locator("article.finding").first.inner_text()
    assert "5号楼东侧" in report and "定位精度" not in report
