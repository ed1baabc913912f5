"""Guarantee 11: photos are content-addressed blobs, uploaded separately and idempotently, size-
and type-checked; the record that refers to one syncs while the upload is still pending. The server
keeps a re-encoded copy under the uploaded bytes' hash (tests/server/test_blob_images.py)."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.blobs.models import Blob
from server.extensions import db
from server.fieldwork.models import Visit
from sync.ids import uuid7
from sync.transport import Offline
from tests.conftest import PASSWORD
from tests.pulls import pull_until

HEADERS = {"X-Wangge-Protocol": "1", "X-Wangge-App": "0.1.0"}



def png(width: int = 1, height: int = 1, note: bytes = b"") -> bytes:
    """A real PNG: signature, IHDR, one IDAT of RGBA pixels, optional tEXt, IEND, with CRCs."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e\xff" * width for _ in range(height))
    text = chunk(b"tEXt", b"Comment\x00" + note) if note else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + text + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    """A baseline 8x8 grey JPEG: one DC-only block, with one-code Huffman tables."""
    def segment(marker: int, payload: bytes) -> bytes:
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload
    one_code = b"\x01" + b"\x00" * 15
    return (b"\xff\xd8"
            + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + segment(0xDB, b"\x00" + b"\x01" * 64)
            + segment(0xC0, b"\x08" + struct.pack(">HH", 8, 8) + b"\x01\x01\x11\x00")
            + segment(0xC4, b"\x00" + one_code + b"\x00" + b"\x10" + one_code + b"\x00")
            + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
            + b"\x3f\xff\xd9")


def pixels(data: bytes) -> tuple[str, tuple[int, int]]:
    """What a served photo decodes to: its format and size."""
    from PIL import Image
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.format, image.size


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign_in(app, username: str) -> dict:
    reply = app.test_client().post("/api/auth/login", headers=HEADERS,
                                   json={"username": username, "password": PASSWORD, "device_id": uuid7()})
    assert reply.status_code == 200
    return {**HEADERS, "Authorization": f"Bearer {reply.get_json()['token']}"}


def put(app, headers: dict, digest: str, data: bytes):
    return app.test_client().put(f"/api/blobs/{digest}", data=data,
                                 headers={**headers, "Content-Type": "application/octet-stream"})


class Fetched:
    """A download, read and closed (the test client leaves send_file's file open otherwise)."""

    def __init__(self, reply) -> None:
        with reply:
            self.status_code, self.data, self.mimetype = reply.status_code, reply.get_data(), reply.mimetype
            self.body = reply.get_json(silent=True)

    def get_json(self):
        return self.body

    def get_data(self, as_text=False):
        return self.data.decode() if as_text else self.data


def fetch(app, headers: dict, digest: str) -> Fetched:
    return Fetched(app.test_client().get(f"/api/blobs/{digest}", headers=headers))


def blob_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Blob))


def assert_error(reply, status: int, code: str) -> None:
    assert reply.status_code == status, reply.get_data(as_text=True)
    body = reply.get_json()
    assert body["code"] == code and body["message"] and body["message_en"]


def test_uploading_a_photo_twice_stores_it_once(app, world):
    headers = sign_in(app, "worker")
    image = png(2, 2)
    first = put(app, headers, sha(image), image)
    assert first.status_code == 200
    stored = Path(app.config["BLOB_DIR"]) / sha(image)[:2] / sha(image)
    assert first.get_json() == {"sha256": sha(image), "size": stored.stat().st_size, "content_type": "image/jpeg"}
    again = put(app, headers, sha(image), image)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert blob_count() == 1
    assert pixels(stored.read_bytes()) == ("JPEG", (2, 2))
    assert [p.name for p in stored.parent.iterdir()] == [sha(image)]  # no temporary files left behind


def test_a_jpeg_is_accepted_and_served_back_re_encoded(app, world):
    headers = sign_in(app, "worker")
    photo = jpeg()
    reply = put(app, headers, sha(photo), photo)
    assert reply.status_code == 200 and reply.get_json()["content_type"] == "image/jpeg"
    got = fetch(app, headers, sha(photo))
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert pixels(got.data) == ("JPEG", (8, 8))


def test_bytes_that_do_not_match_their_hash_are_refused(app, world):
    headers = sign_in(app, "worker")
    image = png()
    assert_error(put(app, headers, sha(image + b"x"), image), 400, "blob_hash_mismatch")
    assert blob_count() == 0


