"""Go live from an empty database, through the screens alone: `wangge init-db` prints a setup code;
the street admin signs in with it (desktop), adds a community, two grids and a building by hand,
imports 20 buildings, 600 households and a few residents from the downloaded XLSX templates, and
adds grid workers; a worker's phone (390×844) syncs, goes offline, registers a household at an
empty door, moves a resident out, records a birth and syncs; the console shows all of it with each
record's history naming the phone and the import. Screenshots: test-artifacts/screenshots/
go-live-*.png, the key ones copied to /work/wt/shots/ when that folder exists."""

from __future__ import annotations

import io
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from server import create_app
from server.core.time import china_today
from server.extensions import db
from tests.browser.conftest import HOME_READY, LiveServer, PHONE, console_login, field_login, wait_until
from tests.setup_files import BUILDING_HEADERS, HOUSEHOLD_HEADERS, buildings, fill_template, households

SHOTS = Path("/work/wt/shots")
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
ADMIN, ADMIN_PASSWORD = "hp_admin", "first-run-2026"
WORKER_PASSWORD = "grid-worker-2026"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESIDENT_HEADERS = ["网格", "小区", "楼号", "单元", "楼层", "门牌", "姓名", "性别", "出生日期", "与户主关系"]
RESIDENTS = [  # all in 1号楼 1单元 (第1网格, the worker's)
    ["第1网格", "幸福家园", "1", 1, 1, "101", "张秀英", "女", "1950-04-12", "户主"],
    ["第1网格", "幸福家园", "1", 1, 1, "101", "李国强", "男", "1988-09-01", "子"],
    ["第1网格", "幸福家园", "1", 1, 1, "102", "王建华", "男", "1962-01-20", "户主"],
    ["第1网格", "幸福家园", "1", 1, 2, "201", "赵丽", "女", "1979-06-30", "户主"],
    ["第1网格", "幸福家园", "1", 1, 2, "202", "孙明", "男", "1991-11-11", "户主"],
]


@pytest.fixture
def empty_server(tmp_path, monkeypatch, pwa_dist):
    """The app on a database that only `wangge init-db` has touched; .setup_code is what it printed."""
    monkeypatch.setenv("WANGGE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "BLOB_DIR": str(tmp_path / "blobs"),
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1", "PWA_DIST": str(pwa_dist),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wangge.db'}"})
    with app.app_context():
        out = app.test_cli_runner().invoke(args=["init-db"])
        db.session.remove()
    assert out.exit_code == 0, out.output
    server = LiveServer(app)
    server.setup_code = re.search(r"setup code ([A-Z0-9-]+)", out.output).group(1)
    server.password = WORKER_PASSWORD
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def shoot(screenshot):
    """shoot(page, name, keep=False): a go-live-<name> screenshot; `keep` copies it to /work/wt/shots."""
    def take(page, name: str, keep: bool = False, full_page: bool = False):
        path = screenshot(page, f"go-live-{name}", full_page=full_page)
        if keep and SHOTS.is_dir():
            shutil.copy(path, SHOTS / path.name)
        return path
    return take


def fill(page, values: dict) -> None:
    for name, value in values.items():
        page.locator(f"main [name='{name}']").first.fill(value)


def download(page, kind: str) -> bytes:
    with page.expect_download() as info:
        page.locator(f"a[data-template={kind}]").click()
    return Path(info.value.path()).read_bytes()


def rows_for(template: bytes, headers: list[str], rows: list[list]) -> bytes:
    """`rows` (under `headers`) typed into the template's own columns, whatever their order."""
    order = [c.value for c in load_workbook(io.BytesIO(template)).worksheets[0][1]]
    assert set(headers) <= set(order), (headers, order)
    return fill_template(template, [[dict(zip(headers, r)).get(h) for h in order] for r in rows])


