"""A record's history page and workbook, as an auditor reads them: every entity the console shows has
one from its creation; each change says who (name, role), from which device or console screen or
command, when, and each field from → to; numbers are masked per role, and looking at a sensitive
person's history is audited."""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from server.areas.operations import add_building
from server.audit.models import AuditEntry
from server.cases.models import Finding
from server.extensions import db
from server.syncapi.direct import DirectWriter
from sync.ids import uuid7
from tests.console.test_records import add_person, add_tag, add_visit, as_admin_in, days_ago
from tests.console.test_records_edit import resident_form

ENTRY = re.compile(r'<li class="entry (\w+)" data-change="[^"]+" data-kind="\w+">.*?</li>', re.S)


def via_writer(app, via: str, user=None) -> DirectWriter:
    return DirectWriter(db.session, app.extensions["wangge_clock"], user=user, via=via)


def history(client, entity: str, record_id: str) -> str:
    page = client.get(f"/console/history/{entity}/{record_id}")
    assert page.status_code == 200, page.text[:1500]
    return page.text.split('id="history"', 1)[1]


def entries(text: str) -> list[str]:
    return re.findall(r'<li class="entry .*?</li>', text, re.S)


def audits(user_id: str, action: str) -> list[tuple]:
    return db.session.execute(db.select(AuditEntry.entity, AuditEntry.record_id, AuditEntry.detail)
                              .where(AuditEntry.user_id == user_id, AuditEntry.action == action)).all()


@pytest.fixture
def records(app, world):
    """One record of every entity in grid 1, each written by the demo and then changed once more."""
    grid = world.grids[0]
    demo = via_writer(app, "demo")
    building = add_building(demo, grid, "7", units=2, floors=6, estate="幸福小区")
    home = world.households[0]
    person = world.residents[0]
    tag = add_tag(demo, person, "elderly_80plus", started_days_ago=30)
    visit = add_visit(demo, home, world.users["worker"], days_ago(2))
    finding = demo.put("finding", Finding(id=uuid7(), grid_id=grid.id, reporter_id=world.users["worker"].id,
                                          category="safety_plaster", description="7号楼外墙墙皮脱落",
                                          reported_at=days_ago(1)))
    later = via_writer(app, "cli:import")
    later.update("area", grid, {"boundary": "东至人民路，西至和平路"})
    later.update("building", building, {"floors": 7})
    later.update("household", home, {"housing_use": "rented"})
    later.update("resident_tag", tag, {"ended_on": days_ago(0).date()})
    later.update("visit", visit, {"review_status": "reviewed"})
    later.update("finding", finding, {"description": "7号楼外墙墙皮大面积脱落"})
    db.session.commit()
    return {"area": grid, "building": building, "household": home, "resident": person,
            "resident_tag": tag, "visit": visit, "finding": finding}


def test_every_entity_the_console_shows_has_a_history_page_from_its_creation(staff_client, records):
    c = staff_client("staff")
    expected = {"area": ("四至范围", "东至人民路，西至和平路"), "building": ("层数", "7"),
                "household": ("房屋用途", "出租"), "resident_tag": ("结束日期", ""),
                "visit": ("审核状态", "已审核"), "finding": ("事件描述", "7号楼外墙墙皮大面积脱落")}
    for entity, (label, after) in expected.items():
        text = history(c, entity, records[entity].id)
        shown = entries(text)
        assert [re.search(r'data-kind="(\w+)"', e).group(1) for e in shown] == ["update", "create"], entity
        change, created = shown
        assert "命令行导入" in change and f"<th>{label}</th>" in change and after in change, entity
        if entity not in ("area", "household"):  # those two the test world wrote without a via
            assert "演示数据" in created, entity
        assert "（未记录）" not in text and 'data-kind="origin"' not in text, entity


def test_from_to_follows_the_changes_in_clock_order(app, staff_client, records):
    building = records["building"]
    w = via_writer(app, "console:buildings")
    w.update("building", building, {"floors": 9})
    db.session.commit()
    text = history(staff_client("staff"), "building", building.id)
    newest, middle, _ = entries(text)
    assert re.search(r'<th>层数</th>\s*<td class="from ">7</td>.*?<td class="to">9</td>', newest, re.S)
    assert "控制台·楼栋设置" in newest
    assert re.search(r'<th>层数</th>\s*<td class="from ">6</td>.*?<td class="to">7</td>', middle, re.S)


def test_a_console_edit_names_its_screen_and_an_import_its_job(app, staff_client, world):
    person = world.residents[0]
    c = staff_client("staff")
    assert c.post(f"/console/residents/{person.id}/edit", resident_form(c, person, name="张秀芳")).status_code == 302
    via_writer(app, "import:0190abcd1234").update("resident", db.session.get(type(person), person.id),
                                                  {"notes": "导入更新"})
    db.session.commit()
    imported, edited, _ = entries(history(c, "resident", person.id))
    assert "批量导入（任务 0190abcd1234）" in imported and "导入更新" in imported
    assert "控制台·居民档案" in edited and "周社区" in edited and "社区工作人员" in edited
    assert re.search(r'<th>姓名</th>\s*<td class="from ">张秀英</td>.*?张秀芳</td>', edited, re.S)


