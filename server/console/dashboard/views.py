"""The dashboard (工作台): the current community at a glance, as charts and as tables.

Charts are drawn by static/charts.js from JSON the page embeds (the CSP allows no inline
script); every chart has its numbers in a table too, for reading, printing and screen readers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import g, render_template
from sqlalchemy import select

from ...areas.models import Area
from ...cases.workflow import STATUSES
from ...extensions import db
from ..cases import labels as cases_labels
from . import queries as figures
from ..blueprint import bp
from .charts import coverage_chart, findings_chart, stages_chart, tags_chart
from ..users.queries import devices_by_user, field_users


def pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


label = cases_labels.category_name  # a dictionary entry's name in the page's language
local_time = cases_labels.china


@bp.get("/")
def dashboard():
    scope = g.scope
    if scope.community is None:
        return render_template("console/dashboard/index.html", community=None)
    at = figures.moment()
    grids = scope.grids
    ids = scope.grid_ids
    coverage = grid_coverage(grids, at)
    totals = sum_rows(coverage)
    tag_types = figures.tag_types()
    tags = figures.tags_per_grid(ids, at)
    cases = figures.cases_per_grid(ids)
    stages = [(status, sum(n for (_, s), n in cases.items() if s == status))
              for status in STATUSES if status not in figures.DONE]
    weekly = figures.findings_per_week(ids, at)
    context = dict(
        community=scope.community, grids=grids, coverage=coverage, totals=totals,
        tag_rows=[(t, [tags.get((grid.id, t.id), 0) for grid in grids]) for t in tag_types
                  if any(tags.get((grid.id, t.id)) for grid in grids)],
        stages=stages, stage_label=cases_labels.status,
        open_cases=sum(n for _, n in stages),
        overdue_cases=sum(figures.overdue_cases_per_grid(ids, at).values()),
        weekly=weekly, workers=worker_devices(scope, at),
        street=street_table(scope, at) if g.staff.role == "street_admin" else None,
        charts={
            "coverage": coverage_chart(coverage, scope.community),
            "tags": tags_chart(grids, scope.community, tag_types, tags, label),
            "stages": stages_chart(stages),
            "findings": findings_chart(weekly, label),
        },
        label=label, local_time=local_time, pct=pct, month=at.today.strftime("%Y-%m"),
    )
    return render_template("console/dashboard/index.html", **context)


def grid_coverage(grids: list[Area], at: figures.Moment) -> list[dict]:
    """One row per grid: households visited this month and care-tagged residents on time."""
    ids = [grid.id for grid in grids]
    households = figures.households_per_grid(ids)
    visited = figures.visited_households_per_grid(ids, at)
    care = figures.care_status_per_grid(ids, at)
    rows = []
    for grid in grids:
        counts = care.get(grid.id, figures.CareCounts())
        rows.append(dict(grid=grid, households=households.get(grid.id, 0), visited=visited.get(grid.id, 0),
                         care=counts))
    return rows


def sum_rows(rows: list[dict]) -> dict:
    care = figures.CareCounts()
    for row in rows:
        care.add(row["care"])
    return dict(households=sum(r["households"] for r in rows), visited=sum(r["visited"] for r in rows), care=care)


def worker_devices(scope, at: figures.Moment) -> list[dict]:
    """Grid workers and patrol volunteers with their phones; those silent for two days first."""
    users = [u for u in field_users(scope) if u.active]
    summaries = devices_by_user([u.id for u in users])
    rows = []
    for user in users:
        summary = summaries[user.id]
        rows.append(dict(user=user, grids=[scope.grid_name(a) for a in user.area_ids if scope.has_grid(a)],
                         summary=summary, stale=summary.stale(at.now)))
    rows.sort(key=lambda r: (not r["stale"], r["summary"].last_sync or datetime.min))
    return rows


def street_table(scope, at: figures.Moment) -> list[dict]:
    """Key figures of every community of the street admin's street, one row each."""
    communities = scope.communities
    grid_rows = db.session.execute(
        select(Area.id, Area.parent_id).where(Area.parent_id.in_([c.id for c in communities]),
                                              Area.level == "grid", Area.deleted.is_(False))).all()
    ids = [grid_id for grid_id, _ in grid_rows]
    community_of = dict(grid_rows)
    per_grid = {
        "households": figures.households_per_grid(ids),
        "visited": figures.visited_households_per_grid(ids, at),
        "residents": figures.residents_per_grid(ids, at),
        "overdue_cases": figures.overdue_cases_per_grid(ids, at),
    }
    keys = (*per_grid, "grids", "open_cases")
    sums: dict[str, dict] = {c.id: dict.fromkeys(keys, 0) for c in communities}
    for name, values in per_grid.items():
        for grid_id, n in values.items():
            sums[community_of[grid_id]][name] += n
    for grid_id in ids:
        sums[community_of[grid_id]]["grids"] += 1
    for (grid_id, status), n in figures.cases_per_grid(ids).items():
        if status not in figures.DONE:
            sums[community_of[grid_id]]["open_cases"] += n
    care: dict[str, figures.CareCounts] = defaultdict(figures.CareCounts)
    for grid_id, counts in figures.care_status_per_grid(ids, at).items():
        care[community_of[grid_id]].add(counts)
    return [dict(community=c, current=c.id == scope.community.id, care=care[c.id], **sums[c.id])
            for c in communities]
