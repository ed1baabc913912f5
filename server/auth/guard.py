"""Checks every API request passes first: protocol and app version, then the device token."""

from __future__ import annotations

import re

from flask import current_app, g, request

from sync import PROTOCOL_VERSION
from sync.errors import ProtocolError

from ..core.time import utcnow
from ..extensions import db
from .models import User
from .operations import device_for_token

PROTOCOL_HEADER = "X-Wangge-Protocol"
APP_HEADER = "X-Wangge-App"


def _version(text: str | None) -> tuple[int, ...]:
    # "0.2" is 0.2.0 and "0.2.0-beta" is 0.2.0: only the numbers decide.
    parts = []
    for piece in (text or "").split(".")[:3]:
        digits = re.match(r"[0-9]+", piece)
        if digits is None:
            break
        parts.append(int(digits.group()))
    return tuple(parts + [0] * (3 - len(parts))) if parts else ()


def check_versions() -> None:
    raw = request.headers.get(PROTOCOL_HEADER)
    if raw is None:
        raise ProtocolError("protocol_missing", 400)
    minimum_app = current_app.config["MIN_APP_VERSION"]
    update = {"min_protocol": current_app.config["MIN_PROTOCOL_VERSION"], "min_app_version": minimum_app,
              "protocol": PROTOCOL_VERSION}
    if not raw.isdigit() or int(raw) > PROTOCOL_VERSION:
        raise ProtocolError("invalid_request", 400, fields={PROTOCOL_HEADER: raw}, extra=update)
    app_version = request.headers.get(APP_HEADER)
    if int(raw) < current_app.config["MIN_PROTOCOL_VERSION"] or _version(app_version) < _version(minimum_app):
        raise ProtocolError("update_required", 426, extra=update)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def authenticate() -> None:
    """Run before the body is parsed: a stranger hears 401, not a schema error, and a revoked
    phone hears "wipe" even when its app is too old to sync."""
    device = device_for_token(bearer_token())
    check_versions()
    g.device = device
    g.user = db.session.get(User, device.user_id)
    device.last_seen_at = utcnow()
    device.app_version = request.headers.get(APP_HEADER)
