"""Checking every row of a setup file against the register, as a preview.

Each row is converted cell by cell, matched to the record it describes (buildings by community +
小区 + 楼号, households by standard address, residents by ID number, else by household + name),
loaded through the record's wire schema, the database's column limits and the entity's rules
exactly as a phone's change would be, and classified:

- new: no record matches; it will be created (its id derived from the row's identity, so a
  second import or a resumed one names the same record);
- changed: a record matches and some filled cell differs; `changes` lists each field from → to;
- unchanged: a record matches and every filled cell says what it holds;
- error: something is wrong; `errors` names the cell (column header as the file writes it) and
  the code with both messages. Error rows are never written: the rest of the file is, on
  confirmation (the rule of the ledger import).

An empty cell leaves a stored value as it is: a partial sheet (only phones, say) updates only
what it fills in.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from ..areas.models import Area, Building
from ..core.choices import label
from ..core.messages import field_error, register_messages
from ..core.time import china_today
from ..extensions import db
from ..registry.models import CareTagType, Household, Resident, ResidentTag
from ..registry.validators import id_number_facts, normalise_id_number
from ..syncapi.entities import ENTITIES
from ..wire import field_errors
from .book import Sheet
from .cells import blank, building_key, cell_text, parse_bool, parse_date, room_key, stable_id
from .kinds import Column, Kind
from .words import code_of

register_messages({
    "import_grid_unknown": ("本社区没有这个网格", "The current community has no grid of this name"),
    "import_building_missing": ("本社区没有这个楼栋（按小区+楼号），请先导入楼栋表或在“楼栋”页添加",
                                "The community has no such building (by estate and number); import the buildings file or add it first"),
    "import_building_ambiguous": ("本社区有多栋同号的楼，请填写网格或小区以区分",
                                  "Several buildings of the community have this number; fill in the grid or estate"),
    "import_duplicate_row": ("与文件中前面的行重复（同一证件号码或同户同名）", "Repeats an earlier row of the file (same ID number, or same name in the same household)"),
    "import_id_number_elsewhere": ("该证件号码已登记在其他社区的居民名下", "This ID number is registered to a resident of another community"),
    "import_id_as_number": ("证件号码被 Excel 存成了数字，末几位可能已丢失；请把该列设为文本后重新填写",
                            "Excel stored the ID number as a number and may have lost its last digits; format the column as text and re-enter it"),
    "import_floor_unknown": ("无法从房号推算楼层，请填写楼层", "The floor cannot be worked out from the room number; fill it in"),
    "import_building_grid_change": ("这栋楼已在另一个网格；调整楼栋所属网格请在“楼栋”页操作，以便住户和居民一并转移",
                                    "This building is in another grid; move it on the buildings page, so its households and residents move with it"),
    "import_tag_unknown": ("没有这个关爱标签", "There is no care tag of this name"),
})

_INT = re.compile(r"^\s*(-?\d+)\s*(?:单元|层|楼|户|年)?\s*$")
NIL = str(uuid.UUID(int=0))


@dataclass
class RowResult:
    row: int
    status: str = "new"  # new | changed | unchanged | error
    values: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    record_id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)   # wire values to write
    changes: list[dict[str, str]] = field(default_factory=list)  # {column, from, to}
    address: str = ""
    household_id: str = ""   # residents: their household, created first when new
    household: dict[str, Any] = field(default_factory=dict)
    grid_id: str = ""
    tags: list[str] = field(default_factory=list)  # residents: care tag ids to add

    def fail(self, column: str, code: str, **extra: Any) -> None:
        self.status = "error"
        self.errors.append({"column": column, **field_error(code), **extra})

    def as_dict(self) -> dict:
        return asdict(self)


class Register:
    """What the community already holds, loaded once for the whole file."""

    def __init__(self, community_id: str) -> None:
        self.community_id = community_id
        grids = list(db.session.scalars(select(Area).where(
            Area.parent_id == community_id, Area.level == "grid", Area.deleted.is_(False))))
        self.grid_ids = [g.id for g in grids]
        self.grid_by_id = {g.id: g for g in grids}
        self.grids: dict[str, Area] = {}
        for grid in grids:
            self.grids[grid.name.strip()] = grid
            if grid.code:
                self.grids[grid.code] = grid
        self.buildings: dict[tuple[str, str], list[Building]] = {}
        for b in db.session.scalars(select(Building).where(Building.grid_id.in_(self.grid_ids),
                                                           Building.deleted.is_(False))):
            self.buildings.setdefault(((b.estate or "").strip(), building_key(b.number)), []).append(b)
        self._households: dict[tuple, Household] | None = None
        self._residents: tuple[dict, dict] | None = None
        self._tags: dict[str, str] | None = None

    def households(self) -> dict[tuple, Household]:
        if self._households is None:
            self._households = {(h.building_id, h.unit, room_key(h.room)): h for h in db.session.scalars(
                select(Household).where(Household.grid_id.in_(self.grid_ids), Household.deleted.is_(False)))}
        return self._households

    def residents(self) -> tuple[dict, dict]:
        """(by normalised ID number, by (household id, name)) of the community's residents."""
        if self._residents is None:
            by_number, by_name = {}, {}
            for r in db.session.scalars(select(Resident).where(Resident.grid_id.in_(self.grid_ids),
                                                               Resident.deleted.is_(False))):
                if r.id_number:
                    by_number.setdefault(normalise_id_number(r.id_number), r)
                by_name.setdefault((r.household_id, r.name), r)
            self._residents = (by_number, by_name)
        return self._residents

    def number_elsewhere(self, number: str) -> bool:
        variants = {number, number.replace("X", "x")}
        return db.session.scalar(select(Resident.id).where(
            Resident.id_number.in_(variants), Resident.deleted.is_(False),
            Resident.grid_id.not_in(self.grid_ids)).limit(1)) is not None

    def address_of(self, household_id: str) -> str:
        """A household's standard address (小区+楼号+单元+门牌), as the preview shows a move."""
        home = next((h for h in self.households().values() if h.id == household_id), None)
        if home is None:
            home = db.session.get(Household, household_id)
        building = db.session.get(Building, home.building_id) if home is not None else None
        if building is None:
            return "新登记的户"
        return f"{building.estate or ''}{building.number}号楼{home.unit}单元{home.room}"

    def tags(self) -> dict[str, str]:
        if self._tags is None:
            self._tags = {t.name_zh: t.id for t in db.session.scalars(
                select(CareTagType).where(CareTagType.deleted.is_(False)))}
        return self._tags

    def building(self, result: RowResult, cells: dict, kind: Kind, move: bool = False) -> Building | None:
        """The row's building; None with the cell's error when there is none or several."""
        grid = self.grid(result, cells, kind)
        if grid is ...:
            return None
        number = building_key(cells.get("building") or "")
        found = self.buildings.get(((cells.get("estate") or "").strip(), number), [])
        if len(found) > 1 and grid is not None:
            found = [b for b in found if b.grid_id == grid.id]
        elif found and grid is not None and not move:
            found = [b for b in found if b.grid_id == grid.id]
        if len(found) > 1:
            result.fail(kind.header_of("building"), "import_building_ambiguous")
            return None
        if not found:
            if not move:
                result.fail(kind.header_of("building"), "import_building_missing")
            return None
        return found[0]

    def grid(self, result: RowResult, cells: dict, kind: Kind):
        """The grid the row names: None when the cell is empty, ... (after an error) when unknown."""
        text = (cells.get("grid") or "").strip()
        if not text:
            return None
        grid = self.grids.get(text)
        if grid is None:
            result.fail(kind.header_of("grid"), "import_grid_unknown")
            return ...
        return grid


