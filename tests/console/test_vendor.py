"""The console's scripts at /console/vendor/: from the vendor folder the build fills, with or
without the field app's build, to anyone (the sign-in page needs them)."""

from __future__ import annotations

from tests.conftest import make_app


def fetch(client, url):
    with client.get(url) as reply:  # closed: the test client leaves send_file's file open otherwise
        return reply.status_code, reply.headers, reply.get_data()


def test_scripts_come_from_the_vendor_folder(tmp_path):
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "htmx.min.js").write_text("var htmx;")
    (tmp_path / "secret.txt").write_text("not a script")
    app = make_app("sqlite", tmp_path, VENDOR_DIR=str(vendor), PWA_DIST=str(tmp_path / "not-built"))
    client = app.test_client()
    status, headers, body = fetch(client, "/console/vendor/htmx.min.js")
    assert status == 200 and body == b"var htmx;"
    assert "max-age=3600" in headers["Cache-Control"]
    assert fetch(client, "/console/vendor/echarts.min.js")[0] == 404
    assert fetch(client, "/console/vendor/../secret.txt")[0] == 404
