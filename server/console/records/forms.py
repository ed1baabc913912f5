"""Edit forms for households, residents and care tags: what they show, what they send.

A form is loaded with the record's values and per-field clocks, both carried in hidden JSON
fields. On submit only the fields the staff member changed *relative to what the form showed*
are written, with the clocks they saw as `base`: so a field someone else changed meanwhile is
left alone when it was not touched, and becomes a recorded conflict when it was.

ID and phone numbers are never put into a form: their inputs start empty (the masked value is
the placeholder), an empty input keeps the number, a typed one replaces it, a tick clears it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from sync import hlc

from ...core.choices import codes
from ...core.messages import field_error
from . import labels
from ..errors import refuse
from ..masking import mask_id, mask_phone


@dataclass(frozen=True)
class Input:
    name: str
    kind: str = "text"  # text, textarea, select, date, int, secret
    choices: tuple[str, ...] = ()
    required: bool = False
    maxlength: int | None = None
    hint: Any = None
    secret_kind: str = ""  # id or phone, for the placeholder's mask

    @property
    def label(self):
        return labels.field(self.name)

    def options(self):
        return [(value, labels.choice(self.name, value)) for value in self.choices]


HOUSEHOLD_FORM = (
    Input("unit", "int", required=True), Input("floor", "int", required=True),
    Input("room", required=True, maxlength=16),
    Input("housing_use", "select", codes("housing_use")), Input("registration_status", "select", codes("registration_status")),
    Input("contact_phone", "secret", secret_kind="phone"),
    Input("landlord_name", maxlength=32, hint=_l("出租房屋填写")),
    Input("landlord_phone", "secret", secret_kind="phone", hint=_l("出租房屋填写")),
    Input("lease_end", "date", hint=_l("出租房屋填写；到期前14天提醒网格员核实")),
    Input("status", "select", codes("household_status")),
    Input("notes", "textarea", maxlength=2000),
)

RESIDENT_FORM = (
    Input("name", required=True, maxlength=50), Input("sex", "select", codes("sex"), required=True),
    Input("birth_date", "date"), Input("id_type", "select", codes("id_type")),
    Input("id_number", "secret", secret_kind="id", maxlength=32),
    Input("phone", "secret", secret_kind="phone", maxlength=20),
    Input("ethnicity", maxlength=16), Input("relation", "select", codes("relation")),
    Input("population_type", "select", codes("population_type")),
    Input("permit_expiry", "date", hint=_l("仅流动人口、境外人员填写")),
    Input("political_status", "select", codes("political_status")),
    Input("arrived_by", "select", codes("arrival")), Input("moved_in_on", "date"),
    Input("moved_in_from", maxlength=100),
    Input("left_by", "select", codes("departure"), hint=_l("居民不会被删除：搬离或死亡后选择并填写日期")),
    Input("moved_out_on", "date"), Input("moved_out_to", maxlength=100),
    Input("notes", "textarea", maxlength=2000),
)


def loaded_values(inputs, wire: dict[str, Any]) -> dict[str, Any]:
    """What the form shows, kept in the page to tell edits from other people's changes."""
    return {i.name: wire.get(i.name) for i in inputs if i.kind != "secret"}


def form_state(wire_clocks: dict[str, str], loaded: dict[str, Any]) -> tuple[str, str]:
    return json.dumps(wire_clocks or {}, ensure_ascii=False), json.dumps(loaded, ensure_ascii=False)


def read_state(form, names: set[str]) -> tuple[dict[str, str], dict[str, Any]]:
    """The clocks and values the form was loaded with; anything malformed refuses the form."""
    try:
        clocks = json.loads(form.get("clocks") or "")
        loaded = json.loads(form.get("loaded") or "")
    except ValueError:
        refuse("form_state_invalid", 400)
    if not isinstance(clocks, dict) or not isinstance(loaded, dict):
        refuse("form_state_invalid", 400)
    for key, value in clocks.items():
        if not isinstance(key, str) or len(key) > 64 or not hlc.is_valid(value):
            refuse("form_state_invalid", 400)
    for key, value in loaded.items():
        if key not in names or not (value is None or isinstance(value, (str, int, bool, dict))):
            refuse("form_state_invalid", 400)
    return clocks, loaded


