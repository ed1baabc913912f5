"""sync departures

The pull index holds one row per record, where it is now; a record that moves to another grid
(a building and everything in it) leaves a departure where it was, which pull serves to that
grid's devices as a tombstone (docs/sync-protocol.md, "Records that move").

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 21:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sync_departures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity', sa.String(length=32), nullable=False),
        sa.Column('record_id', sa.String(length=36), nullable=False),
        sa.Column('grid_id', sa.String(length=36), nullable=True),
        sa.Column('community_id', sa.String(length=36), nullable=True),
        sa.Column('street_id', sa.String(length=36), nullable=True),
        sa.Column('reporter_id', sa.String(length=36), nullable=True),
        sa.Column('xid', sa.BigInteger(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ux_sync_departures_record_grid', 'sync_departures', ['entity', 'record_id', 'grid_id'],
                    unique=True)
    op.create_index('ix_sync_departures_pos', 'sync_departures', ['xid', 'seq'])
    op.create_index('ix_sync_departures_grid_pos', 'sync_departures', ['grid_id', 'xid', 'seq'])


def downgrade():
    op.drop_index('ix_sync_departures_grid_pos', table_name='sync_departures')
    op.drop_index('ix_sync_departures_pos', table_name='sync_departures')
    op.drop_index('ux_sync_departures_record_grid', table_name='sync_departures')
    op.drop_table('sync_departures')
