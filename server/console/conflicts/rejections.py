"""Rejected changes (被拒变更): what phones sent that the server refused, and why.

A rejected change is stored without a grid (it never reached a record), so this page places it
itself. A rejection belongs to a community when
  - the record it names, or the parent it refers to (household, resident, building, finding,
    grid), is in one of the community's grids: the community's data was the target; or
  - its author is assigned to one of the community's grids: the community supervises the worker
    who has to fix it, even when the change names nothing that exists (a bad reference, a
    malformed change, a record outside the worker's grids).
Details of a record outside the community are never shown, only what the phone sent. The page
is read-only: the worker corrects the record on the phone and sends it again.

A phone that resends a change the server keeps refusing (same device, record and reason) makes
one row, "重复提交 N 次", showing the latest attempt: staff see one problem, not N.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, render_template, request
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from ..paging import page_number
from ...areas.models import Building
from ...auth.models import Assignment, User
from ...cases.models import CaseStep, Finding
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import Household, Resident, ResidentTag
from ...syncapi.models import Change
from ..cases import labels as cases_labels
from . import describe as d
from ..blueprint import bp

PAGE_SIZE = 50
RECORD_TABLES = {"building": Building, "household": Household, "resident": Resident, "resident_tag": ResidentTag,
                 "visit": Visit, "finding": Finding, "case_step": CaseStep}
PARENT_FIELDS = {"building_id": Building, "household_id": Household, "resident_id": Resident,
                 "finding_id": Finding}


def _in_grids(grid_ids: list[str]):
    """SQL: the rejected change concerns these grids (by record, parent or author)."""
    authors = select(Assignment.user_id).where(Assignment.area_id.in_(grid_ids))
    parts = [Change.user_id.in_(authors), Change.fields["grid_id"].as_string().in_(grid_ids)]
    for name, model in RECORD_TABLES.items():
        parts.append(and_(Change.entity == name,
                          Change.record_id.in_(select(model.id).where(model.grid_id.in_(grid_ids)))))
    for key, model in PARENT_FIELDS.items():
        parts.append(Change.fields[key].as_string().in_(select(model.id).where(model.grid_id.in_(grid_ids))))
    return or_(*parts)


def _resent():
    """SQL: the same user later got a change to the same record accepted (fixed and resent)."""
    later = aliased(Change)
    return exists().where(later.entity == Change.entity, later.record_id == Change.record_id,
                          later.user_id == Change.user_id, later.status == "accepted",
                          later.received_at >= Change.received_at)


@dataclass
class Filters:
    grid: str = ""
    user: str = ""
    state: str = "open"  # open: not yet resent | all
    page: int = 1

    def params(self, **override) -> dict:
        values = {"grid": self.grid, "user": self.user, "state": "" if self.state == "open" else self.state,
                  "page": self.page if self.page > 1 else ""}
        values.update(override)
        return {k: v for k, v in values.items() if v not in ("", None, 1)}


def read_filters(args) -> Filters:
    f = Filters()
    f.grid = args.get("grid", "") if g.scope.has_grid(args.get("grid")) else ""
    f.user = args.get("user", "")[:36]
    f.state = "all" if args.get("state") == "all" else "open"
    f.page = page_number(args)
    return f


@dataclass
class Item:
    change: Change
    author: str
    device: str
    record: d.RecordName | None
    parent: d.RecordName | None  # for a record never created: what it would have belonged to
    grid: str
    fields: list[tuple[str, str]]
    errors: list[tuple[str, dict]]
    resent: bool


def _parent(change: Change) -> tuple[str, str] | None:
    sent = change.fields if isinstance(change.fields, dict) else {}
    for key, entity in (("household_id", "household"), ("resident_id", "resident"), ("finding_id", "finding"),
                        ("building_id", "building")):
        if isinstance(sent.get(key), str):
            return entity, sent[key]
    return None


def _grid_of(change: Change, located: dict, author_grids: dict) -> str:
    grid = located.get((change.entity, change.record_id))
    if grid:
        return g.scope.grid_name(grid)
    mine = [gid for gid in author_grids.get(change.user_id, []) if g.scope.has_grid(gid)]
    return "、".join(g.scope.grid_name(gid) for gid in mine)


def _located(changes: list[Change]) -> dict[tuple[str, str], str]:
    """The grid of each change's record or parent, where it is in the community."""
    out: dict[tuple[str, str], str] = {}
    wanted: dict[type, set[str]] = {}
    for c in changes:
        if c.entity in RECORD_TABLES:
            wanted.setdefault(RECORD_TABLES[c.entity], set()).add(c.record_id)
        for key, model in PARENT_FIELDS.items():
            value = (c.fields or {}).get(key)
            if isinstance(value, str):
                wanted.setdefault(model, set()).add(value)
    grids: dict[str, str] = {}
    for model, ids in wanted.items():
        for rid, gid in db.session.execute(select(model.id, model.grid_id).where(
                model.id.in_(list(ids)), model.grid_id.in_(g.scope.grid_ids))).all():
            grids[rid] = gid
    for c in changes:
        candidates = [c.record_id, *((c.fields or {}).get(k) for k in PARENT_FIELDS)]
        grid = next((grids[i] for i in candidates if isinstance(i, str) and i in grids), None)
        if grid is None and g.scope.has_grid((c.fields or {}).get("grid_id")):
            grid = c.fields["grid_id"]
        if grid:
            out[(c.entity, c.record_id)] = grid
    return out


