"""Importing households and residents from a ledger: every row checked with the sync rules, a
preview with row-level errors, nothing written before confirmation, only good rows imported (each
a change that reaches the phones), a second import of the same file harmless, bad files refused."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from server.audit.models import AuditEntry
from server.console.models import ConsoleJob
from server.extensions import db
from server.registry.models import Household, Resident
from server.registry.validators import make_id_number
from server.syncapi.direct import DirectWriter
from server.syncapi.models import Change
from tests.console.cases_helpers import refused, street_admin_on
from tests.pulls import pull_until
from tests.setup_files import book_bytes

HEADERS = ["网格", "楼栋号", "单元", "楼层", "房号", "房屋用途", "姓名", "性别", "出生日期", "证件类型", "证件号码",
           "联系电话", "民族", "与户主关系", "人口类型"]
LIU = make_id_number("110105", date(1948, 3, 2), 11)      # male
WANG = make_id_number("110105", date(1950, 5, 1), 22)     # female
TAKEN = make_id_number("110105", date(1960, 1, 1), 31)    # already 第2网格's 张秀英
BAD = LIU[:-1] + ("0" if LIU[-1] != "0" else "1")
JOB = re.compile(r"/console/ledgers/jobs/([0-9a-f-]{36})")


def row(grid="第1网格", building="1", unit=2, floor=None, room="301", use="出租", name="刘建国", sex=None,
        birth=None, id_type=None, number=LIU, phone="13812345678", ethnicity="汉族", relation="户主", kind="户籍"):
    return [grid, building, unit, floor, room, use, name, sex, birth, id_type, number, phone, ethnicity, relation, kind]


GOOD = [
    row(),                                                                              # 2: new household 1-2-301
    row(building="1号楼", floor=3, name="王秀兰", sex="女", birth="1950-05-01", number=WANG, relation="配偶",
        phone=None),                                                                    # 3: same new household
    row(unit=1, floor=5, room="501", name="张小明", sex="男", birth=date(2015, 6, 1), number=None, phone=None,
        relation="孙子女"),                                                             # 4: existing household
]
BAD_ROWS = [
    (row(name="陈某", sex="男", number=BAD), "证件号码", "id_number_checksum"),                       # 5
    (row(grid="第9网格", name="赵某"), "网格", "import_grid_unknown"),                       # 6
    (row(grid="第2网格", building="8", name="钱某"), "楼栋号", "import_building_unknown"),   # 7
    (row(name="刘建国"), "证件号码", "import_duplicate_row"),                                # 8
    (row(name="孙某", number=TAKEN), "证件号码", "import_id_number_exists"),                 # 9
    (row(name="周某", number=None, sex="男", birth="1950-13-01"), "出生日期", "invalid_date"),  # 10
    (row(name=None, number=None, sex="男"), "姓名", "required"),                             # 11
    (row(name="吴某", number=None, sex="未知"), "性别", "invalid_choice"),                    # 12
    (row(grid="团结第1网格", name="郑某", number=None, sex="男"), "网格", "import_grid_unknown"),  # 13
    (row(name="冯某", number=None, sex="男", phone="12345"), "联系电话", "phone_format"),     # 14
    (row(name="卫某", sex="男", number=110105194803020011), "证件号码", "import_id_as_number"),  # 15
]


def xlsx(rows, headers=HEADERS, title=None) -> bytes:
    return book_bytes(headers, rows, title)


@pytest.fixture
def inline(app):
    app.config["CONSOLE_JOBS_INLINE"] = True
    return app


@pytest.fixture
def taken(app, world):
    writer = DirectWriter(db.session, app.extensions["wangge_clock"])
    person = db.session.get(Resident, world.residents[1].id)
    person.id_number, person.birth_date, person.sex = TAKEN, date(1960, 1, 1), "male"
    writer.put("resident", person)
    db.session.commit()
    return person.id


def upload(client, data: bytes, name="幸福社区居民台账.xlsx"):
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"csrf_token": client.token,
                                       "file": FileStorage(io.BytesIO(data), filename=name)})
    return client.client.post("/console/ledgers/imports", data=body, headers={"HX-Request": "true"},
                              content_type=f"multipart/form-data; boundary={boundary}")


def uploaded(client, data: bytes) -> str:
    reply = upload(client, data)
    assert reply.status_code == 204, reply.text
    return JOB.search(reply.headers["HX-Redirect"]).group(1)


def preview(client, job_id) -> str:
    page = client.get(f"/console/ledgers/imports/{job_id}")
    assert page.status_code == 200, page.text
    return page.text


def count(page, name) -> int:
    return int(re.search(rf'data-count="{name}">(\d+)<', page).group(1))


def resident_count() -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(Resident))


def test_bad_rows_are_reported_by_row_and_column_and_only_confirmed_good_rows_are_imported(
        inline, world, taken, staff_client, device_factory):
    staff = staff_client("staff")
    before = resident_count()
    job_id = uploaded(staff, xlsx(GOOD + [r for r, _, _ in BAD_ROWS]))
    page = preview(staff, job_id)
    assert (count(page, "rows"), count(page, "valid"), count(page, "errors"), count(page, "households")) == (14, 3, 11, 1)
    reported = re.findall(r'<tr data-row="(\d+)" data-code="([a-z_]+)">\s*<td class="num">\d+</td>\s*<td>([^<]+)</td>', page)
    expected = [(str(n), code, column) for n, (_, column, code) in enumerate(BAD_ROWS, start=5)]
    assert sorted(reported) == sorted(expected)
    assert "与第2行重复" in page
    assert LIU not in page and "*" * 14 + LIU[-4:] in page  # masked in the preview too
    # Nothing is written before the staff member confirms.
    assert resident_count() == before

    report = staff.get(f"/console/ledgers/imports/{job_id}/errors.xlsx")
    assert report.status_code == 200
    data = report.data
    report.close()
    sheet = load_workbook(io.BytesIO(data)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[1] == tuple(HEADERS) + ("原行号", "错误说明")
    assert [r[-2] for r in table[2:]] == list(range(5, 16))
    assert "id_number_checksum" in table[2][-1] and "证件号码" in table[2][-1]

    reply = staff.post(f"/console/ledgers/imports/{job_id}/confirm")
    assert reply.status_code == 303
    job = db.session.get(ConsoleJob, job_id)
    assert job.status == "done" and job.result["imported"] == 3 and job.result["households"] == 1
    assert resident_count() == before + 3
    imported = db.session.scalars(db.select(Resident).where(Resident.name.in_(["刘建国", "王秀兰", "张小明"]))).all()
    by_name = {r.name: r for r in imported}
    assert by_name["刘建国"].sex == "male" and by_name["刘建国"].birth_date == date(1948, 3, 2)  # from the ID
    assert by_name["刘建国"].household_id == by_name["王秀兰"].household_id
    assert by_name["张小明"].household_id == world.households[0].id
    home = db.session.get(Household, by_name["刘建国"].household_id)
    assert (home.unit, home.floor, home.room, home.housing_use) == (2, 3, "301", "rented")
    # Each imported record is a change of the staff member, from the console, so phones get it.
    changes = db.session.scalars(db.select(Change).where(Change.user_id == world.users["staff"].id)).all()
    assert sorted((c.entity, c.status, c.device_id) for c in changes) == \
        [("household", "accepted", None)] + [("resident", "accepted", None)] * 3
    phone = device_factory("worker")
    pull_until(phone)
    assert {f["name"] for (e, _), f in phone.server_copy("resident").items()} >= {"刘建国", "王秀兰", "张小明"}
    assert phone.get("household", home.id)["room"] == "301"
    [entry] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "import")).all()
    assert entry.detail["rows"] == 3 and entry.detail["errors"] == 11

    done = staff.get(f"/console/ledgers/jobs/{job_id}").text
    assert 'data-imported="3"' in done
    # Confirming twice is refused.
    assert refused(staff.post(f"/console/ledgers/imports/{job_id}/confirm", htmx=True)) == (409, "import_confirmed")


def test_importing_the_same_file_again_registers_nobody_twice(inline, world, staff_client):
    staff = staff_client("staff")
    data = xlsx(GOOD)
    first = uploaded(staff, data)
    assert staff.post(f"/console/ledgers/imports/{first}/confirm").status_code == 303
    after_first = resident_count()
    second = uploaded(staff, data)
    page = preview(staff, second)
    assert (count(page, "valid"), count(page, "exists"), count(page, "households")) == (0, 3, 0)
    assert refused(staff.post(f"/console/ledgers/imports/{second}/confirm", htmx=True)) == (422, "import_empty")
    assert resident_count() == after_first
    assert db.session.scalar(db.select(db.func.count()).select_from(Household)) == len(world.households) + 1


def test_rows_that_changed_after_the_preview_are_not_imported(inline, world, staff_client, device_factory):
    staff = staff_client("staff")
    job_id = uploaded(staff, xlsx(GOOD))
    assert count(preview(staff, job_id), "valid") == 3
    # Meanwhile a worker registers 王秀兰's ID number to someone in another household.
    phone = device_factory("worker")
    phone.create("resident", {"household_id": world.households[0].id, "name": "王秀兰", "sex": "female",
                              "birth_date": "1950-05-01", "id_number": WANG})
    assert phone.push()[0]["status"] == "accepted"
    db.session.rollback()
    assert staff.post(f"/console/ledgers/imports/{job_id}/confirm").status_code == 303
    job = db.session.get(ConsoleJob, job_id)
    assert job.result["imported"] == 2
    assert [item["row"] for item in job.result["late"]] == [3]
    assert job.result["late"][0]["errors"][0]["code"] == "import_id_number_exists"
    assert db.session.scalar(db.select(db.func.count()).select_from(Resident).where(Resident.id_number == WANG)) == 1
    assert "第3行" in staff.get(f"/console/ledgers/jobs/{job_id}").text


def test_a_file_with_a_title_row_and_other_header_spellings_is_read(inline, world, staff_client):
    headers = ["序号", "网格名称", "楼号", "单元", "房号", "居民姓名", "性别", "身份证号", "手机", "备用列"]
    data = xlsx([[1, "第2网格", "1", "1", "501", "李四", "", WANG, "13900001111", "x"]], headers, title="幸福社区人口台账")
    staff = staff_client("staff")
    page = preview(staff, uploaded(staff, data))
    assert count(page, "valid") == 1
    assert "备用列" in page  # an unknown column is named, not silently dropped
    # An error names the column as the file does, and the number stays masked.
    data = xlsx([[1, "第2网格", "1", "1", "501", "李四", "", BAD, "13900001111", ""]], headers, title="台账")
    page = preview(staff, uploaded(staff, data))
    assert re.search(r'data-code="id_number_checksum">\s*<td class="num">3</td>\s*<td>身份证号</td>', page)
    assert BAD not in page and "*" * 14 + BAD[-4:] in page


@pytest.mark.parametrize("data, code", [
    (b"name,room\n", "file_invalid"),
    (b"PK\x03\x04 this is no workbook", "file_invalid"),
    (xlsx([], ["说明", "无表头"]), "import_no_header"),
    (xlsx([["第1网格", "1", "2", "301"]], ["网格", "楼栋号", "单元", "房号", "性别"]), "import_headers_missing"),
    (xlsx([], HEADERS), "import_no_rows"),
])
def test_files_that_are_no_ledger_are_refused_with_a_code(inline, world, staff_client, data, code):
    staff = staff_client("staff")
    reply = upload(staff, data)
    if reply.status_code == 204:  # checked in the job: the job page shows the refusal
        job_id = JOB.search(reply.headers["HX-Redirect"]).group(1)
        assert db.session.get(ConsoleJob, job_id).status == "failed"
        page = staff.get(f"/console/ledgers/jobs/{job_id}").text
        assert f'data-code="{code}"' in page
        if code == "import_headers_missing":
            assert "姓名" in page
    else:
        assert refused(reply) == (422, code)


def test_a_file_over_5_mb_is_refused(inline, world, staff_client):
    staff = staff_client("staff")
    assert refused(upload(staff, b"PK" + b"0" * (5 * 1024 * 1024))) == (413, "import_too_large")
    assert refused(staff.post("/console/ledgers/imports", {}, htmx=True)) == (422, "import_no_file")


def test_a_street_admin_may_not_import_personal_numbers_or_learn_whose_they_are(inline, world, staff_client):
    # The rows with an ID number or a phone are refused before they are looked up by them (an ID
    # "held by someone else" would otherwise confirm it belongs to a person of the street).
    admin = street_admin_on(staff_client, world.community)
    page = preview(admin, uploaded(admin, xlsx(GOOD)))
    reported = re.findall(r'<tr data-row="(\d+)" data-code="([a-z_]+)">', page)
    assert ("2", "field_not_permitted") in reported and ("3", "field_not_permitted") in reported
    assert (count(page, "valid"), count(page, "errors")) == (1, 2)  # 4: no number, imported as usual


def test_an_import_belongs_to_its_uploader(inline, world, staff_client):
    staff = staff_client("staff")
    job_id = uploaded(staff, xlsx(GOOD))
    admin = street_admin_on(staff_client, world.community)
    far = staff_client("far_staff")
    for client in (admin, far):
        assert client.get(f"/console/ledgers/imports/{job_id}").status_code == 404
        assert client.get(f"/console/ledgers/imports/{job_id}/errors.xlsx").status_code == 404
        assert client.post(f"/console/ledgers/imports/{job_id}/confirm").status_code == 404
    assert db.session.get(ConsoleJob, job_id).status == "ready"


def test_the_template_has_the_importers_headers_and_the_communitys_grids(inline, world, staff_client):
    reply = staff_client("staff").get("/console/ledgers/template.xlsx")
    assert reply.status_code == 200
    data = reply.data
    reply.close()
    book = load_workbook(io.BytesIO(data))
    header = [c.value for c in book["居民户"][1]]
    assert header[:5] == ["网格", "楼栋号", "单元", "楼层", "房号"] and "证件号码" in header
    places = list(book["网格与楼栋"].iter_rows(values_only=True))
    assert [p[:2] for p in places[1:]] == [("第1网格", "1"), ("第2网格", "1")]
    # The template, filled in, imports.
    sheet = book["居民户"]
    values = {"网格": "第1网格", "楼栋号": "1", "单元": 1, "房号": "601", "姓名": "何某", "性别": "男"}
    for i, name in enumerate(header, start=1):
        sheet.cell(row=2, column=i, value=values.get(name))
    out = io.BytesIO()
    book.save(out)
    staff = staff_client("staff")
    assert count(preview(staff, uploaded(staff, out.getvalue())), "valid") == 1


def test_an_import_checks_and_imports_in_a_background_thread(app, world, staff_client):
    import time

    assert not app.config.get("CONSOLE_JOBS_INLINE")
    staff = staff_client("staff")
    job_id = uploaded(staff, xlsx(GOOD))

    def poll() -> object:
        for _ in range(400):
            reply = staff.get(f"/console/ledgers/jobs/{job_id}/progress", headers={"HX-Request": "true"})
            db.session.rollback()  # the test shares the app's session: end its read like a request would
            if reply.status_code == 204 or 'data-status="running"' not in reply.text:
                return reply
            time.sleep(0.05)
        raise AssertionError("the job never finished")

    checked = poll()
    assert checked.status_code == 204 and checked.headers["HX-Redirect"] == f"/console/ledgers/imports/{job_id}"
    assert count(preview(staff, job_id), "valid") == 3
    assert staff.post(f"/console/ledgers/imports/{job_id}/confirm").status_code == 303
    finished = poll()
    assert 'data-status="done"' in finished.text and 'data-imported="3"' in finished.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Resident).where(Resident.name == "王秀兰")) == 1


def test_export_and_import_on_both_databases(any_app, any_world):
    """The ledger queries on SQLite and on the real PostgreSQL: import a file, export it back."""
    from tests.console.conftest import StaffClient

    any_app.config["CONSOLE_JOBS_INLINE"] = True
    staff = StaffClient(any_app.test_client())
    assert staff.login("staff").status_code == 302
    job_id = uploaded(staff, xlsx(GOOD))
    assert count(preview(staff, job_id), "valid") == 3
    assert staff.post(f"/console/ledgers/imports/{job_id}/confirm").status_code == 303
    assert count(preview(staff, uploaded(staff, xlsx(GOOD))), "exists") == 3
    made = {}
    for form in ({"kind": "residents"}, {"kind": "visits", "from": "2026-01-01", "to": "2026-12-31"},
                 {"kind": "cases"}):
        reply = staff.post("/console/ledgers/exports", form)
        made[form["kind"]] = JOB.search(reply.headers["Location"]).group(1)
        assert db.session.get(ConsoleJob, made[form["kind"]]).status == "ready"
    reply = staff.get(f"/console/ledgers/jobs/{made['residents']}/file")
    data = reply.data
    reply.close()
    names = [r[7] for r in load_workbook(io.BytesIO(data))["居民"].iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == sorted(["刘建国", "王秀兰", "张小明", "张秀英", "张秀英"])
