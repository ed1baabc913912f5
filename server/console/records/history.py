"""A record's history from the change log: who changed which field from what to what, and when.

The log (syncapi.models.Change) keeps each change's wire values, not the values they replaced,
so the "from" side is rebuilt by replaying the record's accepted changes in clock (hlc) order:
the order the per-field merge itself uses, so the replay ends where the record is. Rejected
changes are shown at their place with the reason; conflicts hang off the change that caused them.
Every server write is logged too (seeding, the demo, imports), so a record's history starts at
its creation; only records written before the server logged its own writes start from values the
log never saw, and those show as "not recorded" rather than as empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from flask_babel import gettext
from sqlalchemy import and_, or_, select

from ...auth.models import Device, User
from ...core.choices import CHOICES
from ...core.time import china_time, from_millis
from ...extensions import db
from ...registry.models import CareTagType, Household, Resident, ResidentTag
from ...syncapi.entities import ENTITIES
from ...syncapi.models import Change, Conflict
from . import labels
from ..masking import mask_id, mask_phone
from .history_values import field_label, kind_of, reference, via_label

UNKNOWN = object()  # a value from before the change log


@cache
def create_fields(entity: str) -> frozenset[str]:
    """Fields a change must carry to have created its record (a partial update cannot create one):
    the wire schema's required ones, which a phone's or the server's first write always sends."""
    known = ENTITIES.get(entity)
    if known is None:
        return frozenset({"__never__"})
    return frozenset(name for name, f in known.wire().fields.items() if f.required)


@dataclass
class FieldChange:
    name: str
    label: str
    before: Any
    after: Any
    applied: bool = True
    before_known: bool = True


@dataclass
class Entry:
    change: Change
    at: datetime
    received: datetime
    user: User | None
    device: Device | None
    subject: str
    kind: str  # create / update / delete / rejected
    fields: list[FieldChange] = field(default_factory=list)
    conflicts: list["ConflictView"] = field(default_factory=list)
    error: tuple[str, str, str] | None = None
    field_errors: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def via(self) -> str | None:
        result = self.change.result if isinstance(self.change.result, dict) else {}
        return result.get("via") if isinstance(result.get("via"), str) else None

    @property
    def source(self) -> str:
        if self.change.device_id is None:
            # No device: the screen or command that wrote; else a staff member's console, or (no
            # user either) the server's own write.
            if self.via:
                return via_label(self.via)
            return gettext("控制台") if self.change.user_id else gettext("服务器")
        if self.device is not None and self.device.name:
            return self.device.name
        return gettext("设备 %(id)s", id=self.change.device_id[-8:])


def hlc_time(stamp: str) -> datetime:
    try:
        millis = int(stamp[:15])
    except ValueError:
        millis = 0
    return china_time(from_millis(millis))


# --- showing values ----------------------------------------------------------------------------

def show(name: str, value: Any, spec: dict | None = None, entity: str | None = None, full: bool = False) -> str:
    """A wire value as staff read it; personal numbers masked unless `full` (a role that holds
    them in full, on the history page)."""
    if value is UNKNOWN:
        return gettext("（未记录）")
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    kind = (spec or {}).get("type")
    if name in labels.ID_FIELDS or (spec is not None and name in labels.ID_DETAIL_KEYS):
        return str(value) if full else mask_id(str(value))
    # A detail the dictionary no longer describes may still be a phone number: mask it anyway.
    if name in labels.PHONE_FIELDS or kind == "phone" or (kind is None and spec is not None and name.endswith("phone")):
        return str(value) if full else mask_phone(str(value))
    if spec and kind == "choice":
        return str(labels.choice(spec["name"], value))
    choice_kind = kind_of(entity, name)
    if choice_kind:
        return str(labels.choice(choice_kind, value))
    shown = reference(entity, name, value)
    if shown is not None:
        return shown
    if spec is None and name in CHOICES:
        return str(labels.choice(name, value))
    if name == "tag":
        tag_type = db.session.get(CareTagType, value)
        return labels.tag_name(tag_type) or str(value)
    return str(value)


