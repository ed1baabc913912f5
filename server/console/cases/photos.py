"""Photos in the console: showing those of records in scope, and taking after-photos from staff.

The sync API's /api/blobs needs a device token, which a staff member's browser does not have;
here a photo is served to a signed-in staff member only if a finding, case step or visit of the
community they are looking at shows it (anything else answers 404, as a record out of scope does).

Uploads from an office PC keep no location: JPEG APP1/APP13 segments (EXIF, XMP, IPTC) are
dropped except the orientation, PNG text and eXIf chunks and WebP EXIF/XMP chunks likewise.
"""

from __future__ import annotations

import hashlib
import re
import struct

from flask import abort, current_app, g, send_file
from sqlalchemy import String, cast, exists, or_, select

from ...blobs import storage
from ...blobs.models import Blob
from ...cases.models import CaseStep, Finding
from ...core.messages import field_error
from ...extensions import db
from ...fieldwork.models import Visit
from ..blueprint import bp
from ..errors import refuse

SHA = re.compile(r"^[0-9a-f]{64}$")
MAX_PHOTOS = 9


def in_scope(sha256: str) -> bool:
    grids = g.scope.grid_ids
    shown = [exists().where(model.grid_id.in_(grids), model.deleted.is_(False),
                            cast(model.photos, String).contains(sha256))
             for model in (Finding, CaseStep, Visit)]
    return bool(grids) and bool(db.session.scalar(select(or_(*shown))))


@bp.get("/photos/<sha256>")
def photo(sha256: str):
    if not SHA.match(sha256):
        abort(404)
    blob = db.session.get(Blob, sha256)
    if blob is None or not in_scope(sha256):
        abort(404)
    return send_file(storage.path_for(blob.sha256), mimetype=blob.content_type)


def store_uploads(files) -> list[str]:
    """The after-photos of a form (an empty file input sends nothing), stored; their sha256s."""
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > MAX_PHOTOS:
        refuse("validation_failed", 422, {"photos": field_error("too_long")})
    return [store_upload(f.read(current_app.config["BLOB_MAX_BYTES"] + 1)) for f in chosen]


def store_upload(data: bytes) -> str:
    limit = current_app.config["BLOB_MAX_BYTES"]
    if not data:
        refuse("blob_empty", 400)
    if len(data) > limit:
        refuse("blob_too_large", 413, max_bytes=limit)
    kind = storage.sniff(data)
    if kind is None:
        refuse("blob_type_not_allowed", 415)
    try:
        data = STRIPPERS[kind](data)
    except (IndexError, struct.error, ValueError):
        refuse("blob_type_not_allowed", 415)  # claims to be an image but its structure is broken
    sha256 = hashlib.sha256(data).hexdigest()
    if db.session.get(Blob, sha256) is None:
        storage.write(sha256, data)
        db.session.add(Blob(sha256=sha256, size=len(data), content_type=kind, uploaded_by=g.staff.id,
                            device_id=None))
    return sha256


# --- metadata stripping -------------------------------------------------------------------------

def strip_jpeg(data: bytes) -> bytes:
    out, pos, orientation = [data[:2]], 2, None
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError("not a marker")
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the image data runs to the end
            out.append(data[pos:])
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[pos:pos + 2])
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segment = data[pos:pos + 2 + length]
        if marker == 0xE1 and segment[4:10] == b"Exif\0\0":
            orientation = orientation or _exif_orientation(segment[10:])
        elif marker not in (0xE1, 0xED, 0xFE):  # EXIF/XMP, IPTC and comments go
            out.append(segment)
        pos += 2 + length
    if orientation and orientation != 1:
        out.insert(1, _orientation_segment(orientation))
    return b"".join(out)


def _exif_orientation(tiff: bytes) -> int | None:
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return None
    ifd = struct.unpack(order + "I", tiff[4:8])[0]
    count = struct.unpack(order + "H", tiff[ifd:ifd + 2])[0]
    for i in range(count):
        entry = tiff[ifd + 2 + 12 * i: ifd + 14 + 12 * i]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag == 0x0112 and kind == 3:
            value = struct.unpack(order + "H", entry[8:10])[0]
            return value if 1 <= value <= 8 else None
    return None


def _orientation_segment(orientation: int) -> bytes:
    """A minimal EXIF block holding nothing but the orientation, so the photo stays upright."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) + \
        struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    body = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def strip_png(data: bytes) -> bytes:
    out, pos = [data[:8]], 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        chunk = data[pos:pos + 12 + length]
        if len(chunk) < 12 + length:
            raise ValueError("truncated chunk")
        if kind not in (b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"):
            out.append(chunk)
        pos += 12 + length
        if kind == b"IEND":
            break
    return b"".join(out)


def strip_webp(data: bytes) -> bytes:
    chunks, pos = [], 12
    while pos + 8 <= len(data):
        kind = data[pos:pos + 4]
        length = struct.unpack("<I", data[pos + 4:pos + 8])[0]
        chunk = data[pos:pos + 8 + length + (length & 1)]
        if kind == b"VP8X":
            flags = chunk[8] & ~0x0C  # no EXIF, no XMP
            chunk = chunk[:8] + bytes([flags]) + chunk[9:]
        if kind not in (b"EXIF", b"XMP "):
            chunks.append(chunk)
        pos += 8 + length + (length & 1)
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


STRIPPERS = {"image/jpeg": strip_jpeg, "image/png": strip_png, "image/webp": strip_webp}
