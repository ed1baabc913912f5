"""Writes the server makes itself (seeding, the demo, set-up, a case moving on) are clocked, synced
and logged like a device's, through one writer."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.registry.models import Resident
from server.syncapi.direct import DirectWriter
from server.syncapi.entities import ENTITIES
from server.syncapi.models import Change, SyncRow
from sync.ids import uuid7


def logged(record_id: str) -> list[Change]:
    return list(db.session.scalars(select(Change).where(Change.record_id == record_id).order_by(Change.hlc)))


def test_a_new_record_is_logged_whole_as_the_servers_own_write(app, world):
    writer = DirectWriter(db.session, app.extensions["wangge_clock"])
    home = world.households[0]
    person = writer.put("resident", Resident(id=uuid7(), household_id=home.id, grid_id=home.grid_id, name="孙桂兰",
                                             sex="female"))
    db.session.commit()
    [change] = logged(person.id)
    state = ENTITIES["resident"].dump(person)
    assert (change.user_id, change.device_id, change.op, change.status) == (None, None, "upsert", "accepted")
    assert change.fields == state and change.base == {}
    assert set(person.clocks) == set(state) and set(person.clocks.values()) == {change.hlc}
    assert change.grid_id == world.grids[0].id
    assert db.session.get(SyncRow, ("resident", person.id)).grid_id == world.grids[0].id


def test_an_update_logs_and_clocks_only_the_fields_it_sets(app, world, device_factory):
    person = world.residents[0]
    before = dict(person.clocks)
    DirectWriter(db.session, app.extensions["wangge_clock"]).update("resident", person, {"notes": "独居"})
    db.session.commit()
    creation, update = logged(person.id)
    assert update.fields == {"notes": "独居"} and update.hlc > creation.hlc
    assert person.clocks == {**before, "notes": update.hlc}
    phone = device_factory("worker")
    phone.pull()
    assert phone.get("resident", person.id)["notes"] == "独居"


def test_the_world_is_logged_from_its_creation(world):
    """Every synced record the set-up wrote has its creation in the log, dictionaries included."""
    indexed = set(db.session.execute(select(SyncRow.entity, SyncRow.record_id)).all())
    created = set(db.session.execute(select(Change.entity, Change.record_id)).all())
    assert indexed and indexed == created
