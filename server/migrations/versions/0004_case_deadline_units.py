"""case deadline units

A handling deadline is an amount of hours or of working days: `hours` becomes `amount`, with a
`unit` beside it (existing rows are hours).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.alter_column('hours', new_column_name='amount', existing_type=sa.Integer(), existing_nullable=False)
        batch_op.add_column(sa.Column('unit', sa.String(length=16), server_default='hours', nullable=False))


def downgrade():
    # Working days have no exact hours: keep them as 24 hours each rather than lose the row.
    op.execute("UPDATE case_deadlines SET amount = amount * 24 WHERE unit = 'working_days'")
    with op.batch_alter_table('case_deadlines', schema=None) as batch_op:
        batch_op.drop_column('unit')
        batch_op.alter_column('amount', new_column_name='hours', existing_type=sa.Integer(), existing_nullable=False)
