"""Writes the server makes itself: dictionary seeding, the demo, the area tree, a case moving on
after a step, a review. The one way the server writes a synced record: clocked, stamped into the
pull index so devices pull it, and logged as an accepted Change so the record's history is
complete from its creation (a Change without a device is the server's; without a user too, the
server's own)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import inspect

from sync import hlc
from sync.ids import uuid7

from ..areas.tree import Areas
from ..blobs import attachments
from ..cases.numbers import assign_number
from ..core.scope import DICTIONARIES, Place
from .entities import ENTITIES
from .models import Change
from .stamp import stamp


class DirectWriter:
    """Writes on behalf of `user` (the server itself when None), who also stands for the author in
    the entities' rules (a finding's reporter)."""

    def __init__(self, session, clock: hlc.Clock, user=None, areas: Areas | None = None,
                 via: str | None = None) -> None:
        self.session = session
        # Which screen or command wrote (e.g. "console:setup", "import:<job>", "cli:import", "demo"):
        # kept on each Change so a record's history says where a staff change came from.
        self.via = via
        self.clock = clock
        self.areas = areas or Areas(session)
        self.user = user or SimpleNamespace(id=None, role="street_admin", area_ids=[])

    def put(self, entity_name: str, row: Any) -> Any:
        """Write a whole record: a new one, or every field of an existing one."""
        if getattr(row, "id", None) is None:
            raise ValueError("records need their id before they are written")
        created = inspect(row).transient
        self.session.add(row)
        self.session.flush()
        self._write(entity_name, row, None, created)
        return row

    def update(self, entity_name: str, row: Any, values: dict[str, Any]) -> Any:
        """Set some fields of a record; only they take a new clock."""
        for name, value in values.items():
            setattr(row, name, value)
        self._write(entity_name, row, list(values))
        return row

    def _write(self, entity_name: str, row: Any, names: list[str] | None, created: bool = False) -> None:
        entity = ENTITIES[entity_name]
        if entity_name == "finding":
            assign_number(self.session, row)  # a case the server makes (the demo's) is numbered too
        at = str(self.clock.tick())
        state = entity.dump(row)
        names = list(state) if names is None else names
        # A field devices do not hold (a household's grid, which follows its building) takes no
        # clock, but its history still says what it became.
        row.clocks = {**(row.clocks or {}), **{name: at for name in names if name in state}}
        place = self.place(entity_name, row, state)
        stamp(self.session, entity_name, row.id, place, row.deleted, state, created)
        if "photos" in names and entity_name in attachments.PHOTO_MODELS:
            attachments.keep(self.session, self.user, entity_name, row.id, row.photos or [])
        self.session.add(Change(
            id=uuid7(), device_id=None, user_id=self.user.id, entity=entity_name, record_id=row.id,
            op="upsert", hlc=at, fields={name: state[name] if name in state else getattr(row, name, None) for name in names}, status="accepted",
            result={"status": "accepted", "server": True, **({"via": self.via} if self.via else {})}, grid_id=place.grid_id,
        ))

    def place(self, entity_name: str, row: Any, state: dict) -> Place:
        if entity_name == "area":
            self.areas.remember(row)
            return self.areas.place_of_area(row)
        entity = ENTITIES[entity_name]
        if entity_name in DICTIONARIES and getattr(row, "community_id", None):
            # A community's dictionary row sits in that community (key `d:`, and staff's `c:`/`s:`).
            community = self.areas.get(row.community_id)
            if community is None or community.level != "community":
                raise ValueError(f"{entity_name} {row.id} names no community")
            return self.areas.place_of_area(community)
        if entity.locate is None:
            return Place()
        place = entity.locate(self, {**state, "id": row.id, "reporter_id": getattr(row, "reporter_id", None)})
        if place is None:
            raise ValueError(f"{entity_name} {row.id} refers to something that does not exist")
        return place
