"""The review queue at a real community's volume: filters in the query string, the 今天 chip,
pressing findings pinned on top with their count in the navigation, per-grid counts and 全部通过."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from server.core import time as clock
from server.extensions import db
from server.fieldwork.models import Visit
from tests.console.cases_helpers import report
from tests.console.test_review import queue, version, visit

BADGE = re.compile(r'<span class="nav-badge" data-pressing="(\d+)"')
CHIP = re.compile(r'<a class="chip[^"]*" data-grid="([^"]+)"[^>]*>[^<]*<span class="count">(\d+)</span>')


def freeze(monkeypatch, instant: str) -> None:
    moment = datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_filters_by_beijing_date_worker_and_urgency_and_today_takes_one_click(
        world, staff_client, device_factory, monkeypatch):
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    # 17:00 UTC on the 20th is 01:00 on the 21st in Beijing: it belongs to the 21st.
    after_midnight = visit(worker, world.households[0], at="2026-11-20T17:00:00Z")
    day_before = visit(worker_b, world.households[1], at="2026-11-20T02:00:00Z")
    gas = report(worker, world.grids[0], description="闻到燃气味", urgency="emergency")  # 2026-11-20 11:00 Beijing
    plain = report(worker, world.grids[0], description="路灯不亮", urgency="normal")
    staff = staff_client("staff")
    assert queue(staff, "?from=2026-11-21&to=2026-11-21") == [("visit", after_midnight)]
    assert set(queue(staff, "?from=2026-11-20&to=2026-11-20")) == {("visit", day_before), ("finding", gas),
                                                                    ("finding", plain)}
    assert queue(staff, f"?worker={world.users['worker_b'].id}") == [("visit", day_before)]
    # Urgency is a finding's: the visits drop out.
    assert queue(staff, "?urgency=emergency") == [("finding", gas)]
    assert queue(staff, "?urgency=normal") == [("finding", plain)]
    # Nonsense in the query string is ignored, not an error.
    assert len(queue(staff, "?from=yesterday&urgency=red&order=sideways&worker=")) == 4

    freeze(monkeypatch, "2026-11-20T18:00:00Z")  # Beijing: 2026-11-21 02:00
    page = staff.get("/console/review").text
    today = re.search(r'<a class="button chip-today[^"]*" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "from=2026-11-21" in today and "to=2026-11-21" in today
    assert queue(staff, today[len("/console/review"):]) == [("visit", after_midnight)]
    assert 'aria-current="true">今天' in staff.get(today).text


def test_pressing_findings_are_pinned_on_top_and_counted_in_the_navigation(world, staff_client, device_factory):
    worker = device_factory("worker")
    old_gas = report(worker, world.grids[0], description="闻到燃气味", urgency="emergency", reported_at="2026-11-01T03:00:00Z")
    newest = visit(worker, world.households[0], at="2026-11-25T02:00:00Z")
    urgent = report(worker, world.grids[0], description="井盖缺失", urgency="urgent", reported_at="2026-11-02T03:00:00Z")
    staff = staff_client("staff")
    # Newest first, but the pressing findings stay above even the newest visit.
    assert queue(staff) == [("finding", urgent), ("finding", old_gas), ("visit", newest)]
    page = staff.get("/console/review").text
    assert "特急、紧急，待受理" in page and page.index(f'data-id="{old_gas}"') < page.index("其他待审核") < page.index(f'data-id="{newest}"')
    # The badge shows on every console page, not only the queue.
    for path in ("/console/", "/console/cases", "/console/review"):
        assert BADGE.findall(staff.get(path).text) == ["2"], path
    reply = staff.post(f"/console/review/findings/{old_gas}", {"action": "accepted", "from_status": "reported"},
                       htmx=True)
    assert reply.status_code == 200
    assert BADGE.findall(staff.get("/console/").text) == ["1"]
    # Another community's staff see none of it.
    assert BADGE.findall(staff_client("far_staff").get("/console/").text) == []


def test_per_grid_counts_filter_when_clicked(world, staff_client, device_factory):
    worker, worker_b = device_factory("worker"), device_factory("worker_b")
    for day in ("20", "21"):
        visit(worker, world.households[0], at=f"2026-11-{day}T02:00:00Z")
    other = visit(worker_b, world.households[1], at="2026-11-22T02:00:00Z")
    staff = staff_client("staff")
    page = staff.get("/console/review").text
    assert dict(CHIP.findall(page)) == {world.grids[0].id: "2", world.grids[1].id: "1"}
    link = re.search(rf'data-grid="{world.grids[1].id}" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert queue(staff, link[len("/console/review"):]) == [("visit", other)]


def test_approve_all_marks_every_visit_the_page_showed_and_nothing_else(world, staff_client, device_factory):
    worker = device_factory("worker")
    shown = [visit(worker, world.households[0], at=f"2026-11-2{i}T02:00:00Z") for i in range(3)]
    finding = report(worker, world.grids[0])
    staff = staff_client("staff")
    page = staff.get("/console/review").text
    assert "全部通过（本页 3 条走访）" in page and "j / k" in page
    values = re.findall(r'name="page_visit" value="([^"]+)"', page)
    later = visit(worker, world.households[0], at="2026-11-28T02:00:00Z")  # arrived after the page was shown
    reply = staff.post("/console/review/visits", {"all": "1", "page_visit": values, "visit": []})
    assert reply.status_code == 303
    db.session.expire_all()
    assert [db.session.get(Visit, v).review_status for v in shown] == ["reviewed"] * 3
    assert db.session.get(Visit, later).review_status is None
    assert queue(staff) == [("visit", later), ("finding", finding)]
    assert version(later)
