"""The dashboard's charts as plain data for static/charts.js: categories, series, unit.

Texts are translated here, at request time, so the same script draws Chinese or English.
"""

from __future__ import annotations

from flask_babel import gettext

from ..cases import labels as cases_labels


def short_name(grid, community) -> str:
    """"幸福社区第一网格" is "第一网格" on its own community's chart, where labels are tight."""
    name = grid.name
    if community is not None and name.startswith(community.name) and len(name) > len(community.name):
        return name[len(community.name):]
    return name


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def coverage_chart(rows: list[dict], community) -> dict:
    return {
        "type": "bar", "unit": "%", "max": 100,
        "categories": [short_name(row["grid"], community) for row in rows],
        "series": [
            {"name": gettext("本月入户走访覆盖率"),
             "data": [_pct(row["visited"], row["households"]) for row in rows]},
            {"name": gettext("关爱对象按期走访率"),
             "data": [_pct(row["care"].on_time, row["care"].tagged) for row in rows]},
        ],
    }


def tags_chart(grids, community, tag_types, counts: dict[tuple[str, str], int], label) -> dict:
    series = []
    for tag in tag_types:
        data = [counts.get((grid.id, tag.id), 0) for grid in grids]
        if any(data):
            series.append({"name": label(tag), "data": data, "stack": "tags"})
    return {"type": "bar", "unit": "", "categories": [short_name(grid, community) for grid in grids],
            "series": series}


def stages_chart(stages: list[tuple[str, int]]) -> dict:
    return {
        "type": "bar", "unit": "", "horizontal": True,
        "categories": [cases_labels.status(status) for status, _ in stages],
        "series": [{"name": gettext("事件数"), "data": [n for _, n in stages]}],
    }


def findings_chart(weekly, label) -> dict:
    series = []
    for category in weekly.categories:
        data = weekly.counts.get(category.id)
        if data and any(data):
            series.append({"name": label(category), "data": data, "stack": "findings"})
    return {"type": "bar", "unit": "", "categories": [week.strftime("%m-%d") for week in weekly.weeks],
            "series": series}
