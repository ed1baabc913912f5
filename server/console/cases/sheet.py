"""The dispatch sheet (派遣单, /console/cases/<id>/sheet): one A4 page that goes with a case to a
unit still working on paper, with its number as a QR code, the facts a handler needs, the steps so
far and lines for the receiver's, the handler's and the checker's signatures.

Personal numbers stay masked on paper: the sheet leaves the office, and nobody reveals on it.
"""

from __future__ import annotations

import segno
from flask import g, render_template
from markupsafe import Markup
from sqlalchemy import select

from ...auth.models import User
from ...cases.models import CaseUnit, Finding, FindingCategory, HandlingUnit
from ...core.time import utcnow
from ...extensions import db
from ...registry.models import Resident
from ..blueprint import bp
from ..masking import mask_phone
from ..records import labels as rl
from ..scope import in_scope
from . import labels
from .detail import timeline


def qr_svg(number: str) -> Markup:
    """The case number as a QR code, inline SVG (no image request, nothing for the CSP to refuse).
    Medium error correction survives a crease or a coffee ring; 4 px modules scan from paper."""
    return Markup(segno.make(number, error="m", micro=False).svg_inline(scale=4, border=2, title=number))


def units_of(finding_id: str) -> list[tuple[CaseUnit, str]]:
    """Every unit the case went to (主办 first), with the directory's name for it."""
    rows = db.session.execute(
        select(CaseUnit, HandlingUnit.name).join(HandlingUnit, HandlingUnit.id == CaseUnit.handling_unit_id,
                                                 isouter=True)
        .where(CaseUnit.finding_id == finding_id).order_by(CaseUnit.role.desc(), CaseUnit.id))
    return [(unit, name or "") for unit, name in rows]


def requester_of(finding: Finding) -> tuple[str, str]:
    """Who asked, and their number masked (the sheet is paper: nobody reveals on it)."""
    name, phone = finding.requester_name or "", finding.requester_phone or ""
    if finding.requester_id:
        resident = db.session.get(Resident, finding.requester_id)
        if resident is not None:
            name, phone = name or resident.name, phone or (resident.phone or "")
    return name, mask_phone(phone)


@bp.get("/cases/<finding_id>/sheet")
def cases_sheet(finding_id: str):
    finding = in_scope(Finding, finding_id)
    category = db.session.get(FindingCategory, finding.category)
    parent = db.session.get(FindingCategory, category.parent_id) if category and category.parent_id else None
    reporter = db.session.get(User, finding.reporter_id)
    requester, requester_phone = requester_of(finding)
    return render_template(
        "console/cases/sheet.html", finding=finding, category=category, parent=parent, reporter=reporter,
        reporter_role=rl.choice("role", reporter.role) if reporter else "", labels=labels,
        grid=g.scope.grid_name(finding.grid_id), steps=timeline(finding.id), units=units_of(finding.id),
        requester=requester, requester_phone=requester_phone,
        qr=qr_svg(finding.number) if finding.number else None,
        community=g.scope.community.name if g.scope.community else "", now=utcnow())
