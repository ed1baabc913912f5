"""Writing a checked file: every new and changed row through DirectWriter, so each record's
history holds the import (`via` names it), in chunks that each end in a commit.

`start_after` is the last row a previous run committed: a resumed import goes on from there.
Record ids come from the rows' identity and each row is compared with the register again before
it is written, so even a chunk written twice (the process died between the commit and the note
of it) creates nothing twice.
"""

from __future__ import annotations

from typing import Callable

from ..areas.models import Building
from ..core.time import china_today
from ..extensions import db
from ..registry.models import Household, Resident, ResidentTag
from ..syncapi.direct import DirectWriter
from ..syncapi.entities import ENTITIES
from .cells import stable_id

CHUNK = 100
MODELS = {"building": Building, "household": Household, "resident": Resident}
WRITTEN = ("new", "changed")


def _values(entity_name: str, fields: dict) -> dict:
    """Wire values as the model's attributes (dates as dates)."""
    loaded = ENTITIES[entity_name].wire().load(fields, partial=True)
    return dict(loaded)


def _put(writer: DirectWriter, entity_name: str, record_id: str, fields: dict, grid_id: str | None) -> None:
    model = MODELS[entity_name]
    row = db.session.get(model, record_id)
    values = _values(entity_name, fields)
    if entity_name != "building":
        parent = (db.session.get(Building, values["building_id"]) if entity_name == "household"
                  else db.session.get(Household, values["household_id"])) if (
            "building_id" in values or "household_id" in values) else None
        if parent is not None:
            values["grid_id"] = parent.grid_id
    if row is None:
        writer.put(entity_name, model(id=record_id, **values))
        return
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if changed:
        writer.update(entity_name, row, changed)


def write_row(writer: DirectWriter, entity_name: str, result: dict, secret: str) -> None:
    if result.get("household"):
        if db.session.get(Household, result["household_id"]) is None:
            _put(writer, "household", result["household_id"], result["household"], None)
    if result["fields"]:
        _put(writer, entity_name, result["record_id"], result["fields"], result.get("grid_id"))
    for tag in result.get("tags") or []:
        tag_id = stable_id(secret, "resident_tag", result["record_id"], tag)
        if db.session.get(ResidentTag, tag_id) is None:
            person = db.session.get(Resident, result["record_id"])
            writer.put("resident_tag", ResidentTag(id=tag_id, resident_id=person.id, grid_id=person.grid_id,
                                                   tag=tag, detail={}, started_on=china_today()))


def write_rows(writer: DirectWriter, entity_name: str, results: list[dict], secret: str, start_after: int = 0,
               on_chunk: Callable[[int, int], None] | None = None, chunk: int = CHUNK) -> int:
    """Write the rows after `start_after`; on_chunk(last row, rows done) runs before each chunk's commit.
    The number of rows written."""
    todo = [r for r in results if r["status"] in WRITTEN and r["row"] > start_after]
    done = 0
    for i in range(0, len(todo), chunk):
        part = todo[i:i + chunk]
        for result in part:
            write_row(writer, entity_name, result, secret)
        done += len(part)
        if on_chunk is not None:
            # In the chunk's own transaction: the note of the last row done is exactly as true
            # as the rows it covers.
            on_chunk(part[-1]["row"], done)
        db.session.commit()
    return done
