"""projected record hashes

Devices without personal numbers (street admins, patrol volunteers) receive records with those
fields left out (server/core/sensitive.py), so the scope checksum they verify must be summed over
the same projected records: `sync_rows.projected_hash`, filled here for the records already stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TABLES = {"resident": "residents", "household": "households", "resident_tag": "resident_tags",
          "building": "buildings"}


def upgrade():
    with op.batch_alter_table('sync_rows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('projected_hash', sa.String(length=16), nullable=True))
    _backfill(op.get_bind())


def _backfill(conn):
    # The rows as they stand at this revision (reflected, not the models of later revisions), dumped
    # through the wire schemas the pull uses.
    from sync import canonical

    from server.core import sensitive
    from server.syncapi.entities import ENTITIES

    meta = sa.MetaData()
    specs = {row.id: row.detail_fields for row in
             conn.execute(sa.select(sa.Table("care_tag_types", meta, autoload_with=conn)))}
    index = sa.Table("sync_rows", meta, autoload_with=conn)
    for entity, table_name in TABLES.items():
        table = sa.Table(table_name, meta, autoload_with=conn)
        wire = ENTITIES[entity].wire()
        for row in conn.execute(sa.select(table).where(table.c.deleted.is_(False))):
            state = wire.dump(dict(row._mapping))
            tag = specs.get(state.get("tag")) if entity == "resident_tag" else None
            projected = sensitive.project(entity, state, None, tag)
            if projected == state:
                continue
            value = f"{canonical.record_hash(entity, row.id, projected):016x}"
            conn.execute(index.update().where(index.c.entity == entity, index.c.record_id == row.id)
                         .values(projected_hash=value))


def downgrade():
    with op.batch_alter_table('sync_rows', schema=None) as batch_op:
        batch_op.drop_column('projected_hash')
