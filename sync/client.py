"""A Python sync client: a local replica and an outbox in SQLite, speaking the documented protocol.

The replica table holds exactly what the server sent (so it can be checksummed against the
server); the worker's own edits live in the outbox until they are accepted, and reads lay the
pending ones over the replica. Tests, benchmarks and bulk tools drive the server through this.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import urllib.parse
from typing import Any

from . import PROTOCOL_VERSION, canonical, hlc
from .ids import uuid7
from .transport import Response, Send
from .versions import version_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS records (
  entity TEXT NOT NULL, id TEXT NOT NULL, fields TEXT NOT NULL, clocks TEXT NOT NULL, scope TEXT NOT NULL,
  PRIMARY KEY (entity, id));
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, change_id TEXT NOT NULL UNIQUE, entity TEXT NOT NULL,
  record_id TEXT NOT NULL, op TEXT NOT NULL, hlc TEXT NOT NULL, fields TEXT NOT NULL, base TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending', result TEXT);
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL, uploaded INTEGER NOT NULL DEFAULT 0);
"""
SCOPE_COLUMNS = {"g": "grid_id", "c": "community_id", "s": "street_id", "r": "reporter_id", "a": "grid_id",
                 "d": "community_id"}


class SyncError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body or {}
        super().__init__(f"{status} {self.code}")

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


class DeviceRevoked(SyncError):
    """The server revoked this device; the client has wiped its data."""


class UpdateRequired(SyncError):
    pass