def import_file(page, shoot, kind: str, data: bytes, counts: dict, shot: str | None = None) -> None:
    """Upload on /console/setup/import, check the preview's counts, confirm, wait until done."""
    page.goto(page.url.split("/console/")[0] + "/console/setup/import")
    form = page.locator(f"form[data-kind={kind}]")
    form.locator("input[type=file]").set_input_files(
        {"name": f"{kind}.xlsx", "mimeType": XLSX, "buffer": data})
    form.get_by_role("button", name="上传并预览").click()
    page.locator("[data-counts]").wait_for(timeout=60000)
    shown = {name: int(re.search(r"\d+", page.locator(f"[data-count={name}]").inner_text()).group())
             for name in ("new", "changed", "unchanged", "error")}
    assert shown == counts, (kind, shown, page.locator("main").inner_text()[:2000])
    if shot:
        shoot(page, shot, keep=True)
    page.get_by_role("button", name=re.compile("^确认导入")).click()
    page.locator("div.card[data-done]").wait_for(timeout=90000)
    assert "导入完成" in page.locator("main").inner_text()


def test_a_street_goes_live_from_an_empty_database(empty_server, browser, desk, phone, shoot):
    server = empty_server
    today = china_today()
    office = desk(**DESKTOP).new_page()

    # --- first run: the setup code from init-db, the street, its first admin ---------------------
    office.goto(server.url("/console/first-run"))
    fill(office, {"code": server.setup_code, "street_name": "和平街道", "street_code": "110105001",
                  "username": ADMIN, "admin_name": "吴街道", "password": ADMIN_PASSWORD,
                  "password2": ADMIN_PASSWORD})
    shoot(office, "first-run", keep=True, full_page=True)
    office.get_by_role("button", name="创建并登录").click()
    office.wait_for_url("**/console/setup/")
    assert "和平街道" in office.locator("main").inner_text()
    shoot(office, "setup-empty", full_page=True)

    # --- a community and its two grids ---------------------------------------------------------
    office.get_by_role("link", name="添加社区").click()
    fill(office, {"name": "幸福社区", "code": "110105001001", "boundary": "东至建设路，南至和平街，西至铁路，北至河堤"})
    office.get_by_role("button", name="保存").click()
    office.wait_for_url("**/console/setup/")
    for name, code, boundary in (("第1网格", "11010500100101", "幸福路以东"), ("第2网格", "11010500100102", "幸福路以西")):
        office.get_by_role("link", name="在本社区添加网格").click()
        fill(office, {"name": name, "code": code, "boundary": boundary})
        office.get_by_role("button", name="保存").click()
        office.wait_for_url(re.compile(r".*/console/setup/(grids/[0-9a-f-]+)?$"))
        office.goto(server.url("/console/setup/"))
    home = office.locator("main").inner_text()
    assert "幸福社区" in home and "第1网格" in home and "第2网格" in home
    shoot(office, "setup-home", full_page=True)

    # --- a building by hand: 21号楼, 2 units × 6 floors × 2 doors, all empty ---------------------
    office.goto(server.url("/console/setup/buildings/new"))
    office.locator("main select[name=grid_id]").select_option(label="第1网格")
    fill(office, {"estate": "幸福家园", "number": "21", "units": "2", "floors": "6", "rooms_per_floor": "2",
                  "built_year": "2001", "captain_name": "刘楼长", "captain_phone": "13800138000"})
    office.locator("main input[name=lift][value='0']").check()
    shoot(office, "building-form", full_page=True)
    office.get_by_role("button", name="保存").click()
    office.wait_for_url(re.compile(r".*/console/setup/buildings/[0-9a-f-]+.*"))
    doors = office.locator("main").inner_text()
    assert "幸福家园21号楼" in doors and "601" in doors and "102" in doors
    shoot(office, "building-doors", full_page=True)

    # --- the spreadsheets: templates down, filled, up, previewed, confirmed -----------------------
    office.goto(server.url("/console/setup/import"))
    templates = {kind: download(office, kind) for kind in ("buildings", "households", "residents")}
    shoot(office, "import", full_page=True)
    import_file(office, shoot, "buildings",
                rows_for(templates["buildings"], BUILDING_HEADERS, buildings(["第1网格", "第2网格"], 20)),
                {"new": 20, "changed": 0, "unchanged": 0, "error": 0}, shot="import-buildings-preview")
    import_file(office, shoot, "households",
                rows_for(templates["households"], HOUSEHOLD_HEADERS, households(600)),
                {"new": 600, "changed": 0, "unchanged": 0, "error": 0}, shot="import-preview")
    shoot(office, "import-done", full_page=True)
    import_file(office, shoot, "residents", rows_for(templates["residents"], RESIDENT_HEADERS, RESIDENTS),
                {"new": 5, "changed": 0, "unchanged": 0, "error": 0})

    # --- grid workers: accounts, then who covers which grid on the grid's page -------------------
    for username, name in (("wg_zhao", "赵网格"), ("wg_qian", "钱网格")):
        office.goto(server.url("/console/users/new"))
        office.locator("main input[name=role][value=grid_worker]").check()
        fill(office, {"username": username, "name": name, "password": WORKER_PASSWORD,
                      "password2": WORKER_PASSWORD})
        office.locator("main label.check", has_text="第1网格").locator("input").check()
        office.get_by_role("button", name="创建账号").click()
        office.wait_for_url(re.compile(r".*/console/users/[0-9a-f-]+.*"))
    office.goto(server.url("/console/setup/"))
    office.get_by_role("link", name="第2网格").click()
    office.locator("main select[name=user_id]").select_option(label="钱网格（wg_qian）")
    office.get_by_role("button", name="指定").click()
    office.locator("main ul.workers", has_text="钱网格").wait_for()
    assert "10 栋楼" in office.locator("main").inner_text()
    shoot(office, "grid-2", full_page=True)
    office.goto(server.url("/console/setup/"))
    office.get_by_role("link", name="第1网格").click()
    office.locator("main ul.workers li", has_text="钱网格").get_by_role("button", name="取消负责").click()
    office.locator("main ul.workers", has_text="赵网格").wait_for()
    assert "钱网格" not in office.locator("main ul.workers").inner_text()
    assert "11 栋楼" in office.locator("main").inner_text()

    # The setup home at a phone's size, once, as a community secretary might open it.
    small = phone().new_page()
    console_login(small, server, ADMIN, ADMIN_PASSWORD)
    small.goto(server.url("/console/setup/"))
    small.locator("main h3", has_text="幸福社区").wait_for()
    shoot(small, "setup-home-phone", keep=True, full_page=True)
    small.context.close()

    # --- the worker's phone: first sync, then offline ------------------------------------------
    context = phone()
    page = context.new_page()
    field_login(page, server, "wg_zhao")
    wait_until(page, HOME_READY, timeout=60000)
    listed = page.locator("#screen").inner_text()
    assert "21号楼" in listed and "19号楼" in listed and "2号楼" not in listed  # 第2网格's stay off
    shoot(page, "phone-home")
    context.set_offline(True)

    page.locator("#screen a.list-item", has_text=re.compile(r"^21号楼")).click()
    door = page.locator("#screen a.door-unregistered[href*='unit=1&floor=3&room=301']")
    door.wait_for()
    shoot(page, "phone-door-grid", keep=True)
    door.click()
    page.locator("#screen h1.bar-title", has_text="登记住户").wait_for()
    form = page.locator("#screen form")
    form.locator("select[name=housing_use]").select_option("rented")
    form.locator("input[name=landlord_name]").fill("刘房东")
    form.locator("input[name=lease_end]").fill((today + timedelta(days=180)).isoformat())
    form.locator("input[name='r.name']").fill("王租客")
    form.locator("input[name='r.sex'][value=male]").check()
    form.locator("select[name='r.relation']").select_option("tenant")
    form.locator("input[name='r.moved_in_from']").fill("河南省周口市")
    shoot(page, "phone-register", keep=True, full_page=True)
    form.get_by_role("button", name="保存住户").click()
    page.locator("#screen .flash", has_text="已登记住户").wait_for()
    shoot(page, "phone-new-household")

    # An imported household: 1号楼 1单元 101, where 李国强 moves out and a baby is born.
    page.goto(server.url("/app/"))
    page.locator("#screen a.list-item", has_text=re.compile(r"^1号楼")).click()
    page.locator("#screen section.door-unit[aria-label='1单元'] a.door", has_text="101").click()
    page.locator("#screen li.resident", has_text="李国强").get_by_role("link", name="迁出").click()
    page.locator("#screen h1.bar-title", has_text="迁出").wait_for()
    page.locator("#screen input[name=moved_out_to]").fill("上海市浦东新区")
    page.locator("#screen").get_by_role("button", name="确认迁出").click()
    page.locator("#screen .flash", has_text="已迁出").wait_for()
    page.locator("#screen").get_by_role("link", name="出生").click()
    page.locator("#screen h1.bar-title", has_text="登记出生").wait_for()
    page.locator("#screen input[name=name]").fill("张小宝")
    page.locator("#screen input[name=sex][value=female]").check()
    page.locator("#screen").get_by_role("button", name="保存出生登记").click()
    page.locator("#screen .flash", has_text="出生").wait_for()
    assert "张小宝" in page.locator("#screen").inner_text()
    shoot(page, "phone-household", full_page=True)

    context.set_offline(False)
    page.goto(server.url("/app/"))
    page.locator("#screen").get_by_role("button", name="立即同步").click()
    wait_until(page, HOME_READY, timeout=30000)
    assert re.search(r"待同步\s*0\s*条", page.locator("#screen .sync-status").inner_text())
    shoot(page, "phone-synced", keep=True)

    # --- staff see it all, with history ---------------------------------------------------------
    def search(kind: str, text: str, link: str, moved: str | None = None) -> None:
        """Type into the list's search box; open the row whose link reads `link`, once the
        filtered table has replaced the full one."""
        office.goto(server.url(f"/console/{kind}"))
        if moved:
            office.locator("main select[name=moved]").select_option(label=moved)
        office.locator("main input[name=q]").fill(text)
        office.locator("main input[name=q]").press("Enter")
        wait_until(office, """([link]) => {
            const rows = [...document.querySelectorAll('#records-table tbody tr')];
            return rows.length === 1 && rows[0].innerText.includes(link);
        }""", [link])
        office.locator("#records-table a", has_text=link).first.click()
        office.wait_for_url(re.compile(rf".*/console/{kind}/[0-9a-f-]+$"), timeout=30000)

    search("households", "21-1-301", "21号楼1单元301")
    text = office.locator("main").inner_text()
    assert "王租客" in text and "刘房东" in text
    office.locator("main a[href^='/console/history/household/']").first.click()
    history = office.locator("#history")
    history.wait_for()
    created = history.locator("li.entry[data-kind=create]").first
    assert "赵网格" in created.inner_text()
    assert created.locator("span.device").get_attribute("data-device") != "console"
    assert "Chrome" in created.locator("span.device").inner_text()  # the phone named itself at sign-in
    shoot(office, "household-history", keep=True, full_page=True)

    search("residents", "李国强", "李国强", moved="已迁出")
    text = office.locator("main").inner_text()
    assert "迁往 上海市浦东新区" in text
    office.locator("main a[href^='/console/history/resident/']").first.click()
    history = office.locator("#history")
    history.wait_for()
    sources = history.locator("span.device").all_inner_texts()
    assert any("批量导入 residents.xlsx" in s for s in sources), sources
    moved = history.locator("li.entry", has_text="赵网格").first
    assert moved.locator("span.device").get_attribute("data-device") != "console"
    assert "上海市浦东新区" in moved.inner_text()
    shoot(office, "resident-history", keep=True, full_page=True)

    search("residents", "张小宝", "张小宝")
    text = office.locator("main").inner_text()
    assert "出生" in text and today.isoformat() in text
    search("households", "1-1-101", "1号楼1单元101")
    text = office.locator("main").inner_text()
    assert "张小宝" in text and "张秀英" in text
    shoot(office, "household-101", keep=True, full_page=True)