def describe(changes: list[Change], resent: set[str]) -> list[Item]:
    users = d.people([c.user_id for c in changes])
    devices = d.devices([c.device_id for c in changes])
    located = _located(changes)
    parents = {c.id: _parent(c) for c in changes}
    names = d.name_records([(c.entity, c.record_id) for c in changes] + [p for p in parents.values() if p],
                           g.scope.grid_ids)
    author_grids: dict[str, list[str]] = {}
    for user_id, area_id in db.session.execute(select(Assignment.user_id, Assignment.area_id).where(
            Assignment.user_id.in_({c.user_id for c in changes if c.user_id}))).all():
        author_grids.setdefault(user_id, []).append(area_id)
    tags = d.tag_dictionary() if any(c.entity == "resident_tag" for c in changes) else {}
    items = []
    for c in changes:
        sent = c.fields if isinstance(c.fields, dict) else {}
        tag = sent.get("tag") if c.entity == "resident_tag" else None
        shown = [(d.field_label(c.entity, k), d.show_value(k, v, tags, tag)) for k, v in sent.items()
                 if k not in ("household_id", "resident_id", "building_id", "finding_id", "grid_id", "photos")]
        if c.op == "delete":
            shown.insert(0, (d.field_label(c.entity, "_deleted"), d.show_value("_deleted", True)))
        result = c.result or {}
        errors = [(d.field_label(c.entity, k), info if isinstance(info, dict) else {"message": str(info)})
                  for k, info in (result.get("fields") or {}).items()]
        user = users.get(c.user_id)
        items.append(Item(c, user.name if user else "", d.device_label(c.device_id, devices),
                          names.get((c.entity, c.record_id)), names.get(parents[c.id]),
                          _grid_of(c, located, author_grids),
                          shown, errors, c.id in resent))
    return items


def authors() -> list[User]:
    """Field users of the community's grids (the filter's choices)."""
    return list(db.session.scalars(select(User).where(User.id.in_(
        select(Assignment.user_id).where(Assignment.area_id.in_(g.scope.grid_ids)))).order_by(User.name)))


@bp.get("/rejections")
def rejections():
    f = read_filters(request.args)
    grid_ids = [f.grid] if f.grid else g.scope.grid_ids
    query = select(Change).where(Change.status == "rejected", _in_grids(grid_ids))
    if f.user:
        query = query.where(Change.user_id == f.user)
    if f.state == "open":
        query = query.where(~_resent())
    latest = _latest_of_each(query)
    total = db.session.scalar(select(func.count()).select_from(latest)) if grid_ids else 0
    pages = max(1, -(-total // PAGE_SIZE))
    f.page = min(f.page, pages)
    picked = db.session.execute(select(latest.c.id, latest.c.times).order_by(latest.c.at.desc(), latest.c.id.desc())
                                .limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE)).all() if grid_ids else []
    times = dict(picked)
    loaded = {c.id: c for c in db.session.scalars(select(Change).where(Change.id.in_(list(times))))} if times else {}
    shown = [loaded[i] for i, _ in picked]
    resent = set(db.session.scalars(select(Change.id).where(Change.id.in_([c.id for c in shown]), _resent()))) \
        if shown else set()
    return render_template("console/conflicts/rejections.html", items=describe(shown, resent), f=f, total=total,
                           pages=pages, people=authors(), china=cases_labels.china, entity_label=d.entity_label,
                           times=times)


def _latest_of_each(query):
    """The newest change of each resubmission group (device, record, rejection code), with the
    group's size in `times`."""
    same = (Change.device_id, Change.entity, Change.record_id, Change.result["code"].as_string())
    ranked = query.add_columns(
        func.row_number().over(partition_by=same, order_by=(Change.received_at.desc(), Change.id.desc())).label("rank"),
        func.count().over(partition_by=same).label("times")).subquery()
    return select(ranked.c.id, ranked.c.received_at.label("at"), ranked.c.times).where(ranked.c.rank == 1).subquery()
