"""Ledgers in a real browser at an office PC's size: an import with bad rows shows them and imports
only the confirmed good rows; an export downloads and, for the street admin, is masked. Both run
as background jobs whose progress the page polls."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from server.extensions import db
from server.registry.models import Resident
from server.registry.validators import make_id_number
from server.syncapi.direct import DirectWriter
from server.syncapi.models import Change

LIU = make_id_number("110105", date(1948, 3, 2), 11)
WANG = make_id_number("110105", date(1950, 5, 1), 22)
BAD = LIU[:-1] + ("1" if LIU[-1] == "0" else "0")
HEADERS = ["网格", "楼栋号", "单元", "楼层", "房号", "姓名", "性别", "出生日期", "证件号码", "联系电话", "与户主关系"]


def ledger(path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(["第1网格", "1", 2, 3, "301", "刘建国", None, None, LIU, "13812345678", "户主"])
    sheet.append(["第1网格", "1", 2, 3, "301", "王秀兰", "女", "1950-05-01", WANG, None, "配偶"])
    sheet.append(["第1网格", "1", 2, 3, "301", "陈某", "男", None, BAD, None, "子女"])
    sheet.append(["第9网格", "1", 2, 3, "302", "赵某", "男", None, None, None, "户主"])
    book.save(path)
    return path


def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_an_import_reports_bad_rows_and_imports_only_the_confirmed_good_ones(live_server, desk, console, screenshot,
                                                                             tmp_path):
    page = desk().new_page()
    accept_dialogs(page)
    console.login(page, live_server, "staff")
    page.click("nav.sidenav >> text=台账")
    expect(page.locator("h1")).to_contain_text("台账")
    screenshot(page, "console-ledgers")

    page.set_input_files("input[type=file][name=file]", str(ledger(tmp_path / "幸福社区居民台账.xlsx")))
    page.click("text=上传并校验")
    page.wait_for_url("**/console/ledgers/imports/**")
    expect(page.locator("[data-count=valid]")).to_have_text("2")
    expect(page.locator("[data-count=errors]")).to_have_text("2")
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(page.locator("tr[data-row='4'][data-code=id_number_checksum]")).to_contain_text("证件号码")
    expect(page.locator("tr[data-row='5'][data-code=import_grid_unknown]")).to_contain_text("网格")
    screenshot(page, "console-ledgers-preview")
    with live_server.app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Resident).where(
            Resident.name.in_(["刘建国", "王秀兰"]))) == 0

    page.click("[data-action=confirm]")
    expect(page.locator("#job-progress[data-status=done]")).to_be_visible()
    expect(page.locator("[data-imported]")).to_have_attribute("data-imported", "2")
    screenshot(page, "console-ledgers-imported")
    with live_server.app.app_context():
        names = db.session.scalars(db.select(Resident.name).where(Resident.name.in_(["刘建国", "王秀兰", "陈某", "赵某"])))
        assert sorted(names) == ["刘建国", "王秀兰"]
        staff_changes = db.session.scalars(db.select(Change.entity).where(Change.user_id == live_server.world.users["staff"].id))
        assert sorted(staff_changes) == ["household", "resident", "resident"]


def test_an_export_downloads_masked_for_the_street_admin(live_server, desk, console, screenshot, tmp_path):
    world = live_server.world
    number = make_id_number("110105", date(1940, 4, 2), 22)
    with live_server.app.app_context():
        person = db.session.get(Resident, world.residents[0].id)
        person.id_number, person.birth_date, person.phone = number, date(1940, 4, 2), "13800138000"
        DirectWriter(db.session, live_server.app.extensions["wangge_clock"]).put("resident", person)
        db.session.commit()
    page = desk().new_page()
    console.login(page, live_server, "admin")
    page.select_option("select[name=community_id]", world.community.id)
    expect(page.locator("select[name=community_id]")).to_have_value(world.community.id)
    page.click("nav.sidenav >> text=台账")
    expect(page.locator(".privacy")).to_have_attribute("data-masked", "yes")
    page.click("form[data-kind=residents] button[type=submit]")
    link = page.locator("[data-download]")
    expect(link).to_be_visible()
    expect(page.locator(".mark.masked")).to_have_text("已脱敏")
    screenshot(page, "console-ledgers-export-ready")
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "export.xlsx"
    info.value.save_as(target)
    assert info.value.suggested_filename.startswith("幸福社区_居民台账_")
    sheet = load_workbook(target)["居民"]
    table = list(sheet.iter_rows(values_only=True))
    assert "【已脱敏】" in table[0]
    assert [r[table[1].index("姓名")] for r in table[2:]] == ["张秀英", "张秀英"]
    numbers = [r[table[1].index("证件号码")] for r in table[2:]]
    assert numbers[0] == "*" * 14 + number[-4:]
    assert number not in str(table) and "13800138000" not in str(table)
