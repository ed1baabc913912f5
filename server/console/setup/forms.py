"""Reading the setup forms: names, official codes and boundaries, each bad value a stable code."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from ...areas.models import Area
from ...core.messages import register_messages
from ...extensions import db
from ..users.forms import FormResult

register_messages({
    "setup_form_invalid": ("表单有误，请按提示修改", "Some fields need correcting"),
    "community_code_invalid": ("社区代码应为12位数字（统计用区划代码）",
                               "A community code is 12 digits (the statistical division code)"),
    "grid_code_invalid": ("网格编码应为1至20位数字", "A grid code is 1 to 20 digits"),
    "street_code_invalid": ("街道代码应为1至20位数字", "A street code is 1 to 20 digits"),
    "area_code_taken": ("此代码已被另一个区域使用", "Another area already has this code"),
    "grid_retired": ("此网格已撤销，不能再修改", "This grid is retired and can no longer be changed"),
    "move_target_invalid": ("请选择本社区另一个在用的网格", "Choose another grid in service in this community"),
    "buildings_required": ("请至少选择一栋楼", "Choose at least one building"),
    "worker_unknown": ("请选择一名网格员账号", "Choose a grid worker's account"),
    "first_run_code_wrong": ("设置码不正确，请核对 wangge init-db 输出的设置码",
                             "The setup code is wrong; check the code `wangge init-db` printed"),
})

CODE_RULES = {
    "street": (re.compile(r"^[0-9]{1,20}$"), "street_code_invalid"),
    "community": (re.compile(r"^[0-9]{12}$"), "community_code_invalid"),
    "grid": (re.compile(r"^[0-9]{1,20}$"), "grid_code_invalid"),
}


def read_area(form, level: str, current: Area | None = None) -> FormResult:
    """Name, code and boundary of a street, community or grid; the code unique among all areas."""
    result = FormResult()
    name = (form.get("name") or "").strip()
    code = (form.get("code") or "").strip()
    boundary = (form.get("boundary") or "").strip()
    result.values.update(name=name, code=code, boundary=boundary)
    if not name:
        result.errors["name"] = "required"
    elif len(name) > 64:
        result.errors["name"] = "too_long"
    pattern, bad = CODE_RULES[level]
    if not pattern.match(code):
        result.errors["code"] = bad
    elif db.session.scalar(select(func.count()).select_from(Area).where(
            Area.code == code, *([Area.id != current.id] if current is not None else []))):
        result.errors["code"] = "area_code_taken"
    if len(boundary) > 500:
        result.errors["boundary"] = "too_long"
    return result
