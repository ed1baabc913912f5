"""Security headers on every response, from one place, so no route (API, field app, console,
health check, error pages) is served without them."""

from __future__ import annotations

from flask import Flask, Response, request

# The field app and the console run under this: scripts and stylesheets only from files of ours
# (no inline <script>, no style attributes in markup: the console's charts draw their tooltips on
# the canvas for this reason), photos as data:/blob: URLs, nothing from other origins.
PAGE_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
    "connect-src 'self'", "worker-src 'self'", "manifest-src 'self'", "object-src 'none'",
    "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])
# Everything else (JSON, files, the plain home page) only needs refusing to be framed.
OTHER_POLICY = "frame-ancestors 'none'"
PAGE_PREFIXES = ("/app/", "/console/")
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(reply: Response) -> Response:
    headers = reply.headers
    headers["X-Content-Type-Options"] = "nosniff"
    # Full URLs (record ids, search words) never leave for another site; same-origin still sends
    # one, which Flask-WTF's CSRF check requires over HTTPS.
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    page = reply.mimetype == "text/html" and request.path.startswith(PAGE_PREFIXES)
    headers["Content-Security-Policy"] = PAGE_POLICY if page else OTHER_POLICY
    if request.path.startswith("/api/"):
        # Records, tokens and photos of people: never kept by a browser's cache or a proxy. The
        # phone keeps what it needs in its own store; photos are immutable, but an office PC's
        # disk cache is no place for them either.
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    return reply
