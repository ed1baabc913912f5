"""Photos in the console: showing those of records in scope, and taking after-photos from staff.

The sync API's /api/blobs needs a device token, which a staff member's browser does not have;
here a photo is served to a signed-in staff member only if a finding, case step or visit of the
community they are looking at legitimately shows it (server/blobs/attachments.py: listing a hash
is not enough, its uploader must have put it there); anything else answers 404, as a record out
of scope does.

Uploads from an office PC go through the same decoding and re-encoding as a phone's
(server/blobs/images.py): no location or other metadata is kept.
"""

from __future__ import annotations

import hashlib
import re

from flask import abort, current_app, g

from ...blobs import attachments, storage
from ...blobs.models import Blob
from ...blobs.operations import keep
from ...core.messages import field_error
from ...extensions import db
from ..blueprint import bp
from ..errors import refuse

SHA = re.compile(r"^[0-9a-f]{64}$")
MAX_PHOTOS = 9


def in_scope(sha256: str) -> bool:
    grids = set(g.scope.grid_ids)
    return any(row.grid_id in grids for _, row in attachments.showing(db.session, sha256))


@bp.get("/photos/<sha256>")
def photo(sha256: str):
    if not SHA.match(sha256):
        abort(404)
    blob = db.session.get(Blob, sha256)
    if blob is None or not in_scope(sha256):
        abort(404)
    return storage.serve(blob)


def store_uploads(files) -> list[str]:
    """The after-photos of a form (an empty file input sends nothing), stored; their sha256s."""
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > MAX_PHOTOS:
        refuse("validation_failed", 422, {"photos": field_error("too_long")})
    return [store_upload(f.read(current_app.config["BLOB_MAX_BYTES"] + 1)) for f in chosen]


def store_upload(data: bytes) -> str:
    """Named, like a phone's, by the hash of the file as it came; kept re-encoded."""
    limit = current_app.config["BLOB_MAX_BYTES"]
    if not data:
        refuse("blob_empty", 400)
    if len(data) > limit:
        refuse("blob_too_large", 413, max_bytes=limit)
    sha256 = hashlib.sha256(data).hexdigest()
    keep(sha256, data, g.staff.id, None)
    return sha256
