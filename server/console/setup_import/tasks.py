"""The work of a setup import job, in the background (see ledgers/jobs.py): check the file into
a preview, then write its new and changed rows in chunks, noting the last row each chunk covers
and a heartbeat, so an import cut off by a restart is seen as interrupted and resumes after the
last committed row."""

from __future__ import annotations

import json
import os
import socket
import uuid
from datetime import datetime, timedelta

from flask import current_app, g
from sqlalchemy import select

from ...auth.models import User
from ...core.time import utcnow
from ...extensions import db
from ...imports.check import counts
from ...imports.run import preview
from ...imports.write import WRITTEN, write_rows
from ...syncapi.direct import DirectWriter
from ...imports.kinds import KINDS
from ..ledgers import jobs
from ..models import ConsoleJob

KIND = "setup_import"
# A chunk of rows takes well under a second; an import whose heartbeat is this old has no
# process behind it any more (the server restarted), and staff may resume it.
STALE_AFTER = timedelta(minutes=2)


# This server process: a job notes which process writes it, so a process that started after it
# (a restart, even one that reuses the pid, as a container's does) knows at once that the
# writer is gone, without waiting for the heartbeat to go stale.
PROCESS = uuid.uuid4().hex


def _worker() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid(), "process": PROCESS}


def _writer_gone(worker: dict | None) -> bool:
    """True when the process that was writing the job is certainly dead: it ran on this host and
    its pid is now this process (restarted) or no process at all."""
    if not worker or worker.get("host") != socket.gethostname():
        return False
    if worker.get("pid") == os.getpid():
        return worker.get("process") != PROCESS
    try:
        os.kill(worker["pid"], 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _now() -> str:
    return utcnow().replace(microsecond=0).isoformat()


def _role(job) -> str:
    # The job's author: the check runs again when the job is confirmed or resumed, outside the upload.
    return db.session.get(User, job.user_id).role


def preview_path(job) -> str:
    return jobs.import_path(job.id, "json")


def check(job) -> None:
    """Read and check the uploaded file; the preview is saved beside it, nothing is written."""
    results = preview(jobs.import_path(job.id), job.params["kind"], job.community_id, _role(job))
    with open(preview_path(job), "w", encoding="utf-8") as out:
        json.dump([r.as_dict() for r in results], out, ensure_ascii=False)
    summary = counts(results)
    job.total = summary["rows"]
    headers = list(dict.fromkeys(h for r in results for h in r.values))
    jobs.finish(job, "ready", phase="preview", counts=summary, headers=headers)
    db.session.commit()


def load_preview(job) -> list[dict]:
    path = preview_path(job)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as source:
        return json.load(source)


def apply(job) -> None:
    """Write the rows the staff member confirmed (new or changed in the preview), after the last
    committed one. The file is checked again first: the register may have changed since the
    preview (a phone registered the same door), and a row is written only as it stands now;
    rows that became wrong or unchanged meanwhile are listed as late, never written blind."""
    confirmed = {r["row"] for r in load_preview(job) if r["status"] in WRITTEN}
    kind = KINDS[job.params["kind"]]
    start_after = (job.result or {}).get("last_row", 0)
    before = (job.result or {}).get("written", 0)
    fresh = [r.as_dict() for r in preview(jobs.import_path(job.id), kind.name, job.community_id, _role(job))
             if r.row in confirmed and r.row > start_after]
    late = [{"row": r["row"], "status": r["status"], "errors": r["errors"]} for r in fresh if r["status"] not in WRITTEN]
    job.total = before + sum(r["status"] in WRITTEN for r in fresh)
    job.result = {**job.result, "beat": _now(), "worker": _worker(), "late": [*job.result.get("late", []), *late]}
    db.session.commit()
    writer = DirectWriter(db.session, current_app.extensions["wangge_clock"], user=g.staff, via=f"import:{job.id}")

    def note(row: int, done: int) -> None:
        job.done = before + done
        job.result = {**job.result, "last_row": row, "written": before + done, "beat": _now()}

    write_rows(writer, kind.entity, fresh, current_app.config["SECRET_KEY"], start_after, note)
    summary = job.result.get("counts", {})
    jobs.finish(job, "done", phase="done")
    jobs.audit(job, "import", kind=kind.name, file=job.file_name, new=summary.get("new", 0),
               changed=summary.get("changed", 0), errors=summary.get("error", 0), written=job.result.get("written", 0),
               late=len(job.result.get("late", [])))
    db.session.commit()


def interrupted(job) -> bool:
    """An import whose writing stopped without finishing: its heartbeat is stale (the process is
    gone), or it failed. Marks a stale one so every page says so."""
    result = job.result or {}
    if result.get("phase") != "importing":
        return False
    if job.status == "running":
        beat = result.get("beat") or result.get("phase_started")
        if (beat and utcnow() - datetime.fromisoformat(beat) > STALE_AFTER) or _writer_gone(result.get("worker")):
            job.status = "interrupted"
            db.session.commit()
    return job.status in ("interrupted", "failed")


def recent(limit: int = 10) -> list:
    return list(db.session.scalars(select(ConsoleJob).where(
        ConsoleJob.kind == KIND, ConsoleJob.user_id == g.staff.id,
        ConsoleJob.community_id.in_(g.scope.community_ids)).order_by(ConsoleJob.created_at.desc()).limit(limit)))
