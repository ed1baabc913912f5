"""Checks every API request passes before its body is read: the device token (sync and blobs), then
the protocol and app versions."""

from __future__ import annotations

from flask import current_app, g, request

from sync import PROTOCOL_VERSION
from sync.errors import ProtocolError, field_error
from sync.versions import version_key

from ..core.time import utcnow
from ..extensions import db
from .models import User
from .operations import device_for_token

PROTOCOL_HEADER = "X-Wangge-Protocol"
APP_HEADER = "X-Wangge-App"


def check_versions() -> None:
    raw = request.headers.get(PROTOCOL_HEADER)
    if raw is None:
        raise ProtocolError("protocol_missing", 400)
    minimum_app = current_app.config["MIN_APP_VERSION"]
    update = {"min_protocol": current_app.config["MIN_PROTOCOL_VERSION"], "min_app_version": minimum_app,
              "protocol": PROTOCOL_VERSION}
    # isascii: "²" is a digit to str.isdigit() but not to int().
    if not (raw.isascii() and raw.isdigit()) or int(raw) > PROTOCOL_VERSION:
        raise ProtocolError("invalid_request", 400, fields={PROTOCOL_HEADER: raw}, extra=update)
    app_version = request.headers.get(APP_HEADER)
    if app_version is None or int(raw) < current_app.config["MIN_PROTOCOL_VERSION"]:
        # An app too old to send its version at all.
        raise ProtocolError("update_required", 426, extra=update)
    minimum = version_key(minimum_app)  # a malformed setting fails here, as the server's error
    try:
        too_old = version_key(app_version) < minimum
    except ValueError:
        # A client bug, not an old app: name the header, since updating the app would not help.
        raise ProtocolError("invalid_request", 400, fields={APP_HEADER: field_error("app_version_format")},
                            extra=update) from None
    if too_old:
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
