"""review queue indexes

The review queue reads the waiting visits and findings of a few grids, newest or oldest first:
one index per table on (grid, state, time) answers that from the index alone, however many
reviewed visits and closed cases pile up behind them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 00:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_visits_review_queue', 'visits', ['grid_id', 'review_status', 'visited_at'])
    op.create_index('ix_findings_review_queue', 'findings', ['grid_id', 'status', 'reported_at'])


def downgrade():
    op.drop_index('ix_findings_review_queue', table_name='findings')
    op.drop_index('ix_visits_review_queue', table_name='visits')
