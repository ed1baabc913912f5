"""go-live registry fields

Areas get a boundary in words and a retirement date; buildings their standard address (小区),
lift, year, door-number pattern, door-by-door grid and a 楼栋长 who may be a user; households a
status (demolished, merged into another) and a lease end; residents how they came and went.

Every record's hash covers all its wire fields, so the hashes of the records already stored are
recomputed here with the new (empty) fields, or every device's checksum would disagree.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

TABLES = {"area": "areas", "building": "buildings", "household": "households", "resident": "residents"}


def upgrade():
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('boundary', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('retired_on', sa.Date(), nullable=True))
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('estate', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lift', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('built_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('door_pattern', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('doors', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('captain_user_id', sa.String(length=36), nullable=True))
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False,
                                      server_default='active'))
        batch_op.add_column(sa.Column('merged_into_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('lease_end', sa.Date(), nullable=True))
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrived_by', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('moved_in_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('moved_in_from', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('left_by', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('moved_out_to', sa.String(length=100), nullable=True))
    from server.syncapi.rehash import rehash

    rehash(op.get_bind(), TABLES)


def downgrade():
    for table, columns in (("residents", ("moved_out_to", "left_by", "moved_in_from", "moved_in_on", "arrived_by")),
                           ("households", ("lease_end", "merged_into_id", "status")),
                           ("buildings", ("captain_user_id", "doors", "door_pattern", "built_year", "lift", "estate")),
                           ("areas", ("retired_on", "boundary"))):
        # Plain DROP COLUMN (SQLite ≥ 3.35 has it): a batch copy would drop and recreate tables
        # that other tables' foreign keys point at.
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
