"""The dashboard's figures on a small known world: the numbers staff act on must be exact."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from server.auth.models import Device
from server.cases.models import Finding
from server.console.dashboard import queries as figures
from server.extensions import db
from server.fieldwork.models import Visit
from server.registry.models import Household, Resident, ResidentTag
from server.syncapi.direct import DirectWriter
from sync.ids import uuid7
from tests.console.conftest import StaffClient

CHART = re.compile(r'<script type="application/json" id="([a-z-]+)">(.*?)</script>', re.S)


def charts(html: str) -> dict:
    return {name: json.loads(body) for name, body in CHART.findall(html)}


def between(start, end):
    return start + (end - start) / 2


class Town:
    """Writes records straight into the database, as the server's own writes."""

    def __init__(self, app, world):
        self.writer = DirectWriter(db.session, app.extensions["wangge_clock"])
        self.world = world
        self.at = figures.moment()

    def household(self, grid, use="owner_occupied"):
        building = next(b for b in self.world.buildings if b.grid_id == grid.id)
        return self.writer.put("household", Household(id=uuid7(), building_id=building.id, grid_id=grid.id,
                                                      unit=1, floor=3, room=f"3{uuid7()[-2:]}", housing_use=use))

    def resident(self, household, name="王大爷", moved_out_on=None):
        return self.writer.put("resident", Resident(id=uuid7(), household_id=household.id, grid_id=household.grid_id,
                                                    name=name, sex="male", moved_out_on=moved_out_on))

    def tag(self, resident, tag, days_ago, detail=None, ended_on=None):
        return self.writer.put("resident_tag", ResidentTag(
            id=uuid7(), resident_id=resident.id, grid_id=resident.grid_id, tag=tag, detail=detail or {},
            started_on=self.at.today - timedelta(days=days_ago), ended_on=ended_on))

    def visit(self, household, when, residents=(), outcome="normal"):
        return self.writer.put("visit", Visit(
            id=uuid7(), household_id=household.id, grid_id=household.grid_id, resident_ids=[r.id for r in residents],
            visitor_id=self.world.users["worker"].id, visited_at=when, method="in_person", outcome=outcome))

    def finding(self, grid, status, category="safety_plaster", deadline=None, reported_at=None):
        return self.writer.put("finding", Finding(
            id=uuid7(), grid_id=grid.id, reporter_id=self.world.users["worker"].id, category=category,
            description="楼道堆放杂物", reported_at=reported_at or self.at.now - timedelta(days=200),
            status=status, deadline_at=deadline))


@pytest.fixture
def town(app, world):
    return build_town(app, world)


@pytest.fixture
def any_town(any_app, any_world):
    """The same town on SQLite and on PostgreSQL (JSON, casts and GROUP BY differ)."""
    return build_town(any_app, any_world)


