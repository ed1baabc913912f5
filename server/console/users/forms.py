"""Reading the users pages' forms: every bad value gets a stable code, and the typed values
come back so the form can be shown again as it was filled in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import func, select

from ...auth.models import User
from ...core.messages import register_messages
from ...extensions import db
from ...registry.validators import validate_phone

MIN_PASSWORD = 8
MAX_PASSWORD = 128
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$")

register_messages({
    "username_invalid": ("用户名为3至32位字母、数字、下划线、点或连字符，以字母或数字开头",
                         "A username has 3 to 32 letters, digits, underscores, dots or hyphens, "
                         "starting with a letter or digit"),
    "password_too_long": ("密码不能超过128位", "A password can have at most 128 characters"),
    "password_mismatch": ("两次输入的密码不一致", "The two passwords do not match"),
    "grids_required": ("请至少选择一个网格", "Choose at least one grid"),
    "unknown_grid": ("所选网格不属于当前社区", "A chosen grid is not in the current community"),
    "role_not_allowed": ("您不能创建或管理此类账号", "You cannot create or manage this kind of account"),
    "cannot_change_self": ("不能停用或修改自己的账号", "You cannot deactivate or change your own account here"),
    "device_already_revoked": ("此设备已经停用", "This device is already revoked"),
    "user_form_invalid": ("表单有误，请按提示修改", "Some fields need correcting"),
    "handling_unit_required": ("请选择该联系人所属的处置单位", "Choose the handling unit this contact answers for"),
})


@dataclass
class FormResult:
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field name -> code

    @property
    def ok(self) -> bool:
        return not self.errors


def read_password(form, result: FormResult, name: str = "password", confirm: str = "password2") -> None:
    password = form.get(name) or ""
    if len(password) < MIN_PASSWORD:
        result.errors[name] = "password_too_short"
    elif len(password) > MAX_PASSWORD:
        result.errors[name] = "password_too_long"
    elif password != (form.get(confirm) or ""):
        result.errors[confirm] = "password_mismatch"
    result.values[name] = password
    result.values[confirm] = form.get(confirm) or ""


def read_grids(form, scope, result: FormResult, required: bool = True) -> None:
    chosen = list(dict.fromkeys(form.getlist("grid_ids")))
    result.values["grid_ids"] = chosen
    live = {grid.id for grid in scope.live_grids}
    if any(grid_id not in live for grid_id in chosen):
        result.errors["grid_ids"] = "unknown_grid"
    elif required and not chosen:
        result.errors["grid_ids"] = "grids_required"


def read_new_user(form, scope, roles: tuple[str, ...]) -> FormResult:
    result = FormResult()
    username = (form.get("username") or "").strip()
    name = (form.get("name") or "").strip()
    phone = (form.get("phone") or "").strip()
    role = form.get("role") or ""
    result.values.update(username=username, name=name, phone=phone, role=role)
    if role not in roles:
        result.errors["role"] = "role_not_allowed"
    if not USERNAME.match(username):
        result.errors["username"] = "username_invalid"
    elif db.session.scalar(select(func.count()).select_from(User)
                           .where(func.lower(User.username) == username.lower())):
        result.errors["username"] = "username_taken"
    if not name:
        result.errors["name"] = "required"
    elif len(name) > 50:
        result.errors["name"] = "too_long"
    if phone:
        try:
            validate_phone(phone)
        except ValidationError:
            result.errors["phone"] = "phone_format"
    read_password(form, result)
    if role == "unit_contact":
        read_handling_unit(form, scope, result)
        result.values["grid_ids"] = []
        return result
    # Community staff answer for the whole community: they get no grids of their own.
    read_grids(form, scope, result, required=role != "community_staff")
    return result


def read_handling_unit(form, scope, result: FormResult) -> None:
    """A unit contact's unit: an active entry of the directory this staff member may dispatch to."""
    from ..directory.entries import dispatchable  # late: the directory reads the request's staff

    chosen = form.get("handling_unit_id") or ""
    result.values["handling_unit_id"] = chosen
    if chosen not in {entry.id for entry in dispatchable(scope.community.id if scope.community else None)}:
        result.errors["handling_unit_id"] = "handling_unit_required"

