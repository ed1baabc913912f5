"""The work each ledger job does in the background: build an export, check an uploaded file,
import the rows the staff member confirmed.

Each function gets its ConsoleJob and runs with g.staff set (see jobs.py); it writes progress
and its result into the job row. Imports go row by row through writes.write, so every resident
and household becomes a change in the log and reaches the grid workers' phones.
"""

from __future__ import annotations

import json
import os

from flask import current_app, g
from sqlalchemy import select

from ...areas.models import Area
from ...auth.models import User
from ...extensions import db
from ...registry.models import Household
from ...core.time import utcnow
from . import jobs
from . import exports
from . import import_rows
from . import import_file
from .. import writes
from ..errors import ConsoleError
from ..masking import may_see_full_numbers
from .xlsx_book import MARK_FULL, MARK_MASKED, Column, Sheet, write_book

# Rows imported per transaction: small enough that phones pushing meanwhile wait only briefly.
IMPORT_BATCH = 25


def _community(job) -> Area:
    return db.session.get(Area, job.community_id)


def export(job) -> None:
    kind = job.params["kind"]
    masked = not may_see_full_numbers(g.staff)
    community = _community(job)
    built = exports.BUILDERS[kind](job.community_id, job.params, masked)
    now = utcnow()
    job.total = built.rows
    job.file_name = exports.file_name(kind, community.name, now)
    title = exports.title(kind, community.name, built.range_text, g.staff.name, now)
    # The rows are plain values now: end the reading transaction before the slow part.
    db.session.commit()
    path = jobs.export_path(job.id)
    write_book(path + ".part", built.sheets, title, MARK_MASKED if masked else MARK_FULL,
               on_row=lambda n: jobs.progress(job, n))
    os.replace(path + ".part", path)
    jobs.finish(job, "ready", rows=built.rows, masked=masked)
    jobs.audit(job, "export", kind=kind, rows=built.rows, masked=masked, file=job.file_name,
               **{k: v for k, v in job.params.items() if k in ("from", "to", "tagged_only", "include_moved")})
    db.session.commit()


def _checked(job) -> list[import_rows.RowResult]:
    sheet = import_file.read_sheet(jobs.import_path(job.id))
    job.result = {**(job.result or {}), "headers": [h for h in sheet.headers if h], "ignored": sheet.ignored}
    author = db.session.get(User, job.user_id)
    return import_rows.check_file(sheet, job.community_id, current_app.config["SECRET_KEY"], author.role)


def check(job) -> None:
    """Read and check the uploaded file; the preview is saved beside it, nothing is written."""
    results = _checked(job)
    counts = import_rows.counts(results)
    with open(jobs.import_path(job.id, "json"), "w", encoding="utf-8") as out:
        json.dump([r.as_dict() for r in results], out, ensure_ascii=False)
    job.total = counts["rows"]
    jobs.finish(job, "ready", phase="preview", counts=counts)
    db.session.commit()


def load_preview(job) -> list[dict]:
    path = jobs.import_path(job.id, "json")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as source:
        return json.load(source)


def apply(job) -> None:
    """Import the confirmed file's rows that are still valid now (checked again: the register may
    have changed since the preview)."""
    previewed = {r["row"] for r in load_preview(job) if r["status"] == "valid"}
    results = _checked(job)
    valid = [r for r in results if r.status == "valid"]
    late = [{"row": r.row, "status": r.status, "errors": r.errors}
            for r in results if r.row in previewed and r.status != "valid"]
    # Only rows the staff member saw as valid are imported: a row that became valid meanwhile
    # was never confirmed.
    valid = [r for r in valid if r.row in previewed]
    job.total = len(valid)
    job.done = 0
    db.session.commit()
    created: set[str] = set()
    imported, failed = 0, []
    for n, row in enumerate(valid, start=1):
        savepoint = db.session.begin_nested()
        new_household = False
        try:
            if row.household_new and row.household_id not in created \
                    and db.session.get(Household, row.household_id) is None:
                writes.write("household", row.household_id, row.household, via=f"import:{job.id}")
                new_household = True
            writes.write("resident", row.resident_id, row.resident, via=f"import:{job.id}")
            savepoint.commit()
        except ConsoleError as exc:
            savepoint.rollback()
            failed.append({"row": row.row, "code": exc.code, "fields": exc.fields})
        else:
            imported += 1
            if new_household:
                created.add(row.household_id)
        if n % IMPORT_BATCH == 0:
            job.done = n
            db.session.commit()
    counts = import_rows.counts(results)
    jobs.finish(job, "done", phase="done", imported=imported, households=len(created), failed=failed,
                late=late, counts_at_import=counts)
    jobs.audit(job, "import", kind="residents", file=job.file_name, rows=imported, households=len(created),
               skipped=counts["exists"], errors=counts["errors"] + len(failed))
    db.session.commit()


def error_report(target, job, results: list[dict]) -> None:
    """An XLSX of the rows with errors, as they were in the file, plus 原行号 and 错误说明.

    Its header row is the file's own, so the staff member can fix these rows and import the
    report itself."""
    headers = list((job.result or {}).get("headers") or [])
    columns = [Column(h) for h in headers] + [Column("原行号", "int"), Column("错误说明", width=60)]
    rows = []
    for r in results:
        if r["status"] != "error":
            continue
        text = "；".join(f"{e['column'] or '整行'}：{e['message']}（{e['code']}）" for e in r["errors"])
        rows.append([r["values"].get(h, "") for h in headers] + [r["row"], text])
    title = f"导入错误报告：{job.file_name or ''}　共 {len(rows)} 行有误"
    write_book(target, [Sheet("错误行", columns, rows)], title, MARK_FULL)


def recent(limit: int = 10) -> list:
    from ..models import ConsoleJob
    return list(db.session.scalars(select(ConsoleJob).where(
        ConsoleJob.user_id == g.staff.id, ConsoleJob.community_id.in_(g.scope.community_ids),
        ConsoleJob.kind.in_(("export", "import")))
        .order_by(ConsoleJob.created_at.desc()).limit(limit)))
