"""What each audit action is called on the page; an action another feature adds later and that is
not named here shows as its code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "login": _l("登录"),
    "login_failed": _l("登录失败"),
    "logout": _l("退出登录"),
    "view_id_number": _l("查看完整证件号"),
    "view_phone": _l("查看完整电话"),
    "view_care": _l("查看敏感关爱信息"),
    "view_history": _l("查看含完整号码的变更历史"),
    "lookup_id_number": _l("按完整证件号查找"),
    "api_pull": _l("设备下载数据"),
    "export": _l("导出台账"),
    "import": _l("导入台账"),
    "create_user": _l("新建账号"),
    "edit_user": _l("修改账号"),
    "reset_password": _l("重置密码"),
    "revoke_device": _l("停用设备"),
    "edit_deadlines": _l("修改处置时限"),
    "create_building": _l("添加楼栋"),
    "edit_building": _l("修改楼栋"),
    "edit_doors": _l("修改楼栋房间"),
    "create_unit": _l("新增实有单位"),
    "edit_unit": _l("修改实有单位"),
    "tune_care_tag": _l("修改社区特殊人群标签"),
    "add_care_tag": _l("新增社区特殊人群标签"),
    "tune_category": _l("修改社区事件类别"),
    "add_category": _l("新增社区事件小类"),
    "first_run": _l("首次设置街道"),
    "create_area": _l("新建社区或网格"),
    "edit_area": _l("修改社区或网格"),
    "move_buildings": _l("楼栋换网格"),
    "retire_grid": _l("撤销网格"),
    "create_handling_unit": _l("新增处置单位"),
    "update_handling_unit": _l("修改处置单位"),
    "activate_handling_unit": _l("启用处置单位"),
    "deactivate_handling_unit": _l("停用处置单位"),
}


def action(code: str) -> str:
    return str(ACTIONS[code]) if code in ACTIONS else code


def detail(values: dict | None) -> str:
    """The entry's detail as short `key: value` pairs (never a password: none is ever recorded)."""
    return "；".join(f"{key}: {value}" for key, value in (values or {}).items())
