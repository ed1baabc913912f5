"""daily loop: cases from every channel, handling units as actors

Findings get a readable number, the resident who asked (a registered resident, or a name and
number for a walk-in), the visit they came from, the lead handling unit, the time the community
escalated them to the street (吹哨) and how often a low rating reopened them (回头看). A directory
of handling units (职能部门, 物业, 驻区单位, 社会组织), the units a case is dispatched to (主办 and 协办,
each with its own receipt and deadline), the unit a unit contact signs in for, and a counter for
case numbers.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TABLES = {"finding": "findings", "case_step": "case_steps"}


def upgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('requester_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('requester_name', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('requester_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('visit_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('handling_unit_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reopened', sa.Integer(), nullable=False, server_default='0'))
    op.create_index('ix_findings_number', 'findings', ['number'], unique=True)
    op.create_index('ix_findings_requester_id', 'findings', ['requester_id'])
    with op.batch_alter_table('case_steps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handling_unit_id', sa.String(length=36), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handling_unit_id', sa.String(length=36), nullable=True))
    op.create_table(
        'handling_units',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('area_id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('unit_id', sa.String(length=36), nullable=True),
        sa.Column('contact_name', sa.String(length=32), nullable=True),
        sa.Column('contact_phone', sa.String(length=20), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_handling_units_area_id', 'handling_units', ['area_id'])
    op.create_table(
        'case_units',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.String(length=36), nullable=False),
        sa.Column('handling_unit_id', sa.String(length=36), nullable=False),
        sa.Column('role', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('dispatched_at', sa.DateTime(), nullable=False),
        sa.Column('dispatched_by', sa.String(length=36), nullable=True),
        sa.Column('received_at', sa.DateTime(), nullable=True),
        sa.Column('deadline_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_units_finding_id', 'case_units', ['finding_id'])
    op.create_index('ix_case_units_handling_unit_id', 'case_units', ['handling_unit_id', 'status'])
    op.create_table(
        'case_counters',
        sa.Column('day', sa.String(length=8), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )
    _number_existing(op.get_bind())
    from server.syncapi.rehash import rehash

    rehash(op.get_bind(), TABLES)


def _number_existing(conn) -> None:
    # Cases reported before numbers existed get theirs in report order, day by day (Beijing time),
    # and the counters start after them.
    from datetime import timedelta

    from server.cases.numbers import format_number

    meta = sa.MetaData()
    findings = sa.Table("findings", meta, autoload_with=conn)
    counters = sa.Table("case_counters", meta, autoload_with=conn)
    last: dict[str, int] = {}
    for row in conn.execute(sa.select(findings.c.id, findings.c.reported_at)
                            .order_by(findings.c.reported_at, findings.c.id)):
        reported = row.reported_at
        if isinstance(reported, str):
            from datetime import datetime
            reported = datetime.fromisoformat(reported)
        day = (reported + timedelta(hours=8)).strftime("%Y%m%d")
        last[day] = last.get(day, 0) + 1
        conn.execute(findings.update().where(findings.c.id == row.id)
                     .values(number=format_number(day, last[day])))
    for day, n in last.items():
        conn.execute(counters.insert().values(day=day, last=n))


def downgrade():
    op.drop_table('case_counters')
    op.drop_index('ix_case_units_handling_unit_id', table_name='case_units')
    op.drop_index('ix_case_units_finding_id', table_name='case_units')
    op.drop_table('case_units')
    op.drop_index('ix_handling_units_area_id', table_name='handling_units')
    op.drop_table('handling_units')
    op.drop_index('ix_findings_requester_id', table_name='findings')
    op.drop_index('ix_findings_number', table_name='findings')
    for table, columns in (("users", ("handling_unit_id",)), ("case_steps", ("handling_unit_id",)),
                           ("findings", ("reopened", "escalated_at", "handling_unit_id", "visit_id",
                                         "requester_phone", "requester_name", "requester_id", "number"))):
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
