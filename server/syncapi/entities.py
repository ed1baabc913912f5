"""The table of synced record types: how each is validated, located in the tree and written."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

from sqlalchemy import String

from ..areas.models import Area, Building
from ..areas.schemas import AreaWire, BuildingWire
from ..cases import steps
from ..cases.numbers import assign_number
from ..cases.models import CaseStep, Finding, FindingCategory
from ..cases.schemas import CaseStepWire, FindingCategoryWire, FindingWire
from ..core.roles import STAFF_ROLES
from ..core.scope import Place
from ..fieldwork.models import Visit
from ..fieldwork.schemas import VisitWire
from ..registry import rules
from ..registry.models import CareTagType, Household, Resident, ResidentTag
from ..registry.schemas import CareTagTypeWire, HouseholdWire, ResidentTagWire, ResidentWire
from ..units.models import Unit
from ..units.schemas import UnitWire

FIELD = frozenset({"grid_worker"})
STAFF = frozenset(STAFF_ROLES)


@dataclass(frozen=True)
class Entity:
    name: str
    model: type
    wire: type
    # Where a record with this state sits; None for read-only dictionaries and the area tree.
    locate: Callable[[Any, dict], Place | None] | None = None
    roles: frozenset[str] = FIELD | STAFF
    append_only: bool = False
    deletable: bool = False
    check: Callable[[Any, dict, Any], dict[str, str]] | None = None
    on_create: Callable[[Any, Any], None] | None = None
    after_create: Callable[[Any, Any], None] | None = None
    # Append-only records the author may still correct (a visit the community returned).
    amendable: Callable[[Any, Any], bool] | None = None
    after_update: Callable[[Any, Any], None] | None = None

    @property
    def read_only(self) -> bool:
        return self.locate is None

    def dump(self, row) -> dict[str, Any]:
        return _dumper(self.wire).dump(row)

    def column_errors(self, values: dict[str, Any]) -> dict[str, str]:
        """The database's own limits, checked before it can raise: nulls and string lengths."""
        errors: dict[str, str] = {}
        columns = self.model.__table__.columns
        for name, value in values.items():
            column = columns.get(name)
            if column is None:
                continue
            if value is None and not column.nullable:
                errors[name] = "null_not_allowed"
            elif isinstance(column.type, String) and isinstance(value, str) and column.type.length \
                    and len(value) > column.type.length:
                errors[name] = "too_long"
        return errors


@cache
def _dumper(wire: type):
    # One schema per type, reused: building a schema costs more than dumping a record with it,
    # and the server dumps every record it writes (the demo thousands).
    return wire()


def _parent_place(model, field: str):
    def locate(ctx, state):
        parent = ctx.session.get(model, state.get(field)) if state.get(field) else None
        if parent is None or parent.deleted:
            return None
        return ctx.areas.place_of_grid(parent.grid_id)
    return locate


def _grid_place(ctx, state):
    return ctx.areas.place_of_grid(state.get("grid_id")) if state.get("grid_id") else None


def _finding_place(ctx, state):
    place = _grid_place(ctx, state)
    if place is None:
        return None
    reporter = state.get("reporter_id") or ctx.user.id
    return Place(place.grid_id, place.community_id, place.street_id, reporter)


def _set_visitor(ctx, row):
    row.visitor_id = ctx.user.id


def _returned_to_author(ctx, row) -> bool:
    return row.review_status == "returned" and row.visitor_id == ctx.user.id


def _resubmit(ctx, row) -> None:
    # Not in the same write as the author's fields: the review fields are the server's.
    if row.review_status == "returned":
        ctx.server_write("visit", row, {"review_status": "resubmitted"})


def _check_household(ctx, state, row):
    building = ctx.session.get(Building, state.get("building_id")) if state.get("building_id") else None
    return rules.check_household(ctx, state, row, building.grid_id if building is not None else None)


def _set_reporter(ctx, row):
    row.reporter_id = ctx.user.id
    row.status = "reported"
    assign_number(ctx.session, row)


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity("area", Area, AreaWire),
        Entity("care_tag_type", CareTagType, CareTagTypeWire),
        Entity("finding_category", FindingCategory, FindingCategoryWire),
        Entity("building", Building, BuildingWire, _grid_place),
        Entity("household", Household, HouseholdWire, _parent_place(Building, "building_id"),
               check=_check_household),
        Entity("unit", Unit, UnitWire, _parent_place(Building, "building_id")),
        Entity("resident", Resident, ResidentWire, _parent_place(Household, "household_id"),
               check=rules.check_resident),
        Entity("resident_tag", ResidentTag, ResidentTagWire, _parent_place(Resident, "resident_id"),
               deletable=True, check=rules.check_resident_tag),
        Entity("visit", Visit, VisitWire, _parent_place(Household, "household_id"),
               append_only=True, check=rules.check_visit, on_create=_set_visitor,
               amendable=_returned_to_author, after_update=_resubmit),
        Entity("finding", Finding, FindingWire, _finding_place,
               roles=FIELD | STAFF | {"patrol_volunteer"}, check=steps.check_finding,
               on_create=_set_reporter),
        Entity("case_step", CaseStep, CaseStepWire, steps.locate_step,
               roles=FIELD | STAFF | {"patrol_volunteer", "unit_contact"}, append_only=True,
               check=steps.check_step, on_create=steps.stamp_step, after_create=steps.advance_case),
    )
}

# Where a child inherits its grid from: the parent's id field.
GRID_FROM_PARENT = {"household", "resident", "resident_tag", "visit", "case_step"}
