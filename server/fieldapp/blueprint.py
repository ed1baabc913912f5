"""URL table of the field app's files: pwa/dist at /app/.

Once its service worker is installed the phone answers /app/ screens itself; the server only
hands out the files. Before that (first visit, or a deep link opened in a fresh browser) every
screen URL gets the app shell, which installs the worker and then loads the screen from it.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_from_directory
from werkzeug.security import safe_join

blp = Blueprint("fieldapp", __name__, url_prefix="/app")

DEFAULT_DIST = Path(__file__).resolve().parents[2] / "pwa" / "dist"
YEAR = 365 * 24 * 3600
# Fetched again (revalidated) every time: what decides which version the phone runs.
ALWAYS_REVALIDATE = {"index.html", "sw.js", "manifest.webmanifest"}
NOT_BUILT = ("网格通应用尚未构建，请在服务器上运行 make pwa（或 make run）。\n"
             "The field app has not been built: run `make pwa` (or `make run`) on the server.\n")


def dist_dir() -> str:
    return str(current_app.config.get("PWA_DIST") or DEFAULT_DIST)


@blp.get("/", defaults={"path": ""})
@blp.get("/<path:path>")
def serve(path: str):
    dist = dist_dir()
    if not os.path.isfile(os.path.join(dist, "index.html")):
        return Response(NOT_BUILT, status=503, mimetype="text/plain", headers={"Retry-After": "60"})
    target = safe_join(dist, path) if path else None
    if target and os.path.isfile(target):
        return _file(dist, path)
    if path and "." in path.rsplit("/", 1)[-1]:
        abort(404)  # a missing asset, not a screen: never answer a script with HTML
    if request.headers.get("HX-Request") == "true":
        # A screen asked for by htmx but not answered by the service worker (not installed yet).
        return Response('<p class="notice">正在启用离线功能，请稍候刷新。Loading the offline app, please reload.</p>',
                        mimetype="text/html")
    return _file(dist, "index.html")


def _file(dist: str, path: str):
    name = path.rsplit("/", 1)[-1]
    if name in ALWAYS_REVALIDATE:
        reply = send_from_directory(dist, path, max_age=0)
        reply.headers["Cache-Control"] = "no-cache"
    else:
        # index.html and the manifest refer to files as <file>?v=<hash>, and the service worker
        # precaches them as <file>?__WB_REVISION__=<md5>: a new build means new URLs.
        reply = send_from_directory(dist, path, max_age=YEAR)
        if request.args:
            reply.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    if name == "sw.js":
        reply.headers["Service-Worker-Allowed"] = "/app/"
    if name.endswith(".webmanifest"):
        reply.mimetype = "application/manifest+json"
    return reply
