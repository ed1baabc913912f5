"""The server's refusal codes and their messages (Chinese, English): one registry to look them up.

The protocol's codes live in `sync.errors`, shared with the Python client and the field app. The
server's own pages refuse with codes of their own, declared beside the feature that uses them
(`register_messages` when its module is imported). A lookup asks the protocol's table first, so
nothing the server declares can change what a protocol code means, and a code declared twice must
mean the same thing both times.
"""

from __future__ import annotations

from typing import Any

from sync.errors import MESSAGES as PROTOCOL_MESSAGES
from sync.errors import ProtocolError

_OWN: dict[str, tuple[str, str]] = {}


def register_messages(messages: dict[str, tuple[str, str]]) -> None:
    """Declare codes the server uses besides the protocol's: {code: (Chinese, English)}."""
    for code, pair in messages.items():
        known = PROTOCOL_MESSAGES.get(code) or _OWN.get(code)
        if known is not None and known != pair:
            raise ValueError(f"message code {code!r} already means {known[1]!r}")
        if code not in PROTOCOL_MESSAGES:
            _OWN[code] = pair


def is_known(code: str) -> bool:
    return code in PROTOCOL_MESSAGES or code in _OWN


def message(code: str) -> tuple[str, str]:
    return PROTOCOL_MESSAGES.get(code) or _OWN.get(code) or PROTOCOL_MESSAGES["invalid_value"]


def field_error(code: str) -> dict[str, str]:
    zh, en = message(code)
    return {"code": code, "message": zh, "message_en": en}


def error_body(code: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The JSON shape of every error: the stable code, both messages and the failing fields."""
    body: dict[str, Any] = field_error(code)
    if fields:
        body["fields"] = fields
    body.update(extra)
    return body


def refusal_body(exc: ProtocolError) -> dict[str, Any]:
    return error_body(exc.code, exc.fields or None, **exc.extra)
