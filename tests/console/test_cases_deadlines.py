"""The deadline table: hours or working days per category and level, validated, audited, used by
the next dispatch."""

from __future__ import annotations

import re
from datetime import datetime

from server.cases.deadlines import Limit, after_working_days, limit_for
from server.cases.models import CaseDeadline
from server.audit.models import AuditEntry
from server.extensions import db

AMOUNT = re.compile(r'name="(amount-[a-z_]+-[a-z]+)" value="([^"]*)"')
UNIT = re.compile(r'<select name="(unit-[a-z_]+-[a-z]+)">.*?<option value="([a-z_]+)" selected>', re.S)


def table(client) -> dict[str, str]:
    """The form's fields as the browser would post them."""
    page = client.get("/console/cases/deadlines")
    assert page.status_code == 200
    return {**dict(AMOUNT.findall(page.text)), **dict(UNIT.findall(page.text))}


def test_the_table_shows_the_configured_limits_and_saves_changes(world, staff_client):
    staff = staff_client("staff")
    cells = table(staff)
    assert cells["amount-safety-grid"] == "24" and cells["unit-safety-grid"] == "hours"
    assert cells["amount-safety_gas-grid"] == ""
    assert len(cells) == 2 * 3 * 18  # 6 top categories and 12 sub-categories, three levels, amount and unit
    page = staff.get("/console/cases/deadlines").text
    assert "同大类 24" in page  # an empty sub-category cell says what it inherits

    cells.update({"amount-safety-grid": "12", "amount-safety_gas-grid": "4", "amount-dispute-street": "",
                  "amount-livelihood-community": "5", "unit-livelihood-community": "working_days",
                  "amount-safety-street": "3", "unit-safety-street": "working_days"})
    reply = staff.post("/console/cases/deadlines", cells)
    assert reply.status_code == 303
    assert limit_for("safety_plaster", "grid") == Limit(12, "hours")  # inherits the top category's new value
    assert limit_for("safety_gas", "grid") == Limit(4, "hours")       # its own row wins
    assert limit_for("dispute", "street") is None                     # emptied: not configured any more
    assert limit_for("livelihood", "community") == Limit(5, "working_days")
    [entry] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "edit_deadlines")).all()
    assert entry.detail["changed"] == {"safety/grid": "12 hours", "safety_gas/grid": "4 hours", "dispute/street": None,
                                       "livelihood/community": "5 working_days", "safety/street": "3 working_days"}
    page = staff.get("/console/cases/deadlines").text
    assert "处置时限已保存（5 项修改）" in page
    cells = table(staff)
    assert cells["unit-livelihood-community"] == "working_days"
    # An empty sub-category cell starts on its top category's unit: "同大类 3 [个工作日]".
    assert cells["amount-safety_gas-street"] == "" and cells["unit-safety_gas-street"] == "working_days"
    # Saving the page as shown changes nothing.
    assert staff.post("/console/cases/deadlines", cells).status_code == 303
    assert "没有修改" in staff.get("/console/cases/deadlines").text


def test_a_bad_cell_saves_nothing_and_is_pointed_out(world, staff_client):
    staff = staff_client("staff")
    for bad, unit, message in (("0", "hours", "数值超出范围"), ("2001", "hours", "数值超出范围"),
                               ("91", "working_days", "数值超出范围"), ("二十", "hours", "类型不正确"),
                               ("1.5", "hours", "类型不正确"), ("3", "weeks", "不在可选范围内")):
        cells = table(staff)
        cells.update({"amount-environment-grid": "10", "amount-facility-street": bad, "unit-facility-street": unit})
        reply = staff.post("/console/cases/deadlines", cells)
        assert reply.status_code == 422, (bad, unit)
        assert message in reply.text and 'aria-invalid="true"' in reply.text
        assert f'name="amount-facility-street" value="{bad}"' in reply.text  # kept for fixing
        assert db.session.get(CaseDeadline, ("environment", "grid")).amount == 72
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "edit_deadlines")) == 0


def test_the_bounds_are_accepted(world, staff_client):
    staff = staff_client("staff")
    cells = table(staff)
    cells.update({"amount-livelihood-grid": "1", "amount-livelihood-street": "2000",
                  "amount-dispute-grid": "90", "unit-dispute-grid": "working_days"})
    assert staff.post("/console/cases/deadlines", cells).status_code == 303
    assert (limit_for("livelihood", "grid"), limit_for("livelihood", "street"), limit_for("dispute", "grid")) == (
        Limit(1, "hours"), Limit(2000, "hours"), Limit(90, "working_days"))


def test_working_days_skip_weekends_and_end_with_the_day_in_beijing_time():
    # Friday 2026-11-20 10:00 Beijing (02:00 UTC): 3 working days are Mon, Tue, Wed -> Wed 23:59:59 Beijing.
    assert after_working_days(datetime(2026, 11, 20, 2, 0), 3) == datetime(2026, 11, 25, 15, 59, 59)
    # Saturday counts from Monday: 1 working day ends Monday night.
    assert after_working_days(datetime(2026, 11, 21, 2, 0), 1) == datetime(2026, 11, 23, 15, 59, 59)
    # 23:30 UTC on Sunday is already Monday 07:30 in Beijing: the count starts on Tuesday.
    assert after_working_days(datetime(2026, 11, 22, 23, 30), 1) == datetime(2026, 11, 24, 15, 59, 59)
    # Two weeks of working days span two weekends.
    assert after_working_days(datetime(2026, 11, 23, 2, 0), 10) == datetime(2026, 12, 7, 15, 59, 59)


def test_a_dispatch_under_a_working_day_limit_gets_the_end_of_the_last_working_day(world, staff_client,
                                                                                    device_factory):
    from server.cases.models import Finding
    from server.core.time import utcnow
    from tests.console.cases_helpers import dispatch, ok, receive, report, step

    row = db.session.get(CaseDeadline, ("livelihood", "community"))
    row.amount, row.unit = 2, "working_days"
    db.session.commit()
    staff = staff_client("staff")
    fid = report(device_factory("worker"), world.grids[0], category="livelihood", description="楼道灯坏了")
    ok(step(staff, fid, "reported", "accepted"), fid)
    assert "处置时限 2个工作日" in staff.get(f"/console/cases/{fid}").text  # said on the dispatch form
    dispatch(staff, fid, level="community")
    before = utcnow()
    deadline = receive(staff, fid)  # the deadline runs from the unit's receipt
    after = utcnow()
    assert deadline in {after_working_days(before, 2), after_working_days(after, 2)}
