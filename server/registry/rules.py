"""Cross-field rules for residents, care tags and visits, checked on the merged record."""

from __future__ import annotations

from datetime import date

from marshmallow import ValidationError

from .care_tags import detail_errors
from .models import CareTagType, Resident
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


def check_resident_tag(ctx, state, row) -> dict[str, str]:
    tag = ctx.session.get(CareTagType, state.get("tag")) if state.get("tag") else None
    if tag is None or tag.deleted:
        return {"tag": "unknown_tag"}
    return detail_errors(tag.detail_fields, state.get("detail"))


def check_visit(ctx, state, row) -> dict[str, str]:
    for resident_id in state.get("resident_ids") or []:
        resident = ctx.session.get(Resident, resident_id)
        if resident is None or resident.household_id != state.get("household_id"):
            return {"resident_ids": "unknown_reference"}
    return {}
