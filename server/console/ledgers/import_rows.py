"""Checking every row of a community's household/resident ledger (read by import_file.py).

Rows are checked with the sync pipeline's own rules (the wire schemas, the database's column
limits, registry.rules.check_resident) plus what only a ledger needs: the grid must be one of the
current community's, the building must exist there by its number, the household is found by its
address or will be created, and an ID number may appear once in the file and must not belong to
a different resident already registered. A row that is already in the register (same person,
same household) is reported as such and skipped, which is what makes importing a file twice
harmless; record ids derived from the row's identity keep even two simultaneous confirmations
from creating the same person twice.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from ...areas.models import Area, Building
from ...core.messages import field_error
from ...core.time import china_today
from ...extensions import db
from ...registry import rules
from ...registry.models import Household, Resident
from ...registry.schemas import HouseholdWire, ResidentWire
from ...registry.validators import id_number_facts, normalise_id_number
from ...syncapi.entities import ENTITIES
from ...wire import field_errors
from . import labels as L
from .import_file import HEADER_OF, ImportColumn, Sheet
from .xlsx_book import cell_text
from ...imports.cells import building_key, room_key, stable_id  # noqa: F401  (moved: shared by every import)

_UNIT = re.compile(r"^\s*(\d+)\s*(?:单元)?\s*$")
_FLOOR = re.compile(r"^\s*(-?\d+)\s*(?:层|楼)?\s*$")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


@dataclass
class RowResult:
    row: int
    status: str = "valid"  # valid | exists | error
    values: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    grid: str = ""
    address: str = ""
    household_id: str = ""
    household_new: bool = False
    household: dict[str, Any] = field(default_factory=dict)
    resident_id: str = ""
    resident: dict[str, Any] = field(default_factory=dict)

    def fail(self, column: str, code: str, **extra: Any) -> None:
        self.status = "error"
        self.errors.append({"column": column, **field_error(code), **extra})

    def as_dict(self) -> dict:
        return asdict(self)


# --- checking rows ---------------------------------------------------------------------------

class Register:
    """What the community already holds, loaded once for the whole file."""

    def __init__(self, community_id: str, numbers: set[str]) -> None:
        grids = list(db.session.scalars(select(Area).where(
            Area.parent_id == community_id, Area.level == "grid", Area.deleted.is_(False))))
        self.grid_ids = [g.id for g in grids]
        self.grids: dict[str, Area] = {}
        for grid in grids:
            self.grids[grid.name.strip()] = grid
            if grid.code:
                self.grids[grid.code] = grid
        self.buildings = {(b.grid_id, building_key(b.number)): b for b in db.session.scalars(
            select(Building).where(Building.grid_id.in_(self.grid_ids), Building.deleted.is_(False)))}
        self.households = {(h.building_id, h.unit, room_key(h.room)): h.id for h in db.session.execute(
            select(Household.id, Household.building_id, Household.unit, Household.room)
            .where(Household.grid_id.in_(self.grid_ids), Household.deleted.is_(False))).all()}
        variants = sorted(numbers | {n.replace("X", "x") for n in numbers})
        self.by_number: dict[str, list] = {}
        for i in range(0, len(variants), 500):
            for person in db.session.execute(
                    select(Resident.id, Resident.id_number, Resident.household_id, Resident.name)
                    .where(Resident.id_number.in_(variants[i:i + 500]), Resident.deleted.is_(False))).all():
                self.by_number.setdefault(normalise_id_number(person.id_number), []).append(person)
        self._members: dict[str, list] | None = None

    def members(self, household_id: str) -> list:
        """Residents of the community's households, by household (loaded on first use)."""
        if self._members is None:
            self._members = {}
            for person in db.session.execute(
                    select(Resident.id, Resident.household_id, Resident.name, Resident.birth_date)
                    .where(Resident.grid_id.in_(self.grid_ids), Resident.deleted.is_(False))).all():
                self._members.setdefault(person.household_id, []).append(person)
        return self._members.get(household_id, [])


