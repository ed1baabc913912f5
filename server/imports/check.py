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
from types import SimpleNamespace
from typing import Any

from ..core.sensitive import FULL, field_access
from ..core.time import china_today
from ..extensions import db
from ..registry.validators import normalise_id_number
from .book import Sheet
from .cells import blank, cell_text, parse_bool, parse_date
from .kinds import Column, Kind
from .register import Register, RowCheck, RowResult
from .rows import building_row, household_row, resident_row
from .words import code_of

_INT = re.compile(r"^\s*(-?\d+)\s*(?:单元|层|楼|户|年)?\s*$")


def convert(column: Column, value: Any, result: RowCheck, register: Register):
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


def row_cells(sheet: Sheet, values: list, result: RowCheck, register: Register) -> tuple[dict[str, Any], set[str]]:
    """A row's filled cells as wire values by field, and the fields whose cells were bad (their
    errors recorded on `result`)."""
    cells, bad = {}, set()
    for index, column in sheet.mapping.items():
        value = convert(column, values[index] if index < len(values) else None, result, register)
        if value is ...:
            bad.add(column.field)
        elif value is not None:
            cells[column.field] = value
    return cells, bad


# Personal numbers that rows are looked up by.
MATCH_KEYS = frozenset({"id_number"})


def check_file(sheet: Sheet, kind: Kind, community_id: str, secret: str, role: str | None = None) -> list[RowResult]:
    """`role`: the importing staff member's; None for the server's own loads (CLI, demo). An ID
    number is what rows are matched by, so from a role that never sees it in full it is refused
    before any matching: the preview would tell a street admin whether it belongs to someone."""
    register = Register(community_id)
    ctx = SimpleNamespace(today=china_today(), session=db.session)
    seen: dict[tuple, int] = {}
    in_file = {c.header: sheet.headers[i] for i, c in sheet.mapping.items()}
    check_row = {"buildings": building_row, "households": household_row, "residents": resident_row}[kind.name]
    results = []
    for number, values in sheet.rows:
        result = RowResult(row=number, values=sheet.texts(values))
        cells, bad = row_cells(sheet, values, result, register)
        refused = [f for f in cells if f in MATCH_KEYS and role is not None and field_access(kind.entity, f, role) != FULL]
        for name in refused:
            result.fail(kind.header_of(name), "field_not_permitted")
        if not refused:
            check_row(result, cells, bad, kind, register, ctx, secret, seen)
        for error in result.errors:
            error["column"] = in_file.get(error["column"], error["column"])
        if result.status == "error":
            result.fields, result.changes, result.household = {}, [], {}
        results.append(result)
    return results


def counts(results: list[RowResult]) -> dict[str, int]:
    out = {"rows": len(results), "new": 0, "changed": 0, "unchanged": 0, "error": 0}
    for r in results:
        out[r.status] += 1
    out["households"] = len({r.household_id for r in results if r.household and r.status in ("new", "changed")})
    return out
