"""The push and pull transactions, each committed once at the request's end."""

from __future__ import annotations

import logging

from flask import current_app

from .. import audit
from ..core.roles import STAFF_ROLES
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


def run_pull(user, device, cursor: str | None, limit: int, ip: str | None = None) -> dict:
    device.last_pull_at = utcnow()
    db.session.commit()  # ends the sign-in check's transaction, so the pull starts a fresh one
    if is_postgres(db.session):
        # One snapshot for the page, the horizon and the checksum, so they agree with each other.
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    page = pull(db.session, user, cursor, limit)
    db.session.rollback()  # read-only
    numbers = page.pop("_numbers")
    if user.role in STAFF_ROLES and page["records"]:
        _audit_pull(user, device, page, numbers, ip)
    return page


def _audit_pull(user, device, page: dict, numbers: int, ip: str | None) -> None:
    """Staff pulls are bulk reads of a whole community or street: one entry per page that carried
    records (a first sync of a community is a handful of pages; a device polling with nothing new
    writes nothing), saying how many records and personal numbers it took away."""
    records = [r for r in page["records"] if not r["deleted"]]
    by_entity: dict[str, int] = {}
    for r in records:
        by_entity[r["entity"]] = by_entity.get(r["entity"], 0) + 1
    audit.write("api_pull", user.id, ip=ip, detail={
        "device_id": device.id, "records": len(records), "deleted": len(page["records"]) - len(records),
        "personal_numbers": numbers, "by_entity": by_entity, "has_more": page["has_more"],
    })
    db.session.commit()
