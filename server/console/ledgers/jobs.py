"""Long ledger exports and imports as ConsoleJobs, run in a background thread.

The job row is the only thing the request and the thread share: the thread opens its own app
context (so its own database session), writes its progress into the row, and records a failure
there (status "failed" + a stable code) rather than dying where nobody would see it. Progress is
read back by polling from any app process.

With app.config["CONSOLE_JOBS_INLINE"] the work runs inside the request instead (tests).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime, timedelta
from typing import Callable

from flask import abort, current_app, g, make_response, redirect, request, url_for

from sync.errors import ProtocolError
from sync.ids import uuid7

from ...auth.models import User
from ...core.messages import register_messages
from ...extensions import db
from ...core.time import utcnow
from ...audit import write as write_audit
from ..blueprint import bp
from ..errors import refuse
from ..models import ConsoleJob

register_messages({
    "import_too_large": ("文件超过 5 MB，请拆分后分批导入", "The file is larger than 5 MB; split it and import in parts"),
    "import_no_file": ("请选择要导入的 .xlsx 文件", "Choose an .xlsx file to import"),
    "job_interrupted": ("任务因服务器重启而中断，请重新导出或重新上传", "The job was cut off by a server restart; export or upload again"),
    "job_file_expired": ("文件已超过保留期限被删除，请重新导出", "The file was deleted after its retention period; export again"),
})

log = logging.getLogger(__name__)

# Files of finished jobs are personal data at rest: gone after a day.
KEEP_FILES = timedelta(days=1)
# A job still "running" this long after its phase began died with its process (a restart):
# nothing will finish it, so polling must stop and say so.
STALE_AFTER = timedelta(minutes=30)
# How often a running job writes its progress (rows), so polling sees it move without the job
# spending its time committing.
PROGRESS_EVERY = 200


# The console's spreadsheet uploads (the ledger import and the setup import).
UPLOADS = {"console.ledgers_import", "console.setup_import_upload"}


@bp.before_app_request
def _upload_limit():
    # The app caps request bodies below the 5 MB an import may have; an upload may carry more,
    # so that a file just over the limit still gets a clear answer (import_too_large).
    if request.endpoint in UPLOADS:
        request.max_content_length = current_app.config["LEDGER_IMPORT_MAX_BYTES"] * 2


def receive_upload(kind: str, params: dict) -> ConsoleJob:
    """A new import job holding the uploaded file, not yet started; refused when there is no file,
    it is too large, or it is no .xlsx (zip) at all."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        refuse("import_no_file", 422)
    max_bytes = current_app.config["LEDGER_IMPORT_MAX_BYTES"]
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        refuse("import_too_large", 413)
    if not data.startswith(b"PK"):
        refuse("file_invalid", 422)
    sweep_old_files()
    job = create(kind, {**params, "size": len(data)})
    job.file_name = os.path.basename(upload.filename)[:200]
    job.result = {**job.result, "phase": "checking"}
    with open(import_path(job.id), "wb") as out:
        out.write(data)
    return job


def to_page(endpoint: str, job_id: str):
    """Answer a job's start with its page: htmx follows HX-Redirect, a plain form a 303."""
    target = url_for(endpoint, job_id=job_id)
    if request.headers.get("HX-Request") == "true":
        reply = make_response("", 204)
        reply.headers["HX-Redirect"] = target
        return reply
    return redirect(target, 303)


def folder(kind: str) -> str:
    path = os.path.join(current_app.instance_path, kind)
    os.makedirs(path, exist_ok=True)
    return path


def export_path(job_id: str) -> str:
    return os.path.join(folder("exports"), f"{job_id}.xlsx")


def import_path(job_id: str, suffix: str = "xlsx") -> str:
    return os.path.join(folder("imports"), f"{job_id}.{suffix}")


def create(kind: str, params: dict, total: int = 0) -> ConsoleJob:
    """A new running job of the signed-in staff member in the community the console shows."""
    job = ConsoleJob(id=uuid7(), user_id=g.staff.id, community_id=g.scope.community.id, kind=kind,
                     status="running", done=0, total=total,
                     params={**params, "ip": request.remote_addr}, result={"phase_started": _now_text()})
    db.session.add(job)
    return job


