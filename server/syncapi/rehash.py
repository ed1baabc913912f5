"""Recomputing stored record hashes after a migration changes an entity's wire fields.

A record's hash covers every wire field, so a column added to a synced table changes the hash of
every record already stored; the pull index must carry the new ones or every device's checksum
would disagree. Migrations call this with the tables as they stand at their revision (reflected,
not the models of later revisions).
"""

from __future__ import annotations

import sqlalchemy as sa

from sync import canonical

from ..core import sensitive
from .entities import ENTITIES


def rehash(conn, tables: dict[str, str]) -> None:
    """`tables`: entity name → table name."""
    meta = sa.MetaData()
    index = sa.Table("sync_rows", meta, autoload_with=conn)
    for entity, table_name in tables.items():
        table = sa.Table(table_name, meta, autoload_with=conn)
        wire = ENTITIES[entity].wire()
        for row in conn.execute(sa.select(table).where(table.c.deleted.is_(False))):
            state = wire.dump(dict(row._mapping))
            projected = sensitive.project(entity, state, None, None)
            full = f"{canonical.record_hash(entity, row.id, state):016x}"
            shown = f"{canonical.record_hash(entity, row.id, projected):016x}" if projected != state else None
            conn.execute(index.update().where(index.c.entity == entity, index.c.record_id == row.id)
                         .values(row_hash=full, projected_hash=shown))
