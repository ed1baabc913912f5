"""Accepting and serving photos."""

from __future__ import annotations

import hashlib
import logging

from flask import current_app

from sync.errors import ProtocolError

from ..extensions import db
from . import attachments, images, storage
from .models import Blob

log = logging.getLogger(__name__)


def store_blob(sha256: str, data: bytes, user, device) -> Blob:
    """Check, re-encode and keep a photo; its uploader owns it from now on.

    Every upload is checked and answered alike, whether the server had the blob or not, so an
    upload reveals nothing about other people's photos. Only the real bytes pass the hash check,
    and whoever has those holds the photo anyway.
    """
    if not data:
        raise ProtocolError("blob_empty", 400)
    limit = current_app.config["BLOB_MAX_BYTES"]
    if len(data) > limit:
        raise ProtocolError("blob_too_large", 413, extra={"max_bytes": limit})
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ProtocolError("blob_hash_mismatch", 400)
    blob = keep(sha256, data, user.id, device.id if device else None)
    log.info("blob %s (%s bytes) from device %s", sha256, len(data), device.id if device else None)
    return blob


def keep(sha256: str, data: bytes, user_id: str, device_id: str | None) -> Blob:
    """Store the re-encoded photo under the uploader's hash `sha256` (already checked)."""
    if storage.sniff(data) is None:
        raise ProtocolError("blob_type_not_allowed", 415)
    clean = images.reencode(data, current_app.config["BLOB_MAX_PIXELS"])
    blob = db.session.get(Blob, sha256)
    if blob is None:
        storage.write(sha256, clean)
        blob = Blob(sha256=sha256, size=len(clean), content_type=images.CONTENT_TYPE, uploaded_by=user_id,
                    device_id=device_id, content_sha256=hashlib.sha256(clean).hexdigest())
        db.session.add(blob)
    elif blob.content_sha256 is None:
        # Stored as uploaded, before the server re-encoded photos: the real bytes are here now.
        storage.write(sha256, clean, replace=True)
        blob.size, blob.content_type = len(clean), images.CONTENT_TYPE
        blob.content_sha256 = hashlib.sha256(clean).hexdigest()
    attachments.add_owner(db.session, sha256, user_id)
    return blob


def may_read(blob: Blob, user) -> bool:
    return attachments.may_read(db.session, blob.sha256, user)
