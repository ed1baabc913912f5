"""Photos on the case pages: after-photos staff upload keep no location, and a photo is shown only
to staff of the community whose records show it."""

from __future__ import annotations

import hashlib
import io
import struct

from server.blobs.models import Blob
from server.cases.models import CaseStep
from server.console.cases.photos import strip_jpeg, strip_png, strip_webp
from server.extensions import db
from tests.console.cases_helpers import ok, refused, report, step
from tests.server.test_blobs import Fetched, jpeg, png


def segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def exif(orientation: int = 6) -> bytes:
    """An EXIF block with the orientation, a GPS pointer and a GPS IFD (north, a made-up latitude)."""
    entries = struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">HHII", 0x8825, 4, 1, 38)
    ifd0 = struct.pack(">H", 2) + entries + struct.pack(">I", 0)
    gps = struct.pack(">H", 1) + struct.pack(">HHI", 0x0001, 2, 2) + b"N\x00\x00\x00" + struct.pack(">I", 0)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + gps + b"GPS-SECRET-39.9042N"
    return segment(0xE1, b"Exif\x00\x00" + tiff)


def camera_jpeg() -> bytes:
    plain = jpeg()
    return plain[:2] + exif() + segment(0xFE, b"comment-secret") + segment(0xED, b"Photoshop 3.0\x00iptc") + plain[2:]


def test_jpeg_metadata_goes_but_the_orientation_stays():
    stripped = strip_jpeg(camera_jpeg())
    assert b"GPS-SECRET" not in stripped and b"comment-secret" not in stripped and b"iptc" not in stripped
    assert b"Exif\x00\x00" in stripped
    assert struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) in stripped
    # The picture itself is untouched: everything from the first non-metadata segment on.
    assert stripped.endswith(jpeg()[2:])
    # Upright photos need no EXIF at all.
    plain = jpeg()
    assert strip_jpeg(plain[:2] + exif(1) + plain[2:]) == plain


def test_png_and_webp_text_and_exif_chunks_go():
    noted = png(2, 2, note=b"GPS 39.9 116.4")
    assert b"GPS 39.9" not in strip_png(noted)
    assert strip_png(noted) == png(2, 2)
    body = (b"VP8X" + struct.pack("<I", 10) + bytes([0x0C]) + b"\x00" * 9
            + b"VP8L" + struct.pack("<I", 5) + b"abcde\x00"
            + b"EXIF" + struct.pack("<I", 4) + b"GPS!" + b"XMP " + struct.pack("<I", 3) + b"xmp\x00")
    webp = b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body
    cleaned = strip_webp(webp)
    assert b"GPS!" not in cleaned and b"xmp" not in cleaned and b"abcde" in cleaned
    assert cleaned[20] == 0  # the VP8X flags no longer announce EXIF or XMP
    assert struct.unpack("<I", cleaned[4:8])[0] == len(cleaned) - 8


def resolved_case(world, staff, device_factory) -> str:
    fid = report(device_factory("worker"), world.grids[0])
    for a, b in (("reported", "accepted"), ("accepted", "in_progress")):
        ok(step(staff, fid, a, b), fid)
    return fid


def test_after_photos_uploaded_with_the_result_are_stripped_and_shown_to_staff(world, staff_client, device_factory):
    staff = staff_client("staff")
    fid = resolved_case(world, staff, device_factory)
    reply = staff.post(f"/console/cases/{fid}/steps", {
        "from_status": "in_progress", "to_status": "resolved",
        "photo": [(io.BytesIO(camera_jpeg()), "after.jpg"), (io.BytesIO(png(3, 3)), "after.png")],
    }, htmx=True)
    ok(reply, fid)
    [result] = db.session.scalars(db.select(CaseStep).where(CaseStep.to_status == "resolved")).all()
    assert len(result.photos) == 2 and result.opinion is None  # photos alone are a result
    blob = db.session.get(Blob, result.photos[0])
    assert (blob.content_type, blob.device_id, blob.uploaded_by) == ("image/jpeg", None, world.users["staff"].id)
    served = Fetched(staff.get(f"/console/photos/{result.photos[0]}"))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert b"GPS-SECRET" not in served.data and hashlib.sha256(served.data).hexdigest() == result.photos[0]
    page = staff.get(f"/console/cases/{fid}").text
    assert f"/console/photos/{result.photos[0]}" in page

    far = staff_client("far_staff")
    assert far.get(f"/console/photos/{result.photos[0]}").status_code == 404
    assert staff.get("/console/photos/" + "0" * 64).status_code == 404
    assert staff.get("/console/photos/not-a-hash").status_code == 404


def test_a_photo_the_phone_took_is_shown_on_the_case_page(world, staff_client, device_factory):
    worker = device_factory("worker")
    picture = png(4, 4)
    sha = worker.attach(picture)
    fid = report(worker, world.grids[0], photos=[sha])
    assert worker.upload_blobs() == 1
    staff = staff_client("staff")
    assert f"/console/photos/{sha}" in staff.get(f"/console/cases/{fid}").text
    assert Fetched(staff.get(f"/console/photos/{sha}")).data == picture
    assert staff_client("far_staff").get(f"/console/photos/{sha}").status_code == 404


def test_an_upload_that_is_not_a_photo_is_refused(world, staff_client, device_factory):
    staff = staff_client("staff")
    fid = resolved_case(world, staff, device_factory)
    reply = staff.post(f"/console/cases/{fid}/steps", {
        "from_status": "in_progress", "to_status": "resolved", "opinion": "已修复",
        "photo": [(io.BytesIO(b"%PDF-1.4 not a photo"), "report.pdf")]}, htmx=True)
    assert refused(reply) == (415, "blob_type_not_allowed")
    reply = staff.post(f"/console/cases/{fid}/steps", {
        "from_status": "in_progress", "to_status": "resolved", "opinion": "已修复",
        "photo": [(io.BytesIO(b"\xff\xd8\xff\xe1\x00"), "broken.jpg")]}, htmx=True)
    assert refused(reply) == (415, "blob_type_not_allowed")
    assert db.session.scalar(db.select(db.func.count()).select_from(Blob)) == 0
