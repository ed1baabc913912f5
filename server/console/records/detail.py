"""A household's page and a resident's page, and showing a full ID or phone number.

Full numbers: the pages show every number masked. Staff whose role may see full numbers get a
"显示完整号码" button next to each; pressing it (a POST, so no prefetch, crawler or reload
repeats it) returns that one number and writes one audit entry naming the field. Opening a
page therefore neither exposes nor logs anything, and the audit trail records only the numbers
someone actually looked at.
"""

from __future__ import annotations

from flask import g, render_template, request
from sqlalchemy import func, select

from ...areas.models import Building
from ...core.sensitive import SENSITIVE_CARE_TAGS
from ...core.time import china_today
from ...auth.models import User
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import CareTagType, Household, Resident, ResidentTag
from .. import audit
from ..blueprint import bp
from ..errors import refuse
from ..masking import mask_id, mask_phone, may_see_full_numbers
from ..scope import in_scope
from .due import covering_visit, due_status
from .history import has_logged_creation, household_history, resident_history
from .queries import tags_of

VISITS_SHOWN = 10  # keeps the page short; ?visits=all lists up to VISITS_ALL
VISITS_ALL = 500
RESIDENT_NUMBERS = {"id_number": "view_id_number", "phone": "view_phone"}
HOUSEHOLD_NUMBERS = {"contact_phone": "view_phone", "landlord_phone": "view_phone"}


def _visits(query):
    limit = VISITS_ALL if request.args.get("visits") == "all" else VISITS_SHOWN
    visits = list(db.session.scalars(query.order_by(Visit.visited_at.desc()).limit(limit)))
    visitor_ids = {v.visitor_id for v in visits} | {v.reviewed_by for v in visits if v.reviewed_by}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(visitor_ids)))} if visitor_ids else {}
    return visits, people


def household_context(household: Household) -> dict:
    building = db.session.get(Building, household.building_id)
    residents = list(db.session.scalars(select(Resident).where(Resident.household_id == household.id,
                                                               Resident.deleted.is_(False))))
    due = due_status(residents)
    residents.sort(key=lambda r: (r.moved_out_on is not None, r.relation != "head", r.name))
    visible = Visit.household_id == household.id, Visit.deleted.is_(False)
    visits, people = _visits(select(Visit).where(*visible))
    total = db.session.scalar(select(func.count(Visit.id)).where(*visible))
    history = household_history(household)
    origin = None if has_logged_creation(history, "household", household.id) else household.created_at
    today = china_today()
    current_count = sum(1 for r in residents if r.moved_out_on is None or r.moved_out_on > today)
    merged_into = db.session.get(Household, household.merged_into_id) if household.merged_into_id else None
    into_building = db.session.get(Building, merged_into.building_id) if merged_into else None
    return dict(household=household, building=building, residents=residents, due=due,
                current_count=current_count, merged_into=merged_into, into_building=into_building,
                tags=tags_of([r.id for r in residents]), visits=visits, visit_total=total, people=people,
                names={r.id: r.name for r in residents}, history=history, origin=origin,
                tag_types={t.id: t for t in db.session.scalars(select(CareTagType))},
                may_reveal=may_see_full_numbers(g.staff), revealed={})


@bp.get("/households/<hid>")
def households_detail(hid: str):
    return render_template("console/records/household.html", **household_context(in_scope(Household, hid)))


def resident_context(resident: Resident) -> dict:
    household = db.session.get(Household, resident.household_id)
    building = db.session.get(Building, household.building_id) if household else None
    tags = list(db.session.scalars(select(ResidentTag).where(ResidentTag.resident_id == resident.id,
                                                             ResidentTag.deleted.is_(False))
                                   .order_by(ResidentTag.started_on.desc())))
    visible = covering_visit(Resident), Resident.id == resident.id
    visits, people = _visits(select(Visit).join(Resident, visible[0]).where(visible[1]))
    total = db.session.scalar(select(func.count(Visit.id)).join(Resident, visible[0]).where(visible[1]))
    housemates = dict(db.session.execute(select(Resident.id, Resident.name)
                                         .where(Resident.household_id == resident.household_id)).all())
    history = resident_history(resident, [t.id for t in tags])
    origin = None if has_logged_creation(history, "resident", resident.id) else resident.created_at
    return dict(resident=resident, household=household, building=building, tags=tags,
                tag_types={t.id: t for t in db.session.scalars(select(CareTagType))},
                due=due_status([resident]).get(resident.id), visits=visits, visit_total=total, people=people,
                names=housemates, history=history, origin=origin,
                may_reveal=may_see_full_numbers(g.staff), revealed={})


@bp.get("/residents/<rid>")
def residents_detail(rid: str):
    context = resident_context(in_scope(Resident, rid))
    sensitive = sorted({tag.tag for tag in context["tags"] if tag.tag in SENSITIVE_CARE_TAGS})
    if sensitive:
        audit.record("view_care", "resident", rid, tags=sensitive)
        db.session.commit()
    return render_template("console/records/resident.html", **context)


def reveal_number(entity: str, record_id: str, field: str, value, action: str, page):
    if not may_see_full_numbers(g.staff):
        refuse("full_numbers_not_allowed", 403)
    if not value:
        refuse("number_not_recorded", 404)
    audit.record(action, entity, record_id, field=field)
    db.session.commit()
    if request.headers.get("HX-Request") == "true":
        masked = mask_phone(value) if action == "view_phone" else mask_id(value)
        return render_template("console/records/_revealed.html", value=value, masked=masked)
    # Without JavaScript the button posts the page itself: show it again with the number.
    template, context = page()
    context["revealed"] = {request.form.get("field", ""): value}
    return render_template(template, **context)


@bp.post("/residents/<rid>/reveal")
def residents_reveal(rid: str):
    resident = in_scope(Resident, rid)
    field = request.form.get("field", "")
    if field in RESIDENT_NUMBERS:
        return reveal_number("resident", resident.id, field, getattr(resident, field), RESIDENT_NUMBERS[field],
                       lambda: ("console/records/resident.html", resident_context(resident)))
    # A care tag's detail number: "detail:<tag id>:<key>" (a guardian's phone, a certificate number).
    kind, _, rest = field.partition(":")
    tag_id, _, key = rest.partition(":")
    tag = db.session.get(ResidentTag, tag_id) if kind == "detail" else None
    if tag is None or tag.deleted or tag.resident_id != resident.id:
        refuse("invalid_value", 400)
    tag_type = db.session.get(CareTagType, tag.tag)
    spec = next((s for s in (tag_type.detail_fields if tag_type else []) if s["name"] == key), None)
    if spec is None:
        refuse("invalid_value", 400)
    action = "view_phone" if spec.get("type") == "phone" else "view_id_number"
    return reveal_number("resident_tag", tag.id, key, (tag.detail or {}).get(key), action,
                   lambda: ("console/records/resident.html", resident_context(resident)))


@bp.post("/households/<hid>/reveal")
def households_reveal(hid: str):
    household = in_scope(Household, hid)
    field = request.form.get("field", "")
    if field not in HOUSEHOLD_NUMBERS:
        refuse("invalid_value", 400)
    return reveal_number("household", household.id, field, getattr(household, field), HOUSEHOLD_NUMBERS[field],
                   lambda: ("console/records/household.html", household_context(household)))
