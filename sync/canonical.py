"""Canonical JSON: the one byte form of a record that every replica hashes the same way."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any


def _normalise(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("non-finite numbers have no canonical form")
        # JS has one number type: an integral float must print as an integer there and here.
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    raise TypeError(f"cannot canonicalise {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(_normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(entity: str, record_id: str, fields: dict[str, Any]) -> int:
    """64-bit hash of a record's visible state; sums of these make scope checksums."""
    text = dumps({"e": entity, "f": fields, "id": record_id})
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


MASK64 = (1 << 64) - 1


def combine(hashes) -> tuple[str, int]:
    """Order-independent checksum of many record hashes: (hex of the sum mod 2**64, count)."""
    total = 0
    count = 0
    for h in hashes:
        total = (total + h) & MASK64
        count += 1
    return f"{total:016x}", count
