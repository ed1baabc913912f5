"""Bounds on an imported workbook: a zip that unpacks to far more than it weighs, or has too many
parts, is refused from the zip's directory before openpyxl reads it; a sheet with too many rows or
columns is refused while it is read; a normal ledger still imports."""

from __future__ import annotations

import io
import zipfile

import pytest

from server.console.models import ConsoleJob
from server.extensions import db
from tests.console.test_ledgers_import import GOOD, JOB, count, inline, preview, upload, uploaded, xlsx  # noqa: F401


def refused_in_job(client, data: bytes) -> str:
    """The code the import job failed with, as its page shows it."""
    reply = upload(client, data)
    assert reply.status_code == 204, reply.text
    job_id = JOB.search(reply.headers["HX-Redirect"]).group(1)
    job = db.session.get(ConsoleJob, job_id)
    assert job.status == "failed"
    page = client.get(f"/console/ledgers/jobs/{job_id}").text
    assert f'data-code="{job.result["error"]}"' in page
    return job.result["error"]


def swollen(shared_strings: bytes, parts: int = 0) -> bytes:
    """A real workbook given `shared_strings` as its sharedStrings.xml, plus `parts` empty parts."""
    source = zipfile.ZipFile(io.BytesIO(xlsx(GOOD)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item))
        target.writestr("xl/sharedStrings.xml", shared_strings)
        for i in range(parts):
            target.writestr(f"xl/media/extra{i}.bin", b"")
    return out.getvalue()


def shared(size: int) -> bytes:
    text = "幸福社区第1网格" * (size // 24)
    return (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            f"<si><t>{text}</t></si></sst>").encode()


@pytest.fixture
def opened(monkeypatch) -> list:
    """The files openpyxl was asked to open."""
    from server.imports import book as import_file  # where every import opens its workbook

    calls = []
    real = import_file.load_workbook
    monkeypatch.setattr(import_file, "load_workbook", lambda path, **kw: calls.append(path) or real(path, **kw))
    return calls


def test_a_zip_bomb_is_refused_from_the_zip_directory_without_opening_it(inline, world, staff_client, opened):
    staff = staff_client("staff")
    bomb = swollen(shared(60 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024
    assert refused_in_job(staff, bomb) == "import_unzipped_too_large"
    # Within the total but compressing more than 100:1.
    assert refused_in_job(staff, swollen(shared(20 * 1024 * 1024))) == "import_compression_suspicious"
    assert refused_in_job(staff, swollen(b"<sst/>", parts=600)) == "import_too_many_parts"
    assert refused_in_job(staff, b"PK\x03\x04" + b"\0" * 64) == "file_invalid"
    assert opened == []


def test_a_sheet_with_too_many_rows_or_columns_is_refused(inline, world, staff_client):
    inline.config.update(LEDGER_IMPORT_MAX_SHEET_ROWS=40, LEDGER_IMPORT_MAX_COLUMNS=20)
    staff = staff_client("staff")
    # Blank rows count: a sheet that runs on below the table is not read to its end.
    assert refused_in_job(staff, xlsx(GOOD + [[None] * 15] * 30 + [["x"]] * 10)) == "import_sheet_too_long"
    assert refused_in_job(staff, xlsx([r + [None] * 10 + ["x"] for r in GOOD])) == "import_too_many_columns"
    inline.config.update(LEDGER_IMPORT_MAX_ROWS=2)
    assert refused_in_job(staff, xlsx(GOOD)) == "import_too_many_rows"


def test_a_normal_ledger_still_imports_within_the_bounds(inline, world, staff_client):
    inline.config.update(LEDGER_IMPORT_MAX_SHEET_ROWS=40, LEDGER_IMPORT_MAX_COLUMNS=20, LEDGER_IMPORT_MAX_ROWS=3)
    staff = staff_client("staff")
    # Empty cells past the column limit (a formatted but unused column) are no reason to refuse.
    assert count(preview(staff, uploaded(staff, xlsx([r + [None] * 10 for r in GOOD]))), "valid") == 3