def _norm(value: Any) -> Any:
    # Browsers send a textarea's line breaks as CRLF, and people leave stray spaces.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _typed(spec: Input, raw: str | None, errors: dict[str, dict]) -> Any:
    text = _norm(raw or "")
    if text == "":
        return None
    if spec.kind == "int":
        try:
            return int(text)
        except ValueError:
            errors[spec.name] = field_message("invalid_type")
            return text
    if spec.kind == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            errors[spec.name] = field_message("invalid_date")
        return text
    if spec.name == "id_number":
        return text.upper()
    return text


def field_message(code: str) -> dict[str, str]:
    return field_error(code)


@dataclass
class Submission:
    typed: dict[str, Any]        # every input as typed (to show again on an error)
    changes: dict[str, Any]      # wire values of the fields the staff member changed
    base: dict[str, str]         # the clocks those fields had when the form was loaded
    errors: dict[str, dict]      # problems found before the write (unparseable numbers, dates)


def read_submission(inputs, form, current: dict[str, Any]) -> Submission:
    """Compare the submitted form with what it was loaded with. `current` is the record now
    (only consulted for the numbers the form never held)."""
    clocks, loaded = read_state(form, {i.name for i in inputs})
    typed: dict[str, Any] = {}
    changes: dict[str, Any] = {}
    errors: dict[str, dict] = {}
    for spec in inputs:
        raw = form.get(spec.name)
        value = _typed(spec, raw, errors)
        if spec.kind == "secret":
            typed[spec.name] = raw or ""
            if form.get(f"clear_{spec.name}") and current.get(spec.name) is not None:
                changes[spec.name] = None
            elif value is not None and value != current.get(spec.name):
                changes[spec.name] = value
            continue
        typed[spec.name] = raw if raw is not None else ""
        if spec.name in loaded and value != _norm(loaded[spec.name]) and not (value is None and loaded[spec.name] == ""):
            changes[spec.name] = value
    base = {name: clocks[name] for name in changes if name in clocks}
    return Submission(typed, changes, base, errors)


def detail_inputs(tag_type) -> list[dict[str, Any]]:
    """The detail fields of a care tag, from the dictionary (cities add their own)."""
    out = []
    for spec in tag_type.detail_fields or []:
        kind = spec.get("type", "text")
        options = [(c, labels.choice(spec["name"], c)) for c in spec.get("choices", [])]
        out.append({"name": spec["name"], "label": labels.detail_label(spec), "kind": kind, "options": options,
                    "required": bool(spec.get("required")), "maxlength": spec.get("max"),
                    "secret": kind == "phone" or spec["name"] in labels.ID_DETAIL_KEYS})
    return out


def read_detail(tag_type, form, current: dict[str, Any] | None, errors: dict[str, dict]) -> tuple[dict, dict]:
    """(detail to write, detail as typed). Number fields left empty keep the current value."""
    current = current or {}
    detail: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    for spec in detail_inputs(tag_type):
        key = f"detail.{spec['name']}"
        raw = form.get(key)
        if spec["kind"] == "bool":
            detail[spec["name"]] = raw in ("1", "on", "true")
            typed[spec["name"]] = detail[spec["name"]]
            continue
        text = (raw or "").strip()
        typed[spec["name"]] = raw or ""
        if spec["secret"] and not text:
            if current.get(spec["name"]) not in (None, "") and not form.get(f"clear_{key}"):
                detail[spec["name"]] = current[spec["name"]]
            continue
        if text:
            if spec["kind"] == "date":
                try:
                    date.fromisoformat(text)
                except ValueError:
                    errors[key] = field_message("invalid_date")
            detail[spec["name"]] = text
    return detail, typed


def mask_for(spec_kind: str, value: str | None) -> str:
    if not value:
        return ""
    return mask_phone(value) if spec_kind == "phone" else mask_id(value)