def build_town(app, world):
    """幸福社区: grid 1 with two lived-in homes and a vacant one, grid 2 with one home; 团结社区's
    grid has records of its own that 幸福社区's figures must never count."""
    t = Town(app, world)
    at = t.at
    g1, g2 = world.grids
    far = world.far_grid
    recent = between(max(at.month_start, at.now - timedelta(days=2)), at.now)  # this month, within 2 days
    this_week = between(at.week_starts()[-2], at.now)
    long_ago = at.now - timedelta(days=40)

    # Grid 1: 张秀英 (world's resident) lives alone at high risk: weekly, visited two days ago at
    # most by a visit naming nobody (the whole household). 老李 (another home) has two 30-day
    # tags and was last seen 40 days ago: overdue. A resident who moved out and an ended tag count
    # for nothing; the vacant home is not one to visit.
    h1 = world.households[0]
    r1 = world.residents[0]
    t.tag(r1, "elderly_alone", 100, {"risk_level": "high"})
    t.tag(r1, "tenant", 300, ended_on=at.today - timedelta(days=1))
    t.visit(h1, recent)
    h1b = t.household(g1)
    r1b = t.resident(h1b, "老李")
    t.tag(r1b, "elderly_empty_nest", 400, {"risk_level": "low"})
    t.tag(r1b, "chronic_ill", 400)
    t.visit(h1b, long_ago, [r1b])
    gone = t.resident(h1b, "老张", moved_out_on=at.today - timedelta(days=1))
    t.tag(gone, "elderly_80plus", 400)
    t.household(g1, use="vacant")
    # A visit naming only someone else in the household does not cover 老李's wife.
    wife = t.resident(h1b, "李大妈")
    t.tag(wife, "elderly_empty_nest", 400, {"risk_level": "low"})

    # Grid 2: a baby tagged ten days ago, never visited (not yet due); a disabled resident tagged
    # sixty days ago and never visited (overdue); this month's only knock found nobody home.
    h2 = world.households[1]
    baby = t.resident(h2, "小宝")
    t.tag(baby, "infant", 10)
    t.tag(world.residents[1], "disabled", 60, {"disability_type": "physical", "disability_grade": "2"})
    t.visit(h2, recent, outcome="not_home")

    # 团结社区: a visit, a tag and an overdue case of its own.
    t.tag(world.residents[2], "elderly_alone", 100, {"risk_level": "low"})
    t.visit(world.households[2], recent)
    t.finding(far, "dispatched", deadline=at.now - timedelta(days=1))

    # Cases: five open in 幸福社区 (one past its deadline), one closed, one resolved late (the
    # unit reported back, so no longer overdue).
    t.finding(g1, "reported", reported_at=this_week)
    t.finding(g1, "dispatched", deadline=at.now - timedelta(hours=3), category="env_garbage", reported_at=this_week)
    t.finding(g1, "in_progress", deadline=at.now + timedelta(days=1), category="dispute", reported_at=this_week)
    t.finding(g1, "resolved", deadline=at.now - timedelta(days=2))
    t.finding(g1, "closed")
    t.finding(g2, "accepted", reported_at=this_week)

    # Phones: the worker synced an hour ago, worker_b three days ago; worker2 never signed in.
    hour_ago = at.now - timedelta(hours=1)
    db.session.add(Device(id=uuid7(), user_id=world.users["worker"].id, name="华为 Mate", app_version="0.3.0",
                          last_seen_at=hour_ago, last_pull_at=hour_ago))
    three_days = at.now - timedelta(days=3)
    db.session.add(Device(id=uuid7(), user_id=world.users["worker_b"].id, name="小米 14", app_version="0.3.0",
                          last_seen_at=three_days, last_push_at=three_days))
    db.session.commit()
    return SimpleNamespace(world=world, at=at)


def test_visit_coverage_and_care_status_per_grid(any_town):
    town = any_town
    g1, g2 = town.world.grids
    ids = [g1.id, g2.id]
    assert figures.households_per_grid(ids) == {g1.id: 2, g2.id: 1}
    assert figures.visited_households_per_grid(ids, town.at) == {g1.id: 1}
    care = figures.care_status_per_grid(ids, town.at)
    assert care[g1.id] == figures.CareCounts(tagged=3, on_time=1, overdue=2, never=0)
    assert care[g2.id] == figures.CareCounts(tagged=2, on_time=0, overdue=1, never=1)
    far = figures.care_status_per_grid([town.world.far_grid.id], town.at)
    assert far[town.world.far_grid.id] == figures.CareCounts(tagged=1, on_time=1)


def test_tags_cases_and_findings_per_grid(any_town):
    town = any_town
    g1, g2 = town.world.grids
    ids = [g1.id, g2.id]
    assert figures.tags_per_grid(ids, town.at) == {
        (g1.id, "elderly_alone"): 1, (g1.id, "elderly_empty_nest"): 2, (g1.id, "chronic_ill"): 1,
        (g2.id, "infant"): 1, (g2.id, "disabled"): 1}
    cases = figures.cases_per_grid(ids)
    assert cases == {(g1.id, "reported"): 1, (g1.id, "dispatched"): 1, (g1.id, "in_progress"): 1,
                     (g1.id, "resolved"): 1, (g1.id, "closed"): 1, (g2.id, "accepted"): 1}
    assert figures.overdue_cases_per_grid(ids, town.at) == {g1.id: 1}
    weekly = figures.findings_per_week(ids, town.at)
    assert len(weekly.weeks) == 12 and weekly.weeks[-1].weekday() == 0
    assert weekly.counts == {"safety": [0] * 11 + [2], "environment": [0] * 11 + [1], "dispute": [0] * 11 + [1]}
    assert [c.id for c in weekly.categories][:3] == ["safety", "environment", "facility"]