def convert(column: Column, value: Any, result: RowResult, register: Register):
    """A cell as a wire value; None when empty; records an error and returns ... when bad."""
    if blank(value):
        return None
    if column.kind == "id_number":
        if isinstance(value, (int, float)):
            result.fail(column.header, "import_id_as_number")
            return ...
        return normalise_id_number(re.sub(r"\s+", "", str(value)))
    if column.kind == "date":
        parsed = parse_date(value)
        if parsed is None:
            result.fail(column.header, "invalid_date")
        return parsed if parsed is not None else ...
    if column.kind == "bool":
        parsed = parse_bool(value)
        if parsed is None:
            result.fail(column.header, "invalid_choice")
        return parsed if parsed is not None else ...
    text = cell_text(value)
    if column.kind == "int":
        match = _INT.match(text)
        if not match:
            result.fail(column.header, "invalid_type")
            return ...
        return int(match.group(1))
    if column.kind == "float":
        try:
            return float(text)
        except ValueError:
            result.fail(column.header, "invalid_type")
            return ...
    if column.kind == "choice":
        code = code_of(column.choice_kind, text)
        if code is None:
            result.fail(column.header, "invalid_choice")
            return ...
        return code
    if column.kind == "phone":
        return re.sub(r"[\s-]+", "", text)
    if column.kind == "tags":
        ids = []
        for name in filter(None, (n.strip() for n in re.split(r"[、,，;；/\s]+", text))):
            tag = register.tags().get(name)
            if tag is None:
                result.fail(column.header, "import_tag_unknown", value=name)
                return ...
            ids.append(tag)
        return ids
    return text


