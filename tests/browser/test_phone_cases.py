"""Cases and due visits on the phone: a need heard at a door becomes a case offline (转为事件) and
shows its number after sync; the 待访 list puts the elderly person living alone before overdue
tenants and filters by tag; the 户况图 marks doors due within 7 days and shows every 单元 at 360 px;
the reporter's 核查 screen shows the unit's after-photos, offline too."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta

from PIL import Image

from server.areas.operations import add_building
from server.blobs.operations import keep
from server.auth.models import User
from server.cases.models import Finding
from server.extensions import db
from server.registry.models import Household, Resident, ResidentTag
from server.syncapi.direct import DirectWriter
from sync.ids import uuid7
from tests.browser.conftest import wait_until
from tests.browser.test_case_check import handled_case
from tests.browser.test_sync_edge_cases import go_offline, go_online, log_in, server_query, sync_now, wait_for_screen

NEED = "楼道灯坏了三天，老人晚上下楼看不见"
# The first photo of the 核查 screen's strip has loaded and decoded (not its alt text).
PHOTO_SHOWN = "() => { const i = document.querySelector('#screen .photo-strip img'); return i && i.complete && i.naturalWidth > 0; }"


def save_visit_with_need(page, server, household_id: str, need: str):
    """Record a visit to the household with a need (诉求); the screen's offer to make it a case."""
    screen = page.locator("#screen")
    page.goto(server.url(f"/app/households/{household_id}/visit?more=1"))
    sheet = screen.locator("#visit-sheet form")
    sheet.locator("textarea[name=needs]").fill(need)
    sheet.locator("button[type=submit]").first.click()
    prompt = screen.locator(".need-prompt")
    prompt.wait_for()
    return prompt


def test_a_need_heard_offline_becomes_a_case_and_gets_its_number_after_sync(live_server, phone, pwa, screenshot):
    household = live_server.world.households[0]
    resident = live_server.world.residents[0]
    context = phone()
    page = context.new_page()
    log_in(page, live_server, "worker", pwa)
    go_offline(context, page, live_server)
    screen = page.locator("#screen")

    # Right after saving, the need is offered as a case at the top of the household's screen.
    prompt = save_visit_with_need(page, live_server, household.id, NEED)
    assert NEED in prompt.inner_text()
    make_case = prompt.get_by_role("link", name="转为事件", exact=True)
    screenshot(page, "need-saved")
    make_case.click()

    form = screen.locator("form.form")
    form.wait_for()
    assert form.locator("textarea[name=description]").input_value() == NEED
    assert form.locator("input[name=address]").input_value() == "1号楼1单元501"
    assert form.locator("select[name=requester_id]").input_value() == resident.id  # the resident visited
    form.locator("select[name=category]").select_option("facility_lamp")
    form.get_by_label("紧急", exact=True).check()
    screenshot(page, "need-to-case-form", full_page=True)
    form.get_by_role("button", name="提交上报").click()
    wait_for_screen(page, "已上报")
    case = screen.locator("article.finding").first
    assert "编号待同步" in case.inner_text() and "走访诉求" in case.inner_text()
    screenshot(page, "need-case-queued")

    go_online(context, page, live_server)
    sync_now(page)
    finding = server_query(live_server, lambda: db.session.scalars(
        db.select(Finding).where(Finding.description == NEED)).one())
    assert (finding.source, finding.requester_id, finding.urgency, finding.category) == (
        "visit", resident.id, "urgent", "facility_lamp")
    assert finding.visit_id and finding.number.startswith("XF-")
    page.goto(live_server.url("/app/patrol"))
    screen.get_by_text(finding.number).wait_for()
    # The household's visit now names its case instead of offering the button again.
    page.goto(live_server.url(f"/app/households/{household.id}"))
    screen.get_by_text(f"已转为事件 · {finding.number}").wait_for()
    assert screen.get_by_role("link", name="转为事件", exact=True).count() == 0
    assert screen.locator(".need-prompt").count() == 0
    screenshot(page, "need-case-numbered")


def care_world(server) -> str:
    """An elderly woman living alone whose weekly visit is due in 4 days, and two tenants long
    overdue in a new 3-unit building (grid 1). Returns the new building's id."""
    grid = server.world.grids[0]
    today = date.today()

    def build():
        writer = DirectWriter(db.session, server.app.extensions["wangge_clock"])
        building = add_building(writer, grid, "7", units=3, floors=4)
        for unit, name in [(1, "租客小刘"), (3, "租客小马")]:
            home = writer.put("household", Household(id=uuid7(), building_id=building.id, grid_id=grid.id,
                                                     unit=unit, floor=2, room="201"))
            tenant = writer.put("resident", Resident(id=uuid7(), household_id=home.id, grid_id=grid.id, name=name, sex="male"))
            writer.put("resident_tag", ResidentTag(id=uuid7(), resident_id=tenant.id, grid_id=grid.id, tag="tenant",
                                                   detail={}, started_on=date(2025, 1, 1)))
        elder_home = writer.put("household", Household(id=uuid7(), building_id=building.id, grid_id=grid.id,
                                                        unit=2, floor=3, room="301"))
        elder = writer.put("resident", Resident(id=uuid7(), household_id=elder_home.id, grid_id=grid.id,
                                                name="王桂兰", sex="female"))
        writer.put("resident_tag", ResidentTag(id=uuid7(), resident_id=elder.id, grid_id=grid.id, tag="elderly_alone",
                                               detail={"risk_level": "medium"}, started_on=today - timedelta(days=3)))
        db.session.commit()
        return building.id

    return server_query(server, build)


