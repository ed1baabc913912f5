"""Reading the directory form: name, kind, contact; every bad value gets a stable code."""

from __future__ import annotations

from marshmallow import ValidationError

from ...core.choices import codes
from ...core.messages import register_messages
from ...registry.validators import validate_phone

register_messages({
    "handling_unit_form_invalid": ("处置单位信息有误，请按提示修改", "Some fields of the handling unit need correcting"),
    "handling_unit_exists": ("名录中已有同名的处置单位", "The directory already has a handling unit with this name"),
})

NAME_MAX, CONTACT_MAX = 100, 32


def read_entry(form, keep_phone: bool) -> tuple[dict, dict[str, str]]:
    """(values, errors by field). `keep_phone`: an empty phone box leaves the stored number as it is
    (a street admin sees only its mask, so cannot type it back)."""
    values = {name: (form.get(name) or "").strip() for name in ("name", "kind", "contact_name", "contact_phone")}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "required"
    elif len(values["name"]) > NAME_MAX:
        errors["name"] = "too_long"
    if values["kind"] not in codes("handler_kind"):
        errors["kind"] = "invalid_choice" if values["kind"] else "required"
    if len(values["contact_name"]) > CONTACT_MAX:
        errors["contact_name"] = "too_long"
    if values["contact_phone"]:
        try:
            validate_phone(values["contact_phone"])
        except ValidationError:
            errors["contact_phone"] = "phone_format"
    elif keep_phone:
        values.pop("contact_phone")
    return values, errors
