"""Stamping the pull index: every write moves its record to the end of the log."""

from __future__ import annotations

from sqlalchemy import delete, func, select, text

from sync import canonical

from ..core.scope import Place
from .models import SyncDeparture, SyncRow
from .projection import projected_hash


def is_postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def next_position(session) -> tuple[int, int]:
    if is_postgres(session):
        # xid8 fits a bigint; the sequence orders rows written inside one transaction.
        row = session.execute(text("SELECT pg_current_xact_id()::text::bigint, nextval('sync_row_seq')")).one()
        return int(row[0]), int(row[1])
    # SQLite serialises writers (BEGIN IMMEDIATE), so max + 1 is taken in commit order. Every SQLite
    # row has xid 0: saying so lets SQLite read the top of the (xid, seq) index instead of scanning
    # it, which made each write's cost grow with the log.
    session.flush()
    top = max(session.execute(select(func.coalesce(func.max(table.seq), 0)).where(table.xid == 0)).scalar_one()
              for table in (SyncRow, SyncDeparture))
    return 0, int(top) + 1


def stamp(session, entity: str, record_id: str, place: Place, deleted: bool, state: dict,
          created: bool = False) -> SyncRow:
    """Index a record as just written. `created`: it is new in this transaction, so it has no
    index row yet and the lookup is skipped (the demo creates thousands)."""
    row = None if created else session.get(SyncRow, (entity, record_id))
    if row is not None:
        _note_departure(session, row, place)
    xid, seq = next_position(session)
    if row is None:
        row = SyncRow(entity=entity, record_id=record_id)
        session.add(row)
    row.grid_id = place.grid_id
    row.community_id = place.community_id
    row.street_id = place.street_id
    row.reporter_id = place.reporter_id
    row.xid, row.seq = xid, seq
    row.deleted = deleted
    row.row_hash = None if deleted else f"{canonical.record_hash(entity, record_id, state):016x}"
    row.projected_hash = None if deleted else projected_hash(session, entity, record_id, state)
    session.flush()
    return row


def _note_departure(session, row: SyncRow, place: Place) -> None:
    """A record changing place leaves a departure where it was, positioned before its new row, so
    a device that still sees both places ends with the record; one that sees only the old place
    deletes it. A departure from where the record now is again no longer holds."""
    old = Place(row.grid_id, row.community_id, row.street_id, row.reporter_id)
    # Only where the index keeps a record counts (a case step's place also names its units).
    if old == Place(place.grid_id, place.community_id, place.street_id, place.reporter_id):
        return
    session.execute(delete(SyncDeparture).where(
        SyncDeparture.entity == row.entity, SyncDeparture.record_id == row.record_id,
        _same(SyncDeparture.grid_id, place.grid_id), _same(SyncDeparture.community_id, place.community_id),
        _same(SyncDeparture.street_id, place.street_id)))
    if row.deleted:
        return  # its devices already hold the tombstone
    departure = session.scalars(select(SyncDeparture).where(
        SyncDeparture.entity == row.entity, SyncDeparture.record_id == row.record_id,
        _same(SyncDeparture.grid_id, old.grid_id))).first()
    xid, seq = next_position(session)
    if departure is None:
        departure = SyncDeparture(entity=row.entity, record_id=row.record_id)
        session.add(departure)
    departure.grid_id, departure.community_id = old.grid_id, old.community_id
    departure.street_id, departure.reporter_id = old.street_id, old.reporter_id
    departure.xid, departure.seq = xid, seq
    session.flush()


def _same(column, value):
    return column.is_(None) if value is None else column == value


def horizon(session) -> int | None:
    """The first transaction id that may still commit; None where writers are serialised."""
    if not is_postgres(session):
        return None
    return int(session.execute(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one())
