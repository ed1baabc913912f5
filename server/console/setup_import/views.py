"""Bulk setup from spreadsheets (/console/setup/import): choose what to import, download its
template, upload, read the preview (per-cell errors, each change from → to), confirm, follow the
progress, and resume an import a server restart cut off.

The check and the writing run as ConsoleJobs (ledgers/jobs.py). Nothing is written before the
staff member confirms; then the new and changed rows are written and the error rows are not (the
preview says so). Re-importing a file changes only what differs.
"""

from __future__ import annotations

import io
import os

from flask import abort, g, make_response, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...core.messages import message, register_messages
from ...extensions import db
from ...imports.kinds import KINDS
from ...imports.template import template_book
from ...registry.models import CareTagType
from ..blueprint import bp
from ..cases.labels import china
from ..errors import refuse
from ..ledgers import jobs
from ..ledgers import tasks as ledger_tasks
from ..masking import may_see_full_numbers
from ..scope import current_community as _community
from . import tasks

PREVIEW_ROWS = 300
# Columns whose values are personal numbers (server/core/sensitive.py): masked in the preview's
# diffs for staff who see numbers masked everywhere else.
NUMBERS = {"证件号码": "id", "手机": "phone", "联系电话": "phone", "房东电话": "phone", "楼栋长电话": "phone"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {"buildings": _l("楼栋"), "households": _l("住户"), "residents": _l("居民")}

register_messages({
    "import_kind_unknown": ("请选择导入的内容：楼栋、住户或居民", "Choose what to import: buildings, households or residents"),
    "import_not_resumable": ("这次导入没有中断，无需继续", "This import was not interrupted; there is nothing to resume"),
})


def _kind(name: str):
    if name not in KINDS:
        refuse("import_kind_unknown", 422)
    return KINDS[name]


def _render(template: str, **context):
    return render_template(template, china=china, message=message, kinds=KINDS, kind_labels=KIND_LABELS, **context)


@bp.get("/setup/import")
def setup_import():
    return _render("console/setup_import/index.html", recent=tasks.recent() if g.scope.community else [])


@bp.get("/setup/import/template/<kind>.xlsx")
def setup_import_template(kind: str):
    community = _community()
    spec = _kind(kind)
    tags = list(db.session.scalars(select(CareTagType.name_zh).where(CareTagType.deleted.is_(False))
                                   .order_by(CareTagType.sort)))
    data = io.BytesIO()
    template_book(data, spec, community, g.scope.grids, tags)
    data.seek(0)
    return send_file(data, as_attachment=True, download_name=f"{community.name}_{spec.title}导入模板.xlsx",
                     mimetype=XLSX, max_age=0)


@bp.post("/setup/import")
def setup_import_upload():
    _community()
    kind = _kind(request.form.get("kind", ""))
    job = jobs.receive_upload(tasks.KIND, {"kind": kind.name})
    jobs.start(job, tasks.check)
    return _to_job(job.id)


def _to_job(job_id: str):
    return jobs.to_page("console.setup_import_job", job_id)


def _job(job_id: str, lock: bool = False):
    job = jobs.owned(job_id, lock=lock)
    if job.kind != tasks.KIND:
        abort(404)
    return job


def _state(job) -> None:
    if not tasks.interrupted(job):
        jobs.give_up_if_stale(job)


@bp.get("/setup/import/jobs/<job_id>")
def setup_import_job(job_id: str):
    job = _job(job_id)
    _state(job)
    results = tasks.load_preview(job) if job.status != "running" or job.result.get("phase") == "importing" else []
    shown = {status: [r for r in results if r["status"] == status][:PREVIEW_ROWS]
             for status in ("error", "new", "changed")}
    return _render("console/setup_import/job.html", job=job, shown=shown, limit=PREVIEW_ROWS,
                   counts=(job.result or {}).get("counts", {}), resumable=tasks.interrupted(job),
                   label=KIND_LABELS.get(job.params.get("kind"), ""), numbers=NUMBERS,
                   masked=not may_see_full_numbers(g.staff))


@bp.get("/setup/import/jobs/<job_id>/progress")
def setup_import_progress(job_id: str):
    job = _job(job_id)
    _state(job)
    if job.status != "running":
        reply = make_response("", 204)
        reply.headers["HX-Redirect"] = url_for("console.setup_import_job", job_id=job.id)
        return reply
    body = _render("console/setup_import/_progress.html", job=job)
    db.session.rollback()
    return body


@bp.post("/setup/import/jobs/<job_id>/confirm")
def setup_import_confirm(job_id: str):
    job = _job(job_id, lock=True)
    if job.status != "ready":
        refuse("import_confirmed", 409, current_status=job.status)
    summary = job.result.get("counts", {})
    if not summary.get("new") and not summary.get("changed"):
        refuse("import_empty", 422)
    jobs.restart_phase(job, "importing")
    job.result = {**job.result, "last_row": 0, "written": 0, "beat": job.result["phase_started"]}
    jobs.start(job, tasks.apply)
    return _to_job(job.id)


@bp.post("/setup/import/jobs/<job_id>/resume")
def setup_import_resume(job_id: str):
    job = _job(job_id, lock=True)
    if not tasks.interrupted(job):
        refuse("import_not_resumable", 409, current_status=job.status)
    job.status = "running"
    job.finished_at = None
    result = {k: v for k, v in job.result.items() if k not in ("error", "fields")}
    job.result = {**result, "beat": tasks._now(), "resumed": result.get("resumed", 0) + 1}
    jobs.audit(job, "import", kind=job.params["kind"], file=job.file_name, resumed_after_row=result.get("last_row", 0))
    jobs.start(job, tasks.apply)
    return _to_job(job.id)


@bp.get("/setup/import/jobs/<job_id>/errors.xlsx")
def setup_import_errors(job_id: str):
    """The rows with errors as the file had them, plus 原行号 and 错误说明: fixed, the report itself
    imports (its header row is the file's own)."""
    job = _job(job_id)
    if job.status == "running" and job.result.get("phase") == "checking":
        refuse("job_not_ready", 409)
    data = io.BytesIO()
    ledger_tasks.error_report(data, job, tasks.load_preview(job))
    data.seek(0)
    stem = os.path.splitext(job.file_name or "import")[0]
    return send_file(data, as_attachment=True, download_name=f"{stem}_错误报告.xlsx", max_age=0, mimetype=XLSX)
