"""The demo's planned street as the setup spreadsheets a real street fills in (楼栋, 住户, 居民), loaded
through the import's own checks and writer (`server.imports.run`), so the demo exercises the path
a street's first load takes and a row the import would refuse stops the demo instead of slipping in.

What the setup files have no column for is written afterwards through DirectWriter, as staff would
complete it on the record's page: a building's notes, a household's notes and the day it was first
registered, a resident's notes and how and when they came and went, and the care tags with their
details and dates (the import only adds a bare tag, dated today). Nothing here draws from the random
stream: the plan is complete before it is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..areas.models import Area, Building
from ..core.choices import label
from ..extensions import db
from ..imports import run
from ..imports.kinds import BUILDINGS, HOUSEHOLDS, RESIDENTS
from ..registry.models import Household, Resident, ResidentTag
from sync.ids import uuid7
from .care import TAG_ORDER

if TYPE_CHECKING:
    from .context import DemoContext
    from .households import Home

VIA = "demo"
DOOR_PATTERN = "{floor}{door:02}"  # 101, 102 … 1804: the demo's rooms, as the template's default writes them

BUILDING_HEADERS = [c.header for c in BUILDINGS.columns]
HOUSEHOLD_HEADERS = [c.header for c in HOUSEHOLDS.columns]
RESIDENT_HEADERS = [c.header for c in RESIDENTS.columns]


class DemoImportRefused(RuntimeError):
    """A planned row the import's checks refused: the generator made something a street could not."""


def _word(kind: str, code: str | None) -> str | None:
    return label(kind, code) or None if code else None


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _load(kind: str, headers: list[str], rows: list[list], community: Area) -> list:
    """Check the rows as a file's preview would, refuse the lot on any error, then write them."""
    results = run.preview_rows(kind, headers, rows, community.id)
    bad = [r for r in results if r.status == "error"]
    if bad:
        first = bad[0]
        raise DemoImportRefused(f"{kind} row {first.row}: {first.errors} ({len(bad)} rows refused)")
    run.apply(results, kind, via=VIA)
    return results


def _by_id(model, ids: list[str]) -> dict[str, Any]:
    found = {}
    for start in range(0, len(ids), 500):
        found.update({r.id: r for r in db.session.scalars(select(model).where(model.id.in_(ids[start:start + 500])))})
    return found


def _place(ctx: DemoContext, home: Home, estate: str) -> list:
    return [ctx.grids[home.grid].name, estate, str(home.building.number), home.unit, home.floor, home.room]


def write_buildings(ctx: DemoContext, estate: str) -> None:
    rows = [[ctx.grids[b.grid].name, estate, str(b.number), f"{b.number}号楼", b.units, b.floors, b.rooms,
             DOOR_PATTERN, _yes_no(b.kind != "walkup"), b.built_year, b.lat, b.lng, b.captain[0], b.captain[1]]
            for b in ctx.buildings]
    results = _load("buildings", BUILDING_HEADERS, rows, ctx.community)
    stored = _by_id(Building, [r.record_id for r in results])
    for b, result in zip(ctx.buildings, results):
        b.row = stored[result.record_id]
        if b.notes:
            ctx.writer.update("building", b.row, {"notes": b.notes})


def write_households(ctx: DemoContext, estate: str) -> None:
    from .households import registered_at

    rows = []
    for home in ctx.homes:
        head = next((p for p in home.people if p.phone), None)
        landlord = home.landlord or (None, None)
        rows.append([*_place(ctx, home, estate), _word("housing_use", home.use),
                     _word("registration_status", home.status), head.phone if head else None,
                     landlord[0], landlord[1], home.lease_end])
    results = _load("households", HOUSEHOLD_HEADERS, rows, ctx.community)
    stored = _by_id(Household, [r.record_id for r in results])
    for home, result in zip(ctx.homes, results):
        home.row = stored[result.record_id]
        if home.notes:
            ctx.writer.update("household", home.row, {"notes": home.notes})
        moment = registered_at(home)
        if moment:
            # The record dates from the household's registration, not from the demo's load.
            home.row.created_at = home.row.updated_at = moment


MOVEMENT = ("notes", "arrived_by", "moved_in_on", "moved_in_from", "left_by", "moved_out_on", "moved_out_to")


def write_residents(ctx: DemoContext, estate: str) -> None:
    people, rows = [], []
    for home in ctx.homes:
        for p in home.people:
            people.append(p)
            rows.append([*_place(ctx, home, estate), p.name, _word("sex", p.sex), p.birth, _word("id_type", p.id_type),
                         p.id_number, p.phone, p.ethnicity, _word("relation", p.relation),
                         _word("population_type", p.population_type), p.permit_expiry,
                         _word("political_status", p.political)])
    results = _load("residents", RESIDENT_HEADERS, rows, ctx.community)
    stored = _by_id(Resident, [r.record_id for r in results])
    for person, result in zip(people, results):
        person.row = stored[result.record_id]
        values = {name: getattr(person, name) for name in MOVEMENT if getattr(person, name) is not None}
        ctx.writer.update("resident", person.row, values)


def write_tags(ctx: DemoContext) -> None:
    """Care tags with the details their dictionary asks for, from the day they apply: the import has no
    column for either, so they are written as the record's page would write them."""
    for home in ctx.homes:
        for person in home.people:
            for tag in sorted(person.tags, key=TAG_ORDER.index):
                ctx.writer.put("resident_tag", ResidentTag(
                    id=uuid7(), resident_id=person.row.id, grid_id=person.row.grid_id, tag=tag,
                    detail=person.tags[tag], started_on=person.tag_since[tag], ended_on=person.tag_ended.get(tag)))
                ctx.counts[f"tag:{tag}"] += 1


def write_register(ctx: DemoContext, estate: str, before_homes=None) -> None:
    """Buildings, then (`before_homes`: their door grids) households, residents and care tags."""
    write_buildings(ctx, estate)
    if before_homes is not None:
        before_homes(ctx)
    write_households(ctx, estate)
    write_residents(ctx, estate)
    write_tags(ctx)
    db.session.flush()

