"""Showing a conflict's personal number in full (显示完整号码), so staff can tell which value is right
before settling it.

Both values of a phone or ID number are masked on the conflicts page, as on every list. A role that
core/sensitive.py gives the field in full may ask for one side's number: a POST (no number, no
record in any URL), written to the audit log naming the record, the field and the side seen. A
street admin, who works from aggregates, gets masks only and is refused.
"""

from __future__ import annotations

from flask import abort, g, render_template, request

from ...core import sensitive
from ...extensions import db
from ...syncapi.models import Conflict
from .. import audit
from ..blueprint import bp
from ..errors import refuse

SIDES = ("winner", "loser")
ACTION = {sensitive.ID: "view_id_number", sensitive.PHONE: "view_phone"}


def rule(conflict: Conflict) -> sensitive.Sensitive | None:
    """The personal-number rule of the conflicting field, or None when it is not a number."""
    return sensitive.FIELDS.get(conflict.entity, {}).get(conflict.field)


def may_reveal(conflict: Conflict) -> bool:
    found = rule(conflict)
    return found is not None and found.access(g.staff.role) == sensitive.FULL


@bp.post("/conflicts/<int:conflict_id>/reveal")
def conflicts_reveal(conflict_id: int):
    conflict = db.session.get(Conflict, conflict_id)
    if conflict is None or not g.scope.has_grid(conflict.grid_id):
        abort(404)
    side = request.form.get("side", "")
    found = rule(conflict)
    if side not in SIDES or found is None:
        refuse("invalid_value", 400)
    if not may_reveal(conflict):
        refuse("full_numbers_not_allowed", 403)
    value = conflict.winner_value if side == "winner" else conflict.loser_value
    if not value:
        refuse("number_not_recorded", 404)
    audit.record(ACTION[found.kind], conflict.entity, conflict.record_id, field=conflict.field,
                 conflict=conflict.id, side=side)
    db.session.commit()
    if request.headers.get("HX-Request") == "true":
        return render_template("console/records/_revealed.html", value=value)
    # Without JavaScript the button posts the page itself: show the list again with the number.
    from .views import list_page
    return list_page(revealed={(conflict.id, side): value})