def test_a_file_that_is_not_a_photo_is_refused(app, world):
    headers = sign_in(app, "worker")
    for data in (b"%PDF-1.7 not a photo", b"GIF89a\x01\x00\x01\x00", b"<svg xmlns='http://www.w3.org/2000/svg'/>"):
        assert_error(put(app, headers, sha(data), data), 415, "blob_type_not_allowed")
    assert blob_count() == 0


def test_a_photo_over_the_size_limit_is_refused(app, world):
    headers = sign_in(app, "worker")
    app.config["BLOB_MAX_BYTES"] = 200
    small, big = png(), png(note=b"x" * 300)
    assert len(small) <= 200 < len(big)
    reply = put(app, headers, sha(big), big)
    assert_error(reply, 413, "blob_too_large")
    assert reply.get_json()["max_bytes"] == 200
    assert put(app, headers, sha(small), small).status_code == 200
    assert blob_count() == 1


def test_an_empty_upload_and_a_malformed_photo_id_are_refused(app, world):
    headers = sign_in(app, "worker")
    assert_error(put(app, headers, sha(b""), b""), 400, "blob_empty")
    image = png()
    assert_error(put(app, headers, sha(image).upper(), image), 400, "invalid_blob_id")
    assert_error(put(app, headers, sha(image)[:63], image), 400, "invalid_blob_id")
    assert_error(fetch(app, headers, "not-a-hash"), 400, "invalid_blob_id")


def test_uploads_need_a_signed_in_device(app, world):
    image = png()
    assert_error(put(app, HEADERS, sha(image), image), 401, "auth_required")
    assert_error(put(app, {**HEADERS, "Authorization": "Bearer forged"}, sha(image), image), 401, "token_invalid")
    assert blob_count() == 0


def test_a_visit_syncs_while_its_photo_is_still_pending_and_the_upload_is_retried(any_app, any_world, device_factory):
    phone = device_factory("worker", app=any_app)
    neighbour = device_factory("worker2", app=any_app)
    pull_until(phone)
    photo = jpeg()
    digest = phone.attach(photo)
    assert digest == sha(photo)
    visit_id = phone.create("visit", {"household_id": any_world.households[0].id, "visited_at": "2026-11-22T15:00:00Z",
                                      "method": "doorstep", "outcome": "issue_found", "photos": [digest],
                                      "needs": "楼道灯坏了"})
    [result] = phone.push()
    assert result["status"] == "accepted"
    phone.network.offline = True
    with pytest.raises(Offline):
        phone.upload_blobs()
    assert phone.pending_blobs() == [digest]
    db.session.rollback()
    assert db.session.get(Visit, visit_id).photos == [digest]
    assert db.session.get(Blob, digest) is None

    pull_until(neighbour)
    assert neighbour.server_copy()[("visit", visit_id)]["photos"] == [digest]
    headers = {**HEADERS, "Authorization": f"Bearer {neighbour._meta('token')}"}
    assert_error(fetch(any_app, headers, digest), 404, "not_found")

    phone.network.offline = False
    assert phone.sync()["uploaded"] == 1
    assert phone.pending_blobs() == []
    assert phone.sync()["uploaded"] == 0
    # The neighbour may see the visit, and its author has now uploaded the photo it lists.
    got = fetch(any_app, headers, digest)
    assert got.status_code == 200 and pixels(got.data) == ("JPEG", (8, 8))


def test_a_photo_is_served_to_those_who_may_see_its_record_and_to_no_one_else(app, world, device_factory):
    phone = device_factory("worker")
    phone.pull()
    photo = png(3, 1)
    digest = phone.attach(photo)
    phone.create("visit", {"household_id": world.households[0].id, "visited_at": "2026-11-22T15:00:00Z",
                           "method": "in_person", "outcome": "normal", "photos": [digest]})
    phone.sync()
    allowed = {"worker", "worker2", "staff", "admin"}
    refused = {"worker_b", "far_staff", "volunteer"}
    for username in sorted(allowed | refused):
        reply = fetch(app, sign_in(app, username), digest)
        if username in allowed:
            assert reply.status_code == 200 and pixels(reply.data) == ("JPEG", (3, 1)), username
        else:
            assert_error(reply, 404, "not_found")


def test_a_photo_no_record_refers_to_is_visible_only_to_its_uploader(app, world):
    mine = sign_in(app, "worker")
    image = png(1, 2)
    assert put(app, mine, sha(image), image).status_code == 200
    assert fetch(app, mine, sha(image)).status_code == 200
    assert_error(fetch(app, sign_in(app, "worker2"), sha(image)), 404, "not_found")
    assert_error(fetch(app, mine, '0' * 64), 404, "not_found")
