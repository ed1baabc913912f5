"""The migrations build exactly the schema the models describe, on both databases."""

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server import create_app
from server.extensions import db

from ..conftest import PG_ADMIN, ensure_pg_database, pg_url, run_db

MIGRATIONS_DB = run_db("migrations")


def _migrated_app(uri, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": uri})
    return app


def _assert_matches_models(app):
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []


def test_sqlite_migrations_match_models(tmp_path):
    app = _migrated_app(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)
    _assert_matches_models(app)


def test_postgres_migrations_match_models_and_create_the_pull_sequence(tmp_path):
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{MIGRATIONS_DB}"')
    ensure_pg_database(MIGRATIONS_DB)
    app = _migrated_app(pg_url(MIGRATIONS_DB), tmp_path)
    _assert_matches_models(app)
    with app.app_context():
        assert db.session.execute(text("SELECT nextval('sync_row_seq')")).scalar() >= 1
        db.session.rollback()
        downgrade(revision="base")
        tables = db.session.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname='public' "
                                         "AND tablename <> 'alembic_version'")).scalar()
        assert tables == 0
        db.session.remove()
        db.engine.dispose()
