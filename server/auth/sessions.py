"""Console sessions kept on the server: the signed cookie only names one, so signing out, a
password reset or the end of its lifetime refuses the cookie even when someone kept a copy."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from ..core.time import utcnow
from ..extensions import db
from .models import ConsoleSession

# Writing last_seen_at on every page would make each read a write; a minute is precise enough.
TOUCH_EVERY = timedelta(minutes=1)


def _key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start(user_id: str) -> str:
    """A new session for the user; returns the secret the cookie carries (the caller commits)."""
    secret = secrets.token_urlsafe(32)
    db.session.add(ConsoleSession(id=_key(secret), user_id=user_id))
    return secret


def current(secret: str | None, lifetime: timedelta) -> ConsoleSession | None:
    """The open session the cookie's secret names, or None (unknown, ended, or too old)."""
    if not secret or not isinstance(secret, str):
        return None
    row = db.session.get(ConsoleSession, _key(secret))
    now = utcnow()
    if row is None or row.ended_at is not None or row.created_at < now - lifetime:
        return None
    if row.last_seen_at < now - TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row


def end(secret: str | None, reason: str) -> None:
    row = db.session.get(ConsoleSession, _key(secret)) if isinstance(secret, str) and secret else None
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        row.end_reason = reason
