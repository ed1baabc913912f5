"""Reading the dictionary forms: each field's value or its error code (zh/en in core/messages).

Detail fields are typed one per line, `名称代码 | 中文名称 | 类型 | 必填`, the type being text,
phone, date, bool or choice:a/b/c (choice codes); staff see the same lines for the current fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...cases.deadlines import MAX_AMOUNT, MIN_AMOUNT, UNITS, Limit
from ...cases.workflow import LEVELS
from ...core.messages import register_messages
from ...wire import CODE_RE

register_messages({
    "dictionary_form_invalid": ("有的内容填写不正确，未保存", "Some fields are not valid; nothing was saved"),
    "detail_line_invalid": ("详细信息字段格式应为“名称代码 | 中文名称 | 类型 | 必填”",
                            "A detail field is written \"code | Chinese name | type | required\""),
    "detail_type_invalid": ("字段类型只能是 text、phone、date、bool 或 choice:选项/选项",
                            "A field type is text, phone, date, bool or choice:a/b"),
    "detail_name_repeated": ("详细信息字段的名称代码重复", "Two detail fields have the same code"),
    "base_not_top": ("小类只能加在大类之下", "A sub-category goes under a top category"),
})

INTERVAL_MAX = 365
TYPES = ("text", "phone", "date", "bool")
REQUIRED_WORDS = ("必填", "required", "是", "yes")


@dataclass
class Result:
    values: dict[str, Any] = field(default_factory=dict)   # as typed, to show the form again
    clean: dict[str, Any] = field(default_factory=dict)    # what to store
    errors: dict[str, str] = field(default_factory=dict)   # field -> code

    @property
    def ok(self) -> bool:
        return not self.errors


def detail_lines(specs: list[dict] | None) -> str:
    """The lines the form shows for `specs`."""
    out = []
    for spec in specs or []:
        kind = spec.get("type", "text")
        if kind == "choice":
            kind = "choice:" + "/".join(spec.get("choices") or [])
        out.append(" | ".join([spec.get("name", ""), spec.get("label_zh", ""), kind]
                              + (["必填"] if spec.get("required") else [])))
    return "\n".join(out)


def read_detail_lines(text: str, known: list[dict] | None) -> tuple[list[dict] | None, str | None]:
    """(specs, None) or (None, error code). A known field keeps its English label and max length."""
    earlier = {spec.get("name"): spec for spec in known or []}
    specs: list[dict] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("｜", "|").split("|")]
        if len(parts) < 3 or len(parts) > 4 or not CODE_RE.match(parts[0]) or not parts[1] or len(parts[1]) > 32:
            return None, "detail_line_invalid"
        name, label, kind = parts[0], parts[1], parts[2]
        if any(s["name"] == name for s in specs):
            return None, "detail_name_repeated"
        spec: dict[str, Any] = {"name": name}
        if kind.startswith("choice:"):
            choices = [c.strip() for c in kind.split(":", 1)[1].split("/") if c.strip()]
            if not choices or not all(CODE_RE.match(c) for c in choices):
                return None, "detail_type_invalid"
            spec.update(type="choice", choices=choices)
        elif kind in TYPES:
            spec["type"] = kind
            if kind == "text":
                spec["max"] = earlier.get(name, {}).get("max", 100)
        else:
            return None, "detail_type_invalid"
        if len(parts) == 4:
            if parts[3] and parts[3].lower() not in REQUIRED_WORDS:
                return None, "detail_line_invalid"
            if parts[3]:
                spec["required"] = True
        spec["label_zh"] = label
        spec["label_en"] = earlier.get(name, {}).get("label_en") if earlier.get(name, {}).get("label_zh") == label \
            else label
        specs.append(spec)
    return specs, None


def read_interval(raw: str, required: bool, result: Result) -> None:
    raw = raw.strip()
    result.values["interval_days"] = raw
    if not raw:
        if required:
            result.errors["interval_days"] = "required"
        return
    try:
        days = int(raw)
    except ValueError:
        result.errors["interval_days"] = "invalid_type"
        return
    if not 1 <= days <= INTERVAL_MAX:
        result.errors["interval_days"] = "out_of_range"
        return
    result.clean["interval_days"] = days


def read_active(raw: str, inherit_allowed: bool, result: Result) -> None:
    """"" = as the installation, "on", "off"."""
    result.values["active"] = raw
    if raw == "" and inherit_allowed:
        return
    if raw not in ("on", "off"):
        result.errors["active"] = "invalid_choice"
        return
    result.clean["active"] = raw == "on"


def read_tag(form, installation_specs: list[dict] | None, own: bool) -> Result:
    """A tag's tuning (`own` False: empty fields mean "as the installation") or an own tag."""
    result = Result()
    if own:
        name_zh = (form.get("name_zh") or "").strip()
        name_en = (form.get("name_en") or "").strip()
        result.values.update(name_zh=name_zh, name_en=name_en)
        if not name_zh:
            result.errors["name_zh"] = "required"
        elif len(name_zh) > 32:
            result.errors["name_zh"] = "too_long"
        if len(name_en) > 64:
            result.errors["name_en"] = "too_long"
        result.clean.update(name_zh=name_zh, name_en=name_en or name_zh)
    read_interval(form.get("interval_days") or "", own, result)
    read_active(form.get("active", "on" if own else ""), not own, result)
    text = form.get("detail_fields") or ""
    result.values["detail_fields"] = text
    if text.strip() or own:
        specs, code = read_detail_lines(text, installation_specs)
        if code:
            result.errors["detail_fields"] = code
        else:
            result.clean["detail_fields"] = specs
    return result


def read_category(form, categories: dict) -> Result:
    """A category's switch and its deadline cells: {level: Limit | None} in clean["limits"]."""
    result = Result()
    read_active(form.get("active", ""), True, result)
    limits: dict[str, Limit | None] = {}
    for level in LEVELS:
        raw = (form.get(f"amount-{level}") or "").strip()
        unit = form.get(f"unit-{level}") or "hours"
        result.values[f"amount-{level}"], result.values[f"unit-{level}"] = raw, unit
        if not raw:
            limits[level] = None
            continue
        if unit not in UNITS:
            result.errors[f"amount-{level}"] = "invalid_choice"
            continue
        try:
            amount = int(raw)
        except ValueError:
            result.errors[f"amount-{level}"] = "invalid_type"
            continue
        if not MIN_AMOUNT <= amount <= MAX_AMOUNT[unit]:
            result.errors[f"amount-{level}"] = "out_of_range"
            continue
        limits[level] = Limit(amount, unit)
    result.clean["limits"] = limits
    return result


def read_new_category(form, tops: dict) -> Result:
    result = Result()
    parent = form.get("parent_id") or ""
    name_zh = (form.get("name_zh") or "").strip()
    name_en = (form.get("name_en") or "").strip()
    result.values.update(parent_id=parent, name_zh=name_zh, name_en=name_en)
    if parent not in tops:
        result.errors["parent_id"] = "base_not_top" if parent else "required"
    if not name_zh:
        result.errors["name_zh"] = "required"
    elif len(name_zh) > 32:
        result.errors["name_zh"] = "too_long"
    if len(name_en) > 64:
        result.errors["name_en"] = "too_long"
    result.clean.update(parent_id=parent, name_zh=name_zh, name_en=name_en or name_zh)
    return result


def new_code() -> str:
    """A community's own entry gets a code of the dictionary's shape (resident tags and findings
    refer to it by code), unique without asking staff to invent one."""
    from sync.ids import uuid7
    return "c" + re.sub("-", "", uuid7())
