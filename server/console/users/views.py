"""Users and devices (用户与设备): the community's accounts, their grids, and lost phones.

Every change here is audited (create_user, edit_user, reset_password, revoke_device). A revoked
phone keeps its token so that at its next contact it is told `device_revoked` and wipes itself.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from ...core.messages import message
from ..paging import page_number
from ...auth.models import Assignment, User
from ...core.roles import ROLES
from ...auth.operations import create_user, revoke_device, set_password
from ...extensions import db
from .. import audit
from ..records import labels as rl
from ..blueprint import bp
from .. import searches
from ..cases.labels import china as local_time
from ..errors import refuse
from ..masking import mask_phone, may_see_full_numbers
from .forms import FormResult, read_grids, read_new_user, read_password
from ...cases.models import HandlingUnit
from ..directory.entries import dispatchable
from .queries import (FIELD_ROLES, community_users_query, creatable_roles, device_of, devices_by_user,
                          grid_ids_of, manageable_user, may_manage, search, visible_user)

PAGE_SIZE = 50


def role_label(code: str) -> str:
    return rl.choice("role", code)


def _page_number() -> int:
    return page_number(request.args)


@bp.route("/users", methods=["GET", "POST"])
def users():
    values = searches.filters("users")
    role = values.get("role", "")
    status = values.get("status", "")
    text = values.get("q", "")
    if request.method == "POST":  # the search text is in the session now; the URL keeps the rest
        return redirect(url_for("console.users", **{k: v for k, v in (("role", role), ("status", status)) if v}), 303)
    query = community_users_query(g.scope)
    if role in ROLES:
        query = query.where(User.role == role)
    if status in ("active", "inactive"):
        query = query.where(User.active.is_(status == "active"))
    if text:
        query = search(query, text)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = min(_page_number(), max(1, -(-total // PAGE_SIZE)))
    rows = list(db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return render_template(
        "console/users/list.html", rows=rows, devices=devices_by_user([u.id for u in rows]),
        total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
        filters=dict(role=role, status=status, q=text), role_label=role_label, field_roles=FIELD_ROLES,
        may_create=bool(creatable_roles(g.staff)), grid_names=_grid_names, local_time=local_time,
        mask_phone=mask_phone, url_params=searches.url_params)


def _grid_names(user: User) -> list[str]:
    return [g.scope.grid_name(grid_id) for grid_id in grid_ids_of(user, g.scope)]


# --- creating an account ----------------------------------------------------------------------

def _require_community() -> None:
    # A street admin whose street has no community yet has nowhere to put an account.
    if g.scope.community is None:
        abort(404)


@bp.get("/users/new")
def user_new():
    _require_community()
    return _new_form(FormResult(values={"role": "grid_worker", "grid_ids": []}))


def _new_form(result: FormResult, status: int = 200):
    return render_template("console/users/new.html", result=result, roles=creatable_roles(g.staff),
                           role_label=role_label, message=message,
                           handling_units=dispatchable(g.scope.community.id if g.scope.community else None)), status


@bp.post("/users/new")
def user_create():
    _require_community()
    result = read_new_user(request.form, g.scope, creatable_roles(g.staff))
    if not result.ok:
        return _new_form(result, 422)
    values = result.values
    areas = [g.scope.community.id] if values["role"] == "community_staff" else values["grid_ids"]
    user = create_user(values["username"], values["password"], values["name"], values["role"], areas,
                       phone=values["phone"] or None)
    user.handling_unit_id = values.get("handling_unit_id") or None
    audit.record("create_user", "user", user.id, username=user.username, role=user.role, area_ids=areas,
                 handling_unit_id=user.handling_unit_id)
    db.session.commit()
    flash(gettext("已创建账号 %(username)s。", username=user.username))
    return redirect(url_for("console.user_detail", user_id=user.id))


# --- one account ---------------------------------------------------------------------------------

@bp.get("/users/<user_id>")
def user_detail(user_id: str):
    user = visible_user(user_id)
    return _detail(user)


def _detail(user: User, forms: dict[str, FormResult] | None = None, status: int = 200):
    forms = forms or {}
    full_phone = bool(user.phone) and may_see_full_numbers(g.staff)
    if full_phone:
        audit.record("view_phone", "user", user.id)
        db.session.commit()
    grids_form = forms.get("grids") or FormResult(values={"grid_ids": grid_ids_of(user, g.scope)})
    return render_template(
        "console/users/detail.html", user=user, summary=devices_by_user([user.id])[user.id],
        manageable=may_manage(g.staff, user), full_phone=full_phone, grids_form=grids_form,
        password_form=forms.get("password") or FormResult(), role_label=role_label, field_roles=FIELD_ROLES,
        grid_names=_grid_names(user), other_areas=len(set(user.area_ids) - set(g.scope.grid_ids)) if
        user.role in FIELD_ROLES else 0, local_time=local_time, mask_phone=mask_phone, message=message,
        handling_unit=db.session.get(HandlingUnit, user.handling_unit_id) if user.handling_unit_id else None), status


@bp.post("/users/<user_id>/grids")
def user_grids(user_id: str):
    user = manageable_user(user_id)
    if user.role not in FIELD_ROLES:
        refuse("role_not_allowed", 403)
    result = FormResult()
    read_grids(request.form, g.scope, result)
    if not result.ok:
        return _detail(user, {"grids": result}, 422)
    before = grid_ids_of(user, g.scope)
    chosen = result.values["grid_ids"]
    # Only this community's grids change; a worker may also serve grids elsewhere.
    kept = [a for a in user.assignments if not g.scope.has_grid(a.area_id) or a.area_id in chosen]
    held = {a.area_id for a in kept}
    user.assignments = kept + [Assignment(area_id=grid_id) for grid_id in chosen if grid_id not in held]
    if before != grid_ids_of(user, g.scope):
        audit.record("edit_user", "user", user.id, grids_before=before, grids_after=grid_ids_of(user, g.scope))
    db.session.commit()
    flash(gettext("已更新 %(name)s 负责的网格。", name=user.name))
    return redirect(url_for("console.user_detail", user_id=user.id))


@bp.post("/users/<user_id>/active")
def user_active(user_id: str):
    user = manageable_user(user_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        refuse("invalid_request", 400)
    active = wanted == "1"
    if user.active != active:
        user.active = active
        audit.record("edit_user", "user", user.id, active=active)
    db.session.commit()
    flash(gettext("已启用 %(name)s 的账号。", name=user.name) if active else
          gettext("已停用 %(name)s 的账号，其设备下次联网时将无法同步。", name=user.name))
    return redirect(url_for("console.user_detail", user_id=user.id))


@bp.post("/users/<user_id>/password")
def user_password(user_id: str):
    user = manageable_user(user_id)
    result = FormResult()
    read_password(request.form, result)
    if not result.ok:
        return _detail(user, {"password": result}, 422)
    set_password(user, result.values["password"])
    audit.record("reset_password", "user", user.id)
    db.session.commit()
    flash(gettext("已重置 %(name)s 的密码，请当面或电话告知本人。", name=user.name))
    return redirect(url_for("console.user_detail", user_id=user.id))


@bp.post("/users/<user_id>/devices/<device_id>/revoke")
def device_revoke(user_id: str, device_id: str):
    user = manageable_user(user_id)
    device = device_of(user, device_id)
    if device.revoked_at is not None:
        refuse("device_already_revoked", 409)
    revoke_device(device, g.staff.id)
    audit.record("revoke_device", "device", device.id, user_id=user.id, device_name=device.name)
    db.session.commit()
    flash(gettext("已停用设备“%(device)s”，它下次联网时会清除本机数据。", device=device.name or device.id[-8:]))
    return redirect(url_for("console.user_detail", user_id=user.id))
