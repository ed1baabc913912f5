"""blob ownership and attachments

A photo belongs to those who uploaded its bytes (blob_owners) and to the records they attached it
to (blob_attachments); blobs keep the hash of the re-encoded bytes the server now stores.
Existing data is carried over: each blob's uploader owns it, and each photo a visit, finding or
case step lists is attached by that record's author (visitor, reporter, the step's actor), so it
stays readable exactly when its author is the one who uploaded it. Blobs stored before keep
content_sha256 NULL (their bytes are as uploaded; re-uploading them re-encodes them).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 18:00:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

AUTHORS = (("visit", "visits", "visitor_id"), ("finding", "findings", "reporter_id"),
           ("case_step", "case_steps", "actor_id"))


def upgrade():
    with op.batch_alter_table('blobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
    op.create_table('blob_owners',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', 'user_id')
    )
    op.create_table('blob_attachments',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('attached_by', sa.String(length=36), nullable=True),
    sa.Column('vouched', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', 'entity', 'record_id')
    )
    _carry_over()


def _carry_over():
    bind = op.get_bind()
    op.execute(sa.text("INSERT INTO blob_owners (sha256, user_id, created_at) "
                       "SELECT sha256, uploaded_by, created_at FROM blobs"))
    rows = []
    for entity, table, author in AUTHORS:
        for record_id, photos, by, created in bind.execute(sa.text(
                f"SELECT id, photos, {author}, created_at FROM {table} WHERE photos IS NOT NULL")):
            listed = json.loads(photos) if isinstance(photos, str) else photos
            for sha in dict.fromkeys(listed or []):
                rows.append({"sha256": sha, "entity": entity, "record_id": record_id, "attached_by": by,
                             "vouched": False, "created_at": created})
    if rows:
        # Plain parameters: created_at comes back from SQLite as text and goes in as it came.
        bind.execute(sa.text("INSERT INTO blob_attachments (sha256, entity, record_id, attached_by, vouched, "
                             "created_at) VALUES (:sha256, :entity, :record_id, :attached_by, :vouched, "
                             ":created_at)"), rows)


def downgrade():
    op.drop_table('blob_attachments')
    op.drop_table('blob_owners')
    with op.batch_alter_table('blobs', schema=None) as batch_op:
        batch_op.drop_column('content_sha256')
