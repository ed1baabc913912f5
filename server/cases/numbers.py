"""Readable case numbers (XF-20261207-0012): what staff read out on the phone, residents quote when
they call back, and the 派遣单 prints.

One counter per Beijing day for the whole installation, so a number names one case in the district.
The counter row is taken with one upsert (SQLite ≥ 3.35 and PostgreSQL both have ON CONFLICT …
RETURNING): on PostgreSQL the row stays locked until the writing transaction commits, so two app
processes never hand out the same number, and a rolled-back write gives its number back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from ..core.time import china_time, utcnow

PREFIX = "XF"


def format_number(day: str, n: int) -> str:
    return f"{PREFIX}-{day}-{n:04d}"


def next_number(session, at: datetime | None = None) -> str:
    day = china_time(at or utcnow()).strftime("%Y%m%d")
    n = session.execute(text(
        "INSERT INTO case_counters (day, last) VALUES (:day, 1) "
        "ON CONFLICT (day) DO UPDATE SET last = case_counters.last + 1 RETURNING last"),
        {"day": day}).scalar_one()
    return format_number(day, int(n))


def assign_number(session, finding) -> None:
    if not finding.number:
        finding.number = next_number(session)
