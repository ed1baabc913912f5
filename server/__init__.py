"""The Wangge sync server and staff console (Flask application factory)."""

from __future__ import annotations

import os

from flask import Flask, jsonify, render_template
from sqlalchemy import event, text
from werkzeug.middleware.proxy_fix import ProxyFix

from sync import hlc

from .config import Config, check_secret_key
from .extensions import db, migrate


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("WANGGE_INSTANCE") or None,
                instance_relative_config=True)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{os.path.join(app.instance_path, 'wangge.db')}"
    check_secret_key(app.config)
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops:
        # Only as many X-Forwarded-* entries as there are proxies of ours: the rest is whatever
        # the client wrote.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    _init_database(app)
    _init_api(app)
    # One clock per process, each its own node: two workers writing in the same millisecond must
    # not mint equal timestamps (the second write would be ignored as a replay).
    app.extensions["wangge_clock"] = hlc.Clock(f"{app.config['SERVER_NODE']}.{os.getpid()}")

    from . import cli, compression, console, i18n, security_headers
    security_headers.init_app(app)
    compression.init_app(app)
    cli.init_app(app)
    i18n.init_app(app)
    console.init_app(app)

    @app.get("/")
    def home():
        return render_template("home.html")

    @app.get("/healthz")
    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify({"status": "ok", "database": db.engine.dialect.name})

    return app


def main() -> None:
    """The `wangge` command: the setup commands of cli.py and Flask's own, on this app."""
    from flask.cli import FlaskGroup

    FlaskGroup(create_app=create_app, help="Wangge server commands.").main()


def _init_database(app: Flask) -> None:
    from . import models  # noqa: F401  (registers every table on the metadata)

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # A fresh dict: the default lives on the Config class and is shared by every app.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {**options.get("connect_args", {}), "timeout": 30}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    if uri.startswith("sqlite"):
        with app.app_context():
            _serialise_sqlite_writers(db.engine)


def _serialise_sqlite_writers(engine) -> None:
    """SQLite: WAL for concurrent readers, and BEGIN IMMEDIATE so writers queue up front.

    Taking the write lock at BEGIN is what makes "max(seq) + 1" safe for pull ordering, and it
    avoids deadlocks between two transactions that both read and then try to write.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _init_api(app: Flask) -> None:
    from . import errors
    from .apidoc import VERSION_HEADERS
    from .auth.blueprint import blp as auth_blp
    from .blobs.blueprint import blp as blobs_blp
    from .fieldapp.blueprint import blp as fieldapp_blp
    from .syncapi.blueprint import blp as sync_blp

    api = errors.WanggeApi(app)
    app.extensions["wangge_api"] = api
    for blp in (auth_blp, sync_blp, blobs_blp):
        api.register_blueprint(blp, parameters=VERSION_HEADERS)
    _document_protocol(api)
    app.register_blueprint(fieldapp_blp)
    errors.register(app)


def _document_protocol(api) -> None:
    """Put what the push envelope carries (each entity's fields) into the OpenAPI spec."""
    from .syncapi.entities import ENTITIES
    from .syncapi.schemas import ChangeIn

    api.spec.components.schema("Change", schema=ChangeIn)
    for name, entity in ENTITIES.items():
        api.spec.components.schema(f"{entity.wire.__name__}", schema=entity.wire)
    api.spec.components.security_scheme("device", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"device": []}]
