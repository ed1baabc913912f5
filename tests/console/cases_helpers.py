"""Shared steps of the case and review tests: report a finding from a phone, act on it as staff."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from server.areas.models import Area
from server.cases.models import Finding, HandlingUnit
from sync.ids import uuid7
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


def directory_entry(fid, name="物业服务中心", kind="property_manager", area_id=None) -> HandlingUnit:
    """The case's community's directory entry called `name` (added the first time it is asked for)."""
    area_id = area_id or db.session.get(Area, db.session.get(Finding, fid).grid_id).parent_id
    entry = db.session.scalar(select(HandlingUnit).where(HandlingUnit.area_id == area_id, HandlingUnit.name == name))
    if entry is None:
        entry = HandlingUnit(id=uuid7(), area_id=area_id, name=name, kind=kind, active=True)
        db.session.add(entry)
        db.session.commit()
    return entry


def dispatch(client, fid, level="community", unit="物业服务中心", from_status="accepted", assists=()):
    """Dispatch to the directory entry called `unit` (and assisting ones); their ids."""
    lead = directory_entry(fid, unit).id
    helpers = [directory_entry(fid, name, "government").id for name in assists]
    ok(step(client, fid, from_status, "dispatched", level=level, handling_unit_id=lead, assist_ids=helpers), fid)
    return lead, helpers


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


def receive(client, fid):
    """The lead unit's receipt, recorded by staff (dispatched → in_progress): its deadline starts."""
    ok(step(client, fid, "dispatched", "in_progress"), fid)
    db.session.expire_all()
    return db.session.get(Finding, fid).deadline_at
