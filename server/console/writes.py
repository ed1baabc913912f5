"""Staff edits as changes: validated, merged, logged and synced exactly like a phone's.

A console write goes through the same push pipeline as a device (entity rules, scope, the
per-field merge against the clocks the staff member's form was loaded with), so an edit made
on a stale page becomes a recorded conflict instead of silently overwriting a worker's value.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context, request

from sync.ids import uuid7

from ..extensions import db
from ..syncapi.direct import DirectWriter
from ..syncapi.push import ChangeContext, apply_one
from .errors import ConsoleError


def screen() -> str | None:
    """The console feature whose page is writing ("console:records" for server/console/records/…),
    so a record's history names the screen; None outside a request (a background job names itself)."""
    if not has_request_context() or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    parts = (getattr(view, "__module__", "") or "").split(".")
    if len(parts) >= 3 and parts[-3] == "console":
        return f"console:{parts[-2]}"
    return "console"


def staff_writer() -> DirectWriter:
    """The server's own writer on behalf of the signed-in staff member (setup pages: whole records,
    door grids, dictionaries), naming the writing page's feature in each record's history."""
    return DirectWriter(db.session, current_app.extensions["wangge_clock"], user=g.staff, via=screen())


def context(via: str | None = None) -> ChangeContext:
    return ChangeContext(db.session, g.staff, None, current_app.extensions["wangge_clock"],
                         current_app.config["CLOCK_TOLERANCE_MS"], via=via or screen())


def write(entity: str, record_id: str, fields: dict[str, Any], base: dict[str, str] | None = None,
          op: str = "upsert", via: str | None = None) -> dict[str, Any]:
    """Apply one staff change; raise ConsoleError with the pipeline's code if it is refused.

    `fields` are wire values (strings for dates), as a phone would send them. The caller commits.
    `via` names the screen or job that writes; by default the console feature of the request.
    """
    ctx = context(via)
    change = {"id": uuid7(), "entity": entity, "record_id": record_id, "op": op,
              "hlc": str(ctx.clock.tick()), "fields": fields, "base": base or {}}
    result = apply_one(ctx, change)
    if result["status"] != "accepted":
        status = {"out_of_scope": 404, "forbidden": 403, "stale_transition": 409,
                  "illegal_transition": 409}.get(result["code"], 422)
        extra = {k: v for k, v in result.items() if k not in ("id", "status", "code", "message", "message_en", "fields")}
        raise ConsoleError(result["code"], status, result.get("fields") or {}, extra)
    return result
