"""Who asked for a case (the requester) on its page, and showing their full number (audited).

A registered resident is shown from the registry (their current phone); someone not registered by
the name and number staff typed at intake. Either way the number is masked until a role that may see
full numbers presses the button, which writes one audit entry, as on the resident pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g

from ...cases.models import Finding
from ...extensions import db
from ...registry.models import Household, Resident
from ..blueprint import bp
from ..masking import may_see_full_numbers
from ..records.detail import reveal_number
from ..scope import in_scope


@dataclass
class Requester:
    name: str
    phone: str | None
    resident: Resident | None = None
    household: Household | None = None


def requester_of(finding: Finding) -> Requester | None:
    if finding.requester_id:
        resident = db.session.get(Resident, finding.requester_id)
        if resident is not None and not resident.deleted:
            household = db.session.get(Household, resident.household_id) if resident.household_id else None
            return Requester(resident.name, resident.phone, resident, household)
    if finding.requester_name or finding.requester_phone:
        return Requester(finding.requester_name or "", finding.requester_phone)
    return None


def requester_context(finding: Finding) -> dict:
    return dict(requester=requester_of(finding), may_reveal=may_see_full_numbers(g.staff), revealed={})


@bp.post("/cases/<finding_id>/reveal")
def cases_reveal(finding_id: str):
    from .detail import detail_context

    finding = in_scope(Finding, finding_id)
    person = requester_of(finding)
    # The audit names the record the number is kept on: the resident's, or the case's own.
    entity, record_id, field = (("resident", person.resident.id, "phone") if person and person.resident
                                else ("finding", finding.id, "requester_phone"))
    return reveal_number(entity, record_id, field, person.phone if person else None, "view_phone",
                         lambda: ("console/cases/detail.html", detail_context(finding)))
