"""Cross-field rules for residents, care tags and visits, checked on the merged record."""

from __future__ import annotations

from datetime import date

from marshmallow import ValidationError

from ..core.messages import register_messages
from .care_tags import detail_errors
from .models import Household, Resident
from .tag_types import tag_type
from .validators import check_id_number_against, normalise_id_number, validate_id_number


def check_resident(ctx, state, row) -> dict[str, str]:
    errors: dict[str, str] = {}
    number = state.get("id_number")
    if number and (state.get("id_type") or "resident_id") == "resident_id":
        try:
            validate_id_number(number)
        except ValidationError as exc:
            errors["id_number"] = str(exc.messages[0])
        else:
            birth = state.get("birth_date")
            errors.update(check_id_number_against(
                normalise_id_number(number),
                date.fromisoformat(birth) if birth else None,
                state.get("sex"),
            ))
    if state.get("permit_expiry") and state.get("population_type") not in ("migrant", "foreign"):
        errors["permit_expiry"] = "permit_for_migrant_only"
    birth = state.get("birth_date")
    if birth and date.fromisoformat(birth) > ctx.today:
        errors["birth_date"] = "future_date"
    for name, code in movement_errors(state, ctx.today).items():
        errors.setdefault(name, code)
    return errors


# The phone's twin is pwa/src/core/registry_rules.js; tests/vectors/registry_rules.json holds both to
# the same answers.
register_messages({
    "left_by_required": ("请选择离开方式（迁出或死亡）", "Say how the person left (moved out or died)"),
    "moved_out_on_required": ("请填写迁出或死亡日期", "Enter the date of moving out or of death"),
    "before_birth": ("日期不能早于出生日期", "The date cannot be before the birth date"),
    "before_moved_in": ("迁出日期不能早于迁入日期", "The move-out date cannot be before the move-in date"),
    "birth_needs_birth_date": ("出生登记须填写出生日期", "A birth needs the birth date"),
    "birth_arrival_date": ("出生登记的迁入日期应与出生日期相同", "For a birth, the arrival date is the birth date"),
    "merged_into_required": ("请选择合并到的住户", "Choose the household it joined"),
    "merged_into_self": ("不能合并到本户", "A household cannot join itself"),
    "merged_into_unknown": ("合并到的住户须是同一网格的其他住户", "The household it joined must be another household of the same grid"),
    "merged_into_only_merged": ("只有已合并的住户才填写合并到的住户", "Only a merged household names the one it joined"),
    "lease_for_rented_only": ("租约到期日仅适用于出租房屋", "A lease end applies to rented homes only"),
})


def _day(value):
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def movement_errors(state, today: date) -> dict[str, str]:
    """How a resident came and went (迁入/出生, 迁出/死亡), on the record's whole state."""
    errors: dict[str, str] = {}
    birth, moved_in, out = _day(state.get("birth_date")), _day(state.get("moved_in_on")), _day(state.get("moved_out_on"))
    if out is not None and not state.get("left_by"):
        errors["left_by"] = "left_by_required"
    if state.get("left_by") and out is None:
        errors["moved_out_on"] = "moved_out_on_required"
    if out is not None:
        if out > today:
            errors["moved_out_on"] = "future_date"
        elif birth is not None and out < birth:
            errors["moved_out_on"] = "before_birth"
        elif moved_in is not None and out < moved_in:
            errors["moved_out_on"] = "before_moved_in"
    if state.get("arrived_by") == "birth":
        if birth is None:
            errors["birth_date"] = "birth_needs_birth_date"
        elif moved_in != birth:
            errors["moved_in_on"] = "birth_arrival_date"
    elif moved_in is not None:
        if moved_in > today:
            errors["moved_in_on"] = "future_date"
        elif birth is not None and moved_in < birth:
            errors["moved_in_on"] = "before_birth"
    return errors


def household_errors(state, record_id: str | None, target) -> dict[str, str]:
    """A household's status and lease. `target`: the merged-into household as {grid_id, deleted}, or None."""
    errors: dict[str, str] = {}
    merged_into = state.get("merged_into_id")
    if state.get("status") == "merged":
        if not merged_into:
            errors["merged_into_id"] = "merged_into_required"
        elif merged_into == record_id:
            errors["merged_into_id"] = "merged_into_self"
        elif target is None or target.get("deleted") or target.get("grid_id") != state.get("grid_id"):
            errors["merged_into_id"] = "merged_into_unknown"
    elif merged_into:
        errors["merged_into_id"] = "merged_into_only_merged"
    if state.get("lease_end") and state.get("housing_use") != "rented":
        errors["lease_end"] = "lease_for_rented_only"
    return errors


def check_household(ctx, state, row, grid_id) -> dict[str, str]:
    """`grid_id`: the grid the household is in (its building's; the sync layer finds it)."""
    target = None
    merged_into = state.get("merged_into_id")
    if merged_into and merged_into != state.get("id"):
        other = ctx.session.get(Household, merged_into)
        if other is not None:
            target = {"grid_id": other.grid_id, "deleted": other.deleted}
    return household_errors({**state, "grid_id": grid_id}, state.get("id") or (row.id if row else None), target)
def community_of_resident(ctx, resident_id: str | None) -> str | None:
    resident = ctx.session.get(Resident, resident_id) if resident_id else None
    place = ctx.areas.place_of_grid(resident.grid_id) if resident is not None else None
    return place.community_id if place else None


def check_resident_tag(ctx, state, row) -> dict[str, str]:
    """The tag as the resident's community defines it: its own tags, its intervals and fields."""
    tag = tag_type(ctx.session, state.get("tag"), community_of_resident(ctx, state.get("resident_id")))
    if tag is None:
        return {"tag": "unknown_tag"}
    if not tag.active and (row is None or row.tag != state.get("tag")):
        return {"tag": "tag_inactive"}
    return detail_errors(tag.detail_fields or [], state.get("detail"))


def check_visit(ctx, state, row) -> dict[str, str]:
    for resident_id in state.get("resident_ids") or []:
        resident = ctx.session.get(Resident, resident_id)
        if resident is None or resident.household_id != state.get("household_id"):
            return {"resident_ids": "unknown_reference"}
    return {}