def test_due_visits_rank_by_risk_and_filter_by_tag(live_server, phone, pwa, screenshot):
    care_world(live_server)
    context = phone()
    page = context.new_page()
    log_in(page, live_server, "worker", pwa)
    go_offline(context, page, live_server)
    screen = page.locator("#screen")
    page.locator("#shell-nav a[data-nav=due]").click()
    names = screen.locator(".due-list .resident-name")
    names.first.wait_for()
    assert names.all_inner_texts()[0] == "王桂兰"
    assert set(names.all_inner_texts()[1:]) == {"租客小刘", "租客小马"}
    assert "中风险" in screen.locator(".due-item").first.inner_text()
    screenshot(page, "due-ranked")
    screen.get_by_role("link", name="租户/流动人口 2").click()
    wait_until(page, "() => document.querySelectorAll('#screen .due-list .resident-name').length === 2")
    assert "王桂兰" not in screen.locator(".due-list").inner_text()
    assert screen.locator(".chip-current").inner_text().startswith("租户/流动人口")
    screenshot(page, "due-filtered")


def worker_on(server, phone, pwa, path: str, **options):
    """(context, page, #screen) of the worker's phone, signed in and downloaded, showing `path`."""
    context = phone(**options)
    page = context.new_page()
    log_in(page, server, "worker", pwa)
    page.goto(server.url(path))
    return context, page, page.locator("#screen")


def test_building_map_marks_due_doors_and_shows_every_unit_at_360(live_server, phone, pwa, screenshot):
    building_id = care_world(live_server)
    _, page, screen = worker_on(live_server, phone, pwa, f"/app/buildings/{building_id}", viewport={"width": 360, "height": 740})
    headers = screen.locator(".door-unit > h3")
    headers.first.wait_for()
    assert headers.all_inner_texts() == ["1单元", "2单元", "3单元"]
    # Nothing hides off to the side: the page does not scroll sideways and every unit header
    # lies within the screen's width (stacked, reached by scrolling down or by its chip).
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for header in headers.all():
        box = header.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    chips = screen.locator(".unit-chips a")
    assert chips.all_inner_texts() == ["1单元", "2单元", "3单元"]
    for chip in chips.all():
        assert chip.is_visible()
    # The elderly woman's door is due within 7 days, the tenants' overdue: three marks apart.
    due_door = screen.locator("a.door-due")
    assert due_door.count() == 1 and "将到期" in due_door.inner_text()
    assert screen.locator("a.door-overdue").count() == 2
    assert "将到期 1" in screen.locator(".legend").inner_text()
    screenshot(page, "building-360-top")
    chips.nth(2).click()
    wait_until(page, "() => { const r = document.querySelector('#unit-3').getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    screenshot(page, "building-360-unit3")


def after_photo(server, username: str) -> str:
    """A photo the staff member uploaded (as the console's after-photo form does)."""
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), "green").save(buffer, "JPEG")
    data = buffer.getvalue()
    sha = hashlib.sha256(data).hexdigest()

    def upload():
        user = db.session.scalar(db.select(User).where(User.username == username))
        keep(sha, data, user.id, None)
        db.session.commit()
    server_query(server, upload)
    return sha


def test_the_check_screen_shows_the_units_after_photos_offline_too(live_server, phone, pwa, screenshot):
    sha = after_photo(live_server, "staff")
    fid = handled_case(live_server, photos=[sha])
    context, page, screen = worker_on(live_server, phone, pwa, "/app/")
    # The home screen finds the case waiting for the worker's check and fetches its after-photo.
    screen.get_by_role("link", name="待我核查的上报（1）").wait_for()
    wait_until(page, """async (sha) => {
        const db = await new Promise((ok, no) => { const r = indexedDB.open('wangge'); r.onsuccess = () => ok(r.result); r.onerror = no; });
        const key = await new Promise((ok) => { const r = db.transaction('blobs').objectStore('blobs').getKey(sha); r.onsuccess = () => ok(r.result); });
        db.close();
        return key === sha;
    }""", sha)

    go_offline(context, page, live_server)
    page.goto(live_server.url(f"/app/patrol/{fid}/check"))
    screen.locator(".photo-strip img").first.wait_for()
    wait_until(page, PHOTO_SHOWN)
    assert screen.locator("figcaption", has_text="处置后照片").count() == 1
    screenshot(page, "check-after-photos")
