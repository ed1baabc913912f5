"""Staff edits of households, residents and care tags, written as changes that sync to phones.

Each save goes through writes.write (the phones' push pipeline): the same validation, scope and
per-field merge, and a change-log entry with the staff member as author and no device. A
refusal re-shows the form with what was typed and the reason next to each field.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from sync.ids import uuid7

from ...areas.models import Building
from ...core.time import china_today
from ...extensions import db
from ...cases.deadlines import community_of_grid
from ...registry.models import Household, Resident, ResidentTag
from ...registry.tag_types import tag_type, tag_types
from ...syncapi.entities import ENTITIES
from ..blueprint import bp
from ..errors import ConsoleError, refuse
from ..masking import may_see_full_numbers
from ..scope import in_scope
from .due import active_tag
from .forms import (HOUSEHOLD_FORM, RESIDENT_FORM, detail_inputs, field_message, form_state,
                            loaded_values, mask_for, read_detail, read_state, read_submission)
from .labels import field as field_label
from ..writes import write


def _wire(entity: str, row) -> dict:
    return ENTITIES[entity].dump(row)


def _saved(result: dict) -> None:
    """Tell the staff member what the merge did beyond saving."""
    if result.get("conflicts"):
        names = "、".join(str(field_label(n)) for n in result["conflicts"])
        flash(gettext("已保存。%(fields)s 在您打开表单后被他人修改过：已按您的修改保存，原值记入冲突列表，可在“冲突”中恢复。",
                      fields=names), "warn")
    elif result.get("ignored"):
        names = "、".join(str(field_label(n)) for n in result["ignored"])
        flash(gettext("%(fields)s 未保存：已有更新的修改。", fields=names), "warn")
    else:
        flash(gettext("已保存，将同步到网格员的手机。"), "ok")


def _edit(entity: str, row, inputs, template: str, back: str, extra: dict):
    wire = _wire(entity, row)
    context = dict(inputs=inputs, errors={}, error=None, **extra)
    if request.method == "GET":
        loaded = loaded_values(inputs, wire)
        context.update(values={k: ("" if v is None else v) for k, v in loaded.items()},
                       state=form_state(row.clocks or {}, loaded), masks=_masks(inputs, wire))
        return render_template(template, **context)
    submission = read_submission(inputs, request.form, wire)
    context.update(values=submission.typed, state=(request.form.get("clocks", ""), request.form.get("loaded", "")),
                   masks=_masks(inputs, wire), cleared={n for n in wire if request.form.get(f"clear_{n}")})
    if submission.errors:
        context.update(errors=submission.errors, error=ConsoleError("validation_failed", 422, submission.errors))
        return render_template(template, **context), 422
    if not submission.changes:
        flash(gettext("没有修改。"), "ok")
        return redirect(back)
    try:
        result = write(entity, row.id, submission.changes, base=submission.base)
    except ConsoleError as exc:
        db.session.rollback()
        context.update(errors=exc.fields or {}, error=exc)
        return render_template(template, **context), exc.status
    db.session.commit()
    _saved(result)
    return redirect(back)


def _masks(inputs, wire: dict) -> dict[str, str]:
    return {i.name: mask_for(i.secret_kind, wire.get(i.name)) for i in inputs if i.kind == "secret"}


@bp.context_processor
def _numbers_locked() -> dict:
    """A role that may not read personal numbers (a street admin) gets no inputs for them: saving
    one would only be refused (field_not_permitted)."""
    staff = getattr(g, "staff", None)
    return {"numbers_locked": staff is not None and not may_see_full_numbers(staff)}


@bp.route("/households/<hid>/edit", methods=["GET", "POST"])
def households_edit(hid: str):
    household = in_scope(Household, hid)
    building = db.session.get(Building, household.building_id)
    return _edit("household", household, HOUSEHOLD_FORM, "console/records/household_edit.html",
                 url_for("console.households_detail", hid=household.id), dict(household=household, building=building))


@bp.route("/residents/<rid>/edit", methods=["GET", "POST"])
def residents_edit(rid: str):
    resident = in_scope(Resident, rid)
    return _edit("resident", resident, RESIDENT_FORM, "console/records/resident_edit.html",
                 url_for("console.residents_detail", rid=resident.id), dict(resident=resident))


# --- care tags -------------------------------------------------------------------------------

def _tag_types(resident: Resident) -> list:
    """The tags the resident's community gives (its own ones, its intervals; not those switched off)."""
    return [t for t in tag_types(db.session, community_of_grid(resident.grid_id)).values() if t.active]


