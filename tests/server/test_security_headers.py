"""Security headers on every kind of response, HSTS only over HTTPS, and no start on a weak key."""

from __future__ import annotations

import secrets

import pytest

from server import create_app
from sync.ids import uuid7
from server.extensions import db
from tests.conftest import PASSWORD, build_world, make_app

API = {"X-Wangge-Protocol": "1", "X-Wangge-App": "0.1.0"}
PAGE_POLICY_PARTS = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                     "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"]


@pytest.fixture
def served(tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text('<!doctype html><html lang="zh-CN"><title>网格通</title>', encoding="utf-8")
    (tmp_path / "served").mkdir()
    app = make_app("sqlite", tmp_path / "served", PWA_DIST=str(dist))
    with app.app_context():
        build_world(app)
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def token(client, base_url: str) -> str:
    reply = client.post("/api/auth/login", headers=API, base_url=base_url,
                        json={"username": "worker", "password": PASSWORD, "device_id": uuid7()})
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    return reply.get_json()["token"]


def fetch(client, url: str):
    return fetch_from(client, url, "http://localhost")


def fetch_from(client, url: str, base_url: str):
    headers = {**API, "Authorization": f"Bearer {token(client, base_url)}"} if url.startswith("/api/") else {}
    with client.get(url, headers=headers, base_url=base_url) as reply:  # closes send_file's file
        assert reply.status_code == 200, (url, reply.status_code)
        return reply


@pytest.mark.parametrize("url", ["/app/", "/console/login", "/api/sync/pull", "/healthz", "/"])
def test_every_response_refuses_sniffing_framing_and_referrers(served, url):
    reply = fetch(served.test_client(), url)
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in reply.headers  # plain HTTP: no HSTS


@pytest.mark.parametrize("url", ["/app/", "/app/buildings/0190a0b1-7c3e-7000-8000-000000000001", "/console/login"])
def test_pages_run_under_a_policy_without_inline_script_or_style(served, url):
    policy = fetch(served.test_client(), url).headers["Content-Security-Policy"]
    for part in PAGE_POLICY_PARTS:
        assert part in policy.split("; "), part
    assert "unsafe" not in policy


def test_data_from_the_api_and_console_pages_are_never_cached(served):
    client = served.test_client()
    assert fetch(client, "/api/sync/pull").headers["Cache-Control"] == "no-store"
    assert fetch(client, "/console/login").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", ["/app/", "/console/login", "/api/sync/pull", "/healthz"])
def test_hsts_over_https(served, url):
    reply = fetch_from(served.test_client(), url, "https://localhost")
    assert reply.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_no_hard_coded_key_in_debug_mode(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.db'}"})


@pytest.mark.parametrize("key", ["dev-only-not-for-production", "changeme", "a-short-key-of-31-characters-xx"])
def test_a_published_or_short_key_is_refused(tmp_path, monkeypatch, key):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.db'}"})


def test_a_random_key_starts(tmp_path):
    app = create_app({"SECRET_KEY": secrets.token_urlsafe(48), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.db'}"})
    assert app.secret_key
