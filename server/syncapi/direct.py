"""Writes the server makes on its own (seeding, demo data, imports): clocked and stamped like
any device change, so devices pull them the same way."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sync import hlc

from ..areas.tree import Areas
from ..core.scope import Place
from .entities import ENTITIES
from .stamp import stamp


class DirectWriter:
    def __init__(self, session, clock: hlc.Clock, user=None) -> None:
        self.session = session
        self.clock = clock
        self.areas = Areas(session)
        self.user = user or SimpleNamespace(id=None, role="street_admin", area_ids=[])

    def put(self, entity_name: str, row: Any) -> Any:
        entity = ENTITIES[entity_name]
        if getattr(row, "id", None) is None:
            raise ValueError("records need their id before they are written")
        self.session.add(row)
        self.session.flush()
        state = entity.dump(row)
        at = str(self.clock.tick())
        row.clocks = {name: at for name in state}
        place = self.place(entity_name, row, state)
        stamp(self.session, entity_name, row.id, place, row.deleted, state)
        return row

    def place(self, entity_name: str, row: Any, state: dict) -> Place:
        if entity_name == "area":
            self.areas.remember(row)
            return self.areas.place_of_area(row)
        entity = ENTITIES[entity_name]
        if entity.locate is None:
            return Place()
        ctx = SimpleNamespace(session=self.session, areas=self.areas, user=self.user)
        place = entity.locate(ctx, {**state, "reporter_id": getattr(row, "reporter_id", None)})
        if place is None:
            raise ValueError(f"{entity_name} {row.id} refers to something that does not exist")
        return place
