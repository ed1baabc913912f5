"""community dictionaries

Care tags and finding categories get an owning community: a community's row tunes an
installation row (`base`, with the fields it sets named in `tuned`) or adds one of its own;
`active` switches one off for new use. The new wire fields change every dictionary row's hash,
so they are recomputed here, or every device's checksum would disagree.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 21:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = {"care_tag_type": "care_tag_types", "finding_category": "finding_categories"}


def upgrade():
    for table in TABLES.values():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('community_id', sa.String(length=36), nullable=True))
            batch_op.add_column(sa.Column('base', sa.String(length=36), nullable=True))
            batch_op.add_column(sa.Column('tuned', sa.JSON(), nullable=True))
            batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_community_id'), ['community_id'], unique=False)
    from server.syncapi.rehash import rehash

    rehash(op.get_bind(), TABLES)


def downgrade():
    for table in TABLES.values():
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_community_id")
        for column in ("active", "tuned", "base", "community_id"):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
