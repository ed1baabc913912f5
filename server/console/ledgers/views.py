"""Ledgers (台账): XLSX exports of the community's registers, and importing households and
residents from a community's existing ledger.

Exports and imports run as ConsoleJobs (jobs.py) whose progress the page polls with htmx; an
export's file is kept under the instance folder and only its creator may download it. An import
is checked in full and previewed first; nothing is written until the staff member confirms, and
then only the rows that were valid in the preview and still are.
"""

from __future__ import annotations

import io
import os
from datetime import date, timedelta

from flask import (abort, g, make_response, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import lazy_gettext as _l

from ...core.messages import field_error, message, register_messages
from ...core.time import china_today
from ...extensions import db
from . import jobs
from . import tasks
from ..records import labels as rl
from ..cases.labels import china
from ..blueprint import bp
from ..errors import refuse
from .exports import KINDS, NAMES
from .import_file import COLUMNS
from .template import template_book
from ..scope import current_community as _community
from ..masking import may_see_full_numbers

# Longest period one visits or cases ledger may cover.
MAX_RANGE_DAYS = 366
PREVIEW_ROWS = 200

register_messages({
    "date_range_invalid": ("日期范围不正确：开始日期不能晚于结束日期，且最长一年",
                           "The date range is not valid: the start must not be after the end, and at most one year"),
    "import_confirmed": ("这份文件已经确认导入过了", "This file has already been confirmed for import"),
})


# The ledgers as the console names them (the files' own titles stay Chinese: exports.NAMES).
KIND_LABELS = {"residents": _l("居民台账"), "visits": _l("走访台账"), "cases": _l("事件处置台账")}


def _job_name(job) -> str:
    return str(KIND_LABELS.get((job.params or {}).get("kind"), job.kind))


def _render(template: str, **context):
    return render_template(template, china=china, job_name=_job_name, message=message, rl=rl, **context)


@bp.get("/ledgers")
def ledgers():
    today = china_today()
    return _render(
        "console/ledgers/index.html", names=NAMES, masked=not may_see_full_numbers(g.staff),
        month_start=today.replace(day=1).isoformat(), today=today.isoformat(),
        recent=tasks.recent() if g.scope.community else [], columns=COLUMNS)


# --- exports ---------------------------------------------------------------------------------

def _date(name: str, required: bool) -> date | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        if required:
            refuse("validation_failed", 422, {name: field_error("required")})
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        refuse("validation_failed", 422, {name: field_error("invalid_date")})


@bp.post("/ledgers/exports")
def ledgers_export():
    _community()
    kind = request.form.get("kind", "")
    if kind not in KINDS:
        refuse("validation_failed", 422, {"kind": field_error("invalid_choice")})
    params: dict = {"kind": kind}
    if kind in ("visits", "cases"):
        first, last = _date("from", kind == "visits"), _date("to", kind == "visits")
        if first and last and (first > last or last - first > timedelta(days=MAX_RANGE_DAYS)):
            refuse("date_range_invalid", 422)
        params.update({"from": first.isoformat() if first else None, "to": last.isoformat() if last else None})
    else:
        params.update({"tagged_only": request.form.get("tagged_only") == "1",
                       "include_moved": request.form.get("include_moved") == "1"})
    jobs.sweep_old_files()
    job = jobs.create("export", params)
    jobs.start(job, tasks.export)
    return _to_job(job.id)


def _to_job(job_id: str):
    return jobs.to_page("console.ledgers_job", job_id)


@bp.get("/ledgers/jobs/<job_id>")
def ledgers_job(job_id: str):
    job = jobs.owned(job_id)
    jobs.give_up_if_stale(job)
    if job.kind == "import" and job.status == "ready":
        return redirect(url_for("console.ledgers_preview", job_id=job.id))
    return _render("console/ledgers/job.html", job=job, names=NAMES)


@bp.get("/ledgers/jobs/<job_id>/progress")
def ledgers_job_progress(job_id: str):
    job = jobs.owned(job_id)
    jobs.give_up_if_stale(job)
    if job.kind == "import" and job.status == "ready":
        reply = make_response("", 204)
        reply.headers["HX-Redirect"] = url_for("console.ledgers_preview", job_id=job.id)
        return reply
    body = _render("console/ledgers/_progress.html", job=job, names=NAMES)
    # Polled every second: end this read at once, so a job writing its progress never waits on it.
    db.session.rollback()
    return body


@bp.get("/ledgers/jobs/<job_id>/file")
def ledgers_job_file(job_id: str):
    job = jobs.owned(job_id)
    path = jobs.export_path(job.id)
    if job.kind != "export" or job.status != "ready":
        refuse("job_not_ready", 409)
    if not os.path.exists(path):
        refuse("job_file_expired", 410)
    return send_file(path, as_attachment=True, download_name=job.file_name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- imports ---------------------------------------------------------------------------------

@bp.get("/ledgers/template.xlsx")
def ledgers_template():
    community = _community()
    data = io.BytesIO()
    template_book(data, community, g.scope.grids)
    data.seek(0)
    return send_file(data, as_attachment=True, download_name=f"{community.name}_居民户导入模板.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_age=0)


@bp.post("/ledgers/imports")
def ledgers_import():
    _community()
    job = jobs.receive_upload("import", {})
    jobs.start(job, tasks.check)
    return _to_job(job.id)


def _preview_job(job_id: str, lock: bool = False):
    job = jobs.owned(job_id, lock=lock)
    if job.kind != "import":
        abort(404)
    return job


@bp.get("/ledgers/imports/<job_id>")
def ledgers_preview(job_id: str):
    job = _preview_job(job_id)
    if job.status != "ready":
        return redirect(url_for("console.ledgers_job", job_id=job.id))
    results = tasks.load_preview(job)
    valid = [r for r in results if r["status"] == "valid"]
    errors = [(r, e) for r in results if r["status"] == "error" for e in r["errors"]]
    exists = [r for r in results if r["status"] == "exists"]
    return _render("console/ledgers/preview.html", job=job, counts=job.result.get("counts", {}),
                           valid=valid[:PREVIEW_ROWS], errors=errors[:PREVIEW_ROWS * 2], exists=exists[:PREVIEW_ROWS],
                           limit=PREVIEW_ROWS, error_total=len(errors), ignored=job.result.get("ignored", []))


@bp.post("/ledgers/imports/<job_id>/confirm")
def ledgers_confirm(job_id: str):
    job = _preview_job(job_id, lock=True)
    if job.status != "ready":
        refuse("import_confirmed", 409, current_status=job.status)
    if not job.result.get("counts", {}).get("valid"):
        refuse("import_empty", 422)
    jobs.restart_phase(job, "importing")
    jobs.start(job, tasks.apply)
    return _to_job(job.id)


@bp.get("/ledgers/imports/<job_id>/errors.xlsx")
def ledgers_error_report(job_id: str):
    job = _preview_job(job_id)
    if job.status not in ("ready", "done"):
        refuse("job_not_ready", 409)
    data = io.BytesIO()
    tasks.error_report(data, job, tasks.load_preview(job))
    data.seek(0)
    stem = os.path.splitext(job.file_name or "ledger")[0]
    return send_file(data, as_attachment=True, download_name=f"{stem}_错误报告.xlsx", max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
