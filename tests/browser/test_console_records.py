"""The records pages in a real browser at an office PC's size: find a resident through the list
filters, see a full number on request, edit a field and find the edit in the history."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from server.auth.models import User
from server.cases.models import Finding
from server.extensions import db
from server.registry.models import Resident
from server.registry.validators import make_id_number
from server.syncapi.direct import DirectWriter
from sync.ids import uuid7
from tests.browser.test_sync_edge_cases import server_query

ID_NUMBER = make_id_number("110105", date(1950, 4, 2), 22)


def fail_on_dialog(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def test_find_reveal_edit_and_see_the_history(live_server, desk, console, screenshot):
    world = live_server.world
    with live_server.app.app_context():
        person = db.session.get(Resident, world.residents[0].id)
        person.id_number, person.birth_date, person.phone = ID_NUMBER, date(1950, 4, 2), "13800138000"
        DirectWriter(db.session, live_server.app.extensions["wangge_clock"]).put("resident", person)
        db.session.commit()
        person_id = person.id
    page = desk().new_page()
    dialogs = fail_on_dialog(page)
    console.login(page, live_server, "staff")

    page.goto(live_server.url("/console/residents"))
    rows = page.locator("table.records tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.records")).to_contain_text("*" * 14 + ID_NUMBER[-4:])
    assert ID_NUMBER not in page.content()
    screenshot(page, "console-residents")

    # The grid filter swaps the table in place and keeps the filter in the address.
    page.select_option("select[name=grid]", world.grids[1].id)
    expect(rows).to_have_count(1)
    expect(page).to_have_url(live_server.url(f"/console/residents?grid={world.grids[1].id}"))
    page.select_option("select[name=grid]", world.grids[0].id)
    page.fill("input[name=q]", "zxy")
    expect(rows).to_have_count(1)
    # The search text is posted, never put in the address (access logs, history): the grid stays.
    expect(page).to_have_url(live_server.url(f"/console/residents?grid={world.grids[0].id}"))
    page.click(f"a[href='/console/residents/{person_id}']")
    expect(page.locator("h1")).to_have_text("张秀英")
    screenshot(page, "console-resident")

    page.click("[data-reveal=id_number]")
    expect(page.locator("#number-id [data-revealed]")).to_contain_text(ID_NUMBER)
    expect(page.locator("#number-phone")).to_contain_text("138****8000")

    page.click("text=编辑居民")
    page.fill("input[name=ethnicity]", "回族")
    page.fill("input[name=id_number]", ID_NUMBER[:-1] + ("1" if ID_NUMBER[-1] != "1" else "2"))
    page.click("button[type=submit].primary")
    expect(page.locator("[data-code=id_number_checksum]")).to_be_visible()
    expect(page.locator("input[name=ethnicity]")).to_have_value("回族")
    screenshot(page, "console-resident-edit")
    page.fill("input[name=id_number]", "")
    page.click("button[type=submit].primary")
    expect(page.locator("[data-flash=ok]")).to_contain_text("已保存")
    entry = page.locator("#history li.entry").first
    expect(entry).to_contain_text("周社区")
    expect(entry).to_contain_text("控制台")
    expect(entry.locator("tr[data-field=ethnicity] td.to")).to_have_text("回族")
    page.locator("#history").scroll_into_view_if_needed()
    screenshot(page, "console-resident-history")

    page.click("text=添加关爱标签")
    page.select_option("select[name=tag]", "disabled")  # the form for that tag's details loads
    page.click("button[type=submit].primary")
    expect(page.locator(".field [data-code=required]")).to_have_count(2)
    expect(page.locator("nav.sidenav a[aria-current=page]")).to_have_text("居民")
    screenshot(page, "console-resident-tag")

    page.goto(live_server.url("/console/households"))
    expect(page.locator("table.records tbody tr")).to_have_count(2)
    screenshot(page, "console-households")
    page.click(f"a[href='/console/households/{world.households[0].id}']")
    expect(page.locator("h1")).to_have_text("1号楼1单元501")
    screenshot(page, "console-household")
    assert dialogs == []


def test_a_name_with_markup_is_shown_as_text(live_server, desk, console, screenshot):
    world = live_server.world
    name = "<img src=x onerror=alert(1)>"
    with live_server.app.app_context():
        evil = DirectWriter(db.session, live_server.app.extensions["wangge_clock"]).put("resident", Resident(
            id=uuid7(), household_id=world.households[0].id, grid_id=world.grids[0].id, name=name, sex="male"))
        db.session.commit()
        evil_id = evil.id
    page = desk().new_page()
    dialogs = fail_on_dialog(page)
    console.login(page, live_server, "staff")
    for url in ("/console/residents", f"/console/residents/{evil_id}", f"/console/households/{world.households[0].id}"):
        page.goto(live_server.url(url))
        expect(page.get_by_text(name).first).to_be_visible()
        assert page.locator("main img").count() == 0
    screenshot(page, "console-household-markup-name")
    assert dialogs == []


def test_staff_of_another_community_cannot_see_or_change_a_record_even_by_url(live_server, desk, console,
                                                                               screenshot):
    from server.audit.models import AuditEntry
    from tests.browser.test_case_check import write_as

    world = live_server.world
    with live_server.app.app_context():
        person = db.session.get(Resident, world.residents[0].id)  # 幸福社区, grid 1
        person.name, person.phone = "刘守田", "13800138000"
        DirectWriter(db.session, live_server.app.extensions["wangge_clock"]).put("resident", person)
        db.session.commit()
    person_id, household_id = world.residents[0].id, world.households[0].id
    finding_id = write_as(live_server, "worker", "finding", {
        "grid_id": world.grids[0].id, "category": "safety_plaster", "description": "幸福社区1号楼墙皮脱落",
        "reported_at": "2026-11-20T03:00:00Z"})

    page = desk().new_page()
    console.login(page, live_server, "far_staff")  # 团结社区's staff
    page.goto(live_server.url("/console/residents"))
    page.fill("input[name=q]", "刘守田")
    page.locator("form.records-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert "刘守田" not in page.locator("body").inner_text()  # (the search box holds the query)
    assert page.locator(f"a[href='/console/residents/{person_id}']").count() == 0
    page.goto(live_server.url("/console/cases"))
    assert "幸福社区1号楼墙皮脱落" not in page.content()

    for path in (f"/console/residents/{person_id}", f"/console/households/{household_id}",
                 f"/console/residents/{person_id}/edit", f"/console/cases/{finding_id}"):
        reply = page.goto(live_server.url(path))
        assert reply.status == 404, path
        # The same answer as for a record that does not exist: not even its existence shows.
        content = page.content()
        assert 'data-code="not_found"' in content and "刘守田" not in content and "墙皮脱落" not in content, path
        assert "不属于您负责的社区" in content  # what to do about it
    screenshot(page, "console-out-of-scope")

    # Forms posted straight at the URLs (a crafted request, with the session's own CSRF token).
    token = page.evaluate("() => JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    headers = {"X-CSRFToken": token}
    reveal = page.request.post(live_server.url(f"/console/residents/{person_id}/reveal"),
                               form={"field": "phone"}, headers=headers)
    edit = page.request.post(live_server.url(f"/console/residents/{person_id}/edit"),
                             form={"name": "改掉的名字", "sex": "male"}, headers=headers)
    step = page.request.post(live_server.url(f"/console/cases/{finding_id}/steps"),
                             form={"from_status": "reported", "to_status": "accepted"}, headers=headers)
    assert (reveal.status, edit.status, step.status) == (404, 404, 404)
    assert "13800138000" not in reveal.text()

    def state():
        far = db.session.scalar(db.select(User.id).where(User.username == "far_staff"))
        seen = db.select(db.func.count()).select_from(AuditEntry).where(AuditEntry.user_id == far,
                                                                        AuditEntry.record_id == person_id)
        return db.session.get(Resident, person_id).name, db.session.get(Finding, finding_id).status, db.session.scalar(seen)
    assert server_query(live_server, state) == ("刘守田", "reported", 0)