def _detail_changes(before: Any, after: Any, specs: dict[str, dict], applied: bool, full: bool = False) -> list[FieldChange]:
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    out = []
    for key in list(dict.fromkeys([*new, *old])):
        was = UNKNOWN if before is UNKNOWN else old.get(key)
        if was == new.get(key):
            continue
        spec = specs.get(key, {"name": key})
        out.append(FieldChange(f"detail.{key}", labels.detail_label(spec), show(key, was, spec, full=full),
                               show(key, new.get(key), spec, full=full), applied, was is not UNKNOWN))
    return out


def _field_changes(entity: str, values: dict, state: dict, specs: dict, create: bool,
                   applied_names: set[str] | None, full: bool = False) -> list[FieldChange]:
    out = []
    for name, value in values.items():
        before = None if create else state.get(name, UNKNOWN)
        applied = applied_names is None or name in applied_names
        if name == "detail":
            out += _detail_changes(before, value, specs, applied, full)
            continue
        if before == value and not create:
            continue
        if create and value in (None, "", [], {}):
            continue  # a new record's empty fields say nothing
        out.append(FieldChange(name, field_label(entity, name), show(name, before, entity=entity, full=full),
                               show(name, value, entity=entity, full=full), applied, before is not UNKNOWN))
    return out


# --- the replay ------------------------------------------------------------------------------

def _subject(entity: str, record_id: str, values: dict, tag_types: dict[str, CareTagType]) -> str:
    if entity == "resident_tag":
        code = values.get("tag") or values.get("_tag")
        return gettext("特殊人群标签：%(name)s", name=labels.tag_name(tag_types.get(code or "")) or code or "?")
    from .history_values import entity_label
    return entity_label(entity)


class _Created(dict):
    """A record's state once its creation is in the log: a field it was not given has the
    column's default (or nothing), which is known, not lost."""

    def __init__(self, entity: str, values: dict) -> None:
        super().__init__(values)
        self.columns = ENTITIES[entity].model.__table__.columns

    def get(self, name, default=None):
        if name in self:
            return self[name]
        column = self.columns.get(name)
        scalar = column is not None and column.default is not None and column.default.is_scalar
        return column.default.arg if scalar else None


def _replay(entity: str, record_id: str, changes: list[Change], tag_types, people, devices,
            tag_code: str | None = None, full: bool = False) -> list[Entry]:
    state: dict[str, Any] = {"_tag": tag_code} if tag_code else {}
    entries: list[Entry] = []
    seen_accepted = False
    for change in sorted(changes, key=lambda c: (c.hlc, c.received_at or datetime.min)):
        values = change.fields if isinstance(change.fields, dict) else {}
        if entity == "resident_tag" and "tag" in values:
            state.setdefault("_tag", values["tag"])
        tag_type = tag_types.get(values.get("tag") or state.get("tag") or state.get("_tag") or "")
        specs = {s["name"]: s for s in (tag_type.detail_fields if tag_type else [])}
        entry = Entry(change, hlc_time(change.hlc), china_time(change.received_at), people.get(change.user_id),
                      devices.get(change.device_id), _subject(entity, record_id, {**state, **values}, tag_types),
                      "update")
        if change.status != "accepted":
            result = change.result or {}
            entry.kind = "rejected"
            entry.error = (result.get("code", ""), result.get("message", ""), result.get("message_en", ""))
            entry.field_errors = {name: (info.get("code", ""), info.get("message", "")) if isinstance(info, dict)
                                  else ("", str(info)) for name, info in (result.get("fields") or {}).items()}
            entry.fields = _field_changes(entity, values, state, specs, False, set(), full)
        elif change.op == "delete":
            entry.kind = "delete"
            state["_deleted"] = True
        else:
            create = not seen_accepted and not change.base and create_fields(entity) <= set(values)
            entry.kind = "create" if create else "update"
            result = change.result or {}
            applied = set(result["applied"]) if isinstance(result.get("applied"), list) else None
            entry.fields = _field_changes(entity, values, state, specs, create, applied, full)
            if create and entity in ENTITIES:
                state = _Created(entity, state)
            for name, value in values.items():
                state[name] = value
            seen_accepted = True
        entries.append(entry)
    return entries


