"""The first run: a one-time setup code that lets the first street admin in on an empty database.

`wangge init-db` on a database without users makes a code and prints it; only its hash is kept,
in the instance folder (a file every app process of this installation reads). The first-run page
takes the code, creates the street and its admin, and the code is gone. Once any user exists the
page is closed whatever the file says.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from sqlalchemy import func, select

from ..extensions import db
from .models import User

# No 0/O, 1/I/L: the code is read off a terminal and typed into a browser.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_LENGTH = 3, 4
FILENAME = "first-run-code.sha256"
THROTTLE_NAME = "#first-run"  # the sign-in throttle's bucket for wrong codes


def _path(instance_path: str) -> Path:
    return Path(instance_path) / FILENAME


def _digest(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def has_users() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(User)))


def is_open(instance_path: str) -> bool:
    return not has_users() and _path(instance_path).is_file()


def issue(instance_path: str) -> str:
    """A new code (any earlier one stops working); the caller shows it once."""
    groups = ["".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)]
    code = "-".join(groups)
    path = _path(instance_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(_digest(code))
    return code


def matches(instance_path: str, code: str) -> bool:
    try:
        kept = _path(instance_path).read_text().strip()
    except OSError:
        return False
    return hmac.compare_digest(kept, _digest(code))


def claim(instance_path: str) -> bool:
    """Use the code up; False if another request already did (two people on the page at once).
    If what follows fails, `wangge init-db` issues a new one."""
    try:
        _path(instance_path).unlink()
    except FileNotFoundError:
        return False
    return True
