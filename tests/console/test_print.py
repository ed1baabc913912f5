"""Paper: the dispatch sheet (派遣单) of a case, and ledgers that print on A4 as offices file them."""

from __future__ import annotations

import io
import re
from datetime import datetime

import segno
from openpyxl import load_workbook

from server.cases.models import CaseUnit, Finding, HandlingUnit
from server.extensions import db
from server.registry.models import Resident
from tests.console.cases_helpers import dispatch, ok, report, step
from tests.console.test_ledgers import download, export, inline, tagged  # noqa: F401  (fixtures)

SVG = re.compile(r"<svg.*?</svg>", re.S)


def dispatched_case(world, staff, device_factory) -> Finding:
    fid = report(device_factory("worker"), world.grids[0], address="3号楼东侧")
    ok(step(staff, fid, "reported", "accepted", opinion="社区已受理"), fid)
    dispatch(staff, fid, level="community", unit="物业服务中心")
    db.session.expire_all()
    return db.session.get(Finding, fid)


def test_the_dispatch_sheet_carries_number_unit_beijing_deadline_steps_and_the_numbers_qr(
        world, staff_client, device_factory):
    staff = staff_client("staff")
    finding = dispatched_case(world, staff, device_factory)
    assert finding.number and finding.number.startswith("XF-")
    finding.deadline_at = datetime(2026, 11, 22, 1, 30)  # 09:30 in Beijing
    db.session.commit()

    detail = staff.get(f"/console/cases/{finding.id}").text
    assert f'href="/console/cases/{finding.id}/sheet"' in detail and "打印派遣单" in detail

    page = staff.get(f"/console/cases/{finding.id}/sheet")
    assert page.status_code == 200
    text = page.text
    assert finding.number in text
    assert re.search(r"data-unit>物业服务中心<", text)
    assert "2026-11-22 09:30" in text and "2026-11-22 01:30" not in text
    assert "3号楼外墙墙皮脱落" in text and "3号楼东侧" in text
    assert "社区已受理" in text  # the steps so far
    for line in ("接单人", "处置结果", "核查人"):
        assert line in text
    [svg] = SVG.findall(text)
    assert svg == segno.make(finding.number, error="m", micro=False).svg_inline(
        scale=4, border=2, title=finding.number)


def test_a_case_without_a_number_prints_a_dash_and_no_qr(world, staff_client, device_factory):
    staff = staff_client("staff")
    finding = dispatched_case(world, staff, device_factory)
    finding.number = None  # a case from before numbers
    db.session.commit()
    text = staff.get(f"/console/cases/{finding.id}/sheet").text
    assert re.search(r"data-number>—<", text)
    assert "<svg" not in text


def test_the_requesters_phone_stays_masked_on_the_sheet(world, staff_client, device_factory):
    staff = staff_client("staff")
    finding = dispatched_case(world, staff, device_factory)
    finding.requester_name, finding.requester_phone = "王大爷", "13912345678"
    db.session.commit()
    text = staff.get(f"/console/cases/{finding.id}/sheet").text
    assert "王大爷" in text and "139****5678" in text and "13912345678" not in text


def test_the_sheet_of_a_case_elsewhere_is_not_found(world, staff_client, device_factory):
    finding = dispatched_case(world, staff_client("staff"), device_factory)
    other = staff_client("far_staff")
    assert other.get(f"/console/cases/{finding.id}/sheet").status_code == 404


def page_setup(sheet) -> tuple:
    setup = sheet.page_setup
    return (setup.orientation, setup.paperSize, sheet.sheet_properties.pageSetUpPr.fitToPage,
            setup.fitToWidth, setup.fitToHeight, sheet.print_title_rows, sheet.freeze_panes)


