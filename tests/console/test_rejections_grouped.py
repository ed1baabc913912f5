"""The rejected-changes list at real volume: a phone resending a change the server keeps refusing
makes one row with the count and the latest time, and a case is named by its category and number."""

from __future__ import annotations

import re

from server.cases.models import Finding, FindingCategory
from server.extensions import db
from tests.console.cases_helpers import report

ROW = re.compile(r'<tr data-change="([0-9a-f-]{36})" data-code="([a-z_]+)">(.*?)</tr>', re.S)


def rows(client, query="") -> list[tuple[str, str, str]]:
    page = client.get("/console/rejections" + query)
    assert page.status_code == 200
    return ROW.findall(page.text)


def test_resubmissions_of_one_refused_change_collapse_into_one_row(world, device_factory, staff_client):
    worker, other = device_factory("worker_b"), device_factory("worker")
    rid = world.residents[1].id
    sent = []
    for phone in ("12345", "123456", "1234567"):
        worker.update("resident", rid, {"phone": phone})
        [result] = worker.push()
        assert result["code"] == "validation_failed"
        sent.append(result["id"])
    other.update("resident", world.residents[0].id, {"phone": "999"})
    assert other.push()[0]["code"] == "validation_failed"
    db.session.rollback()
    listed = rows(staff_client("staff"))
    assert len(listed) == 2
    [(latest, _, row)] = [r for r in listed if r[0] in sent]
    assert latest == sent[-1] and "重复提交 3 次" in row and "最近 " in row
    [(_, _, single)] = [r for r in listed if r[0] not in sent]
    assert "重复提交" not in single


def test_a_refused_change_to_a_case_names_its_category_and_number(world, device_factory, staff_client):
    worker = device_factory("worker")
    fid = report(worker, world.grids[0])
    worker.update("finding", fid, {"urgency": "sky_high"})
    assert worker.push()[-1]["status"] == "rejected"
    db.session.rollback()
    finding = db.session.get(Finding, fid)
    category = db.session.get(FindingCategory, finding.category)
    [(_, _, row)] = rows(staff_client("staff"))
    assert finding.number and finding.number in row and category.name_zh in row
    assert fid not in row.replace(f'finding_id={fid}', '').replace(f'/cases/{fid}', '')
