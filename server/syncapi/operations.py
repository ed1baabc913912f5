"""The push and pull transactions, each committed once at the request's end."""

from __future__ import annotations

import logging

from flask import current_app

from ..core.time import utcnow
from ..extensions import db
from .pull import pull
from .push import ChangeContext, push
from .stamp import is_postgres

log = logging.getLogger(__name__)


def run_push(user, device, changes: list) -> list[dict]:
    ctx = ChangeContext(db.session, user, device.id, current_app.extensions["wangge_clock"],
                        current_app.config["CLOCK_TOLERANCE_MS"])
    results = push(ctx, changes)
    device.last_push_at = utcnow()
    db.session.commit()
    accepted = sum(1 for r in results if r["status"] == "accepted")
    log.info("push from device %s: %s accepted, %s rejected", device.id, accepted, len(results) - accepted)
    return results


def run_pull(user, device, cursor: str | None, limit: int) -> dict:
    device.last_pull_at = utcnow()
    db.session.commit()  # ends the sign-in check's transaction, so the pull starts a fresh one
    if is_postgres(db.session):
        # One snapshot for the page, the horizon and the checksum, so they agree with each other.
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    page = pull(db.session, user, cursor, limit)
    db.session.rollback()  # read-only
    return page
