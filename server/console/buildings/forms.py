"""Reading the building and door forms: each field's value is checked by the building's wire schema
(the same rules a phone's or an import's change meets), and each refusal comes back by field."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...areas.schemas import BuildingWire
from ...core.messages import register_messages
from ...wire import code_for

register_messages({
    "building_form_invalid": ("表单有误，请按提示修改", "Some fields need correcting"),
    "building_number_taken": ("本网格已有同号楼栋", "This grid already has a building with that number"),
    "captain_not_in_community": ("所选楼栋长不是本社区的用户", "The chosen building captain is not a user of this community"),
    "not_a_number": ("请填写数字", "Enter a number"),
})

# Form field → how its text becomes a wire value.
INTS = ("units", "floors", "rooms_per_floor", "built_year")
FLOATS = ("lat", "lng")
TEXTS = ("number", "name", "estate", "door_pattern", "captain_name", "captain_phone", "notes")
_SCHEMA = BuildingWire()


@dataclass
class FormResult:
    values: dict = field(default_factory=dict)     # what was typed, to show the form again
    data: dict = field(default_factory=dict)       # wire values, checked
    errors: dict[str, str] = field(default_factory=dict)  # field name -> code

    @property
    def ok(self) -> bool:
        return not self.errors


def read_building(form, grids: dict[str, object], captains: dict[str, object]) -> FormResult:
    """`grids`: the grids the staff member may put a building in; `captains`: the community's users."""
    result = FormResult()
    data: dict = {}
    for name in TEXTS:
        typed = (form.get(name) or "").strip()
        result.values[name] = typed
        data[name] = typed or None
    for name in (*INTS, *FLOATS):
        typed = (form.get(name) or "").strip()
        result.values[name] = typed
        if not typed:
            data[name] = None
            continue
        try:
            data[name] = int(typed) if name in INTS else float(typed)
        except ValueError:
            result.errors[name] = "not_a_number"
    lift = form.get("lift") or ""
    result.values["lift"] = lift
    data["lift"] = {"1": True, "0": False}.get(lift)
    grid_id = form.get("grid_id") or ""
    result.values["grid_id"] = grid_id
    data["grid_id"] = grid_id
    if grid_id not in grids:
        result.errors["grid_id"] = "unknown_grid"
    captain = form.get("captain_user_id") or ""
    result.values["captain_user_id"] = captain
    data["captain_user_id"] = captain or None
    if captain:
        user = captains.get(captain)
        if user is None:
            result.errors["captain_user_id"] = "captain_not_in_community"
        else:
            # A captain who is a user is named by the account; the phone stays on the account.
            data["captain_name"] = user.name
            data["captain_phone"] = None
    for name in ("number", "units", "floors", "rooms_per_floor"):
        if data.get(name) is None and name not in result.errors:
            result.errors[name] = "required"
    checked = {k: v for k, v in data.items() if k not in result.errors}
    for name, messages in _SCHEMA.validate(checked).items():
        if name not in result.errors:
            result.errors[name] = code_for(messages[0] if isinstance(messages, list) else str(messages))
    result.data = data
    return result


def read_int(form, name: str) -> int | None:
    try:
        return int((form.get(name) or "").strip())
    except ValueError:
        return None
