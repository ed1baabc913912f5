"""Photos are decoded and re-encoded on the server: what is served carries no location or other
metadata, is upright, is exactly one JPEG image, and was never more pixels than the limit."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from tests.server.test_blobs import assert_error, blob_count, fetch, jpeg, png, put, sha, sign_in

Image = pytest.importorskip("PIL.Image")
GPS_IFD = 0x8825


def camera_photo(orientation: int = 1, size=(40, 20)) -> bytes:
    """A JPEG as a phone camera writes it: EXIF with GPS coordinates, the maker, and an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "SECRET-MAKER"  # Make
    exif[0x0112] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 54.0, 15.12), 3: "E", 4: (116.0, 23.0, 29.0)})
    picture = Image.new("RGB", size, (200, 30, 30))
    picture.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))  # left half blue: shows the rotation
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, comment=b"SECRET-COMMENT", quality=90)
    return out.getvalue()


def served(app, data: bytes):
    headers = sign_in(app, "worker")
    reply = put(app, headers, sha(data), data)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    got = fetch(app, headers, sha(data))
    assert got.status_code == 200
    return got


def test_gps_and_every_other_metadata_are_gone_from_the_served_photo(app, world):
    photo = camera_photo()
    with Image.open(io.BytesIO(photo)) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the upload does carry a location
    got = served(app, photo)
    assert got.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(got.data)) as image:
        assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
        assert image.size == (40, 20)
    for secret in (b"Exif\x00\x00", b"SECRET-MAKER", b"SECRET-COMMENT", b"GPS"):
        assert secret not in got.data


def test_the_camera_orientation_is_applied_before_it_is_dropped(app, world):
    got = served(app, camera_photo(orientation=6))  # rotate 90° clockwise to view
    with Image.open(io.BytesIO(got.data)) as image:
        assert image.size == (20, 40) and not image.getexif()
        top = image.convert("RGB").getpixel((10, 2))
        assert top[2] > top[0]  # the blue left edge is now at the top


def test_png_text_chunks_are_gone_and_transparency_becomes_white(app, world):
    got = served(app, png(4, 4, note=b"GPS 39.9042N 116.4074E"))
    assert b"39.9042" not in got.data
    with Image.open(io.BytesIO(got.data)) as image:
        assert image.format == "JPEG" and image.size == (4, 4)


def test_html_after_a_jpeg_is_not_served(app, world):
    polyglot = jpeg() + b"<html><body><script>alert(document.cookie)</script></body></html>"
    got = served(app, polyglot)
    assert b"<script" not in got.data and b"<html" not in got.data
    reply = app.test_client().get(f"/api/blobs/{sha(polyglot)}", headers=sign_in(app, "worker"))
    with reply:
        assert reply.headers["Content-Type"] == "image/jpeg"
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        assert reply.headers["Content-Disposition"] == "inline"


@pytest.mark.parametrize("data", [
    b"\xff\xd8\xff<html><script>alert(1)</script></html>",  # a JPEG signature and then a web page
    jpeg()[:-20],  # cut short
    png(8, 8)[:-30],  # cut short inside its pixels
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a signature and nothing valid
    b"RIFF\x10\x00\x00\x00WEBPVP8 \x04\x00\x00\x00junk",
])
def test_a_file_that_does_not_decode_is_refused(app, world, data):
    assert_error(put(app, sign_in(app, "worker"), sha(data), data), 415, "blob_not_an_image")
    assert blob_count() == 0


def bomb(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels; the data that follows is a few bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = zlib.compressobj(9)
    data = rows.compress(b"\x00" * (width + 1) * 64) + rows.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


@pytest.mark.parametrize("side", [10_000, 60_000])  # 100 megapixels (under Pillow's own limit), 3.6 gigapixels
def test_a_decompression_bomb_is_refused_before_it_is_decoded(app, world, side):
    data = bomb(side, side)
    assert len(data) < 100_000
    reply = put(app, sign_in(app, "worker"), sha(data), data)
    assert_error(reply, 413, "blob_too_many_pixels")
    assert reply.get_json()["max_pixels"] == app.config["BLOB_MAX_PIXELS"]
    assert blob_count() == 0


def test_the_pixel_limit_is_the_configured_one(app, world):
    app.config["BLOB_MAX_PIXELS"] = 100
    headers = sign_in(app, "worker")
    assert_error(put(app, headers, sha(png(11, 10)), png(11, 10)), 413, "blob_too_many_pixels")
    assert put(app, headers, sha(png(10, 10)), png(10, 10)).status_code == 200
