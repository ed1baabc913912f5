"""Accepting and serving photos."""

from __future__ import annotations

import hashlib
import logging

from flask import current_app
from sqlalchemy import String, cast, select

from sync.errors import ProtocolError

from ..areas.tree import Areas
from ..cases.models import CaseStep, Finding
from ..core.scope import Place, may_see
from ..extensions import db
from ..fieldwork.models import Visit
from . import storage
from .models import Blob

log = logging.getLogger(__name__)


def store_blob(sha256: str, data: bytes, user, device) -> tuple[Blob, bool]:
    """Idempotent: the same bytes uploaded again answer with the stored blob."""
    existing = db.session.get(Blob, sha256)
    if existing is not None:
        return existing, False
    if not data:
        raise ProtocolError("blob_empty", 400)
    if len(data) > current_app.config["BLOB_MAX_BYTES"]:
        raise ProtocolError("blob_too_large", 413, extra={"max_bytes": current_app.config["BLOB_MAX_BYTES"]})
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ProtocolError("blob_hash_mismatch", 400)
    kind = storage.sniff(data)
    if kind is None:
        raise ProtocolError("blob_type_not_allowed", 415)
    storage.write(sha256, data)
    blob = Blob(sha256=sha256, size=len(data), content_type=kind, uploaded_by=user.id, device_id=device.id)
    db.session.add(blob)
    log.info("stored blob %s (%s bytes) from device %s", sha256, len(data), device.id)
    return blob, True


def may_read(blob: Blob, user) -> bool:
    if blob.uploaded_by == user.id:
        return True
    areas = Areas()
    for model in (Visit, Finding, CaseStep):
        rows = db.session.scalars(select(model).where(cast(model.photos, String).contains(blob.sha256)))
        for row in rows:
            place = areas.place_of_grid(row.grid_id) or Place(row.grid_id)
            reporter = getattr(row, "reporter_id", None)
            entity = {Visit: "visit", Finding: "finding", CaseStep: "case_step"}[model]
            if may_see(user, Place(place.grid_id, place.community_id, place.street_id, reporter), entity):
                return True
    return False
