"""Each kind's row: matched to the record it describes, loaded as a phone's change would be, and
classified new / changed / unchanged / error (see check.py)."""

from __future__ import annotations

import re
from functools import cache
from types import SimpleNamespace
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from ..areas.models import Building
from ..core.choices import CHOICES, label
from ..extensions import db
from ..registry.models import ResidentTag
from ..registry.validators import id_number_facts
from ..syncapi.entities import ENTITIES
from ..wire import field_errors
from .cells import building_key, room_key, stable_id
from .register import NIL


def building_row(result, cells, bad, kind, register, ctx, secret, seen) -> None:
    if "building" not in cells:
        result.fail(kind.header_of("building"), "required")
        return
    existing = register.building(result, cells, kind, move=True)
    if result.status == "error":
        return
    grid = register.grid(result, cells, kind)
    number = building_key(cells["building"])
    estate = (cells.get("estate") or "").strip()
    if repeated(result, seen, ("building", estate, number), kind.header_of("building")):
        return
    data = {k: v for k, v in cells.items() if k not in ("grid", "building", "estate")}
    if existing is None and grid is None:
        result.fail(kind.header_of("grid"), "required")
        return
    if existing is not None and grid is not None and grid.id != existing.grid_id:
        # Moving a building moves its households, residents and their history off one worker's
        # phone and onto another's: the buildings page does that, not a spreadsheet cell.
        result.fail(kind.header_of("grid"), "import_building_grid_change")
        return
    if grid is not None:
        data["grid_id"] = grid.id
    result.address = f"{estate}{number}号楼"
    if existing is None:
        data.update(number=number, estate=estate or None)
        result.record_id = stable_id(secret, "building", register.community_id, estate, number)
    _compare(result, "building", existing, data, bad, kind, ctx, register)


def _door(result, cells, bad, kind, register) -> tuple[Building | None, dict]:
    """The row's building and its standard-address fields (unit, floor, room)."""
    building = register.building(result, cells, kind) if "building" in cells else None
    if "building" not in cells:
        result.fail(kind.header_of("building"), "required")
    door = {k: cells[k] for k in ("unit", "floor") if k in cells}
    if "room" in cells:
        door["room"] = room_key(cells["room"])
    for name in ("unit", "room"):
        if name not in door and name not in bad:
            result.fail(kind.header_of(name), "required")
    if "floor" not in door and "floor" not in bad and "room" in door:
        if re.fullmatch(r"\d{3,4}", door["room"]):
            door["floor"] = int(door["room"][:-2])
        else:
            result.fail(kind.header_of("floor"), "import_floor_unknown")
    if building is not None and "unit" in door and "room" in door:
        result.address = f"{building.estate or ''}{building.number}号楼{door['unit']}单元{door['room']}"
    return building, door


def household_row(result, cells, bad, kind, register, ctx, secret, seen) -> None:
    building, door = _door(result, cells, bad, kind, register)
    if result.status == "error" or building is None:
        return
    if repeated(result, seen, ("household", building.id, door["unit"], door["room"]), kind.header_of("room")):
        return
    existing = register.households().get((building.id, door["unit"], door["room"]))
    data = {k: v for k, v in cells.items() if k not in ("grid", "estate", "building", "unit", "room", "floor")}
    if existing is None:
        data.update(building_id=building.id, **door)
        result.record_id = stable_id(secret, "household", building.id, str(door["unit"]), door["room"])
    elif "floor" in cells:
        data["floor"] = door["floor"]
    _compare(result, "household", existing, data, bad, kind, ctx, register)


def resident_row(result, cells, bad, kind, register, ctx, secret, seen) -> None:
    building, door = _door(result, cells, bad, kind, register)
    if building is not None and "unit" in door and "room" in door and "floor" in door:
        home = register.households().get((building.id, door["unit"], door["room"]))
        if home is not None:
            result.household_id = home.id
        else:
            result.household_id = stable_id(secret, "household", building.id, str(door["unit"]), door["room"])
            result.household = {"building_id": building.id, **door}
    person = {k: v for k, v in cells.items() if k not in ("grid", "estate", "building", "unit", "room", "floor", "tags")}
    number = person.get("id_number")
    by_number, by_name = register.residents()
    existing = None
    if number:
        existing = by_number.get(number)
        if existing is None and register.number_elsewhere(number):
            result.fail(kind.header_of("id_number"), "import_id_number_elsewhere")
    elif "name" in person and result.household_id:
        existing = by_name.get((result.household_id, person["name"]))
    if "name" not in person and "name" not in bad:
        result.fail(kind.header_of("name"), "required")
    if number and person.get("id_type", "resident_id") == "resident_id" and existing is None:
        try:
            born, sex = id_number_facts(number)
        except ValidationError:
            pass  # reported by the entity's rules with their own code
        else:
            if "sex" not in bad:
                person.setdefault("sex", sex)
            if "birth_date" not in bad:
                person.setdefault("birth_date", born.isoformat())
    if result.status == "error" or not result.household_id:
        if not result.errors:
            result.fail(kind.header_of("building"), "required")
        _compare(result, "resident", existing, {**person, "household_id": result.household_id or NIL},
                 bad, kind, ctx, register)
        return
    key = ("id", number) if number else ("name", result.household_id, person.get("name"))
    if repeated(result, seen, key, kind.header_of("id_number" if number else "name")):
        return
    if existing is None:
        person["household_id"] = result.household_id
        result.record_id = stable_id(secret, "resident", register.community_id, *key[1:])
    else:
        result.household = {} if existing.household_id == result.household_id else result.household
        if existing.household_id != result.household_id:
            person["household_id"] = result.household_id
    _compare(result, "resident", existing, person, bad, kind, ctx, register)
    if result.status != "error" and cells.get("tags"):
        _tags(result, existing, cells["tags"], kind, register, secret)


