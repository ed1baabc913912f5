"""The first run: `wangge init-db` on an empty database prints a one-time setup code and the
page's path; /console/first-run takes it and creates the street and its first street admin, who
is then signed in. Only while no user exists; wrong codes are throttled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from server import create_app
from server.areas.models import Area
from server.audit.models import AuditEntry
from server.auth import first_run
from server.auth.models import User
from server.extensions import db
from server.syncapi.models import Change
from tests.console.conftest import TOKEN

GOOD = {"street_name": "和平街道", "street_code": "110105001", "username": "hp_admin",
        "admin_name": "吴街道", "password": "first-run-2026", "password2": "first-run-2026"}


@pytest.fixture(autouse=True)
def no_code_left(app):
    # The tests' apps share one instance folder (tests/conftest.py): no code outlives its test.
    first_run.claim(app.instance_path)
    yield
    first_run.claim(current_app.instance_path)


def open_page(client):
    page = client.get("/console/first-run")
    return page, TOKEN.search(page.text).group(1) if page.status_code == 200 else None


def submit(client, code, **overrides):
    _, token = open_page(client)
    return client.post("/console/first-run", data={"csrf_token": token, "code": code, **GOOD, **overrides})


def test_init_db_on_an_empty_database_prints_a_code_that_sets_up_the_street(tmp_path, monkeypatch):
    monkeypatch.setenv("WANGGE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "BLOB_DIR": str(tmp_path / "blobs"),
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"})
    with app.app_context():
        out = app.test_cli_runner().invoke(args=["init-db"])
        assert out.exit_code == 0, out.output
        assert "/console/first-run" in out.output
        code = re.search(r"setup code ([A-Z0-9-]+)", out.output).group(1)
        # Only its hash is kept.
        kept = Path(app.instance_path, first_run.FILENAME).read_text()
        assert code not in kept and code.replace("-", "") not in kept
        client = app.test_client()
        reply = submit(client, code.lower())  # read off a terminal: case and dashes do not matter
        assert reply.status_code == 302 and reply.headers["Location"].endswith("/console/setup/"), re.findall(r"data-code=\"(\w+)", reply.text)
        home = client.get("/console/setup/")
        assert home.status_code == 200 and "和平街道" in home.text and "添加社区" in home.text
        street = db.session.scalar(select(Area).where(Area.level == "street"))
        admin = db.session.scalar(select(User).where(User.username == "hp_admin"))
        assert (street.name, street.code) == ("和平街道", "110105001")
        assert (admin.role, admin.area_ids, admin.name) == ("street_admin", [street.id], "吴街道")
        change = db.session.scalar(select(Change).where(Change.record_id == street.id))
        assert change.result["via"] == "console:first-run"
        assert {e.action for e in db.session.scalars(select(AuditEntry))} >= {"first_run", "login"}
        # Used up: the page is gone, and running init-db again prints no new code.
        assert client.get("/console/first-run").status_code == 404
        db.session.remove()
        again = app.test_cli_runner().invoke(args=["init-db"])
        assert again.exit_code == 0 and "first-run" not in again.output
        db.session.remove()


def test_the_page_is_not_there_once_a_user_exists(app, world):
    code = first_run.issue(app.instance_path)  # even with a code lying around
    client = app.test_client()
    assert client.get("/console/first-run").status_code == 404
    page = client.get("/console/login")
    token = TOKEN.search(page.text).group(1)
    reply = client.post("/console/first-run", data={"csrf_token": token, "code": code, **GOOD})
    assert reply.status_code == 404
    assert db.session.scalar(select(User).where(User.username == "hp_admin")) is None


def test_without_a_code_issued_the_page_is_not_there(app):
    assert app.test_client().get("/console/first-run").status_code == 404


def test_a_wrong_code_is_refused_and_repeated_wrong_codes_must_wait(app):
    code = first_run.issue(app.instance_path)
    client = app.test_client()
    page, _ = open_page(client)
    assert page.status_code == 200 and "设置码" in page.text
    reply = submit(client, "AAAA-BBBB-CCCC")
    assert reply.status_code == 422 and 'data-code="first_run_code_wrong"' in reply.text
    assert "The setup code is wrong" in reply.text
    assert "和平街道" in reply.text  # what was typed comes back
    assert db.session.scalar(select(User)) is None
    statuses = [submit(client, f"WRONG-{i}").status_code for i in range(6)]
    assert statuses[-1] == 429
    # While it must wait, even the right code is not checked.
    assert submit(client, code).status_code == 429
    assert db.session.scalar(select(User)) is None


def test_bad_street_and_admin_fields_are_reported_and_the_code_stays_usable(app):
    code = first_run.issue(app.instance_path)
    client = app.test_client()
    reply = submit(client, code, street_code="11-01", username="x", password="short", password2="short")
    assert reply.status_code == 422
    for bad in ("street_code_invalid", "username_invalid", "password_too_short"):
        assert f'data-code="{bad}"' in reply.text
    assert first_run.is_open(app.instance_path)
    assert submit(client, code).status_code == 302
    assert not first_run.is_open(app.instance_path)
