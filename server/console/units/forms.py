"""The unit form: what it shows, and the wire values it sends (checked by the same schema as a push)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from ...units.schemas import UnitWire
from ...wire import code_for

TEXT = ("room", "name", "credit_code", "contact_name", "contact_phone", "notes")
FIELDS = ("building_id", *TEXT, "kind", "status", "employees", "handles_cases")


@dataclass
class UnitForm:
    values: dict[str, Any] = field(default_factory=dict)  # as typed, for showing again
    errors: dict[str, str] = field(default_factory=dict)  # field -> error code
    wire: dict[str, Any] = field(default_factory=dict)    # what is written, loaded by UnitWire

    @property
    def ok(self) -> bool:
        return not self.errors


def shown(row) -> dict[str, Any]:
    """A unit as the form shows it."""
    values = {name: getattr(row, name) for name in FIELDS}
    return {k: ("" if v is None else v) for k, v in values.items()}


def read(form, may_write_numbers: bool, building_ids: set[str]) -> UnitForm:
    values = {name: (form.get(name) or "").replace("\r\n", "\n").strip() for name in FIELDS if name != "handles_cases"}
    values["handles_cases"] = form.get("handles_cases") == "1"
    result = UnitForm(values=values)
    raw: dict[str, Any] = {name: (values[name] or None) for name in (*TEXT, "kind", "status", "employees", "building_id")}
    raw["handles_cases"] = values["handles_cases"]
    raw["status"] = raw["status"] or "open"
    if not may_write_numbers:
        # A role that may not hold the contact's number never writes it: the stored one stays.
        raw.pop("contact_phone")
    try:
        result.wire = UnitWire().load(raw)
    except ValidationError as exc:
        for name, messages in exc.messages.items():
            first = messages[0] if isinstance(messages, list) else messages
            result.errors[name] = code_for(first if isinstance(first, str) else "invalid_value")
    if values["building_id"] and values["building_id"] not in building_ids:
        result.errors["building_id"] = "unknown_reference"
    return result