def _tags(result, existing, wanted: list[str], kind, register, secret) -> None:
    """Care tags the row names that the person does not have yet (an import only adds tags)."""
    have = set()
    if existing is not None:
        have = set(db.session.scalars(select(ResidentTag.tag).where(
            ResidentTag.resident_id == existing.id, ResidentTag.deleted.is_(False), ResidentTag.ended_on.is_(None))))
    names = {v: k for k, v in register.tags().items()}
    result.tags = [t for t in dict.fromkeys(wanted) if t not in have]
    for tag in result.tags:
        # The tag's own rules (detail fields a tag requires): such a tag is added on the record's page.
        for _, code in ENTITIES["resident_tag"].check(SimpleNamespace(session=db.session), {"tag": tag, "detail": {}},
                                                      None).items():
            result.fail(kind.header_of("tags"), code, value=names[tag])
            return
    if result.tags:
        result.changes.append({"column": kind.header_of("tags"), "from": "、".join(sorted(names[t] for t in have)),
                               "to": "、".join(names[t] for t in [*sorted(have), *result.tags])})
        if result.status == "unchanged":
            result.status = "changed"


def repeated(result, seen, key, column) -> bool:
    first = seen.get(key)
    if first is not None:
        result.fail(column, "import_duplicate_row", first_row=first)
        return True
    seen[key] = result.row
    return False


def _compare(result, entity_name, existing, data, bad, kind, ctx, register) -> None:
    """Load the row's fields as a phone's change; classify it new / changed / unchanged."""
    entity = ENTITIES[entity_name]
    loaded = load(result, entity_name, data, bad, kind, partial=existing is not None)
    if loaded is None:
        return
    wire = {k: v for k, v in wire_schema(entity_name).dump(loaded).items() if k in loaded}
    current = entity.dump(existing) if existing is not None else {}
    if entity.check is not None:
        reported = bad | {c.field for c in kind.columns if c.header in {e["column"] for e in result.errors}}
        state = {k: v for k, v in {**current, **wire}.items() if k not in reported}
        for name, code in entity.check(ctx, state, existing).items():
            if name not in reported:
                result.fail(kind.header_of(name), code)
    if result.status == "error":
        return
    if existing is None:
        result.status, result.fields = "new", wire
        result.grid_id = _grid_of(entity_name, wire, register)
        return
    result.record_id = existing.id
    changed = {k: v for k, v in wire.items() if current.get(k) != v}
    result.fields = changed
    result.status = "changed" if changed else "unchanged"
    for name, value in changed.items():
        result.changes.append({"column": "地址" if name == "household_id" else kind.header_of(
                                   {"grid_id": "grid", "number": "building"}.get(name, name)),
                               "from": _shown(entity_name, name, current.get(name), register),
                               "to": result.address if name == "household_id" else _shown(entity_name, name, value, register)})


def load(result, entity_name: str, data: dict, bad: set, kind, partial: bool = False) -> dict | None:
    """`data` loaded as a phone's change would be (wire schema, then the database's column
    limits); None when the schema refuses it. Each error names its cell, unless the cell itself
    was already reported (`bad`)."""
    try:
        loaded = wire_schema(entity_name).load(data, partial=partial)
    except ValidationError as exc:
        for name, info in field_errors(exc.messages).items():
            if name not in bad:
                result.fail(kind.header_of(name), info["code"])
        return None
    # A column the file leaves out takes the record's default (a building's 单元数 1), not null.
    loaded = {k: v for k, v in loaded.items() if k in data or v is not None}
    for name, code in ENTITIES[entity_name].column_errors(loaded).items():
        if name not in bad:
            result.fail(kind.header_of(name), code)
    return loaded


def _grid_of(entity_name, wire, register) -> str:
    if entity_name == "building":
        return wire["grid_id"]
    return ""


def _shown(entity_name: str, name: str, value: Any, register) -> str:
    """A value as the preview shows it (the Chinese of a code, the grid's name)."""
    if value is None or value == "":
        return ""
    if name == "grid_id":
        grid = register.grid_by_id.get(value)
        return grid.name if grid else value
    if name == "household_id":
        return register.address_of(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    kind = {"status": "household_status"}.get(name, name)
    if kind in CHOICES and isinstance(value, str):
        return label(kind, value)
    return str(value)


@cache
def wire_schema(entity_name: str):
    # Building a marshmallow schema costs more than loading a row with it: one per entity.
    return ENTITIES[entity_name].wire()
