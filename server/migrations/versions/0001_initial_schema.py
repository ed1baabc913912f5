"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 10:37:29.594411

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # Pull ordering on PostgreSQL: (transaction id, this sequence). SQLite needs none.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE IF NOT EXISTS sync_row_seq")
    op.create_table('areas',
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['areas.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_areas_parent_id'), ['parent_id'], unique=False)

    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('uploaded_by', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('care_tag_types',
    sa.Column('name_zh', sa.String(length=32), nullable=False),
    sa.Column('name_en', sa.String(length=64), nullable=False),
    sa.Column('interval_days', sa.Integer(), nullable=False),
    sa.Column('detail_fields', sa.JSON(), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('changes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('op', sa.String(length=8), nullable=False),
    sa.Column('hlc', sa.String(length=96), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('base', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('grid_id', sa.String(length=36), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_changes_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_changes_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index('ix_changes_record', ['entity', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_changes_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_changes_user_id'), ['user_id'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('winner_value', sa.JSON(), nullable=True),
    sa.Column('winner_hlc', sa.String(length=96), nullable=False),
    sa.Column('loser_value', sa.JSON(), nullable=True),
    sa.Column('loser_hlc', sa.String(length=96), nullable=False),
    sa.Column('change_id', sa.String(length=36), nullable=False),
    sa.Column('grid_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_by', sa.String(length=36), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_record_id'), ['record_id'], unique=False)

    op.create_table('finding_categories',
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('name_zh', sa.String(length=32), nullable=False),
    sa.Column('name_en', sa.String(length=64), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['finding_categories.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('sync_rows',
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('grid_id', sa.String(length=36), nullable=True),
    sa.Column('community_id', sa.String(length=36), nullable=True),
    sa.Column('street_id', sa.String(length=36), nullable=True),
    sa.Column('reporter_id', sa.String(length=36), nullable=True),
    sa.Column('xid', sa.BigInteger(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('row_hash', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('entity', 'record_id')
    )
    with op.batch_alter_table('sync_rows', schema=None) as batch_op:
        batch_op.create_index('ix_sync_rows_community_pos', ['community_id', 'xid', 'seq'], unique=False)
        batch_op.create_index('ix_sync_rows_grid_pos', ['grid_id', 'xid', 'seq'], unique=False)
        batch_op.create_index('ix_sync_rows_pos', ['xid', 'seq'], unique=False)
        batch_op.create_index('ix_sync_rows_reporter_pos', ['reporter_id', 'xid', 'seq'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('area_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'area_id')
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('buildings',
    sa.Column('grid_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('floors', sa.Integer(), nullable=False),
    sa.Column('rooms_per_floor', sa.Integer(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lng', sa.Float(), nullable=True),
    sa.Column('captain_name', sa.String(length=32), nullable=True),
    sa.Column('captain_phone', sa.String(length=20), nullable=True),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buildings_grid_id'), ['grid_id'], unique=False)

    op.create_table('devices',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=True),
    sa.Column('app_version', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=True),
    sa.Column('last_push_at', sa.DateTime(), nullable=True),
    sa.Column('last_pull_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_devices_user_id'), ['user_id'], unique=False)

    op.create_table('findings',
    sa.Column('grid_id', sa.String(length=36), nullable=False),
    sa.Column('reporter_id', sa.String(length=36), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=36), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lng', sa.Float(), nullable=True),
    sa.Column('accuracy', sa.Float(), nullable=True),
    sa.Column('urgency', sa.String(length=16), nullable=False),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('unit', sa.String(length=64), nullable=True),
    sa.Column('deadline_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category'], ['finding_categories.id'], ),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_reporter_id'), ['reporter_id'], unique=False)

    op.create_table('case_steps',
    sa.Column('finding_id', sa.String(length=36), nullable=False),
    sa.Column('grid_id', sa.String(length=36), nullable=False),
    sa.Column('reporter_id', sa.String(length=36), nullable=False),
    sa.Column('actor_id', sa.String(length=36), nullable=False),
    sa.Column('from_status', sa.String(length=24), nullable=False),
    sa.Column('to_status', sa.String(length=24), nullable=False),
    sa.Column('opinion', sa.String(length=2000), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('unit', sa.String(length=64), nullable=True),
    sa.Column('deadline_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], ),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_steps_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_steps_grid_id'), ['grid_id'], unique=False)

    op.create_table('households',
    sa.Column('building_id', sa.String(length=36), nullable=False),
    sa.Column('grid_id', sa.String(length=36), nullable=False),
    sa.Column('unit', sa.Integer(), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=False),
    sa.Column('room', sa.String(length=16), nullable=False),
    sa.Column('housing_use', sa.String(length=16), nullable=False),
    sa.Column('registration_status', sa.String(length=24), nullable=False),
    sa.Column('landlord_name', sa.String(length=32), nullable=True),
    sa.Column('landlord_phone', sa.String(length=20), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], ),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_grid_id'), ['grid_id'], unique=False)

    op.create_table('residents',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('grid_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('sex', sa.String(length=8), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('id_type', sa.String(length=16), nullable=False),
    sa.Column('id_number', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('ethnicity', sa.String(length=16), nullable=True),
    sa.Column('relation', sa.String(length=16), nullable=True),
    sa.Column('population_type', sa.String(length=16), nullable=False),
    sa.Column('permit_expiry', sa.Date(), nullable=True),
    sa.Column('political_status', sa.String(length=16), nullable=True),
    sa.Column('moved_out_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_residents_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_residents_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_residents_id_number'), ['id_number'], unique=False)

    op.create_table('visits',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('grid_id', sa.String(length=36), nullable=False),
    sa.Column('resident_ids', sa.JSON(), nullable=False),
    sa.Column('visitor_id', sa.String(length=36), nullable=False),
    sa.Column('visited_at', sa.DateTime(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('needs', sa.String(length=2000), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lng', sa.Float(), nullable=True),
    sa.Column('accuracy', sa.Float(), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], ),
    sa.ForeignKeyConstraint(['visitor_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_visited_at'), ['visited_at'], unique=False)

    op.create_table('resident_tags',
    sa.Column('resident_id', sa.String(length=36), nullable=False),
    sa.Column('grid_id', sa.String(length=36), nullable=False),
    sa.Column('tag', sa.String(length=36), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], ),
    sa.ForeignKeyConstraint(['tag'], ['care_tag_types.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('resident_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_tags_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_tags_resident_id'), ['resident_id'], unique=False)



def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE IF EXISTS sync_row_seq")
    with op.batch_alter_table('resident_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_tags_resident_id'))
        batch_op.drop_index(batch_op.f('ix_resident_tags_grid_id'))

    op.drop_table('resident_tags')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_visited_at'))
        batch_op.drop_index(batch_op.f('ix_visits_household_id'))
        batch_op.drop_index(batch_op.f('ix_visits_grid_id'))

    op.drop_table('visits')
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_residents_id_number'))
        batch_op.drop_index(batch_op.f('ix_residents_household_id'))
        batch_op.drop_index(batch_op.f('ix_residents_grid_id'))

    op.drop_table('residents')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_grid_id'))
        batch_op.drop_index(batch_op.f('ix_households_building_id'))

    op.drop_table('households')
    with op.batch_alter_table('case_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_steps_grid_id'))
        batch_op.drop_index(batch_op.f('ix_case_steps_finding_id'))

    op.drop_table('case_steps')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_findings_grid_id'))

    op.drop_table('findings')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_user_id'))

    op.drop_table('devices')
    with op.batch_alter_table('buildings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buildings_grid_id'))

    op.drop_table('buildings')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_user_id'))

    op.drop_table('assignments')
    op.drop_table('users')
    with op.batch_alter_table('sync_rows', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_rows_reporter_pos')
        batch_op.drop_index('ix_sync_rows_pos')
        batch_op.drop_index('ix_sync_rows_grid_pos')
        batch_op.drop_index('ix_sync_rows_community_pos')

    op.drop_table('sync_rows')
    op.drop_table('finding_categories')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_record_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_grid_id'))

    op.drop_table('conflicts')
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_changes_user_id'))
        batch_op.drop_index(batch_op.f('ix_changes_status'))
        batch_op.drop_index('ix_changes_record')
        batch_op.drop_index(batch_op.f('ix_changes_grid_id'))
        batch_op.drop_index(batch_op.f('ix_changes_device_id'))

    op.drop_table('changes')
    op.drop_table('care_tag_types')
    op.drop_table('blobs')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_areas_parent_id'))

    op.drop_table('areas')
