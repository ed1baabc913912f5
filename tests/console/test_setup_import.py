"""Bulk setup from spreadsheets in the console: the templates fill and import back, the preview
names every new, changed (from → to), unchanged and wrong row (per cell), a re-import changes
exactly what differs, every write is in the record's history, and an import cut off by a restart
resumes after its last committed row without creating anything twice."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from server.areas.models import Building
from server.console.models import ConsoleJob
from server.core.time import utcnow
from server.extensions import db
from server.imports import write as import_write
from server.registry.models import Household
from server.syncapi.models import Change
from tests.console.cases_helpers import street_admin_on
from tests.setup_files import (BUILDING_HEADERS, HOUSEHOLD_HEADERS, book_bytes, buildings, fill_template,
                               households)

JOB = re.compile(r"/console/setup/import/jobs/([0-9a-f-]{36})")


@pytest.fixture
def inline(app):
    app.config["CONSOLE_JOBS_INLINE"] = True
    return app


def upload(client, kind: str, data: bytes) -> str:
    reply = client.post("/console/setup/import", {"kind": kind, "file": (io.BytesIO(data), f"{kind}.xlsx")},
                        content_type="multipart/form-data")
    assert reply.status_code == 303, reply.text
    return JOB.search(reply.headers["Location"]).group(1)


def page(client, job_id: str) -> str:
    reply = client.get(f"/console/setup/import/jobs/{job_id}")
    assert reply.status_code == 200, reply.text
    return reply.text


def counted(text: str) -> dict[str, int]:
    return {name: int(n) for name, n in re.findall(r'data-count="(\w+)">[^<\d]*(\d+)<', text)}


def confirm(client, job_id: str) -> None:
    assert client.post(f"/console/setup/import/jobs/{job_id}/confirm").status_code == 303


def live(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False)))


def via(job_id: str, entity: str) -> set[str]:
    db.session.rollback()
    return {c.record_id for c in db.session.scalars(select(Change).where(Change.entity == entity))
            if (c.result or {}).get("via") == f"import:{job_id}"}


def test_templates_round_trip_and_a_reimport_changes_exactly_the_ten_changed_households(inline, world, staff_client):
    staff = staff_client("staff")
    template = staff.get("/console/setup/import/template/buildings.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["网格", "小区", "楼号"]
    assert sheet.cell(row=2, column=3).value == "3"  # the example row
    assert book["选项"].sheet_state == "hidden"
    assert {str(v.sqref)[0] for v in sheet.data_validations.dataValidation} >= {"A", "I"}  # 网格, 电梯

    headers = [c.value for c in sheet[1]]
    rows = [[dict(zip(BUILDING_HEADERS, r)).get(h) for h in headers] for r in buildings(["第1网格", "第2网格"], 20)]
    buildings_before = live(Building)
    job = upload(staff, "buildings", fill_template(template.data, rows))
    assert counted(page(staff, job)) == {"new": 20, "changed": 0, "unchanged": 0, "error": 0}
    confirm(staff, job)
    assert live(Building) == buildings_before + 20
    assert len(via(job, "building")) == 20

    template = staff.get("/console/setup/import/template/households.xlsx").data
    headers = [c.value for c in load_workbook(io.BytesIO(template)).worksheets[0][1]]
    doors = [[dict(zip(HOUSEHOLD_HEADERS, r)).get(h) for h in headers] for r in households(600)]
    households_before = live(Household)
    first = upload(staff, "households", fill_template(template, doors))
    text = page(staff, first)
    assert counted(text) == {"new": 600, "changed": 0, "unchanged": 0, "error": 0}, re.findall(r"data-row=.{0,300}", text)[:3]
    assert "确认导入（新建 600，修改 0）" in text
    confirm(staff, first)
    assert live(Household) == households_before + 600
    assert "导入完成" in page(staff, first)

    same = upload(staff, "households", fill_template(template, doors))
    assert counted(page(staff, same)) == {"new": 0, "changed": 0, "unchanged": 600, "error": 0}
    assert staff.post(f"/console/setup/import/jobs/{same}/confirm").status_code == 422

    phone = headers.index("联系电话")
    for i in range(0, 600, 60):
        doors[i][phone] = f"135{i:08d}"
    again = upload(staff, "households", fill_template(template, doors))
    text = page(staff, again)
    assert counted(text) == {"new": 0, "changed": 10, "unchanged": 590, "error": 0}
    assert "联系电话：13800000060 → 13500000060" in text
    confirm(staff, again)
    changed = via(again, "household")
    assert len(changed) == 10
    assert {h.contact_phone for h in map(lambda i: db.session.get(Household, i), changed)} == \
        {f"135{i:08d}" for i in range(0, 600, 60)}


def test_each_wrong_cell_is_named_by_row_and_column_and_error_rows_are_not_written(inline, world, staff_client):
    staff = staff_client("staff")
    staff_rows = households(6, estate="", buildings_count=1)
    for row in staff_rows:
        row[0] = "第1网格"
    staff_rows[1][6] = "宿舍"           # 房屋用途
    staff_rows[2][8] = "12345"          # 联系电话
    staff_rows[3][11] = "2027-13-01"    # 租约到期
    staff_rows[4][0] = "第9网格"        # 网格
    before = live(Household)
    job = upload(staff, "households", book_bytes(HOUSEHOLD_HEADERS, staff_rows))
    text = page(staff, job)
    cells = set(re.findall(r'data-row="(\d+)" data-column="([^"]+)" data-code="(\w+)"', text))
    assert cells == {("3", "房屋用途", "invalid_choice"), ("4", "联系电话", "phone_format"),
                     ("5", "租约到期", "invalid_date"), ("6", "网格", "import_grid_unknown")}
    assert "有错误的行不会导入" in text
    report = load_workbook(io.BytesIO(staff.get(f"/console/setup/import/jobs/{job}/errors.xlsx").data)).worksheets[0]
    lines = [[c.value for c in row] for row in report.iter_rows()]
    header = next(i for i, line in enumerate(lines) if line and line[0] == "网格")
    assert [line[-2] for line in lines[header + 1:]] == [3, 4, 5, 6]
    assert "房屋用途" in lines[header + 1][-1] and "invalid_choice" in lines[header + 1][-1]
    counts = counted(text)
    assert counts["error"] == 4 and counts["new"] + counts["unchanged"] == 2
    confirm(staff, job)
    assert live(Household) == before + counts["new"]


class Killed(BaseException):
    """The process dying mid-import (not an error the job could record)."""


def test_an_import_cut_off_by_a_restart_resumes_after_its_last_committed_row(inline, world, staff_client,
                                                                             monkeypatch):
    staff = staff_client("staff")
    job = upload(staff, "buildings", book_bytes(BUILDING_HEADERS, buildings(["第1网格"], 20)))
    confirm(staff, job)
    before = live(Household)
    job = upload(staff, "households", book_bytes(HOUSEHOLD_HEADERS, households(600)))
    real = import_write.write_row
    calls = []

    def dies_at_row_250(*args):
        calls.append(1)
        if len(calls) == 250:
            raise Killed()
        return real(*args)

    monkeypatch.setattr(import_write, "write_row", dies_at_row_250)
    with pytest.raises(Killed):
        staff.post(f"/console/setup/import/jobs/{job}/confirm")
    monkeypatch.setattr(import_write, "write_row", real)
    db.session.rollback()
    assert live(Household) == before + 200  # two chunks committed, the third lost
    stored = db.session.get(ConsoleJob, job)
    assert stored.status == "running" and stored.result["last_row"] == 201

    # The server restarted: nothing writes any more, and the heartbeat goes stale.
    stored.result = {**stored.result, "beat": (utcnow() - timedelta(minutes=10)).isoformat()}
    db.session.commit()
    text = page(staff, job)
    assert "继续导入" in text and "data-interrupted" in text
    assert staff.post(f"/console/setup/import/jobs/{job}/resume").status_code == 303
    assert "导入完成" in page(staff, job)
    assert live(Household) == before + 600
    db.session.rollback()
    doors = db.session.execute(select(Household.building_id, Household.unit, Household.room, func.count())
                               .group_by(Household.building_id, Household.unit, Household.room)).all()
    assert all(n == 1 for *_, n in doors)
    assert len(via(job, "household")) == 600
    assert staff.post(f"/console/setup/import/jobs/{job}/resume").status_code == 409


RESIDENT_HEADERS = ["网格", "小区", "楼号", "单元", "楼层", "门牌", "姓名", "性别", "出生日期", "证件号码", "手机",
                    "人口类型", "居住证到期", "关爱标签"]


def test_residents_are_matched_by_id_number_or_household_and_name_and_their_households_made_once(
        inline, world, staff_client):
    from datetime import date

    from server.registry.models import Resident, ResidentTag
    from server.registry.validators import make_id_number

    liu = make_id_number("110105", date(1948, 3, 2), 11)
    wang = make_id_number("110105", date(1950, 5, 1), 22)
    bad = liu[:-1] + ("0" if liu[-1] != "0" else "1")
    rows = [
        ["第1网格", None, "1", 1, 5, "501", "张秀英", "女", None, None, "13912345678", None, None, "高龄老人"],  # 2
        ["第1网格", None, "1号楼", 2, None, "301", "刘建国", None, None, liu, None, "户籍", None, "独居老人"],  # 3
        ["第1网格", None, "1", 2, 3, "301室", "王秀兰", None, None, wang, None, None, None, None],           # 4
        ["第1网格", None, "1", 2, 3, "302", "陈某", "男", None, bad, None, None, None, None],                 # 5
        ["第1网格", None, "1", 2, 3, "303", "赵某", "男", "1960-01-01", None, None, "户籍", "2027-01-01", None],  # 6
        ["第1网格", None, "1", 2, 3, "304", "钱某", "男", "1960-01-01", None, None, None, None, "不存在"],     # 7
    ]
    staff = staff_client("staff")
    job = upload(staff, "residents", book_bytes(RESIDENT_HEADERS, rows))
    text = page(staff, job)
    assert counted(text) == {"new": 2, "changed": 1, "unchanged": 0, "error": 3}
    cells = set(re.findall(r'data-row="(\d+)" data-column="([^"]+)" data-code="(\w+)"', text))
    assert cells == {("5", "证件号码", "id_number_checksum"), ("6", "居住证到期", "permit_for_migrant_only"),
                     ("7", "关爱标签", "import_tag_unknown")}
    assert "手机：（空） → 13912345678" in text and "关爱标签：（空） → 高龄老人" in text
    households_before = live(Household)
    confirm(staff, job)
    assert live(Household) == households_before + 1  # 2单元301, made once for two people
    db.session.rollback()
    person = db.session.scalar(select(Resident).where(Resident.id_number == liu))
    assert (person.sex, person.birth_date) == ("male", date(1948, 3, 2))
    assert db.session.scalar(select(func.count()).select_from(ResidentTag).where(
        ResidentTag.resident_id == person.id)) == 1
    assert db.session.get(Resident, world.residents[0].id).phone == "13912345678"

    good = rows[:3]
    again = upload(staff, "residents", book_bytes(RESIDENT_HEADERS, good))
    assert counted(page(staff, again)) == {"new": 0, "changed": 0, "unchanged": 3, "error": 0}
    good[1][10] = "13700001111"
    moved = upload(staff, "residents", book_bytes(RESIDENT_HEADERS, good))
    text = page(staff, moved)
    assert counted(text) == {"new": 0, "changed": 1, "unchanged": 2, "error": 0}
    assert "手机：（空） → 13700001111" in text
    good[1][5] = "302"   # 刘建国 moves next door: matched by his ID number, his household changes
    text = page(staff, upload(staff, "residents", book_bytes(RESIDENT_HEADERS, good)))
    assert "地址：1号楼2单元301 → 1号楼2单元302" in text
    good[1][:6] = ["第2网格", None, "1", 1, 5, "501"]  # or to 第2网格's building: his care tag goes with him
    confirm(staff, upload(staff, "residents", book_bytes(RESIDENT_HEADERS, good)))
    db.session.rollback()
    tag = db.session.scalar(select(ResidentTag).where(ResidentTag.resident_id == person.id))
    assert (db.session.get(Resident, person.id).household_id, tag.grid_id) == (world.households[1].id,
                                                                                 world.grids[1].id)


def test_a_street_admin_reads_personal_numbers_in_the_diffs_masked(inline, world, staff_client):
    admin = street_admin_on(staff_client, world.community)
    rows = [["第1网格", None, "1", 1, 5, "501", "张秀英", "女", None, None, "13912345678", None, None, None]]
    text = page(admin, upload(admin, "residents", book_bytes(RESIDENT_HEADERS, rows)))
    assert counted(text)["changed"] == 1
    assert "13912345678" not in text and "139****5678" in text


def test_a_street_admin_may_not_import_id_numbers_and_learns_nothing_from_them(inline, world, staff_client):
    # Rows are matched by ID number: from a role that never sees one in full, a row carrying one is
    # refused before any matching, or the preview would say whether the number belongs to someone.
    admin = street_admin_on(staff_client, world.community)
    rows = [["第1网格", None, "1", 1, 5, "501", "张秀英", "女", None, "110105194803020021", None, None, None, None]]
    text = page(admin, upload(admin, "residents", book_bytes(RESIDENT_HEADERS, rows)))
    assert counted(text)["error"] == 1 and counted(text)["changed"] == 0 and counted(text)["new"] == 0
    assert "field_not_permitted" in text


def test_a_door_registered_on_a_phone_after_the_preview_is_not_registered_twice(inline, app, world, staff_client):
    from sync.ids import uuid7

    from server.syncapi.direct import DirectWriter

    staff = staff_client("staff")
    rows = [["第1网格", None, "1", 2, 4, "401", "出租", None, None, None, None, None],
            ["第1网格", None, "1", 2, 4, "402", "自住", None, None, None, None, None]]
    job = upload(staff, "households", book_bytes(HOUSEHOLD_HEADERS, rows))
    assert counted(page(staff, job))["new"] == 2
    # Meanwhile a grid worker registers 2单元401 (its own id) and says it is rented.
    phone_made = Household(id=uuid7(), building_id=world.buildings[0].id, grid_id=world.grids[0].id, unit=2, floor=4,
                           room="401", housing_use="rented")
    DirectWriter(db.session, app.extensions["wangge_clock"]).put("household", phone_made)
    db.session.commit()
    confirm(staff, job)
    db.session.rollback()
    at = db.session.scalars(select(Household).where(Household.building_id == world.buildings[0].id,
                                                    Household.unit == 2, Household.room == "401")).all()
    assert [h.id for h in at] == [phone_made.id]
    assert 'data-late="1"' in page(staff, job)
    assert len(via(job, "household")) == 1


def test_buildings_are_matched_by_estate_and_number_and_not_moved_between_grids_by_a_cell(inline, world, staff_client):
    staff = staff_client("staff")
    headers = ["网格", "小区", "楼号", "单元数", "电梯"]
    rows = [["第2网格", None, "1号楼", 3, "是"],    # 2: 第2网格's building 1 (两栋 1 号楼: the grid says which)
            [None, None, "1", 2, None],            # 3: which building 1?
            ["第1网格", "新村", "7", "两", None]]   # 4: 单元数 not a number
    text = page(staff, upload(staff, "buildings", book_bytes(headers, rows)))
    assert counted(text) == {"new": 0, "changed": 1, "unchanged": 0, "error": 2}
    assert "单元数：2 → 3" in text and "电梯：（空） → 是" in text
    cells = set(re.findall(r'data-row="(\d+)" data-column="([^"]+)" data-code="(\w+)"', text))
    assert cells == {("3", "楼号", "import_building_ambiguous"), ("4", "单元数", "invalid_type")}

    db.session.add(world.buildings[1])
    world.buildings[1].estate = "老街"
    db.session.commit()
    text = page(staff, upload(staff, "buildings", book_bytes(headers, [["第1网格", "老街", "1", None, None]])))
    assert 'data-row="2" data-column="网格" data-code="import_building_grid_change"' in text
    db.session.rollback()
    assert db.session.get(Building, world.buildings[1].id).grid_id == world.grids[1].id


def test_an_import_whose_server_process_restarted_is_seen_as_interrupted_at_once(inline, world, staff_client,
                                                                                  monkeypatch):
    from server.console.setup_import import tasks

    staff = staff_client("staff")
    job = upload(staff, "buildings", book_bytes(BUILDING_HEADERS, buildings(["第1网格"], 3)))
    stored = db.session.get(ConsoleJob, job)
    # Left "running" by a process of this host that no longer exists: the heartbeat is fresh.
    stored.status = "running"
    stored.result = {**stored.result, "phase": "importing", "last_row": 0, "written": 0,
                     "beat": utcnow().isoformat(), "worker": {**tasks._worker(), "process": "before-restart"}}
    db.session.commit()
    assert "继续导入" in page(staff, job)
    assert staff.post(f"/console/setup/import/jobs/{job}/resume").status_code == 303
    assert "导入完成" in page(staff, job)
    assert live(Building) == 3 + 3


def test_setup_import_on_both_databases(any_app, any_world, device_factory):
    from tests.console.conftest import StaffClient

    any_app.config["CONSOLE_JOBS_INLINE"] = True
    staff = StaffClient(any_app.test_client())
    assert staff.login("staff").status_code == 302
    job = upload(staff, "buildings", book_bytes(BUILDING_HEADERS, buildings(["第1网格", "第2网格"], 2)))
    confirm(staff, job)
    doors = households(60, buildings_count=2)
    confirm(staff, upload(staff, "households", book_bytes(HOUSEHOLD_HEADERS, doors)))
    doors[6][6] = "空置"
    text = page(staff, upload(staff, "households", book_bytes(HOUSEHOLD_HEADERS, doors)))
    assert counted(text) == {"new": 0, "changed": 1, "unchanged": 59, "error": 0}
    assert "房屋用途：自住 → 空置" in text
    # The grid worker's phone pulls what the import wrote.
    db.session.rollback()
    imported = db.session.scalar(select(Household).join(Building, Building.id == Household.building_id).where(
        Building.estate == "幸福家园", Building.grid_id == any_world.grids[0].id).limit(1))
    worker = device_factory("worker", app=any_app)
    worker.sync()
    assert worker.get("household", imported.id)["room"] == imported.room
