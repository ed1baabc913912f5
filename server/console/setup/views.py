"""Setting up a street (设置): communities with their 12-digit codes, grids with the district's
codes and boundaries in words, the grid's workers, moving buildings and retiring a grid.

Area writes go through the DirectWriter (via "console:setup") so every phone pulls them and the
area's history is complete; each action is audited.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ...areas.models import Area
from ...areas.operations import add_area
from ...auth.models import Assignment, User
from ...core.messages import message
from ...core.time import china_today
from ...extensions import db
from .. import audit
from ..blueprint import bp
from ..writes import staff_writer
from ..errors import refuse
from ..scope import current_community as _current_community
from ..users.forms import FormResult
from . import access, firstrun  # noqa: F401  (first-run registers its pages)
from .forms import read_area
from .operations import assign, buildings_of, move, retire, unassign, workers_of

# Pages other parts of setup own, linked by path so the home works before they exist.
LINKS = (
    ("/console/setup/buildings", _l("楼栋")),
    ("/console/setup/dictionaries", _l("字典")),
    ("/console/units", _l("实有单位")),
    ("/console/setup/import", _l("批量导入")),
)


def _render(template: str, status: int = 200, **context):
    return render_template(f"console/setup/{template}", message=message, **context), status


@bp.get("/setup/")
def setup_home():
    street = access.street()
    communities = g.scope.communities
    grids = {}
    for community in communities:
        grids[community.id] = list(db.session.scalars(select(Area).where(
            Area.parent_id == community.id, Area.level == "grid", Area.deleted.is_(False))
            .order_by(Area.retired_on.is_not(None), Area.code, Area.name)))
    workers = _worker_counts([grid.id for rows in grids.values() for grid in rows])
    links = [(path, str(label)) for path, label in LINKS]
    return _render("home.html", street=street, communities=communities, grids=grids, workers=workers,
                   links=links)[0]


def _worker_counts(grid_ids: list[str]) -> dict[str, int]:
    if not grid_ids:
        return {}
    rows = db.session.execute(select(Assignment.area_id, func.count()).join(User, User.id == Assignment.user_id)
                              .where(Assignment.area_id.in_(grid_ids), User.role == "grid_worker")
                              .group_by(Assignment.area_id))
    return dict(rows.all())


# --- communities (street admins) ----------------------------------------------------------------

@bp.get("/setup/communities/new")
def setup_community_new():
    street = access.require_street_admin()
    return _render("area_form.html", level="community", area=None, parent=street,
                   result=FormResult(), action=url_for("console.setup_community_create"))[0]


@bp.post("/setup/communities/new")
def setup_community_create():
    street = access.require_street_admin()
    result = read_area(request.form, "community")
    if not result.ok:
        return _render("area_form.html", 422, level="community", area=None, parent=street, result=result,
                       action=url_for("console.setup_community_create"))
    community = add_area(staff_writer(), "community", result.values["name"], street, code=result.values["code"],
                         boundary=result.values["boundary"] or None)
    audit.record("create_area", "area", community.id, level="community", code=community.code)
    db.session.commit()
    session["community_id"] = community.id  # its grids come next
    flash(gettext("已创建社区 %(name)s。", name=community.name))
    return redirect(url_for("console.setup_home"))


@bp.get("/setup/communities/<community_id>")
def setup_community(community_id: str):
    street = access.require_street_admin()
    area = access.community(community_id)
    return _render("area_form.html", level="community", area=area, parent=street,
                   result=FormResult(values={"name": area.name, "code": area.code or "", "boundary": area.boundary or ""}),
                   action=url_for("console.setup_community_save", community_id=area.id))[0]


@bp.post("/setup/communities/<community_id>")
def setup_community_save(community_id: str):
    street = access.require_street_admin()
    area = access.community(community_id)
    return _save_area(area, street, url_for("console.setup_community_save", community_id=area.id))


def _save_area(area: Area, parent: Area, action: str):
    result = read_area(request.form, area.level, current=area)
    if not result.ok:
        return _render("area_form.html", 422, level=area.level, area=area, parent=parent, result=result, action=action)
    values = {"name": result.values["name"], "code": result.values["code"], "boundary": result.values["boundary"] or None}
    changed = {k: v for k, v in values.items() if getattr(area, k) != v}
    if changed:
        staff_writer().update("area", area, changed)
        audit.record("edit_area", "area", area.id, level=area.level, fields=sorted(changed))
    db.session.commit()
    flash(gettext("已保存 %(name)s。", name=area.name))
    return redirect(url_for("console.setup_home"))


# --- grids (street admins and the community's staff) ------------------------------------------

@bp.get("/setup/grids/new")
def setup_grid_new():
    community = _current_community()
    return _render("area_form.html", level="grid", area=None, parent=community, result=FormResult(),
                   action=url_for("console.setup_grid_create"))[0]


@bp.post("/setup/grids/new")
def setup_grid_create():
    community = _current_community()
    result = read_area(request.form, "grid")
    if not result.ok:
        return _render("area_form.html", 422, level="grid", area=None, parent=community, result=result,
                       action=url_for("console.setup_grid_create"))
    grid = add_area(staff_writer(), "grid", result.values["name"], community, code=result.values["code"],
                    boundary=result.values["boundary"] or None)
    audit.record("create_area", "area", grid.id, level="grid", code=grid.code)
    db.session.commit()
    flash(gettext("已创建网格 %(name)s，可以为它指定网格员。", name=grid.name))
    return redirect(url_for("console.setup_grid", grid_id=grid.id))


@bp.get("/setup/grids/<grid_id>")
def setup_grid(grid_id: str):
    return _grid_page(access.grid(grid_id))


def _grid_page(grid: Area, form: FormResult | None = None, worker_error: str | None = None, status: int = 200):
    form = form or FormResult(values={"name": grid.name, "code": grid.code or "", "boundary": grid.boundary or ""})
    workers = workers_of(grid)
    held = {w.id for w in workers}
    candidates = [u for u in _assignable_workers(grid) if u.id not in held]
    return _render("grid.html", status, grid=grid, community=db.session.get(Area, grid.parent_id), result=form,
                   workers=workers, candidates=candidates, worker_error=worker_error,
                   buildings=len(buildings_of(grid)))


def _assignable_workers(grid: Area) -> list[User]:
    """Grid workers of this community, and those not yet assigned anywhere (a new account)."""
    of_community = select(Assignment.user_id).join(Area, Area.id == Assignment.area_id).where(
        Area.parent_id == grid.parent_id)
    unassigned = ~select(Assignment.user_id).where(Assignment.user_id == User.id).exists()
    return list(db.session.scalars(select(User).where(
        User.role == "grid_worker", User.active.is_(True),
        or_(User.id.in_(of_community), unassigned)).order_by(User.username)))


@bp.post("/setup/grids/<grid_id>")
def setup_grid_save(grid_id: str):
    grid = access.grid(grid_id)
    if grid.retired_on is not None:
        refuse("grid_retired", 409)
    result = read_area(request.form, "grid", current=grid)
    if not result.ok:
        return _grid_page(grid, result, status=422)
    values = {"name": result.values["name"], "code": result.values["code"], "boundary": result.values["boundary"] or None}
    changed = {k: v for k, v in values.items() if getattr(grid, k) != v}
    if changed:
        staff_writer().update("area", grid, changed)
        audit.record("edit_area", "area", grid.id, level="grid", fields=sorted(changed))
    db.session.commit()
    flash(gettext("已保存 %(name)s。", name=grid.name))
    return redirect(url_for("console.setup_grid", grid_id=grid.id))


@bp.post("/setup/grids/<grid_id>/workers")
def setup_grid_workers(grid_id: str):
    grid = access.grid(grid_id)
    if grid.retired_on is not None:
        refuse("grid_retired", 409)
    action = request.form.get("action")
    user_id = request.form.get("user_id") or ""
    if action == "assign":
        user = next((u for u in _assignable_workers(grid) if u.id == user_id), None)
    elif action == "unassign":
        user = next((u for u in workers_of(grid) if u.id == user_id), None)
    else:
        refuse("invalid_request", 400)
    if user is None:
        return _grid_page(grid, worker_error="worker_unknown", status=422)
    before = sorted(user.area_ids)
    changed = assign(user, grid) if action == "assign" else unassign(user, grid)
    if changed:
        audit.record("edit_user", "user", user.id, grids_before=before, grids_after=sorted(user.area_ids))
    db.session.commit()
    flash(gettext("%(name)s 已负责 %(grid)s，手机下次同步时会收到该网格的数据。", name=user.name, grid=grid.name)
          if action == "assign" else
          gettext("%(name)s 不再负责 %(grid)s，手机下次同步时会移除该网格的数据。", name=user.name, grid=grid.name))
    return redirect(url_for("console.setup_grid", grid_id=grid.id))


# --- moving buildings and retiring a grid -------------------------------------------------------

def _target(grid: Area) -> Area | None:
    target_id = request.form.get("target_id") or ""
    return next((t for t in access.live_grids(grid.parent_id) if t.id == target_id and t.id != grid.id), None)


def _move_page(grid: Area, error: str | None = None, chosen=(), status: int = 200):
    targets = [t for t in access.live_grids(grid.parent_id) if t.id != grid.id]
    return _render("move.html", status, grid=grid, buildings=buildings_of(grid), targets=targets, error=error,
                   chosen=set(chosen), target_id=request.form.get("target_id", ""))


@bp.get("/setup/grids/<grid_id>/move")
def setup_grid_move_form(grid_id: str):
    return _move_page(access.grid(grid_id))[0]


@bp.post("/setup/grids/<grid_id>/move")
def setup_grid_move(grid_id: str):
    grid = access.grid(grid_id, lock=True)
    chosen = request.form.getlist("building_ids")
    buildings = [b for b in buildings_of(grid) if b.id in set(chosen)]
    target = _target(grid)
    if target is None:
        return _move_page(grid, "move_target_invalid", chosen, 422)
    if not buildings:
        return _move_page(grid, "buildings_required", chosen, 422)
    moved = move(staff_writer(), buildings, target)
    audit.record("move_buildings", "area", grid.id, to_grid=target.id, buildings=[b.id for b in buildings],
                 moved=moved)
    db.session.commit()
    flash(gettext("已将 %(n)s 栋楼移至 %(grid)s，两个网格的网格员手机下次同步时随之更新。",
                  n=len(buildings), grid=target.name))
    return redirect(url_for("console.setup_grid", grid_id=grid.id))


def _retire_page(grid: Area, error: str | None = None, status: int = 200):
    targets = [t for t in access.live_grids(grid.parent_id) if t.id != grid.id]
    return _render("retire.html", status, grid=grid, targets=targets, error=error, workers=workers_of(grid),
                   buildings=buildings_of(grid), target_id=request.form.get("target_id", ""))


@bp.get("/setup/grids/<grid_id>/retire")
def setup_grid_retire_form(grid_id: str):
    grid = access.grid(grid_id)
    if grid.retired_on is not None:
        refuse("grid_retired", 409)
    return _retire_page(grid)[0]


@bp.post("/setup/grids/<grid_id>/retire")
def setup_grid_retire(grid_id: str):
    grid = access.grid(grid_id, lock=True)
    if grid.retired_on is not None:
        refuse("grid_retired", 409)
    target = _target(grid)
    if target is None:
        return _retire_page(grid, "move_target_invalid", 422)
    moved = retire(staff_writer(), grid, target, china_today())
    audit.record("retire_grid", "area", grid.id, to_grid=target.id, moved=moved)
    db.session.commit()
    flash(gettext("已撤销网格 %(name)s，楼栋已移至 %(target)s。", name=grid.name, target=target.name))
    return redirect(url_for("console.setup_home"))
