"""UUIDv7 (RFC 9562): time-ordered ids a device can make without the server."""

from __future__ import annotations

import os
import time
import uuid


def uuid7(millis: int | None = None) -> str:
    ms = time.time_ns() // 1_000_000 if millis is None else millis
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))