def history(groups: dict[tuple[str, str], list[Change]], full: bool = False) -> list[Entry]:
    """Entries for the changes of several records ({(entity, record_id): changes}), newest first."""
    changes = [c for group in groups.values() for c in group]
    if not changes:
        return []
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({c.user_id for c in changes if c.user_id})))}
    device_ids = {c.device_id for c in changes if c.device_id}
    devices = {d.id: d for d in db.session.scalars(select(Device).where(Device.id.in_(device_ids)))} if device_ids else {}
    tag_types = {t.id: t for t in db.session.scalars(select(CareTagType))}
    entries: list[Entry] = []
    keys = list(groups)
    tags = {}
    tag_ids = [r for e, r in keys if e == "resident_tag"]
    if tag_ids:
        # A tag's type, for changes that only touch its details.
        tags = dict(db.session.execute(select(ResidentTag.id, ResidentTag.tag).where(ResidentTag.id.in_(tag_ids))).all())
    for (entity, record_id), group in groups.items():
        entries += _replay(entity, record_id, group, tag_types, people, devices, tags.get(record_id), full)
    conflicts = db.session.scalars(select(Conflict).where(or_(*(and_(Conflict.entity == e, Conflict.record_id == r)
                                                                 for e, r in keys)))).all()
    by_change: dict[str, list[ConflictView]] = {}
    for conflict in conflicts:
        by_change.setdefault(conflict.change_id, []).append(_conflict_view(conflict, tag_types, tags, full))
    for entry in entries:
        entry.conflicts = by_change.get(entry.change.id, [])
    entries.sort(key=lambda e: (e.change.hlc, e.change.received_at or datetime.min), reverse=True)
    return entries


def _grouped(changes) -> dict[tuple[str, str], list[Change]]:
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        groups.setdefault((change.entity, change.record_id), []).append(change)
    return groups


def resident_history(resident: Resident, tag_ids: list[str], full: bool = False) -> list[Entry]:
    """The resident's own changes and their care tags' (a rejected new tag never got a row)."""
    where = [and_(Change.entity == "resident", Change.record_id == resident.id),
             and_(Change.entity == "resident_tag", Change.status != "accepted",
                  Change.fields["resident_id"].as_string() == resident.id)]
    if tag_ids:
        where.append(and_(Change.entity == "resident_tag", Change.record_id.in_(tag_ids)))
    groups = _grouped(db.session.scalars(select(Change).where(or_(*where))))
    groups.setdefault(("resident", resident.id), [])
    return history(groups, full)


def household_history(household: Household, full: bool = False) -> list[Entry]:
    return record_history("household", household.id, full)


def record_history(entity: str, record_id: str, full: bool = False) -> list[Entry]:
    """One record's own changes (a resident's page adds their care tags: resident_history)."""
    changes = db.session.scalars(select(Change).where(Change.entity == entity, Change.record_id == record_id))
    groups = _grouped(changes)
    groups.setdefault((entity, record_id), [])
    return history(groups, full)


def has_logged_creation(entries: list[Entry], entity: str, record_id: str) -> bool:
    return any(e.kind == "create" and e.change.entity == entity and e.change.record_id == record_id for e in entries)


@dataclass
class ConflictView:
    conflict: Conflict
    label: str
    winner: str
    loser: str


def _conflict_view(conflict: Conflict, tag_types: dict[str, CareTagType], tags: dict[str, str],
                   full: bool = False) -> ConflictView:
    """Both sides of a conflict, masked like the rest of the history."""
    if conflict.field == "detail":
        tag_type = tag_types.get(tags.get(conflict.record_id, ""))
        specs = {s["name"]: s for s in (tag_type.detail_fields if tag_type else [])}

        def text(value):
            if not isinstance(value, dict):
                return show("detail", value)
            return "；".join(f"{labels.detail_label(specs.get(k, {'name': k}))} {show(k, v, specs.get(k) or {'name': k}, full=full)}"
                            for k, v in value.items()) or "—"
        return ConflictView(conflict, str(labels.field("detail")), text(conflict.winner_value), text(conflict.loser_value))
    return ConflictView(conflict, field_label(conflict.entity, conflict.field),
                        show(conflict.field, conflict.winner_value, entity=conflict.entity, full=full),
                        show(conflict.field, conflict.loser_value, entity=conflict.entity, full=full))
