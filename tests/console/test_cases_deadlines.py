"""The deadline table: hours per category and level, validated, audited, used by the next dispatch."""

from __future__ import annotations

import re

from server.cases.deadlines import hours_for
from server.cases.models import CaseDeadline
from server.console.models import AuditEntry
from server.extensions import db

CELL = re.compile(r'name="(hours-[a-z_]+-[a-z]+)" value="([^"]*)"')


def table(client) -> dict[str, str]:
    page = client.get("/console/cases/deadlines")
    assert page.status_code == 200
    return dict(CELL.findall(page.text))


def test_the_table_shows_the_configured_hours_and_saves_changes(world, staff_client):
    staff = staff_client("staff")
    cells = table(staff)
    assert cells["hours-safety-grid"] == "24" and cells["hours-safety_gas-grid"] == ""
    assert len(cells) == 3 * 18  # 6 top categories and 12 sub-categories, three levels each
    page = staff.get("/console/cases/deadlines").text
    assert "同大类 24" in page  # an empty sub-category cell says what it inherits

    cells.update({"hours-safety-grid": "12", "hours-safety_gas-grid": "4", "hours-dispute-street": ""})
    reply = staff.post("/console/cases/deadlines", cells)
    assert reply.status_code == 303
    assert hours_for("safety_plaster", "grid") == 12       # inherits the top category's new value
    assert hours_for("safety_gas", "grid") == 4            # its own row wins
    assert hours_for("dispute", "street") is None           # emptied: not configured any more
    [entry] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "edit_deadlines")).all()
    assert entry.detail["changed"] == {"safety/grid": 12, "safety_gas/grid": 4, "dispute/street": None}
    assert "处置时限已保存（3 项修改）" in staff.get("/console/cases/deadlines").text


def test_a_bad_cell_saves_nothing_and_is_pointed_out(world, staff_client):
    staff = staff_client("staff")
    for bad, message in (("0", "数值超出范围"), ("2001", "数值超出范围"), ("二十", "类型不正确"), ("1.5", "类型不正确")):
        cells = table(staff)
        cells.update({"hours-environment-grid": "10", "hours-facility-street": bad})
        reply = staff.post("/console/cases/deadlines", cells)
        assert reply.status_code == 422
        assert message in reply.text and 'aria-invalid="true"' in reply.text
        assert f'name="hours-facility-street" value="{bad}"' in reply.text  # kept for fixing
        assert db.session.get(CaseDeadline, ("environment", "grid")).hours == 72
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "edit_deadlines")) == 0


def test_the_bounds_are_accepted(world, staff_client):
    staff = staff_client("staff")
    cells = table(staff)
    cells.update({"hours-livelihood-grid": "1", "hours-livelihood-street": "2000"})
    assert staff.post("/console/cases/deadlines", cells).status_code == 303
    assert (hours_for("livelihood", "grid"), hours_for("livelihood", "street")) == (1, 2000)