def check_file(sheet: Sheet, kind: Kind, community_id: str, secret: str) -> list[RowResult]:
    register = Register(community_id)
    ctx = SimpleNamespace(today=china_today(), session=db.session)
    seen: dict[tuple, int] = {}
    in_file = {c.header: sheet.headers[i] for i, c in sheet.mapping.items()}
    check_row = {"buildings": _building_row, "households": _household_row, "residents": _resident_row}[kind.name]
    results = []
    for number, values in sheet.rows:
        result = RowResult(row=number, values=sheet.texts(values))
        cells, bad = {}, set()
        for index, column in sheet.mapping.items():
            value = convert(column, values[index] if index < len(values) else None, result, register)
            if value is ...:
                bad.add(column.field)
            elif value is not None:
                cells[column.field] = value
        check_row(result, cells, bad, kind, register, ctx, secret, seen)
        for error in result.errors:
            error["column"] = in_file.get(error["column"], error["column"])
        if result.status == "error":
            result.fields, result.changes, result.household = {}, [], {}
        results.append(result)
    return results


# --- per kind ---------------------------------------------------------------------------------

def _building_row(result, cells, bad, kind, register, ctx, secret, seen) -> None:
    if "building" not in cells:
        result.fail(kind.header_of("building"), "required")
        return
    existing = register.building(result, cells, kind, move=True)
    if result.status == "error":
        return
    grid = register.grid(result, cells, kind)
    number = building_key(cells["building"])
    estate = (cells.get("estate") or "").strip()
    if _repeated(result, seen, ("building", estate, number), kind.header_of("building")):
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


def _household_row(result, cells, bad, kind, register, ctx, secret, seen) -> None:
    building, door = _door(result, cells, bad, kind, register)
    if result.status == "error" or building is None:
        return
    if _repeated(result, seen, ("household", building.id, door["unit"], door["room"]), kind.header_of("room")):
        return
    existing = register.households().get((building.id, door["unit"], door["room"]))
    data = {k: v for k, v in cells.items() if k not in ("grid", "estate", "building", "unit", "room", "floor")}
    if existing is None:
        data.update(building_id=building.id, **door)
        result.record_id = stable_id(secret, "household", building.id, str(door["unit"]), door["room"])
    elif "floor" in cells:
        data["floor"] = door["floor"]
    _compare(result, "household", existing, data, bad, kind, ctx, register)


def _resident_row(result, cells, bad, kind, register, ctx, secret, seen) -> None:
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
    if _repeated(result, seen, key, kind.header_of("id_number" if number else "name")):
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


def _repeated(result, seen, key, column) -> bool:
    first = seen.get(key)
    if first is not None:
        result.fail(column, "import_duplicate_row", first_row=first)
        return True
    seen[key] = result.row
    return False


def _compare(result, entity_name, existing, data, bad, kind, ctx, register) -> None:
    """Load the row's fields as a phone's change; classify it new / changed / unchanged."""
    entity = ENTITIES[entity_name]
    schema = wire_schema(entity_name)
    try:
        loaded = schema.load(data, partial=existing is not None)
    except ValidationError as exc:
        for name, info in field_errors(exc.messages).items():
            if name not in bad:
                result.fail(kind.header_of(name), info["code"])
        return
    # A column the file leaves out takes the record's default (a building's 单元数 1), not null.
    loaded = {k: v for k, v in loaded.items() if k in data or v is not None}
    for name, code in entity.column_errors(loaded).items():
        if name not in bad:
            result.fail(kind.header_of(name), code)
    wire = {k: v for k, v in schema.dump(loaded).items() if k in loaded}
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
    from ..core.choices import CHOICES
    kind = {"status": "household_status"}.get(name, name)
    if kind in CHOICES and isinstance(value, str):
        return label(kind, value)
    return str(value)


@cache
def wire_schema(entity_name: str):
    # Building a marshmallow schema costs more than loading a row with it: one per entity.
    return ENTITIES[entity_name].wire()


def counts(results: list[RowResult]) -> dict[str, int]:
    out = {"rows": len(results), "new": 0, "changed": 0, "unchanged": 0, "error": 0}
    for r in results:
        out[r.status] += 1
    out["households"] = len({r.household_id for r in results if r.household and r.status in ("new", "changed")})
    return out
