"""Every console page answers on both databases, for both staff roles, and links stay in scope.

A page that works on SQLite can still fail on PostgreSQL (stricter GROUP BY, types, JSON): this
walks the side menu and the first detail link of every list on the real PostgreSQL server too.
"""

from __future__ import annotations

import re

import pytest

from server.extensions import db
from tests.conftest import build_world
from tests.console.conftest import StaffClient

NAV = re.compile(r'<nav class="sidenav".*?</nav>', re.S)
HREF = re.compile(r'href="(/console/[^"?#]*)"')
DETAIL = re.compile(r'href="(/console/(?:residents|households|cases|users|conflicts)/[0-9a-zA-Z-]{8,})"')


def visit_everything(app, username: str) -> dict[str, int]:
    client = StaffClient(app.test_client())
    assert client.login(username).status_code == 302
    home = client.get("/console/")
    assert home.status_code == 200
    pages = sorted(set(HREF.findall(NAV.search(home.text).group(0))))
    assert len(pages) >= 9, pages  # every section of the console is there
    seen = {}
    for url in pages:
        reply = client.get(url)
        seen[url] = reply.status_code
        for detail in sorted(set(DETAIL.findall(reply.text)))[:2]:
            seen[detail] = client.get(detail).status_code
    return seen


@pytest.mark.parametrize("username", ["staff", "admin"])
def test_every_page_renders(any_app, username, device_factory):
    world = build_world(any_app)
    worker = device_factory("worker", app=any_app)
    household = world.households[0]
    worker.create("visit", {"household_id": household.id, "visited_at": "2026-11-20T02:00:00Z",
                            "method": "in_person", "outcome": "normal", "resident_ids": []})
    worker.create("finding", {"grid_id": world.grids[0].id, "category": "safety_plaster",
                              "description": "3号楼外墙墙皮脱落", "reported_at": "2026-11-20T03:00:00Z",
                              "urgency": "urgent", "photos": []})
    worker.sync()
    db.session.remove()
    seen = visit_everything(any_app, username)
    assert all(status == 200 for status in seen.values()), seen
    assert any("/console/cases/" in url for url in seen), seen
