"""Names staff read for the case workflow's codes, and the China-time clock the pages show.

The database keeps naive UTC; staff think in Beijing time (UTC+8, no daylight saving), so every
time shown or typed on the case pages goes through `china()` and `from_china()`.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ...cases.workflow import FINISHED  # noqa: F401  (templates: a finished case shows no countdown)
from ...core.time import china_wall, from_china_wall
from ..records.labels import choice, english, tag_name

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">

LEVEL_HINT = {"grid": _l("小事不出网格"), "community": _l("小事不出社区"), "street": _l("大事不出街道")}
# What the button that takes a step says, from the case's current stage.
ACTION = {
    ("reported", "accepted"): _l("受理"),
    ("reported", "returned"): _l("退回上报人"),
    ("accepted", "dispatched"): _l("派遣"),
    ("accepted", "in_progress"): _l("社区自行处置"),
    ("dispatched", "in_progress"): _l("单位已接单，开始处置"),
    ("dispatched", "returned"): _l("单位退回"),
    ("in_progress", "extension_requested"): _l("申请延期"),
    ("in_progress", "resolved"): _l("反馈处置结果"),
    ("in_progress", "returned"): _l("单位退回"),
    ("extension_requested", "in_progress"): _l("审批延期"),
    ("returned", "accepted"): _l("重新受理"),
    ("returned", "dispatched"): _l("重新派遣"),
    ("resolved", "verified"): _l("核查通过"),
    ("resolved", "in_progress"): _l("核查未通过，重新处置"),
    ("verified", "closed"): _l("销号"),
    ("closed", "rated"): _l("记录回访评价"),
}


# A dictionary row's name (name_zh / name_en) in the page's language, like a care tag's.
category_name = tag_name


def status(code: str | None) -> str:
    return choice("case_status", code)


def limit(value) -> str:
    """A handling limit as staff read it: 24小时, 3个工作日."""
    if value is None:
        return ""
    return f"{value.amount}{' ' if english() else ''}{choice('limit_unit', value.unit)}"


def level(code: str | None) -> str:
    return choice("case_level", code)


def action(before: str, after: str) -> str:
    text = ACTION.get((before, after))
    return str(text) if text is not None else status(after)


def china(moment: datetime | None) -> str:
    """A stored time as staff read it: 2026-11-20 14:05 (Beijing time)."""
    return china_wall(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def china_input(moment: datetime | None) -> str:
    return china_wall(moment).strftime(LOCAL_INPUT) if moment else ""


def from_china(text: str) -> datetime | None:
    """A datetime-local value typed in Beijing time, as stored UTC; None if it is not one."""
    try:
        local = datetime.strptime(text.strip(), LOCAL_INPUT)
    except (ValueError, AttributeError):
        return None
    return from_china_wall(local)


def wire_time(moment: datetime) -> str:
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def hours_left(deadline: datetime | None, now: datetime) -> float | None:
    return None if deadline is None else (deadline - now).total_seconds() / 3600


def duration(hours: float) -> str:
    """Roughly how long, in the largest sensible unit: 3 天 / 5 小时 / 20 分钟."""
    hours = abs(hours)
    if hours >= 48:
        return str(_l("%(n)s 天", n=int(hours // 24)))
    if hours >= 1:
        return str(_l("%(n)s 小时", n=int(hours)))
    return str(_l("%(n)s 分钟", n=max(1, int(hours * 60))))
