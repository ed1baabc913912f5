"""The cases a unit contact may see: those with a row for their unit in case_units (not withdrawn).
Anything else answers 404, so another unit's case is not even confirmed to exist."""

from __future__ import annotations

from flask import abort, g
from sqlalchemy import select

from ...blobs import attachments
from ...cases.models import CaseStep, CaseUnit, Finding, HandlingUnit
from ...extensions import db


def my_unit() -> HandlingUnit:
    unit = db.session.get(HandlingUnit, g.staff.handling_unit_id) if g.staff.handling_unit_id else None
    if unit is None:
        abort(404)
    return unit


def my_cases() -> list[tuple[CaseUnit, Finding]]:
    """Open work first (awaiting receipt, then by deadline), finished and returned ones after."""
    rows = db.session.execute(
        select(CaseUnit, Finding).join(Finding, Finding.id == CaseUnit.finding_id)
        .where(CaseUnit.handling_unit_id == g.staff.handling_unit_id, CaseUnit.status != "withdrawn",
               Finding.deleted.is_(False))
        .order_by(CaseUnit.dispatched_at.desc()))
    order = {"dispatched": 0, "received": 1, "extension_requested": 1}
    return sorted(rows, key=lambda pair: (order.get(pair[0].status, 2), pair[0].deadline_at is None))


def my_case(finding_id: str, lock: bool = False) -> tuple[CaseUnit, Finding]:
    row = db.session.scalar(select(CaseUnit).where(
        CaseUnit.finding_id == finding_id, CaseUnit.handling_unit_id == g.staff.handling_unit_id,
        CaseUnit.status != "withdrawn"))
    finding = db.session.get(Finding, finding_id, with_for_update=lock, populate_existing=lock) if row else None
    if row is None or finding is None or finding.deleted:
        abort(404)
    return row, finding


def may_see_photo(sha256: str) -> bool:
    mine = {finding.id for _, finding in my_cases()}
    for entity, row in attachments.showing(db.session, sha256):
        if (entity == "finding" and row.id in mine) or (isinstance(row, CaseStep) and row.finding_id in mine):
            return True
    return False
