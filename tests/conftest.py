"""Fixtures: the app on SQLite or on the real PostgreSQL, a small community, and devices."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import text

from server import create_app
from server.areas.operations import add_area, add_building
from server.auth.operations import create_user
from server.dictionaries import seed_dictionaries
from server.extensions import db
from server.registry.models import Household, Resident
from server.syncapi.direct import DirectWriter
from sync.client import SyncClient
from sync.ids import uuid7
from sync.transport import FlakyNetwork, wsgi_transport

PG_ADMIN = os.environ.get("WANGGE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
# Named per test run (the pytest process id) so two runs on one machine, or two checkouts, never share a
# database; a session fixture drops this run's databases at the end.
RUN_TAG = os.environ.setdefault("WANGGE_TEST_RUN", str(os.getpid()))  # inherited by spawned workers
PG_DB = f"wangge_test_{RUN_TAG}"
_created: set[str] = set()


def run_db(purpose: str) -> str:
    """A PostgreSQL database name of this run's own, for tests that need a database apart."""
    return f"wangge_test_{purpose}_{RUN_TAG}"
PASSWORD = "grid-pass-2026"


def pg_url(name: str = PG_DB) -> str:
    return PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def ensure_pg_database(name: str = PG_DB) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    _created.add(name)


@pytest.fixture(scope="session", autouse=True)
def _drop_run_databases():
    yield
    if not _created:
        return
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in sorted(_created):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reset_schema() -> None:
    """Empty the database whatever an earlier run left in it (drop_all only knows today's tables)."""
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def make_app(backend: str, tmp_path, **config):
    # SQLite makes the file, not its folder (a sub-folder of tmp_path may not exist yet).
    Path(tmp_path).mkdir(parents=True, exist_ok=True)
    settings = {"TESTING": True, "SECRET_KEY": "test", "BLOB_DIR": str(tmp_path / "blobs"),
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"}
    if backend == "postgres":
        ensure_pg_database()
        settings["SQLALCHEMY_DATABASE_URI"] = pg_url()
    else:
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'wangge.db'}"
    settings.update(config)
    os.environ.setdefault("WANGGE_INSTANCE", str(tmp_path / "instance"))
    app = create_app(settings)
    with app.app_context():
        if backend == "postgres":
            reset_schema()
        db.create_all()
    return app


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request):
    return request.param


@pytest.fixture
def app(tmp_path):
    app = make_app("sqlite", tmp_path)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def any_app(backend, tmp_path):
    """The app on each database: SQLite, then the real PostgreSQL server."""
    app = make_app(backend, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


wsgi_send = wsgi_transport


def build_world(app):
    """One street, one community with two grids (plus a second community), a building and a
    household in each grid, and a user of every role."""
    writer = DirectWriter(db.session, app.extensions["wangge_clock"])
    seed_dictionaries(writer)
    street = add_area(writer, "street", "和平街道")
    community = add_area(writer, "community", "幸福社区", street)
    other_community = add_area(writer, "community", "团结社区", street)
    grids = [add_area(writer, "grid", f"第{i + 1}网格", community) for i in range(2)]
    far_grid = add_area(writer, "grid", "团结第1网格", other_community)
    buildings, households, residents = [], [], []
    for grid in [*grids, far_grid]:
        building = add_building(writer, grid, "1", units=2, floors=6)
        household = writer.put("household", Household(id=uuid7(), building_id=building.id, grid_id=grid.id,
                                                      unit=1, floor=5, room="501"))
        resident = writer.put("resident", Resident(id=uuid7(), household_id=household.id, grid_id=grid.id,
                                                  name="张秀英", sex="female"))
        buildings.append(building)
        households.append(household)
        residents.append(resident)
    users = {
        "worker": create_user("worker", PASSWORD, "李网格", "grid_worker", [grids[0].id]),
        "worker2": create_user("worker2", PASSWORD, "王网格", "grid_worker", [grids[0].id]),
        "worker_b": create_user("worker_b", PASSWORD, "赵网格", "grid_worker", [grids[1].id]),
        "volunteer": create_user("volunteer", PASSWORD, "陈志愿", "patrol_volunteer", [grids[0].id]),
        "staff": create_user("staff", PASSWORD, "周社区", "community_staff", [community.id]),
        "admin": create_user("admin", PASSWORD, "吴街道", "street_admin", [street.id]),
        "far_staff": create_user("far_staff", PASSWORD, "孙社区", "community_staff", [other_community.id]),
    }
    db.session.commit()
    return SimpleNamespace(street=street, community=community, other_community=other_community, grids=grids,
                           far_grid=far_grid, buildings=buildings, households=households, residents=residents,
                           users=users)


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def any_world(any_app):
    return build_world(any_app)


@pytest.fixture
def device_factory(request):
    """Make a logged-in SyncClient on a flaky network: device("worker")."""

    def make(username: str, app=None, **kwargs) -> SyncClient:
        app = app or request.getfixturevalue("app")
        network = FlakyNetwork(wsgi_send(app))
        client = SyncClient(network, **kwargs)
        client.network = network
        client.login(username, PASSWORD)
        return client

    return make


@pytest.fixture
def pg_clean():
    """A PostgreSQL database emptied of rows, for tests that run their own processes."""
    ensure_pg_database()
    yield pg_url()


def truncate_all(session):
    tables = ", ".join(t.name for t in db.metadata.sorted_tables)
    session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
