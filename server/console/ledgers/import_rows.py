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
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from ...core.sensitive import FULL, field_access
from ...core.time import china_today
from ...extensions import db
from ...imports.book import Sheet
from ...imports.cells import blank, building_key, room_key, stable_id
from ...imports.check import MATCH_KEYS, row_cells
from ...imports.register import NIL, Register, RowCheck
from ...imports.rows import load, repeated
from ...registry import rules
from ...registry.models import Resident
from ...registry.validators import id_number_facts, normalise_id_number
from . import labels as L
from .import_file import LEDGER


@dataclass
class RowResult(RowCheck):
    status: str = "valid"  # valid | exists | error
    grid: str = ""
    address: str = ""
    household_id: str = ""
    household_new: bool = False
    household: dict[str, Any] = field(default_factory=dict)
    resident_id: str = ""
    resident: dict[str, Any] = field(default_factory=dict)


class LedgerRegister(Register):
    """The setup import's register, plus what a ledger looks up besides: buildings by grid and
    number (a ledger has no 小区 column), the file's ID numbers wherever they are registered (a
    ledger never moves or renames a resident, so a number held by anyone else is an error), and
    the community's residents by household."""

    def __init__(self, community_id: str, numbers: set[str]) -> None:
        super().__init__(community_id)
        self.by_place = {(b.grid_id, building_key(b.number)): b for found in self.buildings.values() for b in found}
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


def _not_permitted(field: str, role: str | None) -> bool:
    return field in MATCH_KEYS and role is not None and field_access("resident", field, role) != FULL


def check_file(sheet: Sheet, community_id: str, secret: str, role: str | None = None) -> list[RowResult]:
    """`role`: the importing staff member's. An ID number from a role that never sees it in full is
    refused before the row is looked up by it (see server/imports/check.py: no preview as an oracle)."""
    numbers = set()
    for _, values in sheet.rows:
        for index, column in sheet.mapping.items():
            if column.field == "id_number" and index < len(values) and isinstance(values[index], str):
                numbers.add(normalise_id_number(re.sub(r"\s+", "", values[index])))
    register = LedgerRegister(community_id, {n for n in numbers if n})
    today = china_today()
    seen: dict[tuple, int] = {}
    # Errors name the column as the file's header row does (身份证号, not always 证件号码).
    in_file = {column.header: sheet.headers[index] for index, column in sheet.mapping.items()}
    field_of = {column.header: column.field for column in sheet.mapping.values()}
    results = []
    for number, values in sheet.rows:
        result = RowResult(row=number, values=sheet.texts(values))
        for index, column in sheet.mapping.items():
            if _not_permitted(column.field, role) and index < len(values) and not blank(values[index]):
                result.fail(column.header, "field_not_permitted")
        if result.status != "error":
            _check_row(result, sheet, values, register, community_id, secret, today, seen)
        for error in result.errors:
            error["field"] = field_of.get(error["column"], "")
            error["column"] = in_file.get(error["column"], error["column"])
        results.append(result)
    return results


def _check_row(result: RowResult, sheet: Sheet, values: list, register: LedgerRegister, community_id: str,
               secret: str, today: date, seen: dict) -> None:
    cells, bad = row_cells(sheet, values, result, register)

    grid = None
    if "grid" not in cells:
        result.fail("网格", "required")
    else:
        grid = register.grid(result, cells, LEDGER)
        grid = None if grid is ... else grid
    building = None
    if grid is not None:
        result.grid = grid.name
        if "building" not in cells:
            result.fail("楼栋号", "required")
        else:
            building = register.by_place.get((grid.id, building_key(cells["building"])))
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
    household["building_id"] = building.id if building else NIL
    load(result, "household", household, bad, LEDGER)
    if building is not None and "unit" in cells and room is not None:
        key = (building.id, cells["unit"], room)
        existing = register.households().get(key)
        result.household_id = (existing.id if existing else
                               stable_id(secret, "household", building.id, str(cells["unit"]), room))
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
    person["household_id"] = result.household_id or NIL
    load(result, "resident", person, bad, LEDGER)
    # The cross-field rules run even when a field failed above, so one upload shows every
    # mistake of the row; a field already reported is not reported twice.
    reported = {e["column"] for e in result.errors}
    failed = bad | {c.field for c in LEDGER.columns if c.header in reported}
    checked = {k: v for k, v in person.items() if k not in failed}
    for name, code in rules.check_resident(SimpleNamespace(today=today), checked, None).items():
        if name not in failed:
            result.fail(LEDGER.header_of(name), code)
    result.resident = dict(person)

    if result.status == "error" or not result.household_id:
        return
    _check_identity(result, person, register, community_id, secret, seen)


def _check_identity(result: RowResult, person: dict, register: LedgerRegister, community_id: str, secret: str,
                    seen: dict) -> None:
    number = person.get("id_number")
    if number:
        key = ("id", number)
        result.resident_id = stable_id(secret, "resident", community_id, "id", number)
    else:
        key = ("row", result.household_id, person["name"], person.get("birth_date") or "")
        result.resident_id = stable_id(secret, "resident", community_id, "row", *key[1:])
    if repeated(result, seen, key, LEDGER.header_of("id_number" if number else "name")):
        return
    if number:
        for other in register.by_number.get(number, []):
            if other.household_id == result.household_id and other.name == person["name"]:
                result.status = "exists"
                result.resident_id = other.id
            else:
                result.fail(LEDGER.header_of("id_number"), "import_id_number_exists")
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