def check_file(sheet: Sheet, community_id: str, secret: str) -> list[RowResult]:
    numbers = set()
    for _, values in sheet.rows:
        for index, column in sheet.mapping.items():
            if column.field == "id_number" and index < len(values) and isinstance(values[index], str):
                numbers.add(normalise_id_number(re.sub(r"\s+", "", values[index])))
    register = Register(community_id, {n for n in numbers if n})
    today = china_today()
    seen: dict[tuple, int] = {}
    # Errors name the column as the file's header row does (身份证号, not always 证件号码).
    in_file = {column.header: sheet.headers[index] for index, column in sheet.mapping.items()}
    field_of = {column.header: column.field for column in sheet.mapping.values()}
    results = []
    for number, values in sheet.rows:
        result = RowResult(row=number)
        result.values = {sheet.headers[i]: cell_text(values[i]) for i in range(min(len(values), len(sheet.headers)))
                         if sheet.headers[i]}
        _check_row(result, sheet, values, register, community_id, secret, today, seen)
        for error in result.errors:
            error["field"] = field_of.get(error["column"], "")
            error["column"] = in_file.get(error["column"], error["column"])
        results.append(result)
    return results


def _convert(column: ImportColumn, value: Any, result: RowResult):
    """A cell as a wire value; None when empty; records an error and returns ... when bad."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.kind == "id_number":
        if isinstance(value, (int, float)):
            result.fail(column.header, "import_id_as_number")
            return ...
        return normalise_id_number(re.sub(r"\s+", "", str(value)))
    if column.kind == "date":
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        text = cell_text(value)
        match = _DATE.match(text) or _COMPACT_DATE.match(text)
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
        except (AttributeError, ValueError):
            result.fail(column.header, "invalid_date")
            return ...
    text = cell_text(value)
    if column.kind == "int":
        match = (_FLOOR if column.field == "floor" else _UNIT).match(text)
        if not match:
            result.fail(column.header, "invalid_type")
            return ...
        return int(match.group(1))
    if column.kind == "choice":
        code = L.code_of(column.field, text)
        if code is None:
            result.fail(column.header, "invalid_choice")
            return ...
        return code
    if column.kind == "phone":
        return re.sub(r"\s+", "", text)
    return text


def _check_row(result: RowResult, sheet: Sheet, values: list, register: Register, community_id: str,
               secret: str, today: date, seen: dict) -> None:
    cells: dict[str, Any] = {}
    bad: set[str] = set()
    for index, column in sheet.mapping.items():
        value = _convert(column, values[index] if index < len(values) else None, result)
        if value is ...:
            bad.add(column.field)
        elif value is not None:
            cells[column.field] = value

    grid = register.grids.get(cells.get("grid", ""))
    if "grid" not in cells:
        result.fail("网格", "required")
    elif grid is None:
        result.fail("网格", "import_grid_unknown")
    building = None
    if grid is not None:
        result.grid = grid.name
        if "building" not in cells:
            result.fail("楼栋号", "required")
        else:
            building = register.buildings.get((grid.id, building_key(cells["building"])))
            if building is None:
                result.fail("楼栋号", "import_building_unknown")

    room = room_key(cells["room"]) if "room" in cells else None
    if room is not None:
        cells["room"] = room
    if "floor" not in cells and "floor" not in bad and room is not None:
        if re.fullmatch(r"\d{3,4}", room):
            cells["floor"] = int(room[:-2])
        else:
            result.fail("楼层", "import_floor_unknown")
            bad.add("floor")

    household = {k: cells[k] for k in ("unit", "floor", "room", "housing_use", "registration_status",
                                       "landlord_name", "landlord_phone") if k in cells}
    household["building_id"] = building.id if building else str(uuid.UUID(int=0))
    _wire(result, "household", HouseholdWire, household, bad)
    if building is not None and "unit" in cells and room is not None:
        key = (building.id, cells["unit"], room)
        existing = register.households.get(key)
        result.household_id = existing or stable_id(secret, "household", building.id, str(cells["unit"]), room)
        result.household_new = existing is None
        result.address = L.address(building.number, cells["unit"], room)
    if result.household_new:
        result.household = household

    person = {k: cells[k] for k in ("name", "sex", "birth_date", "id_type", "id_number", "phone", "ethnicity",
                                    "relation", "population_type", "permit_expiry", "political_status", "notes")
              if k in cells}
    number = person.get("id_number")
    if number and person.get("id_type", "resident_id") == "resident_id" and "id_number" not in bad:
        try:
            born, sex = id_number_facts(number)
        except ValidationError:
            pass  # reported by check_resident below, with its own code
        else:
            if "sex" not in person and "sex" not in bad:
                person["sex"] = sex
            if "birth_date" not in person and "birth_date" not in bad:
                person["birth_date"] = born.isoformat()
    person["household_id"] = result.household_id or str(uuid.UUID(int=0))
    _wire(result, "resident", ResidentWire, person, bad)
    # The cross-field rules run even when a field failed above, so one upload shows every
    # mistake of the row; a field already reported is not reported twice.
    reported = {e["column"] for e in result.errors}
    failed = bad | {name for name, header in HEADER_OF.items() if header in reported}
    checked = {k: v for k, v in person.items() if k not in failed}
    for name, code in rules.check_resident(SimpleNamespace(today=today), checked, None).items():
        if name not in failed:
            result.fail(HEADER_OF.get(name, name), code)
    result.resident = dict(person)

    if result.status == "error" or not result.household_id:
        return
    _check_identity(result, person, register, community_id, secret, seen)


def _wire(result: RowResult, entity: str, schema, data: dict, bad: set) -> dict | None:
    """Load `data` as a phone's change would be loaded; the wire (dumped) state, or None if refused."""
    try:
        loaded = schema().load(data)
    except ValidationError as exc:
        for name, info in field_errors(exc.messages).items():
            if name not in bad:
                result.fail(HEADER_OF.get(name, name), info["code"])
        return None
    for name, code in ENTITIES[entity].column_errors(loaded).items():
        if name not in bad:
            result.fail(HEADER_OF.get(name, name), code)
    return {k: v for k, v in schema().dump(loaded).items() if k in loaded}


