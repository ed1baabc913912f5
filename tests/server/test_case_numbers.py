"""Readable case numbers: XF-<Beijing day>-NNNN, one counter per day, never handed out twice."""

from __future__ import annotations

import threading
from datetime import datetime

import psycopg
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.orm import Session

from server import create_app
from server.cases.models import CaseCounter, Finding
from server.cases.numbers import next_number
from server.core.time import china_time, utcnow
from server.extensions import db
from sync.ids import uuid7
from tests.conftest import PG_ADMIN, build_world, ensure_pg_database, make_app, pg_url, run_db
from tests.console.cases_helpers import report


def today() -> str:
    return china_time(utcnow()).strftime("%Y%m%d")


def number_of(fid) -> str:
    db.session.expire_all()
    return db.session.get(Finding, fid).number


def test_pushed_cases_are_numbered_in_order_of_arrival_on_the_beijing_day(world, device_factory):
    worker = device_factory("worker")
    first = report(worker, world.grids[0])
    second = report(worker, world.grids[0], description="楼道灯坏了")
    day = today()
    assert number_of(first) == f"XF-{day}-0001"
    assert number_of(second) == f"XF-{day}-0002"
    # The phone learns the number when it next pulls, and cannot set one of its own.
    worker.pull()
    assert worker.server_copy()[("finding", first)]["number"] == f"XF-{day}-0001"


def test_an_edit_keeps_the_number_and_a_refused_case_takes_none(world, device_factory):
    worker = device_factory("worker")
    fid = report(worker, world.grids[0])
    worker.update("finding", fid, {"description": "3号楼外墙墙皮脱落，已拉警戒线"})
    assert worker.push()[-1]["status"] == "accepted"
    worker.create("finding", {"grid_id": world.grids[0].id, "category": "no_such_category",
                              "description": "x", "reported_at": "2026-11-20T03:00:00Z"})
    assert worker.push()[-1]["status"] == "rejected"
    later = report(worker, world.grids[0], description="井盖缺失")
    day = today()
    assert (number_of(fid), number_of(later)) == (f"XF-{day}-0001", f"XF-{day}-0002")
    numbers = db.session.scalars(db.select(Finding.number)).all()
    assert len(numbers) == len(set(numbers)) == 2


def test_a_rolled_back_write_gives_its_number_back(app):
    taken = next_number(db.session, datetime(2026, 12, 7, 2))
    db.session.rollback()
    assert taken == "XF-20261207-0001"
    assert next_number(db.session, datetime(2026, 12, 7, 2)) == "XF-20261207-0001"
    # 17:00 UTC is already the next day in Beijing: a counter of its own.
    assert next_number(db.session, datetime(2026, 12, 7, 17)) == "XF-20261208-0001"
    assert next_number(db.session, datetime(2026, 12, 7, 3)) == "XF-20261207-0002"


@pytest.mark.postgres
def test_two_sessions_at_once_on_postgresql_never_share_a_number(tmp_path):
    name = run_db("casenumbers")
    ensure_pg_database(name)  # raises when PostgreSQL is unreachable: a failure, never a skip
    app = make_app("postgres", tmp_path, SQLALCHEMY_DATABASE_URI=pg_url(name))
    at = datetime(2026, 12, 7, 2)
    with app.app_context():
        engine = db.engine
        outcome: dict[str, str] = {}

        def second_session():
            with Session(engine) as other:
                outcome["second"] = next_number(other, at)
                other.commit()

        def waits_on_the_counter(pid_of_first: int) -> bool:
            with engine.connect() as conn:
                return bool(conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND pid <> :me AND datname = current_database()"), {"me": pid_of_first}).scalar())

        with Session(engine) as first:
            pid = first.execute(text("SELECT pg_backend_pid()")).scalar()
            assert next_number(first, at) == "XF-20261207-0001"
            worker = threading.Thread(target=second_session)
            worker.start()
            while not waits_on_the_counter(pid):  # the second session queues behind the first's row lock
                worker.join(0.05)
                assert worker.is_alive(), outcome
            first.commit()
        worker.join()
        assert outcome["second"] == "XF-20261207-0002"

        # A first writer that rolls back hands its number to the one waiting behind it.
        with Session(engine) as first:
            pid = first.execute(text("SELECT pg_backend_pid()")).scalar()
            assert next_number(first, at) == "XF-20261207-0003"
            worker = threading.Thread(target=second_session)
            worker.start()
            while not waits_on_the_counter(pid):
                worker.join(0.05)
                assert worker.is_alive(), outcome
            first.rollback()
        worker.join()
        assert outcome["second"] == "XF-20261207-0003"
        db.session.remove()
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_numbers_existing_cases_by_beijing_day_and_continues_after_them(tmp_path, backend):
    if backend == "postgres":
        name = run_db("numbermigration")
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
        reporter = world.users["worker"].id
        reported = {"evening": datetime(2026, 11, 20, 12), "morning": datetime(2026, 11, 20, 1),
                    "after_midnight": datetime(2026, 11, 20, 16, 30)}  # 00:30 on the 21st in Beijing
        ids = {}
        for label, at in reported.items():
            ids[label] = uuid7()
            db.session.add(Finding(id=ids[label], grid_id=world.grids[0].id, reporter_id=reporter,
                                   category="safety_plaster", description=label, reported_at=at))
        db.session.commit()
        downgrade(revision="0011")
        upgrade()
        db.session.expire_all()
        numbers = {label: db.session.get(Finding, fid).number for label, fid in ids.items()}
        assert numbers == {"morning": "XF-20261120-0001", "evening": "XF-20261120-0002",
                           "after_midnight": "XF-20261121-0001"}
        assert db.session.get(CaseCounter, "20261120").last == 2
        assert next_number(db.session, datetime(2026, 11, 20, 5)) == "XF-20261120-0003"
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