class SyncClient:
    def __init__(self, send: Send, path: str = ":memory:", device_id: str | None = None,
                 app_version: str = "0.1.0", wall=hlc.now_millis, push_batch: int = 200) -> None:
        version_key(app_version)  # a malformed version fails here, not at the first request
        self.send = send
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript(SCHEMA)
        self.app_version = app_version
        self.push_batch = push_batch
        self.device_id = self._meta("device_id") or device_id or uuid7()
        self._set_meta("device_id", self.device_id)
        self.clock = hlc.Clock(self.device_id, wall)
        last = self._meta("hlc")
        if last:
            self.clock.last = hlc.Timestamp.parse(last)
        self.repairs = 0

    # -- session -------------------------------------------------------------------------
    def login(self, username: str, password: str) -> dict:
        body = {"username": username, "password": password, "device_id": self.device_id}
        reply = self._call("POST", "/api/auth/login", body, auth=False)
        self._set_meta("token", reply["token"])
        self._set_meta("user", json.dumps(reply["user"]))
        return reply

    @property
    def user(self) -> dict | None:
        raw = self._meta("user")
        return json.loads(raw) if raw else None

    def wipe(self) -> None:
        """Forget everything: replica, outbox, token and cursor (keeps nothing personal)."""
        with self._tx():
            self.db.execute("DELETE FROM records")
            self.db.execute("DELETE FROM outbox")
            self.db.execute("DELETE FROM blobs")
            self.db.execute("DELETE FROM meta WHERE key != 'device_id'")

    # -- local writes --------------------------------------------------------------------
    def create(self, entity: str, fields: dict[str, Any]) -> str:
        record_id = uuid7()
        self.update(entity, record_id, fields)
        return record_id

    def update(self, entity: str, record_id: str, fields: dict[str, Any]) -> str:
        return self._enqueue(entity, record_id, "upsert", fields)

    def delete(self, entity: str, record_id: str) -> str:
        return self._enqueue(entity, record_id, "delete", {})

    def _enqueue(self, entity: str, record_id: str, op: str, fields: dict[str, Any]) -> str:
        stamp = str(self.clock.tick())
        clocks = self._view_clocks(entity, record_id)
        base = {name: clocks[name] for name in fields if name in clocks}
        change_id = uuid7()
        with self._tx():
            self.db.execute(
                "INSERT INTO outbox (change_id, entity, record_id, op, hlc, fields, base) VALUES (?,?,?,?,?,?,?)",
                (change_id, entity, record_id, op, stamp, json.dumps(fields, ensure_ascii=False), json.dumps(base)),
            )
            self._set_meta("hlc", stamp)
        return change_id

    def attach(self, data: bytes) -> str:
        """Keep a photo locally until it is uploaded; records refer to it by its sha256 at once."""
        sha = hashlib.sha256(data).hexdigest()
        self.db.execute("INSERT OR IGNORE INTO blobs (sha256, data) VALUES (?, ?)", (sha, data))
        return sha

    def pending_blobs(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT sha256 FROM blobs WHERE uploaded = 0")]

    def upload_blobs(self) -> int:
        """Upload every photo not yet acknowledged; a failure leaves it for the next sync."""
        sent = 0
        for sha in self.pending_blobs():
            data = self.db.execute("SELECT data FROM blobs WHERE sha256=?", (sha,)).fetchone()[0]
            try:
                self._call("PUT", f"/api/blobs/{sha}", raw=data, content_type="application/octet-stream")
            except SyncError as err:
                if err.status >= 500 or err.status in (401, 426):
                    raise
                # Refused for good (wrong type, too large): keep it for the worker, sync the rest.
                self.db.execute("UPDATE blobs SET uploaded = -1 WHERE sha256=?", (sha,))
                continue
            self.db.execute("UPDATE blobs SET uploaded = 1 WHERE sha256=?", (sha,))
            sent += 1
        return sent

    # -- reads ---------------------------------------------------------------------------
    def get(self, entity: str, record_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT fields FROM records WHERE entity=? AND id=?", (entity, record_id)).fetchone()
        values = json.loads(row[0]) if row else None
        for op, fields in self.db.execute(
            "SELECT op, fields FROM outbox WHERE status='pending' AND entity=? AND record_id=? ORDER BY seq",
            (entity, record_id),
        ):
            if op == "delete":
                values = None
            else:
                values = {**(values or {}), **json.loads(fields)}
        return values

    def server_copy(self, entity: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
        """The replica exactly as synced: {(entity, id): fields}."""
        query = "SELECT entity, id, fields FROM records" + (" WHERE entity=?" if entity else "")
        return {(e, i): json.loads(f) for e, i, f in self.db.execute(query, (entity,) if entity else ())}

    def outbox(self, status: str = "pending") -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT change_id, entity, record_id, op, hlc, fields, base, result FROM outbox WHERE status=? ORDER BY seq",
            (status,),
        )
        return [
            {"id": r[0], "entity": r[1], "record_id": r[2], "op": r[3], "hlc": r[4], "fields": json.loads(r[5]),
             "base": json.loads(r[6]), "result": json.loads(r[7]) if r[7] else None}
            for r in rows
        ]

    def checksum(self) -> tuple[str, int]:
        rows = self.db.execute("SELECT entity, id, fields FROM records")
        return canonical.combine(canonical.record_hash(e, i, json.loads(f)) for e, i, f in rows)

    # -- sync ----------------------------------------------------------------------------
    def sync(self) -> dict[str, Any]:
        # Records go first: they sync even while their photos are still on the way.
        pushed = self.push()
        uploaded = self.upload_blobs()
        pulled = self.pull()
        return {"pushed": pushed, "uploaded": uploaded, "pulled": pulled}

    def push(self) -> list[dict[str, Any]]:
        """Send the pending outbox in order; each change leaves it only once its result is in."""
        results: list[dict[str, Any]] = []
        while True:
            batch = self.outbox("pending")[: self.push_batch]
            if not batch:
                return results
            changes = [{k: c[k] for k in ("id", "entity", "record_id", "op", "hlc", "fields", "base")} for c in batch]
            reply = self._call("POST", "/api/sync/push", {"changes": changes})
            self.clock.observe(reply["hlc"])
            with self._tx():
                for result in reply["results"]:
                    if result["status"] == "accepted":
                        self.db.execute("DELETE FROM outbox WHERE change_id=?", (result["id"],))
                    else:
                        self.db.execute("UPDATE outbox SET status='rejected', result=? WHERE change_id=?",
                                        (json.dumps(result, ensure_ascii=False), result["id"]))
                self._set_meta("hlc", str(self.clock.last))
            results.extend(reply["results"])

    def resend(self, change_id: str, fields: dict[str, Any]) -> str:
        """Fix a rejected change: it is replaced by a new change (a new id) with the fixed fields."""
        row = self.db.execute("SELECT entity, record_id, op FROM outbox WHERE change_id=? AND status='rejected'",
                              (change_id,)).fetchone()
        if row is None:
            raise KeyError(change_id)
        self.db.execute("DELETE FROM outbox WHERE change_id=?", (change_id,))
        return self._enqueue(row[0], row[1], row[2], fields)

    def overwritten(self, after: int = 0) -> dict[str, Any]:
        """This device's writes that lost a conflict, after conflict id `after` (protocol 6.2.1)."""
        return self._call("GET", f"/api/sync/overwritten?after={int(after)}")

    def pull(self) -> dict[str, Any]:
        pages = received = repairs = 0
        verified = None
        while True:
            query = urllib.parse.urlencode({"cursor": self._meta("cursor") or ""})
            reply = self._call("GET", f"/api/sync/pull?{query}")
            self.clock.observe(reply["hlc"])
            with self._tx():
                for key in reply["drop"]:
                    self._drop(key)
                for record in reply["records"]:
                    self._apply(record)
                self._set_meta("cursor", reply["cursor"])
                self._set_meta("hlc", str(self.clock.last))
            pages += 1
            received += len(reply["records"])
            if reply["has_more"]:
                continue
            if reply["checksum"] is not None:
                verified = self.checksum() == (reply["checksum"]["value"], reply["checksum"]["count"])
                if not verified and repairs < 2:
                    # Diverged: re-download the scope rather than live with a silent difference.
                    repairs += 1
                    self.repairs += 1
                    self._reset_replica()
                    continue
            return {"pages": pages, "records": received, "verified": verified}

    def _apply(self, record: dict[str, Any]) -> None:
        if record["deleted"]:
            self.db.execute("DELETE FROM records WHERE entity=? AND id=?", (record["entity"], record["id"]))
            return
        self.db.execute(
            "INSERT OR REPLACE INTO records (entity, id, fields, clocks, scope) VALUES (?,?,?,?,?)",
            (record["entity"], record["id"], json.dumps(record["fields"], ensure_ascii=False),
             json.dumps(record["clocks"]), json.dumps(record["scope"])),
        )

    def _drop(self, key: str) -> None:
        kind, _, value = key.partition(":")
        column = SCOPE_COLUMNS.get(kind)
        if column is None:
            return
        condition = f"json_extract(scope, '$.{column}') = ?"
        if kind == "a":
            condition += " AND entity = 'area'"
        elif kind == "d":  # a community's dictionary rows only
            condition += " AND entity IN ('care_tag_type', 'finding_category') AND json_extract(scope, '$.grid_id') IS NULL"
        self.db.execute(f"DELETE FROM records WHERE {condition}", (value,))

    def _reset_replica(self) -> None:
        with self._tx():
            self.db.execute("DELETE FROM records")
            self.db.execute("DELETE FROM meta WHERE key='cursor'")

    def _view_clocks(self, entity: str, record_id: str) -> dict[str, str]:
        row = self.db.execute("SELECT clocks FROM records WHERE entity=? AND id=?", (entity, record_id)).fetchone()
        clocks = json.loads(row[0]) if row else {}
        for stamp, fields in self.db.execute(
            "SELECT hlc, fields FROM outbox WHERE status='pending' AND entity=? AND record_id=? ORDER BY seq",
            (entity, record_id),
        ):
            clocks.update({name: stamp for name in json.loads(fields)})
        return clocks

    # -- plumbing ------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: dict | None = None, auth: bool = True,
              raw: bytes | None = None, content_type: str = "application/json") -> Any:
        headers = {"X-Wangge-Protocol": str(PROTOCOL_VERSION), "X-Wangge-App": self.app_version,
                   "Content-Type": content_type}
        if auth:
            headers["Authorization"] = f"Bearer {self._meta('token') or ''}"
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else raw
        reply: Response = self.send(method, path, headers, data)
        if reply.status == 200:
            return reply.body
        code = reply.body.get("code") if isinstance(reply.body, dict) else None
        if code == "device_revoked":
            self.wipe()
            raise DeviceRevoked(reply.status, reply.body)
        if code == "update_required":
            raise UpdateRequired(reply.status, reply.body)
        raise SyncError(reply.status, reply.body)

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)", (key, value))

    def _tx(self):
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        return False