def _check_identity(result: RowResult, person: dict, register: Register, community_id: str, secret: str,
                    seen: dict) -> None:
    number = person.get("id_number")
    if number:
        key = ("id", number)
        result.resident_id = stable_id(secret, "resident", community_id, "id", number)
    else:
        key = ("row", result.household_id, person["name"], person.get("birth_date") or "")
        result.resident_id = stable_id(secret, "resident", community_id, "row", *key[1:])
    first = seen.get(key)
    if first is not None:
        result.fail(HEADER_OF["id_number"] if number else HEADER_OF["name"], "import_duplicate_row", first_row=first)
        return
    seen[key] = result.row
    if number:
        for other in register.by_number.get(number, []):
            if other.household_id == result.household_id and other.name == person["name"]:
                result.status = "exists"
                result.resident_id = other.id
            else:
                result.fail(HEADER_OF["id_number"], "import_id_number_exists")
            return
        return
    if not result.household_new:
        birth = person.get("birth_date")
        for other in register.members(result.household_id):
            if other.name == person["name"] and (not birth or other.birth_date is None
                                                 or other.birth_date.isoformat() == birth):
                result.status = "exists"
                result.resident_id = other.id
                return


def counts(results: list[RowResult]) -> dict[str, int]:
    valid = [r for r in results if r.status == "valid"]
    return {"rows": len(results), "valid": len(valid), "exists": sum(r.status == "exists" for r in results),
            "errors": sum(r.status == "error" for r in results),
            "households": len({r.household_id for r in valid if r.household_new})}
