"""Logging a case at the community desk (/console/cases/new): a walk-in, a phone call, a 12345
hotline item, or a report a worker or patrol brought in person.

The finding is written through writes.write like a phone's, so the sync rules check it, the server
numbers it, it is logged, and the grid's workers get it on their phones. The place is looked up
(lookup.py): choosing a resident makes them the requester and their home the place; choosing a
door sets the place only, and a requester who is not registered is typed in by name and number.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from sync.ids import uuid7

from ...cases.models import Finding
from ...core.choices import codes
from ...core.messages import field_error, register_messages
from ...core.roles import STAFF_ROLES
from ...core.time import utcnow
from ...extensions import db
from .. import writes
from ..blueprint import bp
from ..errors import ConsoleError, refuse, render_error_context
from . import labels
from .lookup import lookup, resolve
from .queries import categories_by_id, category_tree

register_messages({
    "place_required": ("请查找并选择地址或居民，或选择网格并填写地点",
                       "Look up and choose an address or a resident, or choose a grid and describe the place"),
    "pick_not_found": ("所选地址或居民不在您的辖区内，请重新查找",
                       "The address or resident chosen is not in your area; look it up again"),
})

# The channels a case reaches the desk by, in the order the desk meets them.
SOURCES = ("walk_in", "phone", "hotline", "grid", "patrol", "other")
TEXT_LIMITS = {"description": 2000, "address": 200, "requester_name": 32}


def _form_values(form) -> dict[str, str]:
    keys = ("source", "category", "urgency", "description", "lookup_q", "pick", "grid_id", "address",
            "requester_name", "requester_phone")
    return {key: (form.get(key) or "").strip() for key in keys}


def _page(values: dict[str, str], error: ConsoleError | None = None, status: int = 200):
    categories = categories_by_id(community_id=g.scope.community.id if g.scope.community else None)
    active = {cid: c for cid, c in categories.items() if c.active is not False}
    picked = resolve(values.get("pick", ""), g.scope.grid_ids)
    found = lookup(values["lookup_q"], g.scope.grid_ids) if values.get("lookup_q") else []
    if picked is not None:
        found = [picked, *[p for p in found if p.value != picked.value]]
    context = dict(v=values, tree=category_tree(active), sources=SOURCES, urgencies=codes("urgency"),
                   found=found, searched=bool(values.get("lookup_q")), labels=labels, error=error)
    if error is not None:
        context.update(render_error_context(error))
    return render_template("console/cases/new.html", **context), status


def _staff_only():
    if g.staff.role not in STAFF_ROLES:
        refuse("forbidden", 403)


@bp.get("/cases/new")
def cases_new():
    _staff_only()
    values = _form_values({})
    values.update(source="walk_in", urgency="normal")
    return _page(values)


# A name or address typed into the lookup is personal data: it is posted, never put in a URL, so no
# access log or browser history keeps it (as the lists' search boxes, console/searches.py).
@bp.post("/cases/new/lookup")
def cases_new_lookup():
    """The lookup's results alone, for htmx to swap under the search box as staff type."""
    _staff_only()
    q = (request.form.get("lookup_q") or "").strip()[:50]
    return render_template("console/cases/_lookup.html", found=lookup(q, g.scope.grid_ids), searched=bool(q),
                           v={"pick": request.form.get("pick", "")})


@bp.post("/cases/new")
def cases_create():
    _staff_only()
    values = _form_values(request.form)
    if request.form.get("action") == "lookup":  # the 查找 button without JavaScript: the form again, with results
        return _page(values)
    try:
        fields = _fields(values)
        record_id = uuid7()
        writes.write("finding", record_id, fields)
    except ConsoleError as exc:
        db.session.rollback()
        return _page(values, exc, exc.status)
    db.session.commit()
    finding = db.session.get(Finding, record_id)
    flash(gettext("已登记，编号 %(number)s", number=finding.number), "ok")
    return redirect(url_for("console.cases_detail", finding_id=record_id), 303)


def _fields(values: dict[str, str]) -> dict:
    """The finding's wire fields from the form; refuses (validation_failed) with every field's problem."""
    errors: dict[str, dict] = {}
    if values["source"] not in SOURCES:
        errors["source"] = field_error("required" if not values["source"] else "invalid_choice")
    if values["urgency"] not in codes("urgency"):
        errors["urgency"] = field_error("required" if not values["urgency"] else "invalid_choice")
    if not values["category"]:
        errors["category"] = field_error("required")
    if not values["description"]:
        errors["description"] = field_error("required")
    for key, limit in TEXT_LIMITS.items():
        if len(values[key]) > limit:
            errors[key] = field_error("too_long")
    fields = {"source": values["source"], "category": values["category"], "urgency": values["urgency"],
              "description": values["description"], "reported_at": labels.wire_time(utcnow())}
    picked = resolve(values["pick"], g.scope.grid_ids) if values["pick"] else None
    if values["pick"] and picked is None:
        errors["pick"] = field_error("pick_not_found")
    elif picked is not None:
        fields["grid_id"] = picked.grid_id
        fields["address"] = f"{picked.address} {values['address']}".strip()[:TEXT_LIMITS["address"]]
        if picked.resident is not None:
            fields["requester_id"] = picked.resident.id
    elif g.scope.has_grid(values["grid_id"]) and values["address"]:
        fields.update(grid_id=values["grid_id"], address=values["address"])
    else:
        errors["pick"] = field_error("place_required")
    if "requester_id" not in fields:
        if values["requester_name"]:
            fields["requester_name"] = values["requester_name"]
        if values["requester_phone"]:
            fields["requester_phone"] = values["requester_phone"]
    if errors:
        refuse("validation_failed", 422, errors)
    return fields
