"""Gzip for the sync API's answers: a grid's first pull is megabytes of JSON that compresses about
tenfold, over 3G in a stairwell.

Only `/api/` JSON, and only when the client says it takes gzip. Those answers are read with a device
token, never with the console's cookies, so another site cannot have a victim's browser fetch them
with text of its choosing and learn a secret from the compressed size (BREACH); the console's
pages, which mix cookies, CSRF tokens and reflected text, stay uncompressed. Files the app serves
straight from disk pass through untouched.
"""

from __future__ import annotations

import gzip

from flask import Flask, request

MIN_BYTES = 1024
# Level 5: most of the size of level 9 for about a third of its CPU on JSON like a pull page.
LEVEL = 5


def accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def compress(response):
    if not request.path.startswith("/api/") or response.direct_passthrough or response.is_streamed:
        return response
    if response.mimetype != "application/json" or "Content-Encoding" in response.headers:
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip(request.headers.get("Accept-Encoding", "")):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    # Chinese as UTF-8 (3 bytes a character), not \\u escapes (6).
    app.json.ensure_ascii = False
    app.after_request(compress)
