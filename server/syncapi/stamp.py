"""Stamping the pull index: every write moves its record to the end of the log."""

from __future__ import annotations

from sqlalchemy import func, select, text

from sync import canonical

from ..core.scope import Place
from .models import SyncRow
from .projection import projected_hash


def is_postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def next_position(session) -> tuple[int, int]:
    if is_postgres(session):
        # xid8 fits a bigint; the sequence orders rows written inside one transaction.
        row = session.execute(text("SELECT pg_current_xact_id()::text::bigint, nextval('sync_row_seq')")).one()
        return int(row[0]), int(row[1])
    # SQLite serialises writers (BEGIN IMMEDIATE), so max + 1 is taken in commit order.
    session.flush()
    top = session.execute(select(func.coalesce(func.max(SyncRow.seq), 0))).scalar_one()
    return 0, int(top) + 1


def stamp(session, entity: str, record_id: str, place: Place, deleted: bool, state: dict,
          created: bool = False) -> SyncRow:
    """Index a record as just written. `created`: it is new in this transaction, so it has no
    index row yet and the lookup is skipped (the demo creates thousands)."""
    row = None if created else session.get(SyncRow, (entity, record_id))
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


def horizon(session) -> int | None:
    """The first transaction id that may still commit; None where writers are serialised."""
    if not is_postgres(session):
        return None
    return int(session.execute(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one())
