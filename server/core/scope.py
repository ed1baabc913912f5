"""What each user may see and write, expressed as scope keys.

A key names one slice of the area tree: `g:<grid>`, `c:<community>`, `s:<street>`,
`r:<user>` (findings a volunteer reported), `a:<grid>` (only the grid's own area row, which a
volunteer needs for names), `d:<community>` (the dictionary rows a community tuned or added, for
the grid roles; staff get them through `c:`/`s:`) and `*` (the installation's dictionaries). Pull cursors carry the keys they
were served under, which is how a pull notices a scope that grew or shrank.
"""

from __future__ import annotations

from dataclasses import dataclass

from .roles import FIELD_ROLES

GLOBAL = "*"


@dataclass(frozen=True)
class Place:
    """Where a record sits: its grid and that grid's community and street."""

    grid_id: str | None = None
    community_id: str | None = None
    street_id: str | None = None
    reporter_id: str | None = None
    # A case step's: the handling units its case is dispatched to (a unit contact writes there only).
    unit_ids: tuple[str, ...] = ()


# The entities a `d:` key covers: a community's rows of the dictionaries.
DICTIONARIES = ("care_tag_type", "finding_category")


def keys_for(user, communities=()) -> list[str]:
    """`communities`: those of the user's grids (areas.tree.Areas.communities_of), for the grid roles."""
    areas = user.area_ids
    prefix = {"grid_worker": "g", "community_staff": "c", "street_admin": "s"}.get(user.role)
    tuned = [f"d:{c}" for c in sorted(set(communities))] if user.role in FIELD_ROLES else []
    if user.role == "patrol_volunteer":
        return sorted([GLOBAL, f"r:{user.id}", *(f"a:{a}" for a in areas), *tuned])
    if prefix is None:
        return [GLOBAL]
    return sorted([GLOBAL, *(f"{prefix}:{a}" for a in areas), *tuned])


def may_write(user, place: Place) -> bool:
    """Whether a user may write a record that sits at `place` (grid-level records only)."""
    if place.grid_id is None:
        return False
    areas = set(user.area_ids)
    if user.role in FIELD_ROLES:
        return place.grid_id in areas
    if user.role == "community_staff":
        return place.community_id in areas
    if user.role == "street_admin":
        return place.street_id in areas
    if user.role == "unit_contact":
        return user.handling_unit_id is not None and user.handling_unit_id in place.unit_ids
    return False


def may_see(user, place: Place, entity: str) -> bool:
    keys = keys_for(user)
    if user.role == "patrol_volunteer":
        if entity == "area":
            return f"a:{place.grid_id}" in keys
        return place.reporter_id == user.id
    return may_write(user, place)
