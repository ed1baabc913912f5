"""Records as each role's device receives them (core/sensitive.py says which numbers it may hold),
the hash of that projected form for the pull index, and the guard on what such a device pushes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from sync import canonical

from ..core import sensitive
from ..registry.models import CareTagType


def tag_specs(session, entity: str, state: dict[str, Any]) -> list | None:
    """The dictionary's detail specs of a care tag record (None for other entities)."""
    if entity not in sensitive.DETAIL_FIELD or not state.get("tag"):
        return None
    # Every community's fields of the tag together: a number field a community added is
    # projected like the installation's (masking more never leaks; the record's community is
    # not on its wire state).
    code = state["tag"]
    rows = list(session.scalars(select(CareTagType).where(or_(CareTagType.id == code, CareTagType.base == code))))
    if not rows:
        return None
    specs = [spec for row in sorted(rows, key=lambda r: r.id != code) for spec in (row.detail_fields or [])]
    # A name that holds a number in any community is projected as one (the first spec decides).
    return sorted(specs, key=lambda spec: spec.get("type") not in sensitive.DETAIL_TYPES)


def projected_hash(session, entity: str, record_id: str, state: dict[str, Any]) -> str | None:
    """The record hash as a device without full numbers holds it; None when that is the full record's."""
    if not sensitive.has_sensitive(entity):
        return None
    projected = sensitive.project(entity, state, None, tag_specs(session, entity, state))
    if projected == state:
        return None
    return f"{canonical.record_hash(entity, record_id, projected):016x}"


class Projector:
    """Projects a pull page's records for one role, looking up each care tag's specs once."""

    def __init__(self, session, role: str | None) -> None:
        self.session, self.role = session, role
        self.full = sensitive.sees_everything(role)
        self._specs: dict[str, list | None] = {}
        self.numbers = 0  # personal numbers the page carries, for the audit

    def _tag_specs(self, entity: str, fields: dict) -> list | None:
        if entity not in sensitive.DETAIL_FIELD:
            return None
        code = fields.get("tag")
        if code not in self._specs:
            self._specs[code] = tag_specs(self.session, entity, fields)
        return self._specs[code]

    def record(self, entity: str, fields: dict[str, Any], clocks: dict[str, str]) -> tuple[dict, dict]:
        if not sensitive.has_sensitive(entity):
            return fields, clocks
        specs = self._tag_specs(entity, fields)
        out = fields if self.full else sensitive.project(entity, fields, self.role, specs)
        self.numbers += sensitive.count_sensitive(entity, out, specs)
        if out is not fields:
            # A field's clock would still say that a number exists and when it changed.
            clocks = {k: v for k, v in clocks.items() if k in out or k not in fields}
        return out, clocks


def guard_push(session, entity: str, role: str | None, incoming: dict[str, Any],
               current: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(incoming as it may be applied, {field: code} refused). A role may not write a number it may
    not hold, not even to clear it; a detail it sends back without the numbers it never got keeps
    the stored ones (the device never saw them, so it cannot have meant to remove them)."""
    if sensitive.sees_everything(role) or not sensitive.has_sensitive(entity):
        return incoming, {}
    hidden, _ = sensitive.hidden_fields(entity, role)
    refused = {name: "field_not_permitted" for name in incoming if name in hidden}
    detail_name = sensitive.DETAIL_FIELD.get(entity)
    sent = incoming.get(detail_name) if detail_name else None
    if detail_name in incoming and (sent is None or isinstance(sent, dict)):
        sent = sent or {}
        specs = tag_specs(session, entity, {**current, **incoming})
        stored = current.get(detail_name) or {}
        _, keys = sensitive.hidden_fields(entity, role, specs, {**stored, **sent})
        refused.update({f"{detail_name}.{k}": "field_not_permitted" for k in keys if k in sent})
        kept = {k: stored[k] for k in keys if k in stored}
        if kept:
            incoming = {**incoming, detail_name: {**sent, **kept}}
    return incoming, refused
