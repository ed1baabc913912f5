"""The field app's files at /app/: deep links get the shell, the worker is never cached stale."""

from types import SimpleNamespace

import pytest

from tests.conftest import make_app


@pytest.fixture
def dist(tmp_path):
    root = tmp_path / "dist"
    (root / "icons").mkdir(parents=True)
    (root / "index.html").write_text('<!doctype html><html lang="zh-CN"><title>网格通</title>', encoding="utf-8")
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (root / "app.js").write_text("console.log(1);")
    (root / "manifest.webmanifest").write_text('{"name": "网格通 Wangge"}', encoding="utf-8")
    (root / "icons" / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


def read(reply):
    """The reply read and closed (the test client leaves send_file's file open otherwise)."""
    with reply:
        return SimpleNamespace(status_code=reply.status_code, headers=reply.headers, mimetype=reply.mimetype,
                               text=reply.get_data().decode("utf-8", "replace"))


class Client:
    def __init__(self, app):
        self.app = app

    def get(self, url, **kwargs):
        return read(self.app.test_client().get(url, **kwargs))


@pytest.fixture
def client(dist, tmp_path):
    return Client(make_app("sqlite", tmp_path, PWA_DIST=str(dist)))


@pytest.mark.parametrize("url", ["/app/", "/app/buildings/0190a0b1-7c3e-7000-8000-000000000001", "/app/sync"])
def test_screen_urls_get_the_app_shell_before_the_worker_is_installed(client, url):
    reply = client.get(url)
    assert reply.status_code == 200
    assert "网格通" in reply.text
    assert reply.headers["Cache-Control"] == "no-cache"


def test_bare_app_path_redirects_to_the_scope(client):
    reply = client.get("/app")
    assert reply.status_code in (301, 308)
    assert reply.headers["Location"].endswith("/app/")


def test_the_service_worker_may_control_app_and_is_always_revalidated(client):
    reply = client.get("/app/sw.js")
    assert reply.status_code == 200
    assert reply.headers["Service-Worker-Allowed"] == "/app/"
    assert reply.headers["Cache-Control"] == "no-cache"
    assert "javascript" in reply.mimetype


def test_versioned_assets_are_immutable(client):
    reply = client.get("/app/app.js?v=abc123")
    assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "max-age=31536000" in client.get("/app/icons/icon-192.png").headers["Cache-Control"]


def test_the_manifest_has_its_media_type(client):
    reply = client.get("/app/manifest.webmanifest")
    assert reply.mimetype == "application/manifest+json"
    assert reply.headers["Cache-Control"] == "no-cache"


def test_a_missing_asset_is_404_not_the_shell(client):
    assert client.get("/app/app-old.js").status_code == 404
    assert client.get("/app/../../etc/passwd.txt").status_code == 404


def test_htmx_request_without_the_worker_gets_a_fragment_not_a_nested_shell(client):
    reply = client.get("/app/due", headers={"HX-Request": "true"})
    assert reply.status_code == 200
    assert "<html" not in reply.text


def test_unbuilt_app_says_how_to_build_it(tmp_path):
    reply = Client(make_app("sqlite", tmp_path, PWA_DIST=str(tmp_path / "nowhere"))).get("/app/")
    assert reply.status_code == 503
    text = reply.text
    assert "make pwa" in text and "尚未构建" in text
