"""Where a record sits in the area tree: grid, community and street, looked up once per request."""

from __future__ import annotations

from ..core.scope import Place
from ..extensions import db
from .models import Area


class Areas:
    """Per-request cache of the area tree, which changes rarely and is read on every change."""

    def __init__(self, session=None) -> None:
        self.session = session or db.session
        self._cache: dict[str, Area | None] = {}

    def get(self, area_id: str | None) -> Area | None:
        if area_id is None:
            return None
        if area_id not in self._cache:
            self._cache[area_id] = self.session.get(Area, area_id)
        return self._cache[area_id]

    def remember(self, area: Area) -> None:
        """An area written in this session, before the session can find it by id."""
        self._cache[area.id] = area

    def place_of_grid(self, grid_id: str) -> Place | None:
        grid = self.get(grid_id)
        if grid is None or grid.level != "grid" or grid.deleted:
            return None
        community = self.get(grid.parent_id)
        street = self.get(community.parent_id) if community else None
        return Place(grid.id, community.id if community else None, street.id if street else None)

    def communities_of(self, area_ids) -> list[str]:
        """The communities of the grids among `area_ids` (a grid role's dictionary scope)."""
        grids = [self.get(a) for a in area_ids]
        return sorted({g.parent_id for g in grids if g is not None and g.level == "grid" and g.parent_id})

    def place_of_area(self, area: Area) -> Place:
        if area.level == "grid":
            return self.place_of_grid(area.id) or Place(area.id)
        if area.level == "community":
            street = self.get(area.parent_id)
            return Place(None, area.id, street.id if street else None)
        return Place(None, None, area.id)