@bp.route("/residents/<rid>/tags/new", methods=["GET", "POST"])
def residents_tag_new(rid: str):
    resident = in_scope(Resident, rid)
    types = _tag_types(resident)
    chosen = next((t for t in types if t.id == (request.values.get("tag") or "")), None)
    context = dict(resident=resident, types=types, chosen=chosen, inputs=detail_inputs(chosen) if chosen else [],
                   values={}, masks={}, errors={}, error=None, started_on=china_today().isoformat(), tag=None)
    if request.method == "GET" or chosen is None:
        if request.method == "POST":
            context.update(errors={"tag": field_message("unknown_tag")}, error=ConsoleError("unknown_tag", 422))
            return render_template("console/records/tag_form.html", **context), 422
        return render_template("console/records/tag_form.html", **context)
    errors: dict = {}
    detail, typed = read_detail(chosen, request.form, None, errors)
    started = (request.form.get("started_on") or "").strip() or None
    context.update(values=typed, started_on=started or "")
    already = db.session.scalar(select(ResidentTag.id).where(ResidentTag.resident_id == resident.id,
                                                             ResidentTag.tag == chosen.id,
                                                             active_tag(ResidentTag, china_today())))
    if already:
        errors["tag"] = field_message("tag_already_active")
    if errors:
        context.update(errors=errors, error=ConsoleError("validation_failed", 422, errors))
        return render_template("console/records/tag_form.html", **context), 422
    fields = {"resident_id": resident.id, "tag": chosen.id, "detail": detail, "started_on": started}
    try:
        write("resident_tag", uuid7(), fields)
    except ConsoleError as exc:
        db.session.rollback()
        context.update(errors=exc.fields or {}, error=exc)
        return render_template("console/records/tag_form.html", **context), exc.status
    db.session.commit()
    flash(gettext("已添加标签，将同步到网格员的手机。"), "ok")
    return redirect(url_for("console.residents_detail", rid=resident.id))


def _tag_in(resident: Resident, tid: str) -> ResidentTag:
    tag = db.session.get(ResidentTag, tid)
    if tag is None or tag.deleted or tag.resident_id != resident.id:
        abort(404)
    return tag


@bp.route("/residents/<rid>/tags/<tid>/edit", methods=["GET", "POST"])
def residents_tag_edit(rid: str, tid: str):
    resident = in_scope(Resident, rid)
    tag = _tag_in(resident, tid)
    chosen = tag_type(db.session, tag.tag, community_of_grid(resident.grid_id))
    if chosen is None:
        refuse("unknown_tag", 404)
    inputs = detail_inputs(chosen)
    current = dict(tag.detail or {})
    shown = {i["name"]: current.get(i["name"]) for i in inputs if not i["secret"]}
    context = dict(resident=resident, types=[chosen], chosen=chosen, inputs=inputs, tag=tag, errors={}, error=None,
                   masks={i["name"]: mask_for("phone" if i["kind"] == "phone" else "id", current.get(i["name"]))
                          for i in inputs if i["secret"]})
    if request.method == "GET":
        loaded = {"detail": shown, "started_on": tag.started_on.isoformat() if tag.started_on else None}
        context.update(values={k: ("" if v is None else v) for k, v in shown.items()},
                       started_on=loaded["started_on"] or "", state=form_state(tag.clocks or {}, loaded))
        return render_template("console/records/tag_form.html", **context)
    clocks, loaded = read_state(request.form, {"detail", "started_on"})
    errors: dict = {}
    detail, typed = read_detail(chosen, request.form, current, errors)
    if not may_see_full_numbers(g.staff):
        # Numbers this role does not hold are not sent back (kept by the write); one typed in is
        # sent, and refused as a number the role may not write.
        detail = {k: v for k, v in detail.items() if not (k in current and v == current[k] and any(
            i["name"] == k and i["secret"] for i in inputs))}
    started = (request.form.get("started_on") or "").strip() or None
    context.update(values=typed, started_on=started or "",
                   state=(request.form.get("clocks", ""), request.form.get("loaded", "")))
    if errors:
        context.update(errors=errors, error=ConsoleError("validation_failed", 422, errors))
        return render_template("console/records/tag_form.html", **context), 422
    changes = {}
    loaded_detail = loaded.get("detail") if isinstance(loaded.get("detail"), dict) else {}

    def filled(values: dict) -> dict:
        return {k: v for k, v in values.items() if k in shown and v not in (None, "", False)}

    secret_changed = any(detail.get(i["name"]) != current.get(i["name"]) for i in inputs if i["secret"])
    if secret_changed or filled(detail) != filled(loaded_detail):
        changes["detail"] = detail
    if started != loaded.get("started_on"):
        changes["started_on"] = started
    if not changes:
        flash(gettext("没有修改。"), "ok")
        return redirect(url_for("console.residents_detail", rid=resident.id))
    try:
        result = write("resident_tag", tag.id, changes, base={n: clocks[n] for n in changes if n in clocks})
    except ConsoleError as exc:
        db.session.rollback()
        context.update(errors=exc.fields or {}, error=exc)
        return render_template("console/records/tag_form.html", **context), exc.status
    db.session.commit()
    _saved(result)
    return redirect(url_for("console.residents_detail", rid=resident.id))


@bp.post("/residents/<rid>/tags/<tid>/end")
def residents_tag_end(rid: str, tid: str):
    resident = in_scope(Resident, rid)
    tag = _tag_in(resident, tid)
    if tag.ended_on is not None and tag.ended_on <= china_today():
        refuse("tag_ended", 409)
    clocks, _ = read_state(request.form, set())
    raw = (request.form.get("ended_on") or "").strip() or china_today().isoformat()
    try:
        date.fromisoformat(raw)
    except ValueError:
        refuse("validation_failed", 422, {"ended_on": field_message("invalid_date")})
    base = {"ended_on": clocks["ended_on"]} if "ended_on" in clocks else {}
    result = write("resident_tag", tag.id, {"ended_on": raw}, base=base)
    db.session.commit()
    _saved(result)
    return redirect(url_for("console.residents_detail", rid=resident.id))

