"""/console/history/<entity>/<id>: every change of one record since its creation (who, which device
or screen, when in Beijing time, each field from → to), and the same as a workbook.

Personal numbers are shown as the staff member's role holds them (core/sensitive.py): in full for
roles that have them, and then the view is audited; opening the history of a person with sensitive
care tags is audited like opening their page. The id in the URL is a record id, never personal data.
"""

from __future__ import annotations

from io import BytesIO

from flask import abort, g, render_template, send_file

from ...core.time import china_time, utcnow
from ...extensions import db
from .. import audit
from ..blueprint import bp
from ..ledgers.xlsx_book import MARK_FULL, MARK_MASKED, Column, Sheet, write_book
from ..masking import may_see_full_numbers
from ..records import labels
from ..records.history import has_logged_creation, record_history, resident_history
from ..records.history_values import entity_label
from ..records.views import HELPERS
from .shown import SHOWN, sensitive_tags

KIND_LABELS = {"create": "新建", "update": "修改", "delete": "删除", "rejected": "被拒绝"}
NUMBER_FIELDS = labels.ID_FIELDS | labels.PHONE_FIELDS | {f"detail.{k}" for k in labels.ID_DETAIL_KEYS}


def _load(entity: str, record_id: str):
    shown = SHOWN.get(entity)
    if shown is None:
        abort(404)
    row = shown.locate(shown.model, record_id)
    full = may_see_full_numbers(g.staff)
    if entity == "resident":
        from ...registry.models import ResidentTag

        tag_ids = list(db.session.scalars(db.select(ResidentTag.id).where(ResidentTag.resident_id == row.id)))
        entries = resident_history(row, tag_ids, full)
    else:
        entries = record_history(entity, row.id, full)
    origin = None if has_logged_creation(entries, entity, row.id) else row.created_at
    return shown, row, entries, origin, full


def _shows_numbers(entries) -> bool:
    return any((fc.name in NUMBER_FIELDS or fc.name.endswith("phone")) and (fc.before != "—" or fc.after != "—")
               for e in entries for fc in e.fields)


def _audit(entity: str, shown, row, entries, full: bool, action: str | None = None) -> None:
    person = shown.person(row)
    tags = sensitive_tags(person)
    if tags:
        audit.record("view_care", "resident", person, tags=tags, via="history")
    if full and _shows_numbers(entries):
        audit.record("view_history", entity, row.id, numbers="full")
    if action:
        audit.record(action, entity, row.id, kind="history", masked=not full)
    db.session.commit()


@bp.get("/history/<entity>/<record_id>")
def history_page(entity: str, record_id: str):
    shown, row, entries, origin, full = _load(entity, record_id)
    _audit(entity, shown, row, entries, full)
    return render_template("console/history/page.html", entity=entity, entity_name=entity_label(entity),
                           title=shown.title(row), back=shown.page(row), record=row, history=entries,
                           origin=origin, full=full, rl=HELPERS)


def _who(entry) -> tuple[str, str]:
    if entry.user is None:
        return "系统", ""
    return entry.user.name, str(labels.choice("role", entry.user.role))


def _rows(entries, origin) -> list[list]:
    rows = []
    for e in entries:
        who, role = _who(e)
        head = [HELPERS.local(e.at), HELPERS.local(e.received), who, role, e.source, e.subject,
                KIND_LABELS.get(e.kind, e.kind)]
        note = f"{e.error[1]}（{e.error[0]}）" if e.error else ""
        if not e.fields:
            rows.append([*head, "", "", "", note])
        for fc in e.fields:
            field_note = note or ("" if fc.applied else "未生效：已有更新的修改")
            rows.append([*head, fc.label, fc.before, fc.after, field_note])
        for c in e.conflicts:
            rows.append([*head, c.label, c.loser, c.winner, "冲突：保留后者"])
    if origin is not None:
        rows.append([HELPERS.local(origin), "", "", "", "", "建档（建档时的值未记入变更日志）", "新建", "", "", "", ""])
    return rows


@bp.get("/history/<entity>/<record_id>/export.xlsx")
def history_export(entity: str, record_id: str):
    shown, row, entries, origin, full = _load(entity, record_id)
    _audit(entity, shown, row, entries, full, action="export")
    columns = [Column("时间（北京时间）", width=17), Column("同步到服务器", width=17), Column("修改人"),
               Column("角色"), Column("设备或来源"), Column("内容"), Column("操作"), Column("字段"),
               Column("原值"), Column("新值"), Column("说明")]
    title = f"{entity_label(entity)}变更历史：{shown.title(row)}（导出于 {china_time(utcnow()):%Y-%m-%d %H:%M}）"
    data = BytesIO()
    write_book(data, [Sheet("变更历史", columns, _rows(entries, origin))], title, MARK_FULL if full else MARK_MASKED)
    data.seek(0)
    # The file name carries no personal data: the record's kind and the start of its id.
    return send_file(data, as_attachment=True, download_name=f"{entity_label(entity)}_{row.id[:8]}_变更历史.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_age=0)
