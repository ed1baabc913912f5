"""The dashboard in a real browser: the charts draw (ECharts from the local vendor copy, started by
static/charts.js under the CSP) on a community with visits and findings, without console errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sync.client import SyncClient
from sync.transport import http_transport
from tests.conftest import PASSWORD

CHARTS = ("chart-coverage-data", "chart-tags-data", "chart-stages-data", "chart-findings-data")


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def field_work(server) -> None:
    """A worker's day, synced from a phone: a care tag, a visit and two findings."""
    world = server.world
    phone = SyncClient(http_transport(server.base))
    phone.login("worker", PASSWORD)
    phone.pull()
    now = datetime.now(timezone.utc)
    phone.create("resident_tag", {"resident_id": world.residents[0].id,
                                  "tag": "elderly_alone", "detail": {"risk_level": "high"},
                                  "started_on": (now - timedelta(days=30)).date().isoformat()})
    phone.create("visit", {"household_id": world.households[0].id, "visited_at": iso(now - timedelta(minutes=5)),
                           "method": "in_person", "outcome": "normal", "resident_ids": []})
    for category, text in (("safety_plaster", "3号楼外墙墙皮脱落"), ("env_garbage", "垃圾桶满溢")):
        phone.create("finding", {"grid_id": world.grids[0].id, "category": category, "description": text,
                                 "reported_at": iso(now - timedelta(minutes=3)), "urgency": "normal", "photos": []})
    phone.sync()
    assert phone.outbox("pending") == [] and phone.outbox("rejected") == []


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(f"{msg.text} {msg.location.get('url', '')}")
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico") else None)
    return errors


def test_the_dashboard_draws_its_charts(live_server, desk, console, screenshot):
    field_work(live_server)
    page = desk().new_page()
    errors = watch_errors(page)
    console.login(page, live_server, "staff")
    page.goto(live_server.url("/console/"))
    for chart in CHARTS:
        page.locator(f'[data-chart="{chart}"] canvas').first.wait_for()
    assert page.locator("h1").inner_text() == "工作台 · 幸福社区"
    coverage = page.locator("section", has_text="本月走访覆盖（按网格）")
    assert "1 / 1（100%）" in coverage.inner_text()  # grid 1's only home, visited today
    assert "1 / 1" in coverage.locator("tr", has_text="第1网格").inner_text()  # her visit is on time
    devices = page.locator("#devices")
    assert "超过2天未同步" not in devices.locator("tr", has_text="李网格").inner_text()
    assert "从未同步" in devices.locator("tr", has_text="王网格").inner_text()
    screenshot(page, "console-dashboard")
    screenshot(page, "console-dashboard-full", full_page=True)
    # The tables behind the charts open for those who read numbers rather than bars.
    findings = page.locator("section", has_text="近12周巡查发现")
    findings.locator("summary").click()
    assert "安全隐患" in findings.locator("table").inner_text()
    assert errors == []


def test_a_street_admin_sees_the_street_and_switches_community(live_server, desk, console, screenshot):
    page = desk().new_page()
    errors = watch_errors(page)
    console.login(page, live_server, "admin")
    page.goto(live_server.url("/console/"))
    street = page.locator("section", has_text="街道各社区概况")
    assert "幸福社区" in street.inner_text() and "团结社区" in street.inner_text()
    current = page.locator("h1").inner_text().split(" · ")[1]
    other = "幸福社区" if current == "团结社区" else "团结社区"
    street.get_by_role("button", name=other).click()
    page.locator("h1", has_text=other).wait_for()
    page.locator('[data-chart="chart-coverage-data"] canvas').first.wait_for()
    screenshot(page, "console-dashboard-street")
    assert errors == []