def test_every_exported_ledger_sheet_prints_a4_landscape_one_page_wide_with_titles_repeated(
        inline, world, tagged, device_factory, staff_client):  # noqa: F811
    staff = staff_client("staff")
    dispatched_case(world, staff, device_factory)
    for kind, dates in (("residents", {}), ("visits", {"from": "2026-11-01", "to": "2026-11-30"}), ("cases", {})):
        book = download(staff, export(staff, kind=kind, **dates))[0]
        for sheet in book.worksheets:
            assert page_setup(sheet) == ("landscape", 9, True, 1, 0, "$1:$2", "A3"), (kind, sheet.title)


def test_the_import_template_prints_with_its_header_on_every_page(inline, world, staff_client):  # noqa: F811
    reply = staff_client("staff").get("/console/ledgers/template.xlsx")
    sheet = load_workbook(io.BytesIO(reply.data)).worksheets[0]
    reply.close()
    assert page_setup(sheet) == ("landscape", 9, True, 1, 0, "$1:$1", "A2")


def test_a_revealed_number_prints_masked_and_the_history_stays_off_paper(world, staff_client):
    person = db.session.get(Resident, world.residents[0].id)
    person.phone = "13800138000"
    db.session.commit()
    staff = staff_client("staff")
    url = f"/console/residents/{person.id}"
    page = staff.get(url).text
    assert 'class="print-only print-stamp">幸福社区 · 周社区 打印于' in page
    assert 'class="card no-print" id="history"' in page
    # The reveal is for the screen; the paper copy keeps the mask, with htmx and without.
    for reply in (staff.post(f"{url}/reveal", {"field": "phone"}, htmx=True),
                  staff.post(f"{url}/reveal", {"field": "phone"})):
        assert '<span class="screen-only">13800138000 ' in reply.text
        assert '<span class="print-only">138****8000</span>' in reply.text


def test_the_sheet_lists_every_unit_the_case_went_to_with_its_own_deadline(world, staff_client, device_factory):
    staff = staff_client("staff")
    finding = dispatched_case(world, staff, device_factory)
    # The units of this test, in place of the one the dispatch named.
    db.session.execute(db.delete(CaseUnit).where(CaseUnit.finding_id == finding.id))
    for n, (name, role, received) in enumerate((("市政养护所", "assist", None),
                                                 ("物业服务中心", "lead", datetime(2026, 11, 21, 2, 0)))):
        unit_id = f"hu-{n}"
        db.session.add(HandlingUnit(id=unit_id, area_id=world.community.id, name=name, kind="government"))
        db.session.add(CaseUnit(finding_id=finding.id, handling_unit_id=unit_id, role=role,
                                status="received" if received else "dispatched", dispatched_at=datetime(2026, 11, 21),
                                received_at=received, deadline_at=datetime(2026, 11, 23, 2, 0) if received else None))
    db.session.commit()
    text = staff.get(f"/console/cases/{finding.id}/sheet").text
    units = re.search(r'<ul class="sheet-units">(.*?)</ul>', text, re.S).group(1)
    lead, assist = re.findall(r"<li>(.*?)</li>", units, re.S)
    assert "主办" in lead and "物业服务中心" in lead and "2026-11-23 10:00" in lead
    assert "协办" in assist and "市政养护所" in assist and "待签收" in assist


def test_the_sheet_reads_in_english_for_staff_who_chose_it(world, staff_client, device_factory):
    staff = staff_client("staff")
    finding = dispatched_case(world, staff, device_factory)
    assert staff.post("/console/lang", {"lang": "en", "next": "/console/"}).status_code in (302, 303)
    text = staff.get(f"/console/cases/{finding.id}/sheet").text
    # Not signed for yet: the deadline has not started.
    assert "Awaiting receipt: the deadline runs from when the unit signs for it" in text
    finding.deadline_at = datetime(2026, 11, 22, 1, 30)
    db.session.commit()
    text = staff.get(f"/console/cases/{finding.id}/sheet").text
    for words in ("Case dispatch sheet", "Received by", "Checked by", "(Beijing time)", "Steps so far"):
        assert words in text
    assert "事件派遣单" not in text and "接单人" not in text
