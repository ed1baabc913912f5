"""docs/sync-protocol.md cannot drift from the code: every JSON example in it is replayed here.

The story follows the order the examples were captured in: the worked session of section 12, then
the conflict (6.2), the delete (6.4), the scope growing and shrinking (7.7), the clamped clock (6.5),
a stale case step (10.12), photos (9.1, 9.3) and the refusals (2.3, 2.4, 5.7, 7.5, 3.3). Requests are the
doc's own bodies where it shows them; each reply must have the doc's shape and literal values (see
doc_examples for how ids, clocks and cursors are bound). A new example in the doc needs a step here,
or the label `<!-- example: NAME; not replayable: REASON -->`.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from unittest import mock

from server.auth.models import Assignment, Device
from server.auth.operations import revoke_device, set_password
from server.core import time as server_time
from server.extensions import db
from sync import hlc
from sync.ids import uuid7
from tests.conftest import PASSWORD
from tests.server.doc_examples import (DOC, HLC, Replay, declared_messages, error_table, examples,
                                       json_block_lines)

HEADERS = {"X-Wangge-Protocol": "1", "X-Wangge-App": "0.1.0"}


def grey_png() -> bytes:
    """A 1x1 grey PNG of 67 bytes, the size the doc's upload shows."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


class Story:
    """Sends requests as the doc's devices and checks each reply against its example."""

    def __init__(self, app) -> None:
        self.app, self.client = app, app.test_client()
        self.doc = examples()
        self.used: set[str] = set()
        self.replay = Replay(shift_ms=hlc.now_millis() - self.doc["login-response"].body["server_time"])

    def body(self, name: str):
        self.used.add(name)
        return self.replay.live(self.doc[name].body)

    def expect(self, name: str, live, status: int = 200, live_status: int = 200):
        """Check a reply (or the part of one the doc shows) against example `name`."""
        assert live_status == status, f"{name}: HTTP {live_status}, the doc says {status}: {live}"
        self.used.add(name)
        self.replay.match(self.doc[name].body, live, f"{name} (line {self.doc[name].line})")
        return live

    def call(self, method: str, path: str, token: str | None = None, headers=None, **kwargs):
        sent = {**HEADERS, **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        reply = self.client.open(path, method=method, headers=sent, **kwargs)
        return reply.get_json(), reply.status_code

    def login(self, username: str, device_id: str) -> str:
        body, status = self.call("POST", "/api/auth/login", json={"username": username, "password": PASSWORD,
                                                                   "device_id": device_id})
        assert status == 200, body
        return body["token"]

    def push(self, token: str, changes: list) -> dict:
        body, status = self.call("POST", "/api/sync/push", token, json={"changes": changes})
        assert status == 200, body
        return body

    def pull(self, token: str, cursor: str = "", limit: int | None = None):
        query = f"cursor={cursor}" + (f"&limit={limit}" if limit else "")
        return self.call("GET", f"/api/sync/pull?{query}", token)

    def device_clock(self, device_id: str) -> str:
        return str(hlc.Timestamp(hlc.now_millis(), 0, device_id))


def worked_session(story: Story) -> tuple[str, str, str]:
    """Section 12: sign in, two pages, a push with one rejection, its retry, the fix, a pull."""
    login = story.body("login-request")
    reply, status = story.call("POST", "/api/auth/login", json=login)
    token = story.expect("login-response", reply, 200, status)["token"]
    page, status = story.pull(token, limit=2)
    story.expect("pull-first-page", page, 200, status)
    last, status = story.pull(token, page["cursor"])
    assert len(last["records"]) == 30  # the doc shows the last four
    story.expect("pull-last-page", {**last, "records": last["records"][-4:]}, 200, status)
    push = story.body("push-request")
    for name in ("push-response", "push-retry-response"):
        reply, status = story.call("POST", "/api/sync/push", token, json=push)
        story.expect(name, reply, 200, status)
    reply, status = story.call("POST", "/api/sync/push", token, json=story.body("fix-request"))
    story.expect("fix-response", reply, 200, status)
    reply, status = story.pull(token, last["cursor"])
    story.expect("pull-with-checksum", reply, 200, status)
    return token, login["device_id"], reply["cursor"]


def test_every_json_block_of_the_doc_is_labelled():
    text = DOC.read_text(encoding="utf-8")
    labelled = sorted(example.line - 1 for example in examples(text).values())
    assert labelled == json_block_lines(text), "a ```json block without <!-- example: NAME --> before it"


def test_the_error_table_is_sync_errors_in_order():
    assert error_table(DOC.read_text(encoding="utf-8")) == [(code, zh, en) for code, (zh, en)
                                                             in declared_messages().items()]


def test_every_example_replays_against_the_code(app, world):
    story = Story(app)
    token, device_id, cursor = worked_session(story)

    # 6.2: A and B both saw the phone at A's clock; B's later clock wins and records a conflict.
    b_push = story.doc["conflict-b-push"].body["changes"][0]
    token_b = story.login("worker2", story.replay.live(HLC.fullmatch(b_push["hlc"])[3]))
    for name, who in (("conflict-a", token), ("conflict-b", token_b)):
        reply, status = story.call("POST", "/api/sync/push", who, json=story.body(f"{name}-push"))
        story.expect(f"{name}-result", reply, 200, status)

    # 6.4: the tag is deleted; the next pull carries its tombstone.
    tag_id = story.replay.live(story.doc["tombstone"].body["id"])
    [deleted] = story.push(token, [{"id": uuid7(), "entity": "resident_tag", "record_id": tag_id, "op": "delete",
                                    "hlc": story.device_clock(device_id)}])["results"]
    assert deleted["status"] == "accepted", deleted
    page, status = story.pull(token, cursor)
    [tombstone] = [r for r in page["records"] if r["id"] == tag_id]
    story.expect("tombstone", tombstone, 200, status)

    # 7.7: a second grid is granted (back-filled two records a page), then taken away (dropped).
    worker, second_grid = world.users["worker"], world.grids[1]
    db.session.add(Assignment(user_id=worker.id, area_id=second_grid.id))
    db.session.commit()
    cursor = page["cursor"]
    for name in ("grow-page-1", "grow-page-2", "grow-page-3"):
        page, status = story.pull(token, cursor, limit=2)
        story.expect(name, {**page, "records": [{key: r[key] for key in ("entity", "id", "deleted")}
                                                for r in page["records"]]}, 200, status)
        cursor = page["cursor"]
    db.session.execute(db.delete(Assignment).where(Assignment.user_id == worker.id,
                                                   Assignment.area_id == second_grid.id))
    db.session.commit()
    reply, status = story.pull(token, cursor)
    story.expect("shrink", reply, 200, status)

    # 6.5: a clock a year ahead is clamped to the server's.
    reply, status = story.call("POST", "/api/sync/push", token, json=story.body("clamp-push"))
    story.expect("clamp-result", reply, 200, status)

    # 10.12: staff take a step from "accepted" while the finding is still "reported".
    finding = uuid7()
    report = {"grid_id": world.grids[0].id, "category": "safety_plaster", "description": "楼道堆放杂物",
              "reported_at": "2026-11-21T02:00:00Z"}
    [created] = story.push(token, [{"id": uuid7(), "entity": "finding", "record_id": finding, "op": "upsert",
                                    "hlc": story.device_clock(device_id), "fields": report}])["results"]
    assert created["status"] == "accepted", created
    staff_device = uuid7()
    staff = story.login("staff", staff_device)
    step = {"finding_id": finding, "from_status": "accepted", "to_status": "dispatched", "at": "2026-11-21T03:00:00Z"}
    [stale] = story.push(staff, [{"id": uuid7(), "entity": "case_step", "record_id": uuid7(), "op": "upsert",
                                  "hlc": story.device_clock(staff_device), "fields": step}])["results"]
    story.expect("stale-transition", stale)

    # 9.1: a photo, uploaded twice.
    photo = grey_png()
    sha = hashlib.sha256(photo).hexdigest()
    for name in ("blob-created", "blob-again"):
        reply, status = story.call("PUT", f"/api/blobs/{sha}", token, data=photo,
                                   headers={"Content-Type": "application/octet-stream"})
        story.expect(name, reply, 200, status)
    # 9.3: a worker of another grid lists that photo on a finding of theirs.
    other_device = uuid7()
    other = story.login("worker_b", other_device)
    listing = {**report, "grid_id": world.grids[1].id, "photos": [sha]}
    [not_yours] = story.push(other, [{"id": uuid7(), "entity": "finding", "record_id": uuid7(), "op": "upsert",
                                      "hlc": story.device_clock(other_device), "fields": listing}])["results"]
    story.expect("blob-not-yours", not_yours)

    refusals(story, token, device_id, world)
    assert story.used == {name for name, example in story.doc.items() if not example.not_replayable}


def refusals(story: Story, token: str, device_id: str, world) -> None:
    """2.3, 2.4, 5.7 and 7.5, then 3.3 (the device is revoked, so last)."""
    login = {"username": "worker", "password": PASSWORD, "device_id": uuid7()}
    reply, status = story.call("POST", "/api/auth/login", json=login, headers={"X-Wangge-App": "0.0.9"})
    story.expect("update-required", reply, 426, status)
    reply, status = story.call("POST", "/api/auth/login", json=login, headers={"X-Wangge-App": "0.1"})
    story.expect("app-version-format", reply, 400, status)
    reply = story.client.post("/api/auth/login", json=login, headers={"X-Wangge-App": "0.1.0"})
    story.expect("protocol-missing", reply.get_json(), 400, reply.status_code)

    [bad_phone] = story.push(token, [{"id": uuid7(), "entity": "resident", "record_id": world.residents[0].id,
                                      "op": "upsert", "hlc": story.device_clock(device_id),
                                      "fields": {"phone": "12345"}}])["results"]
    story.expect("field-errors", {"fields": bad_phone["fields"]})

    story.app.config["PUSH_MAX_CHANGES"] = 1
    reply, status = story.call("POST", "/api/sync/push", token, json={"changes": [{}, {}]})
    story.expect("too-many-changes", reply, 413, status)

    reply, status = story.pull(token, "not-a-cursor")
    story.expect("cursor-invalid", reply, 400, status)

    # 3.1: a sixth wrong password in a row must wait (the server's clock held still meanwhile).
    with mock.patch.object(server_time, "now", return_value=server_time.now()):
        wrong = {"username": "volunteer", "password": "not-the-password", "device_id": uuid7()}
        for _ in range(5):
            assert story.call("POST", "/api/auth/login", json=wrong)[1] == 401
        reply = story.client.post("/api/auth/login", json=wrong, headers=HEADERS)
        assert reply.headers["Retry-After"] == "1"
        story.expect("too-many-attempts", reply.get_json(), 429, reply.status_code)

    # 3.2: a password reset ends the user's device tokens, without wiping.
    other = story.login("worker_b", uuid7())
    set_password(world.users["worker_b"], "a-new-password-1")
    db.session.commit()
    reply, status = story.pull(other)
    story.expect("token-expired", reply, 401, status)

    revoke_device(db.session.get(Device, device_id), world.users["staff"].id)
    db.session.commit()
    reply, status = story.pull(token)
    story.expect("device-revoked", reply, 401, status)
