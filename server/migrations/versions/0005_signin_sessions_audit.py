"""sign-in sessions, token expiry, append-only audit

Console sessions kept on the server (`console_sessions`), device tokens ended by a password reset
(`devices.signed_out_at`), audit entries for sign-ins under unknown usernames (`user_id`
nullable), and triggers that refuse UPDATE and DELETE of audit entries.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# As server/audit/append_only.py had them when this was written.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER console_audit_no_update BEFORE UPDATE ON console_audit "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    "CREATE TRIGGER console_audit_no_delete BEFORE DELETE ON console_audit "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION console_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$",
    "CREATE TRIGGER console_audit_append_only BEFORE UPDATE OR DELETE ON console_audit "
    "FOR EACH ROW EXECUTE FUNCTION console_audit_append_only()",
)


def upgrade():
    op.create_table('console_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_out_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('console_audit', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.String(length=36), nullable=True)

    # After the batch: on SQLite it rebuilt the table, and triggers go with the old one.
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_TRIGGERS if dialect == 'postgresql' else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS console_audit_append_only ON console_audit")
        op.execute("DROP FUNCTION IF EXISTS console_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS console_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS console_audit_no_delete")
    # Sign-ins under unknown usernames have no user to keep them under in the old schema.
    op.execute("DELETE FROM console_audit WHERE user_id IS NULL")
    with op.batch_alter_table('console_audit', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.String(length=36), nullable=False)

    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('signed_out_at')

    with op.batch_alter_table('console_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_sessions_user_id'))

    op.drop_table('console_sessions')
