"""Cross-field rules for residents, care tags and visits, checked on the merged record."""

from __future__ import annotations

from datetime import date

from marshmallow import ValidationError

from .care_tags import detail_errors
from .models import Resident
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
    return errors


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
