"""Photo bytes on disk, content-addressed, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app, send_file

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff(data: bytes) -> str | None:
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def blob_dir() -> Path:
    configured = current_app.config.get("BLOB_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "blobs"


def path_for(sha256: str) -> Path:
    return blob_dir() / sha256[:2] / sha256


def write(sha256: str, data: bytes, replace: bool = False) -> None:
    target = path_for(sha256)
    if target.exists() and not replace:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)


def serve(blob, **kwargs):
    """The stored bytes under their recorded type, never sniffed, shown in place only if an image."""
    reply = send_file(path_for(blob.sha256), mimetype=blob.content_type, **kwargs)
    reply.headers["X-Content-Type-Options"] = "nosniff"
    reply.headers["Content-Disposition"] = "inline" if blob.content_type.startswith("image/") else "attachment"
    return reply
