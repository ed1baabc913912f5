"""What the OpenAPI spec says beyond the schemas: the headers every call carries, the photo
routes' bytes, and the refusals each operation can answer, so a client (or a fuzzer) generated
from the spec sends what the server accepts and expects what it answers."""

from __future__ import annotations

from sync.versions import MAX_LENGTH, PATTERN

from .wire import ErrorOut

# Checked before any body is read (server/auth/guard.py); an old app hears 426, a malformed value 400.
VERSION_HEADERS = [
    {"in": "header", "name": "X-Wangge-Protocol", "required": True,
     "description": "The sync protocol version the app speaks (an integer).",
     "schema": {"type": "string", "pattern": "^[0-9]{1,6}$"}},
    {"in": "header", "name": "X-Wangge-App", "required": True,
     "description": "The app's version, MAJOR.MINOR.PATCH[-pre-release].",
     "schema": {"type": "string", "maxLength": MAX_LENGTH, "pattern": PATTERN}},
]

SHA256_PATH = [{"in": "path", "name": "sha256", "required": True, "description": "The photo's SHA-256, lower-case hex.",
                "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}]

_IMAGE = {"schema": {"type": "string", "format": "binary"}}
IMAGE_BODY = {"required": True, "content": {"image/jpeg": _IMAGE, "image/png": _IMAGE,
                                            "image/webp": _IMAGE}}
IMAGE_REPLY = {"description": "The photo's bytes", "content": {"image/jpeg": _IMAGE, "image/png": _IMAGE,
                                                                "image/webp": _IMAGE}}

REFUSALS = {
    400: "Malformed request: a header, the JSON or a value (`code` says which)",
    401: "No valid device token (or a revoked device: `wipe`)",
    403: "The user may not do this (disabled account)",
    404: "No such record, or not one this user may see",
    409: "The device belongs to another user",
    413: "Body or batch too large",
    415: "Not a photo type the server accepts",
    426: "The app or protocol is too old: update the app",
}


def refusals(blp, *codes: int):
    """Document the refusals an operation answers, in the protocol's error shape."""
    def decorate(view):
        for code in sorted(codes, reverse=True):
            view = blp.alt_response(code, schema=ErrorOut, description=REFUSALS[code], success=False)(view)
        return view

    return decorate


def no_token(blp):
    """An operation that needs no device token (signing in is how a device gets one)."""
    return blp.doc(security=[])
