"""case step kind and rating

A case step's kind ("chase" for 督办, null for a move between stages) and the callback rating
(1-5) on the step to "rated".

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:03:19.030588

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_steps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('rating', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('case_steps', schema=None) as batch_op:
        batch_op.drop_column('rating')
        batch_op.drop_column('kind')
