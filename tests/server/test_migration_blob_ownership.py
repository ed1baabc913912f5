"""Migration 0006 carries photos over: each blob's uploader owns it, and each photo a record lists is
attached by that record's author, so photos stay readable exactly where their uploader put them."""

from __future__ import annotations

from datetime import datetime

import psycopg
import pytest
from flask_migrate import downgrade, upgrade

from server import create_app
from server.blobs.attachments import may_read
from server.blobs.models import Blob, BlobAttachment, BlobOwner
from server.cases.models import Finding
from server.extensions import db
from server.fieldwork.models import Visit
from sync.ids import uuid7
from tests.conftest import PG_ADMIN, build_world, ensure_pg_database, pg_url, run_db

SHA = "ab" * 32


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_uploaders_own_their_photos_and_records_keep_those_their_authors_uploaded(tmp_path, backend):
    if backend == "postgres":
        name = run_db("blobmigration")
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        ensure_pg_database(name)
        uri = pg_url(name)
    else:
        uri = f"sqlite:///{tmp_path / 'm.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": uri,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    with app.app_context():
        upgrade()
        world = build_world(app)
        worker, stranger = world.users["worker"], world.users["worker_b"]
        at = datetime(2026, 11, 20, 8)
        db.session.add(Blob(sha256=SHA, size=10, content_type="image/png", uploaded_by=worker.id))
        visit = Visit(id=uuid7(), household_id=world.households[0].id, grid_id=world.grids[0].id,
                      visitor_id=worker.id, visited_at=at, method="in_person", outcome="normal", photos=[SHA])
        listed = Finding(id=uuid7(), grid_id=world.grids[1].id, reporter_id=stranger.id, category="safety_plaster",
                         description="x", reported_at=at, photos=[SHA, SHA])
        db.session.add_all([visit, listed])
        db.session.commit()
        downgrade(revision="0005")
        upgrade()
        db.session.expire_all()
        assert [(o.sha256, o.user_id) for o in db.session.scalars(db.select(BlobOwner))] == [(SHA, worker.id)]
        links = {(a.entity, a.record_id): a.attached_by for a in db.session.scalars(db.select(BlobAttachment))}
        assert links == {("visit", visit.id): worker.id, ("finding", listed.id): stranger.id}
        assert db.session.get(Blob, SHA).content_sha256 is None  # bytes as uploaded, until uploaded again
        assert may_read(db.session, SHA, world.users["staff"])
        assert not may_read(db.session, SHA, stranger)
        db.session.remove()
        db.engine.dispose()