def _now_text() -> str:
    return utcnow().replace(microsecond=0).isoformat()


def restart_phase(job: ConsoleJob, phase: str) -> None:
    """The job runs again (an import confirmed after its preview)."""
    job.status = "running"
    job.done = 0
    job.finished_at = None
    job.result = {**(job.result or {}), "phase": phase, "phase_started": _now_text()}


def give_up_if_stale(job: ConsoleJob) -> None:
    """Mark a running job whose worker is gone as failed (job_interrupted)."""
    started = (job.result or {}).get("phase_started")
    if job.status != "running" or not started:
        return
    if utcnow() - datetime.fromisoformat(started) > STALE_AFTER:
        job.status = "failed"
        job.result = {**job.result, "error": "job_interrupted"}
        job.finished_at = utcnow()
        db.session.commit()


def owned(job_id: str, lock: bool = False) -> ConsoleJob:
    """The job if it is the signed-in user's, in a community they still see; 404 otherwise.

    A job's file holds personal data: only its creator may fetch it, by URL too.
    """
    job = db.session.get(ConsoleJob, job_id, with_for_update=lock, populate_existing=True)
    if job is None or job.user_id != g.staff.id or job.community_id not in g.scope.community_ids:
        abort(404)
    return job


def start(job: ConsoleJob, work: Callable[[ConsoleJob], None]) -> None:
    """Run `work(job)` for a committed job: in a thread, or inline when the config says so."""
    db.session.commit()
    if current_app.config.get("CONSOLE_JOBS_INLINE"):
        _execute(job.id, work)
        return
    app = current_app._get_current_object()
    thread = threading.Thread(target=_in_thread, args=(app, job.id, g.staff.id, work),
                              name=f"console-job-{job.id[:8]}", daemon=True)
    thread.start()


def _in_thread(app, job_id: str, staff_id: str, work) -> None:
    with app.app_context():
        try:
            g.staff = db.session.get(User, staff_id)
            _execute(job_id, work)
        finally:
            db.session.remove()


def _execute(job_id: str, work) -> None:
    started = time.monotonic()
    job = db.session.get(ConsoleJob, job_id)
    try:
        work(job)
    except Exception as exc:  # noqa: BLE001 -- every failure must land in the job row
        db.session.rollback()
        code = exc.code if isinstance(exc, ProtocolError) else "internal_error"
        if not isinstance(exc, ProtocolError):
            log.exception("console job %s (%s) failed", job_id, getattr(job, "kind", "?"))
        job = db.session.get(ConsoleJob, job_id, populate_existing=True)
        if job is not None:
            job.status = "failed"
            job.result = {**(job.result or {}), "error": code,
                          "fields": getattr(exc, "fields", None) or {}}
            job.finished_at = utcnow()
            db.session.commit()
        return
    log.info("console job %s (%s) finished in %.2fs", job_id, job.kind, time.monotonic() - started)


def progress(job: ConsoleJob, done: int, total: int | None = None, force: bool = False) -> None:
    """Write how far the job is; commits (ending the job's transaction) every PROGRESS_EVERY rows."""
    if not force and done % PROGRESS_EVERY and done != job.total:
        return
    job.done = done
    if total is not None:
        job.total = total
    db.session.commit()


def finish(job: ConsoleJob, status: str, **result) -> None:
    job.status = status
    job.done = job.total or job.done
    job.result = {**(job.result or {}), **result}
    job.finished_at = utcnow()


def audit(job: ConsoleJob, action: str, **detail) -> None:
    """audit.record for work done outside the request: the job keeps the requester's address."""
    write_audit(action, job.user_id, "console_job", job.id, (job.params or {}).get("ip"), detail)


def sweep_old_files() -> None:
    """Delete export and import files older than KEEP_FILES (called when a new job starts)."""
    cutoff = time.time() - KEEP_FILES.total_seconds()
    for kind in ("exports", "imports"):
        path = folder(kind)
        for name in os.listdir(path):
            full = os.path.join(path, name)
            try:
                if os.path.getmtime(full) < cutoff:
                    os.remove(full)
            except OSError:
                pass
