"""Care-tag dictionary rules: each tag's detail fields are data, checked here."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import ValidationError

from .validators import validate_phone


def detail_errors(spec: list[dict[str, Any]], detail: dict[str, Any] | None) -> dict[str, str]:
    """Check a tag's detail values against its dictionary spec: {"detail.<name>": code}."""
    detail = detail or {}
    errors: dict[str, str] = {}
    known = {f["name"]: f for f in spec}
    for name in detail:
        if name not in known:
            errors[f"detail.{name}"] = "unknown_field"
    for name, field in known.items():
        value = detail.get(name)
        if value in (None, ""):
            if field.get("required"):
                errors[f"detail.{name}"] = "required"
            continue
        code = _value_error(field, value)
        if code:
            errors[f"detail.{name}"] = code
    return errors


def _value_error(field: dict[str, Any], value: Any) -> str | None:
    kind = field.get("type", "text")
    if kind == "choice":
        return None if value in field.get("choices", ()) else "invalid_choice"
    if kind == "bool":
        return None if isinstance(value, bool) else "invalid_type"
    if not isinstance(value, str):
        return "invalid_type"
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "invalid_date"
        return None
    if kind == "phone":
        try:
            validate_phone(value)
        except ValidationError:
            return "phone_format"
        return None
    return "too_long" if len(value) > field.get("max", 100) else None
