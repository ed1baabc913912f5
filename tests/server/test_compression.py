"""A grid's pull travels gzipped to a client that takes gzip, as UTF-8; what it says is unchanged.
The console's pages are never compressed (they mix cookies, CSRF tokens and reflected text)."""

from __future__ import annotations

import gzip
import json

from server.compression import accepts_gzip
from sync import PROTOCOL_VERSION
from tests.console.conftest import StaffClient


def pull(app, device, **headers):
    sent = {"Authorization": f"Bearer {device._meta('token')}", "X-Wangge-Protocol": str(PROTOCOL_VERSION),
            "X-Wangge-App": device.app_version, **headers}
    return app.test_client().get("/api/sync/pull?cursor=", headers=sent)


def test_a_pull_is_gzipped_for_a_client_that_takes_it_and_says_the_same(app, world, device_factory):
    device = device_factory("worker")
    plain = pull(app, device)
    packed = pull(app, device, **{"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    body = json.loads(gzip.decompress(packed.data))
    expected = plain.get_json()
    for moving in ("server_time", "hlc"):
        body.pop(moving), expected.pop(moving)
    assert body == expected and body["records"]
    assert len(packed.data) * 3 < len(plain.data)


def test_chinese_travels_as_utf8_not_escapes(app, world, device_factory):
    data = pull(app, device_factory("worker")).data
    assert "张秀英".encode() in data and b"\\u" not in data


def test_the_console_and_a_refusal_of_gzip_stay_uncompressed(app, world, device_factory):
    device = device_factory("worker")
    assert "Content-Encoding" not in pull(app, device, **{"Accept-Encoding": "gzip;q=0"}).headers
    staff = StaffClient(app.test_client())
    assert staff.login("staff").status_code == 302
    page = staff.client.get("/console/residents", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and "Content-Encoding" not in page.headers


def test_accept_encoding_is_read_as_written():
    assert accepts_gzip("gzip") and accepts_gzip("br, gzip;q=0.8") and accepts_gzip("*")
    assert not accepts_gzip("") and not accepts_gzip("br") and not accepts_gzip("gzip;q=0")