def test_an_import_is_named_by_its_file_as_the_import_list_shows_it(app, staff_client, world):
    from server.console.models import ConsoleJob

    person = world.residents[0]
    job = ConsoleJob(id=str(uuid7()), user_id=world.users["staff"].id, community_id=world.community.id,
                     kind="setup_import", status="done", file_name="幸福社区居民.xlsx")
    db.session.add(job)
    via_writer(app, f"import:{job.id}").update("resident", db.session.get(type(person), person.id),
                                               {"notes": "导入更新"})
    db.session.commit()
    imported = entries(history(staff_client("staff"), "resident", person.id))[0]
    assert f"批量导入 幸福社区居民.xlsx（任务 {job.id[:8]}）" in imported


def test_numbers_are_full_for_roles_that_hold_them_and_that_view_is_audited(app, staff_client, world):
    person = world.residents[0]
    via_writer(app, "demo").update("resident", person, {"phone": "13812345678"})
    db.session.commit()
    staff = staff_client("staff")
    text = history(staff, "resident", person.id)
    assert "13812345678" in text
    assert audits(world.users["staff"].id, "view_history") == [("resident", person.id, {"numbers": "full"})]

    admin = as_admin_in(app, staff_client, world.community)
    page = admin.get(f"/console/history/resident/{person.id}").text
    assert "13812345678" not in page and "138****5678" in page
    assert audits(world.users["admin"].id, "view_history") == []
    # The workbook follows the same rule, and says which it is.
    book = load_workbook(BytesIO(admin.get(f"/console/history/resident/{person.id}/export.xlsx").data))
    cells = [str(v) for row in book.active.iter_rows(values_only=True) for v in row if v is not None]
    assert "138****5678" in cells and not any("13812345678" in v for v in cells) and "【已脱敏】" in cells


def test_the_history_of_a_person_with_a_sensitive_care_tag_is_audited(app, staff_client, world):
    w = via_writer(app, "demo")
    ill = add_person(w, world.households[0], "李梅", sex="female")
    tag = add_tag(w, ill, "chronic_ill", started_days_ago=10)
    plain = world.residents[0]
    db.session.commit()
    c = staff_client("staff")
    history(c, "resident", plain.id)
    assert audits(world.users["staff"].id, "view_care") == []
    history(c, "resident", ill.id)
    history(c, "resident_tag", tag.id)
    assert audits(world.users["staff"].id, "view_care") == [("resident", ill.id, {"tags": ["chronic_ill"], "via": "history"})] * 2


def test_the_workbook_lists_each_field_from_and_to_in_beijing_time(app, staff_client, records):
    c = staff_client("staff")
    reply = c.get(f"/console/history/household/{records['household'].id}/export.xlsx")
    assert reply.status_code == 200 and reply.mimetype.endswith("spreadsheetml.sheet")
    name = reply.headers["Content-Disposition"]
    assert records["household"].id[:8] in name and "501" not in name  # no address or name in the file name
    sheet = load_workbook(BytesIO(reply.data)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    changed = next(r for r in rows if r[7] == "房屋用途" and r[9] == "出租")
    assert changed[4] == "命令行导入" and changed[6] == "修改" and changed[8] == "自住"
    datetime.strptime(changed[0], "%Y-%m-%d %H:%M")
    assert any(r[6] == "新建" for r in rows)
    assert audits(world_staff_id(records), "export") == [("household", records["household"].id,
                                                         {"kind": "history", "masked": False})]


def world_staff_id(records) -> str:
    from server.auth.models import User

    return db.session.scalar(db.select(User.id).where(User.username == "staff"))


def test_history_outside_scope_or_of_an_unknown_kind_is_not_found(staff_client, world, records):
    far = staff_client("far_staff")
    for entity in ("household", "resident", "visit", "finding", "building", "area"):
        assert far.get(f"/console/history/{entity}/{records[entity].id}").status_code == 404, entity
        assert far.get(f"/console/history/{entity}/{records[entity].id}/export.xlsx").status_code == 404, entity
    c = staff_client("staff")
    assert c.get(f"/console/history/user/{world.users['worker'].id}").status_code == 404
    assert c.get(f"/console/history/household/{world.households[2].id}").status_code == 404


def test_detail_pages_link_to_the_full_history(staff_client, world, records):
    c = staff_client("staff")
    for url, target in ((f"/console/households/{records['household'].id}", f"/console/history/household/{records['household'].id}"),
                        (f"/console/residents/{records['resident'].id}", f"/console/history/resident/{records['resident'].id}"),
                        (f"/console/residents/{records['resident'].id}", f"/console/history/resident_tag/{records['resident_tag'].id}"),
                        (f"/console/households/{records['household'].id}", f"/console/history/visit/{records['visit'].id}"),
                        (f"/console/cases/{records['finding'].id}", f"/console/history/finding/{records['finding'].id}")):
        assert f'href="{target}"' in c.get(url).text, (url, target)
