"""Conflicts (冲突): two phones changed the same field without seeing each other's value.

The merge keeps the later write everywhere and records the other value here. Staff see both side
by side, each with who wrote it, from which device and when (from the change log: the change
whose clock is the value's clock), and either keep the current value or restore the other one
(server/syncapi/conflicts.settle_conflict: a fresh server write that reaches every device).
A conflict settled by a colleague in the meantime is refused with stale_transition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from sync.errors import ProtocolError

from ...core.messages import field_error
from ..paging import page_number
from ...extensions import db
from ...syncapi.conflicts import settle_conflict
from ...syncapi.models import Change, Conflict
from ..cases import labels as cases_labels
from .. import writes
from . import describe as d
from . import rejections  # noqa: F401  (registers /console/rejections)
from . import reveal  # registers /console/conflicts/<id>/reveal
from ..blueprint import bp
from ..errors import ConsoleError, refuse

PAGE_SIZE = 50
RECENT = 20


@dataclass
class Side:
    value: str
    made_at: datetime | None  # the author's clock: when the edit was made, perhaps offline
    received_at: datetime | None  # when the server got it
    author: str
    device: str
    known: bool  # a change in the log wrote it (not the initial data)


@dataclass
class Row:
    conflict: Conflict
    record: d.RecordName | None
    field: str
    winner: Side
    loser: Side
    current: str
    current_is: str  # winner | loser | other | gone


def _sides(conflicts: list[Conflict]) -> dict[tuple[str, str, str], Change]:
    """The change behind each value, found by the value's clock: {(entity, record, hlc): Change}."""
    if not conflicts:
        return {}
    stamps = {c.winner_hlc for c in conflicts} | {c.loser_hlc for c in conflicts}
    records = {c.record_id for c in conflicts}
    changes = db.session.scalars(select(Change).where(
        Change.record_id.in_(records), Change.hlc.in_(stamps), Change.status == "accepted"))
    return {(c.entity, c.record_id, c.hlc): c for c in changes}


def _side(value: Any, stamp: str, change: Change | None, conflict: Conflict, users, devices, tags) -> Side:
    if change is None:
        return Side(d.show_value(conflict.field, value, tags, _tag_of(conflict)), d.hlc_time(stamp), None,
                    gettext("初始数据或批量导入"), "", False)
    user = users.get(change.user_id)
    return Side(d.show_value(conflict.field, value, tags, _tag_of(conflict)), d.hlc_time(stamp),
                change.received_at, user.name if user else gettext("未知用户"),
                d.device_label(change.device_id, devices), True)


def _tag_of(conflict: Conflict) -> str | None:
    if conflict.entity != "resident_tag":
        return None
    from ...registry.models import ResidentTag
    tag = db.session.get(ResidentTag, conflict.record_id)
    return tag.tag if tag else None


def describe(conflicts: list[Conflict]) -> list[Row]:
    changes = _sides(conflicts)
    users = d.people([c.user_id for c in changes.values()])
    devices = d.devices([c.device_id for c in changes.values()])
    names = d.name_records([(c.entity, c.record_id) for c in conflicts], g.scope.grid_ids)
    tags = d.tag_dictionary() if any(c.entity == "resident_tag" for c in conflicts) else {}
    rows = []
    for c in conflicts:
        winner = _side(c.winner_value, c.winner_hlc, changes.get((c.entity, c.record_id, c.winner_hlc)), c,
                       users, devices, tags)
        loser = _side(c.loser_value, c.loser_hlc, changes.get((c.entity, c.record_id, c.loser_hlc)), c,
                      users, devices, tags)
        found, now = d.current_value(c.entity, c.record_id, c.field)
        if not found:
            current_is = "gone"
        elif now == c.winner_value:
            current_is = "winner"
        elif now == c.loser_value:
            current_is = "loser"
        else:
            current_is = "other"
        rows.append(Row(c, names.get((c.entity, c.record_id)), d.field_label(c.entity, c.field), winner, loser,
                        d.show_value(c.field, now, tags, _tag_of(c)), current_is))
    return rows


def _page_number() -> int:
    return page_number(request.args)


@bp.get("/conflicts")
def conflicts():
    return list_page()


def list_page(revealed: dict | None = None):
    """The open conflicts and the recently settled; `revealed`: {(conflict id, side): full number}."""
    grid = request.args.get("grid", "")
    grid_ids = [grid] if g.scope.has_grid(grid) else g.scope.grid_ids
    if not g.scope.has_grid(grid):
        grid = ""
    waiting = select(Conflict).where(Conflict.grid_id.in_(grid_ids), Conflict.status == "open")
    total = db.session.scalar(select(func.count()).select_from(waiting.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(_page_number(), pages)
    shown = list(db.session.scalars(waiting.order_by(Conflict.created_at.desc(), Conflict.id.desc())
                                    .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    settled = list(db.session.scalars(
        select(Conflict).where(Conflict.grid_id.in_(grid_ids), Conflict.status != "open")
        .order_by(Conflict.resolved_at.desc(), Conflict.id.desc()).limit(RECENT)))
    resolvers = d.people([c.resolved_by for c in settled])
    return render_template("console/conflicts/list.html", rows=describe(shown), settled=describe(settled),
                           resolvers=resolvers, total=total, page=page, pages=pages, grid=grid,
                           china=cases_labels.china, entity_label=d.entity_label,
                           may_reveal=reveal.may_reveal, revealed=revealed or {})


@bp.post("/conflicts/<int:conflict_id>")
def conflicts_settle(conflict_id: int):
    # Locked and re-read: two staff settling at once must not both find it open.
    conflict = db.session.get(Conflict, conflict_id, with_for_update=True, populate_existing=True)
    if conflict is None or not g.scope.has_grid(conflict.grid_id):
        abort(404)
    action = request.form.get("action", "")
    if action not in ("keep", "restore"):
        refuse("validation_failed", 422, {"action": field_error("invalid_choice")})
    try:
        settle_conflict(writes.context(), conflict_id, restore=action == "restore")
    except ProtocolError as exc:
        if exc.code != "stale_transition":
            raise
        db.session.rollback()
        done = db.session.get(Conflict, conflict_id)
        who = d.people([done.resolved_by]).get(done.resolved_by)
        outcome = gettext("已恢复被覆盖的值") if done.status == "restored" else gettext("已保留当前值")
        note = gettext("这条冲突已由%(name)s处理（%(outcome)s），请刷新页面。",
                       name=who.name if who else "", outcome=outcome)
        raise ConsoleError("stale_transition", 409, {"conflict": {"message": note}},
                           {"current_status": done.status, "resolved_by": who.name if who else None})
    db.session.commit()
    message = gettext("已恢复被覆盖的值，所有设备同步后都会显示这个值。") if action == "restore" \
        else gettext("已保留当前值。")
    if request.headers.get("HX-Request") == "true":
        [row] = describe([db.session.get(Conflict, conflict_id)])
        return render_template("console/conflicts/_settled.html", row=row, message=message,
                               resolver=g.staff.name, china=cases_labels.china, entity_label=d.entity_label)
    flash(message, "ok")
    return redirect(url_for("console.conflicts"), 303)
