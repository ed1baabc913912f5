"""Writing a checked file: every new and changed row through DirectWriter, so each record's
history holds the import (`via` names it), in chunks that each end in a commit.

`start_after` is the last row a previous run committed: a resumed import goes on from there.
Record ids come from the rows' identity and each row is compared with the stored record again as
it is written, so even a chunk written twice (the process died between the commit and the note
of it) creates nothing twice.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import select

from ..areas.models import Building
from ..core.time import china_today
from ..extensions import db
from ..registry.models import Household, Resident, ResidentTag
from ..syncapi.direct import DirectWriter
from .cells import stable_id
from .rows import wire_schema

CHUNK = 100
MODELS = {"building": Building, "household": Household, "resident": Resident}
PARENTS = {"household": ("building_id", Building), "resident": ("household_id", Household)}
WRITTEN = ("new", "changed")


def _put(writer: DirectWriter, entity_name: str, record_id: str, fields: dict, found: dict) -> None:
    model = MODELS[entity_name]
    values = dict(wire_schema(entity_name).load(fields, partial=True))
    if entity_name in PARENTS:
        name, parent_model = PARENTS[entity_name]
        if name in values:
            values["grid_id"] = db.session.get(parent_model, values[name]).grid_id
    row = found.get(record_id)
    if row is None:
        found[record_id] = writer.put(entity_name, model(id=record_id, **values))
        return
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if changed:
        writer.update(entity_name, row, changed)
    if entity_name == "resident" and "grid_id" in changed:
        # A resident who moved to a household of another grid takes their care tags along, so
        # the new grid's phones get them and the old grid's drop them.
        for tag in db.session.scalars(select(ResidentTag).where(ResidentTag.resident_id == row.id)):
            writer.update("resident_tag", tag, {"grid_id": row.grid_id})


def write_row(writer: DirectWriter, entity_name: str, result: dict, secret: str, found: dict) -> None:
    if result.get("household") and result["household_id"] not in found:
        _put(writer, "household", result["household_id"], result["household"], found)
    if result["fields"]:
        _put(writer, entity_name, result["record_id"], result["fields"], found)
    for tag in result.get("tags") or []:
        tag_id = stable_id(secret, "resident_tag", result["record_id"], tag)
        if db.session.get(ResidentTag, tag_id) is None:
            person = db.session.get(Resident, result["record_id"])
            writer.put("resident_tag", ResidentTag(id=tag_id, resident_id=person.id, grid_id=person.grid_id,
                                                   tag=tag, detail={}, started_on=china_today()))


def _stored(entity_name: str, part: list[dict]) -> dict:
    """The chunk's records that exist already, in one query per table (a miss costs no query)."""
    wanted = {MODELS[entity_name]: [r["record_id"] for r in part]}
    households = [r["household_id"] for r in part if r.get("household")]
    if households:
        wanted.setdefault(Household, []).extend(households)
    # The parents the writer locates each record by: held here, since the session's identity map
    # keeps only what someone else holds, and each miss is a query.
    if entity_name in PARENTS:
        name, parent = PARENTS[entity_name]
        wanted.setdefault(parent, []).extend(r["fields"].get(name) for r in part if r["fields"].get(name))
        if entity_name == "resident":
            wanted[Building] = [r["household"]["building_id"] for r in part if r.get("household")]
    found = {}
    for model, ids in wanted.items():
        for start in range(0, len(ids), 500):
            found.update({row.id: row for row in db.session.scalars(
                select(model).where(model.id.in_(set(ids[start:start + 500]))))})
    return found


def write_rows(writer: DirectWriter, entity_name: str, results: list[dict], secret: str, start_after: int = 0,
               on_chunk: Callable[[int, int], None] | None = None, chunk: int = CHUNK) -> int:
    """Write the rows after `start_after`; on_chunk(last row, rows done) runs before each chunk's
    commit. The number of rows written."""
    todo = [r for r in results if r["status"] in WRITTEN and r["row"] > start_after]
    done = 0
    for i in range(0, len(todo), chunk):
        part = todo[i:i + chunk]
        found = _stored(entity_name, part)
        for result in part:
            write_row(writer, entity_name, result, secret, found)
        done += len(part)
        if on_chunk is not None:
            # In the chunk's own transaction: the note of the last row done is exactly as true
            # as the rows it covers.
            on_chunk(part[-1]["row"], done)
        db.session.commit()
    return done
