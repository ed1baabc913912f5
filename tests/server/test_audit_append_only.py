"""Audit item: the audit trail is append-only in the database itself, on both databases, whether
the schema came from the models (create_all) or from the migrations."""

from __future__ import annotations

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from server import create_app
from server.audit import write
from server.audit.models import AuditEntry
from server.extensions import db
from tests.conftest import PG_ADMIN, ensure_pg_database, pg_url, run_db


def assert_append_only() -> None:
    entry = write("login_failed", None, detail={"username": "ghost"})
    db.session.commit()
    for statement in ("UPDATE console_audit SET action = 'nothing'", "DELETE FROM console_audit",
                      f"UPDATE console_audit SET detail = '{{}}' WHERE id = {entry.id}"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.delete(db.session.get(AuditEntry, entry.id))
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == "login_failed"
    write("login", None)  # adding stays possible
    db.session.commit()


def test_audit_entries_cannot_be_changed_or_removed(any_app):
    assert_append_only()


def test_the_migrations_make_it_append_only_on_sqlite(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"})
    with app.app_context():
        upgrade()
        assert_append_only()


@pytest.mark.postgres
def test_the_migrations_make_it_append_only_on_postgres():
    name = run_db("audit_migrations")
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    ensure_pg_database(name)
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": pg_url(name)})
    with app.app_context():
        upgrade()
        assert_append_only()
        db.session.remove()
        db.engine.dispose()
