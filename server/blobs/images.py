"""Photos decoded and re-encoded on the server, whatever the client did.

What is stored is a fresh JPEG drawn from the decoded pixels: no EXIF (so no GPS), XMP, IPTC,
comments or ICC profile survive, the camera's orientation is applied to the pixels first so the
photo stays upright, and anything riding along in the file (HTML after a JPEG's end, a second
image) is gone. A file that does not decode completely is refused.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from sync.errors import ProtocolError

FORMATS = ("JPEG", "PNG", "WEBP")
QUALITY = 85
CONTENT_TYPE = "image/jpeg"


def reencode(data: bytes, max_pixels: int) -> bytes:
    """A clean JPEG of the photo in `data`; ProtocolError if it is not a whole image or too big."""
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its own limit refuses) on huge images; ours is checked
            # below from the header, before any pixel is decompressed.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ProtocolError("blob_too_many_pixels", 413, extra={"max_pixels": max_pixels})
                image.load()
                return _jpeg(ImageOps.exif_transpose(image))
    except ProtocolError:
        raise
    except Image.DecompressionBombError as exc:  # past Pillow's own limit, refused by Image.open
        raise ProtocolError("blob_too_many_pixels", 413, extra={"max_pixels": max_pixels}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            EOFError, IndexError, TypeError) as exc:
        # Truncated, corrupt or disguised: Pillow's decoders report it with any of these.
        raise ProtocolError("blob_not_an_image", 415) from exc


def _jpeg(image: Image.Image) -> bytes:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # JPEG has no transparency: lay the photo on white rather than on black.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    else:
        image = image.copy()
    # Pillow carries some of the source's info over on save (a JPEG comment, for one): start empty.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
