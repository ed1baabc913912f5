"""The browser libraries from npm (htmx, ECharts) in the one folder the build fills, pwa/vendor/.

The field app's build takes its htmx from there into its precache; the console serves them at
/console/vendor/ from there, so the console does not depend on the field app's build output.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import abort, current_app, send_from_directory

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "pwa" / "vendor"


def vendor_dir() -> str:
    return str(current_app.config.get("VENDOR_DIR") or DEFAULT_DIR)


def send_vendored(name: str, max_age: int = 3600):
    folder = vendor_dir()
    if not os.path.isfile(os.path.join(folder, name)):
        abort(404)
    return send_from_directory(folder, name, max_age=max_age)
