"""The directory pages (/console/directory): list, add, edit, deactivate, and add from an actual unit.

Entries are console-only rows (not synced); every write is audited without the contact's number.
The number follows core/sensitive.py's rule for a unit's contact: a street admin sees a mask."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from sync.ids import uuid7

from ...areas.models import Area
from ...cases.models import HandlingUnit
from ...core.choices import codes
from ...core.messages import field_error, message
from ...extensions import db
from ...units.models import Unit
from .. import audit
from ..blueprint import bp
from ..errors import refuse
from ..masking import mask_phone, may_see_full_numbers
from ..scope import in_scope
from .entries import entries, kept, kept_area
from .forms import read_entry


def _full_numbers() -> bool:
    return may_see_full_numbers(g.staff)


def _case_units() -> list[Unit]:
    """The community's actual units marked as taking cases that are not in the directory yet."""
    if not g.scope.grid_ids:
        return []
    listed = select(HandlingUnit.unit_id).where(HandlingUnit.unit_id.is_not(None))
    return list(db.session.scalars(select(Unit).where(
        Unit.grid_id.in_(g.scope.grid_ids), Unit.handles_cases.is_(True), Unit.deleted.is_(False),
        Unit.id.not_in(listed)).order_by(Unit.name)))


def _page(values=None, errors=None, status: int = 200):
    area = db.session.get(Area, kept_area())
    return render_template(
        "console/directory/list.html", entries=entries(), kept_area=kept_area(), area=area,
        kinds=codes("handler_kind"), values=values or {"kind": "property_manager"}, errors=errors or {},
        from_units=_case_units(), full=_full_numbers(), mask_phone=mask_phone, message=message), status


@bp.get("/directory")
def directory():
    return _page()


def _exists(name: str, but: str | None = None) -> bool:
    query = select(func.count()).select_from(HandlingUnit).where(
        HandlingUnit.area_id == kept_area(), HandlingUnit.name == name)
    if but:
        query = query.where(HandlingUnit.id != but)
    return bool(db.session.scalar(query))


@bp.post("/directory")
def directory_add():
    values, errors = read_entry(request.form, keep_phone=False)
    if not errors and _exists(values["name"]):
        errors["name"] = "handling_unit_exists"
    if errors:
        return _page(values, errors, 422)
    _require_phone_rights(values)
    entry = HandlingUnit(id=uuid7(), area_id=kept_area(), **{k: v or None for k, v in values.items()})
    entry.name, entry.kind = values["name"], values["kind"]
    db.session.add(entry)
    audit.record("create_handling_unit", "handling_unit", entry.id, name=entry.name, kind=entry.kind)
    db.session.commit()
    flash(gettext("已添加处置单位「%(name)s」。", name=entry.name), "ok")
    return redirect(url_for("console.directory"), 303)


def _require_phone_rights(values: dict) -> None:
    # A street admin may not write a personal number they may not read.
    if values.get("contact_phone") and not _full_numbers():
        refuse("validation_failed", 422, {"contact_phone": field_error("field_not_permitted")})


@bp.post("/directory/from-unit")
def directory_from_unit():
    unit = in_scope(Unit, request.form.get("unit_id", ""))
    if not unit.handles_cases:
        refuse("validation_failed", 422, {"unit_id": field_error("invalid_choice")})
    if _exists(unit.name):
        refuse("validation_failed", 422, {"unit_id": field_error("handling_unit_exists")})
    entry = HandlingUnit(id=uuid7(), area_id=kept_area(), name=unit.name, kind="resident_unit", unit_id=unit.id,
                         contact_name=unit.contact_name, contact_phone=unit.contact_phone)
    db.session.add(entry)
    audit.record("create_handling_unit", "handling_unit", entry.id, name=entry.name, unit_id=unit.id)
    db.session.commit()
    flash(gettext("已从实有单位添加「%(name)s」。", name=entry.name), "ok")
    return redirect(url_for("console.directory"), 303)


@bp.get("/directory/<entry_id>")
def directory_edit_form(entry_id: str):
    entry = kept(entry_id)
    return render_template("console/directory/edit.html", entry=entry, kinds=codes("handler_kind"),
                           values={}, errors={}, full=_full_numbers(), mask_phone=mask_phone,
                           message=message)


@bp.post("/directory/<entry_id>")
def directory_edit(entry_id: str):
    entry = kept(entry_id)
    values, errors = read_entry(request.form, keep_phone=True)
    if not errors and _exists(values["name"], but=entry.id):
        errors["name"] = "handling_unit_exists"
    if errors:
        return render_template("console/directory/edit.html", entry=entry, kinds=codes("handler_kind"),
                               values=values, errors=errors, message=message,
                               full=_full_numbers(), mask_phone=mask_phone), 422
    _require_phone_rights(values)
    changed = [name for name, value in values.items() if (getattr(entry, name) or "") != value]
    for name in changed:
        setattr(entry, name, values[name] or None)
    audit.record("update_handling_unit", "handling_unit", entry.id, fields=changed)
    db.session.commit()
    flash(gettext("已保存。"), "ok")
    return redirect(url_for("console.directory"), 303)


@bp.post("/directory/<entry_id>/active")
def directory_active(entry_id: str):
    entry = kept(entry_id)
    entry.active = request.form.get("active") == "1"
    audit.record("activate_handling_unit" if entry.active else "deactivate_handling_unit", "handling_unit", entry.id)
    db.session.commit()
    flash(gettext("已启用。") if entry.active else gettext("已停用：派遣时不再列出，已派的事件不受影响。"), "ok")
    return redirect(url_for("console.directory"), 303)
