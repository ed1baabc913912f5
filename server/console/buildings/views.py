"""楼栋设置 at /console/setup/buildings: the community's buildings by grid, a building's standard address
(小区, 楼号, 单元, 层数, doors per floor, door pattern, lift, year, 楼栋长), and its door grid edited door
by door for irregular buildings.

Street admins work on the community the switcher shows (any of their street's), community staff on
their own; field roles never reach the console. Every save is a DirectWriter write
(via "console:buildings"), so phones pull it and the building's history names this screen, and is
audited.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from sync.ids import uuid7

from ...areas import doors as door_rules
from ...areas.models import Building
from ...core.messages import message
from ...extensions import db
from .. import audit
from ..blueprint import bp
from ..writes import staff_writer
from ..errors import refuse
from ..records import labels as rl
from ..scope import in_scope
from ..units.queries import units_of_building
from .forms import FormResult, read_building, read_int
from .queries import buildings_of, community_users, households_at, households_by_building, number_taken

USES = ("home", "shop", "office")



def _grids() -> dict:
    # A retired grid takes no new buildings.
    return {grid.id: grid for grid in g.scope.grids if getattr(grid, "retired_on", None) is None}


def _use_label(code: str) -> str:
    return rl.choice("door_use", code)


# --- the list ---------------------------------------------------------------------------------------

@bp.get("/setup/buildings")
def setup_buildings():
    grid_id = request.args.get("grid", "")
    grid_ids = [grid_id] if g.scope.has_grid(grid_id) else g.scope.grid_ids
    rows = buildings_of(grid_ids)
    by_grid: dict[str, list[Building]] = {}
    for row in rows:
        by_grid.setdefault(row.grid_id, []).append(row)
    return render_template(
        "console/buildings/list.html", by_grid=by_grid, grids=[x for x in g.scope.grids if x.id in grid_ids],
        all_grids=g.scope.grids, grid_id=grid_id if g.scope.has_grid(grid_id) else "",
        households=households_by_building([r.id for r in rows]), homes=lambda b: len(door_rules.homes(b)),
        may_create=bool(_grids()))


# --- create and edit -------------------------------------------------------------------------------

def _form(result: FormResult, building: Building | None, status: int = 200):
    return render_template("console/buildings/form.html", result=result, building=building, grids=_grids(),
                           captains=community_users(g.scope), message=message,
                           default_pattern=door_rules.DEFAULT_PATTERN), status


def _values(building: Building) -> dict:
    values = {name: "" if getattr(building, name) is None else str(getattr(building, name)) for name in (
        "number", "name", "estate", "door_pattern", "captain_name", "captain_phone", "notes", "units", "floors",
        "rooms_per_floor", "built_year", "lat", "lng", "grid_id", "captain_user_id")}
    values["lift"] = {True: "1", False: "0"}.get(building.lift, "")
    return values


@bp.get("/setup/buildings/new")
def setup_building_new():
    if not _grids():
        refuse("not_found", 404)
    grid_id = request.args.get("grid", "")
    return _form(FormResult(values={"units": "1", "floors": "6", "rooms_per_floor": "2",
                                    "grid_id": grid_id if grid_id in _grids() else ""}), None)


@bp.post("/setup/buildings/new")
def setup_building_create():
    result = read_building(request.form, _grids(), community_users(g.scope))
    if result.ok and number_taken(result.data["grid_id"], result.data["number"], result.data["estate"]):
        result.errors["number"] = "building_number_taken"
    if not result.ok:
        return _form(result, None, 422)
    building = staff_writer().put("building", Building(id=uuid7(), doors=None, **result.data))
    audit.record("create_building", "building", building.id, number=building.number, grid_id=building.grid_id)
    db.session.commit()
    flash(gettext("已添加 %(address)s，将同步到网格员的手机。", address=_address(building)), "ok")
    return redirect(url_for("console.setup_building_doors", building_id=building.id))


def _address(building: Building) -> str:
    return f"{building.estate or ''}{building.number}号楼"


@bp.get("/setup/buildings/<building_id>")
def setup_building_edit(building_id: str):
    building = in_scope(Building, building_id)
    return _form(FormResult(values=_values(building)), building)


@bp.post("/setup/buildings/<building_id>")
def setup_building_save(building_id: str):
    building = in_scope(Building, building_id, lock=True)
    grids = _grids()
    if building.grid_id not in grids:  # moving buildings off a retired grid is the grids page's work
        grids = {**grids, building.grid_id: None}
    result = read_building(request.form, grids, community_users(g.scope))
    if result.ok and number_taken(result.data["grid_id"], result.data["number"], result.data["estate"], building.id):
        result.errors["number"] = "building_number_taken"
    if result.ok and building.doors is not None:
        units = result.data["units"]
        if any(d["unit"] > units and d["use"] != "none" for d in building.doors):
            result.errors["units"] = "door_out_of_building"
    if result.ok and building.doors is None:
        lost = set(households_at(building)) - {(d["unit"], d["floor"], d["room"])
                                               for d in door_rules.expand({**_values(building), **result.data})}
        if lost:
            result.errors["floors" if any(k[1] > result.data["floors"] for k in lost) else "rooms_per_floor"] = \
                "door_has_household"
    if not result.ok:
        return _form(result, building, 422)
    changed = {name: value for name, value in result.data.items() if getattr(building, name) != value}
    if changed:
        staff_writer().update("building", building, changed)
        audit.record("edit_building", "building", building.id, fields=sorted(changed))
        db.session.commit()
        flash(gettext("已保存，将同步到网格员的手机。"), "ok")
    else:
        flash(gettext("没有修改。"), "ok")
    return redirect(url_for("console.setup_building_doors", building_id=building.id))


# --- the door grid ----------------------------------------------------------------------------------

def _doors_page(building: Building, error: str | None = None, status: int = 200, door: dict | None = None):
    occupied = households_at(building)
    all_doors = door_rules.all_doors(building)
    floors = sorted({d["floor"] for d in all_doors}, reverse=True)
    units = sorted({d["unit"] for d in all_doors} | set(range(1, (building.units or 1) + 1)))
    if door is not None:
        found = [d for d in all_doors if (d["unit"], d["floor"], d["room"]) == (door["unit"], door["floor"], door["room"])]
        door = {**door, "use": found[-1]["use"] if found else None}
    grid = {(d["unit"], d["floor"]): [] for d in all_doors}
    for d in all_doors:
        grid[(d["unit"], d["floor"])].append(d)
    return render_template(
        "console/buildings/doors.html", building=building, units=units, floors=floors, grid=grid,
        occupied=occupied, homes=len(door_rules.homes(building)), error=error, door=door, uses=USES,
        use_label=_use_label, address=door_rules.standard_address, message=message,
        grid_name=g.scope.grid_name(building.grid_id), actual_units=units_of_building(building.id)), status


@bp.get("/setup/buildings/<building_id>/doors")
def setup_building_doors(building_id: str):
    building = in_scope(Building, building_id)
    door = None
    if request.args.get("room"):
        door = {"unit": read_int(request.args, "unit"), "floor": read_int(request.args, "floor"),
                "room": request.args.get("room")}
    return _doors_page(building, door=door)


@bp.post("/setup/buildings/<building_id>/doors")
def setup_building_doors_edit(building_id: str):
    """One door edit: action = explicit | rename | use | remove | add | skip_floor."""
    building = in_scope(Building, building_id, lock=True)
    form = request.form
    action = form.get("action", "")
    unit, floor, room = read_int(form, "unit"), read_int(form, "floor"), (form.get("room") or "").strip()
    occupied = set(households_at(building))
    try:
        if action == "explicit":
            doors = door_rules.all_doors(building)
        elif action == "regular":
            doors = None
            kept = {(d["unit"], d["floor"], d["room"]) for d in door_rules.generated(building)}
            if occupied - kept:
                raise door_rules.DoorError("door_has_household")
        elif action == "skip_floor" and floor is not None:
            doors = door_rules.skip_floor(building, floor, unit, occupied)
        elif unit is None or floor is None:
            raise door_rules.DoorError("door_not_found")
        elif action == "rename":
            doors = door_rules.rename_door(building, unit, floor, room, form.get("new_room", ""), occupied)
        elif action == "use":
            doors = door_rules.set_use(building, unit, floor, room, form.get("use", ""))
        elif action == "remove":
            doors = door_rules.remove_door(building, unit, floor, room, occupied)
        elif action == "add":
            doors = door_rules.add_door(building, unit, floor, room, form.get("use") or "home")
        else:
            refuse("invalid_request", 400)
    except door_rules.DoorError as exc:
        return _doors_page(building, exc.code, 409 if exc.code in ("door_has_household", "floor_has_household",
                                                                   "door_exists") else 422,
                           door={"unit": unit, "floor": floor, "room": room} if action != "add" else None)
    if doors != building.doors:
        staff_writer().update("building", building, {"doors": doors})
        audit.record("edit_doors", "building", building.id, door_action=action, unit=unit, floor=floor, room=room,
                     **({"new_room": form.get("new_room", "").strip()} if action == "rename" else {}),
                     **({"use": form.get("use")} if action in ("use", "add") else {}))
        db.session.commit()
        flash(gettext("已保存，将同步到网格员的手机。"), "ok")
    return redirect(url_for("console.setup_building_doors", building_id=building.id))
