"""Actual units (实有单位): the community's ledger of shops, companies, schools, departments and other
units at its buildings, with their contacts; created and edited here or on a grid worker's phone.

Writes go through DirectWriter (via "console:units"), so phones pull them and each unit's history is
complete; creating, editing and exporting are audited. The contact's number follows core/sensitive.py:
a street admin sees a mask and cannot write it.
"""

from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from sync.ids import uuid7

from ...areas.models import Building
from ...core.choices import codes, label
from ...core.messages import message
from ...core.time import china_wall, utcnow
from ...extensions import db
from ...units.models import Unit
from .. import audit
from ..blueprint import bp
from ..writes import staff_writer
from ..ledgers.xlsx_book import MARK_FULL, MARK_MASKED, Column, Sheet, write_book
from ..masking import mask_phone, may_see_full_numbers
from ..paging import page_number
from ..records.labels import english
from ..scope import in_scope
from .forms import UnitForm, read, shown

PAGE_SIZE = 50


def _buildings() -> list[Building]:
    rows = db.session.scalars(select(Building).where(Building.grid_id.in_(g.scope.grid_ids),
                                                     Building.deleted.is_(False)))
    order = {grid_id: i for i, grid_id in enumerate(g.scope.grid_ids)}
    return sorted(rows, key=lambda b: (order.get(b.grid_id, 0), b.estate or "", len(b.number), b.number))


def building_name(building: Building | None) -> str:
    if building is None:
        return ""
    return f"{building.estate or ''}{building.number}号楼"


def _choice(kind: str, code) -> str:
    return label(kind, code, english=english())


def _filters() -> dict[str, str]:
    args = request.args
    return {name: (args.get(name) or "").strip()[:100] for name in ("grid", "building", "kind", "status", "q")}


def _query(filters: dict[str, str]):
    query = select(Unit).where(Unit.grid_id.in_(g.scope.grid_ids), Unit.deleted.is_(False))
    if filters["grid"]:
        query = query.where(Unit.grid_id == filters["grid"])
    if filters["building"]:
        query = query.where(Unit.building_id == filters["building"])
    if filters["kind"] in codes("unit_kind"):
        query = query.where(Unit.kind == filters["kind"])
    if filters["status"] in codes("unit_status"):
        query = query.where(Unit.status == filters["status"])
    if filters["q"]:
        query = query.where(Unit.name.contains(filters["q"], autoescape=True))
    return query.order_by(Unit.grid_id, Unit.building_id, Unit.room, Unit.name, Unit.id)