def test_the_dashboard_shows_the_numbers_as_charts_and_tables(town, staff_client):
    page = staff_client("staff").get("/console/")
    assert page.status_code == 200
    html = page.text
    data = charts(html)
    assert set(data) == {"chart-coverage-data", "chart-tags-data", "chart-stages-data", "chart-findings-data"}
    coverage = data["chart-coverage-data"]
    assert coverage["categories"] == ["第1网格", "第2网格"]
    assert [s["data"] for s in coverage["series"]] == [[50, 0], [33, 0]]
    tags = data["chart-tags-data"]
    assert {s["name"]: s["data"] for s in tags["series"]} == {
        "独居老人": [1, 0], "空巢老人": [2, 0], "婴幼儿": [0, 1], "慢病/重病": [1, 0], "残疾人": [0, 1]}
    stages = data["chart-stages-data"]
    assert dict(zip(stages["categories"], stages["series"][0]["data"])) == {
        "已上报": 1, "已受理": 1, "已派遣": 1, "处置中": 1, "申请延期": 0, "已退回": 0, "已反馈": 1, "已核查": 0}
    findings = data["chart-findings-data"]
    assert {s["name"]: s["data"][-1] for s in findings["series"]} == {"安全隐患": 2, "市容环境": 1, "矛盾纠纷": 1}
    # The same numbers in words and tables.
    assert "1 / 2（50%）" in html and "0 / 1（0%）" in html
    assert "超期 1 件" in html and "逾期未访 3 人" in html
    # 团结社区's records are not counted.
    assert "团结" not in html


def test_overdue_cases_link_to_the_cases_list(town, staff_client, app):
    html = staff_client("staff").get("/console/").text
    if "console.cases" in app.view_functions:
        assert 'href="/console/cases?overdue=1"' in html
    else:
        assert "/console/cases" not in html


def test_workers_who_have_not_synced_for_two_days_stand_out(town, staff_client):
    html = staff_client("staff").get("/console/").text
    devices = html[html.index('id="devices"'):]
    rows = {name: devices[devices.index(name):][:1500] for name in ("李网格", "王网格", "赵网格", "陈志愿")}
    assert "华为 Mate" in rows["李网格"] and "正常" in rows["李网格"].split("</tr>")[0]
    assert "小米 14" in rows["赵网格"] and "超过2天未同步" in rows["赵网格"].split("</tr>")[0]
    assert "从未同步" in rows["王网格"].split("</tr>")[0]
    assert "从未同步" in rows["陈志愿"].split("</tr>")[0]
    # Those who need chasing come first.
    assert devices.index("李网格") > max(devices.index(n) for n in ("王网格", "赵网格", "陈志愿"))


def test_street_admin_sees_every_community_of_the_street(town, staff_client):
    admin = staff_client("admin")
    html = admin.get("/console/").text
    assert "街道各社区概况" in html
    table = html[html.index("街道各社区概况"):html.index("</table>", html.index("街道各社区概况"))]
    assert "幸福社区" in table and "团结社区" in table
    # Community staff see their own community only.
    assert "街道各社区概况" not in staff_client("staff").get("/console/").text
    far = staff_client("far_staff").get("/console/").text
    assert "团结第1网格" in far and "第2网格" not in far


def test_the_page_runs_a_fixed_number_of_queries(app, town, staff_client):
    """More residents, visits and tags do not mean more queries (no per-resident loop)."""
    client = staff_client("staff")

    def queries() -> int:
        db.session.expire_all()  # both measurements start from the same cold session
        seen = []

        def listener(conn, cursor, sql, *rest):
            if sql.lstrip().startswith("SELECT"):
                seen.append(sql)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/console/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    before = queries()
    t = Town(app, town.world)
    for i in range(30):
        home = t.household(town.world.grids[i % 2])
        person = t.resident(home, f"居民{i}")
        t.tag(person, "chronic_ill", 50)
        t.visit(home, t.at.now - timedelta(days=i), [person])
    db.session.commit()
    assert queries() == before


def test_a_community_without_records_still_renders(staff_client):
    html = staff_client("far_staff").get("/console/").text
    assert "0 / 1（0%）" in html and "近12周没有上报巡查发现" in html


@pytest.mark.parametrize("username", ["staff", "admin"])
def test_the_pages_render_on_both_databases(any_app, any_town, username):
    client = StaffClient(any_app.test_client())
    assert client.login(username).status_code == 302
    client.post("/console/community", {"community_id": any_town.world.community.id, "next": "/console/"})
    html = client.get("/console/").text
    assert "1 / 2（50%）" in html and "超期 1 件" in html
    assert client.get("/console/users").status_code == 200
    assert client.get(f"/console/users/{any_town.world.users['worker'].id}").status_code == 200
