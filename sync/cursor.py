"""Pull cursors: opaque to devices, stateless on the server.

A cursor holds the log position served so far, the scope keys it covers and, while a grown
scope is being back-filled, the back-fill's own progress. Because everything is in the token, a
lost response or a retried pull never skips anything: the device simply sends the old cursor.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from .errors import ProtocolError

Position = tuple[int, int]  # (transaction id, sequence): the order changes become visible in
START: Position = (0, 0)


@dataclass
class Backfill:
    keys: list[str]
    upto: Position
    pos: Position = START


@dataclass
class Cursor:
    pos: Position = START
    keys: list[str] = field(default_factory=list)
    backfill: Backfill | None = None

    def encode(self) -> str:
        data: dict = {"v": 1, "p": list(self.pos), "k": sorted(self.keys)}
        if self.backfill:
            data["b"] = {"k": sorted(self.backfill.keys), "u": list(self.backfill.upto), "p": list(self.backfill.pos)}
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None) -> "Cursor":
        if not token:
            return cls()
        try:
            padded = token + "=" * (-len(token) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode()))
            pos = _position(data["p"])
            if not isinstance(data["k"], list):
                raise TypeError("scope keys are a list")
            keys = [str(k) for k in data["k"]]
            backfill = None
            if "b" in data:
                b = data["b"]
                backfill = Backfill([str(k) for k in b["k"]], _position(b["u"]), _position(b["p"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ProtocolError("cursor_invalid", 400) from exc
        return cls(pos, keys, backfill)


def _position(value) -> Position:
    # A forged cursor must not reach SQL: no booleans (JSON true is an int to Python) and
    # nothing beyond a signed 64-bit column, which both databases would refuse with an error.
    if not (isinstance(value, list) and len(value) == 2
            and all(type(v) is int and 0 <= v < 2**63 for v in value)):
        raise ValueError("bad position")
    return (value[0], value[1])