@bp.get("/units")
def units():
    filters = _filters()
    query = _query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page_number(request.args), pages)
    rows = list(db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    buildings = _buildings()
    return render_template("console/units/list.html", rows=rows, total=total, page=page, pages=pages,
                           filters=filters, buildings=buildings, by_id={b.id: b for b in buildings},
                           building_name=building_name, grid_name=g.scope.grid_name, choice=_choice, codes=codes,
                           mask_phone=mask_phone, params={k: v for k, v in filters.items() if v})



def _form(unit: Unit | None, result: UnitForm, status: int = 200):
    return render_template("console/units/form.html", unit=unit, result=result, buildings=_buildings(),
                           building_name=building_name, grid_name=g.scope.grid_name, choice=_choice, codes=codes,
                           numbers_locked=not may_see_full_numbers(g.staff), mask_phone=mask_phone,
                           message=message), status


@bp.get("/units/new")
def units_new():
    if not g.scope.grid_ids:
        abort(404)
    building = request.args.get("building", "")
    return _form(None, UnitForm(values={"building_id": building, "kind": "shop", "status": "open"}))


@bp.post("/units/new")
def units_create():
    buildings = {b.id: b for b in _buildings()}
    if not buildings:
        abort(404)
    result = read(request.form, may_see_full_numbers(g.staff), set(buildings))
    if not result.ok:
        return _form(None, result, 422)
    building = buildings[result.wire["building_id"]]
    unit = Unit(id=uuid7(), grid_id=building.grid_id, **result.wire)
    staff_writer().put("unit", unit)
    audit.record("create_unit", "unit", unit.id, name=unit.name, kind=unit.kind)
    db.session.commit()
    flash(gettext("已添加单位 %(name)s，将同步到网格员的手机。", name=unit.name))
    return redirect(url_for("console.units_detail", uid=unit.id), 303)


@bp.get("/units/export.xlsx")
def units_export():
    filters = _filters()
    masked = not may_see_full_numbers(g.staff)
    buildings = {b.id: b for b in _buildings()}
    rows = []
    for unit in db.session.scalars(_query(filters)):
        rows.append([g.scope.grid_name(unit.grid_id), building_name(buildings.get(unit.building_id)), unit.room,
                     unit.name, label("unit_kind", unit.kind), unit.credit_code, unit.contact_name,
                     mask_phone(unit.contact_phone) if masked else unit.contact_phone, unit.employees,
                     label("unit_status", unit.status), "是" if unit.handles_cases else "否", unit.notes])
    columns = [Column(h) for h in ("网格", "楼栋", "门牌", "单位名称", "类型", "统一社会信用代码", "联系人",
                                   "联系电话", "从业人数", "状态", "可作为处置单位", "备注")]
    columns[8].kind = "int"
    community = g.scope.community.name if g.scope.community else ""
    stamp = china_wall(utcnow()).strftime("%Y%m%d%H%M")
    data = io.BytesIO()
    write_book(data, [Sheet("实有单位", columns, rows)], f"{community} 实有单位台账（{stamp}）",
               MARK_MASKED if masked else MARK_FULL)
    data.seek(0)
    audit.record("export", "unit", None, kind="units", rows=len(rows), masked=masked)
    db.session.commit()
    return send_file(data, as_attachment=True, download_name=f"{community}_实有单位台账_{stamp}.xlsx", max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/units/<uid>")
def units_detail(uid: str):
    unit = in_scope(Unit, uid)
    full = bool(unit.contact_phone) and may_see_full_numbers(g.staff)
    if full:
        audit.record("view_phone", "unit", unit.id)
        db.session.commit()
    return render_template("console/units/detail.html", unit=unit, building=db.session.get(Building, unit.building_id),
                           building_name=building_name, grid_name=g.scope.grid_name, choice=_choice,
                           phone=unit.contact_phone if full else mask_phone(unit.contact_phone))


@bp.get("/units/<uid>/edit")
def units_edit(uid: str):
    unit = in_scope(Unit, uid)
    values = shown(unit)
    values["contact_phone"] = ""  # never put in a page: typed to replace, left empty to keep
    return _form(unit, UnitForm(values=values))


@bp.post("/units/<uid>/edit")
def units_save(uid: str):
    unit = in_scope(Unit, uid, lock=True)
    buildings = {b.id: b for b in _buildings()}
    form = request.form.copy()
    if not form.get("contact_phone") and not form.get("clear_contact_phone"):
        form["contact_phone"] = unit.contact_phone or ""
    result = read(form, may_see_full_numbers(g.staff), set(buildings))
    if not result.ok:
        result.values["contact_phone"] = request.form.get("contact_phone", "")
        return _form(unit, result, 422)
    if buildings[result.wire["building_id"]].grid_id != unit.grid_id:
        # A unit stays in its grid, as on the phones (cross_grid_move).
        result.errors["building_id"] = "cross_grid_move"
        return _form(unit, result, 422)
    changes = {k: v for k, v in result.wire.items() if getattr(unit, k) != v}
    if not changes:
        flash(gettext("没有修改。"))
        return redirect(url_for("console.units_detail", uid=unit.id), 303)
    staff_writer().update("unit", unit, changes)
    audit.record("edit_unit", "unit", unit.id, fields=sorted(changes))
    db.session.commit()
    flash(gettext("已保存，将同步到网格员的手机。"))
    return redirect(url_for("console.units_detail", uid=unit.id), 303)
