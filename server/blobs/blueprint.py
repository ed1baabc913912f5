"""URL table of photo upload and download."""

import re

from flask import g, request
from flask_smorest import Blueprint
from marshmallow import fields

from sync.errors import ProtocolError

from ..auth.guard import authenticate
from ..extensions import db
from ..apidoc import IMAGE_BODY, IMAGE_REPLY, SHA256_PATH, refusals
from ..wire import WireSchema
from . import storage
from .models import Blob
from .operations import may_read, store_blob

blp = Blueprint("blobs", __name__, url_prefix="/api/blobs", description="Photos, by sha256")
blp.before_request(authenticate)
SHA = re.compile(r"^[0-9a-f]{64}$")


class BlobOut(WireSchema):
    sha256 = fields.String()
    size = fields.Integer()
    content_type = fields.String()


def _checked(sha256: str) -> str:
    if not SHA.match(sha256):
        raise ProtocolError("invalid_blob_id", 400)
    return sha256


@blp.route("/<sha256>", methods=["PUT"], parameters=SHA256_PATH)
@blp.response(200, BlobOut)
@refusals(blp, 400, 401, 413, 415, 426)
@blp.doc(requestBody=IMAGE_BODY)
def upload(sha256):
    """Upload a photo's bytes as the request body; uploading it again is harmless.

    The server keeps a re-encoded copy (no metadata) under the uploaded bytes' hash; `size` and
    `content_type` describe that copy."""
    blob = store_blob(_checked(sha256), request.get_data(cache=False), g.user, g.device)
    db.session.commit()
    return {"sha256": blob.sha256, "size": blob.size, "content_type": blob.content_type}


@blp.route("/<sha256>", methods=["GET"], parameters=SHA256_PATH)
@refusals(blp, 400, 401, 404, 426)
@blp.doc(responses={"200": IMAGE_REPLY})
def download(sha256):
    """A photo, to its uploaders and to whoever may see a record its uploader put it on."""
    blob = db.session.get(Blob, _checked(sha256))
    if blob is None or not may_read(blob, g.user):
        raise ProtocolError("not_found", 404)
    db.session.commit()
    reply = storage.serve(blob, max_age=31536000)
    # Photos of homes and people: the phone may keep them, shared caches may not.
    reply.cache_control.public = False
    reply.cache_control.private = True
    return reply
