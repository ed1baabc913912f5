"""Shared steps of the case and review tests: report a finding from a phone, act on it as staff."""

from __future__ import annotations

import re
from datetime import timedelta

from server.cases.models import Finding
from server.extensions import db
from server.core.time import utcnow

AT = "2026-11-20T03:00:00Z"
CODE = re.compile(r'data-code="([a-z_]+)"')


def report(device, grid, description="3号楼外墙墙皮脱落", category="safety_plaster", **extra) -> str:
    fid = device.create("finding", {"grid_id": grid.id, "category": category, "description": description,
                                    "reported_at": AT, **extra})
    results = device.push()
    assert results[-1]["status"] == "accepted", results
    return fid


def step(client, fid, from_status, to_status, **fields):
    """Post a case page's step form as htmx does."""
    return client.post(f"/console/cases/{fid}/steps", {"from_status": from_status, "to_status": to_status,
                                                         **fields}, htmx=True)


def ok(reply, fid):
    assert reply.status_code == 204, (reply.status_code, reply.text)
    assert reply.headers["HX-Redirect"] == f"/console/cases/{fid}"


def refused(reply) -> tuple[int, str]:
    """(status, code) of a refusal rendered into #flash."""
    match = CODE.search(reply.text)
    return reply.status_code, match.group(1) if match else ""


def status_of(fid) -> str:
    db.session.expire_all()
    return db.session.get(Finding, fid).status


def dispatch(client, fid, level="community", unit="物业服务中心", from_status="accepted"):
    ok(step(client, fid, from_status, "dispatched", level=level, unit=unit), fid)


def china_input(moment) -> str:
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")


def make_overdue(fid, hours=30):
    finding = db.session.get(Finding, fid)
    finding.deadline_at = (utcnow() - timedelta(hours=hours)).replace(microsecond=0)
    db.session.commit()


def street_admin_on(staff_client, community):
    """The street admin, looking at `community` (the switcher in the top bar)."""
    admin = staff_client("admin")
    reply = admin.post("/console/community", {"community_id": community.id, "next": "/console/"})
    assert reply.status_code == 302
    return admin
