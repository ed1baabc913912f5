"""Applying pushed changes: each one exactly once, each with its own result."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from sync import hlc, merge
from sync.errors import ProtocolError

from ..areas.tree import Areas
from ..blobs import attachments
from ..core.messages import error_body, field_error
from ..core.scope import may_write
from ..core.time import china_today
from ..wire import field_errors
from .direct import DirectWriter
from .entities import ENTITIES, Entity
from .models import Change, Conflict
from .projection import guard_push
from .schemas import ChangeIn
from .stamp import stamp

log = logging.getLogger(__name__)


@dataclass
class ChangeContext:
    """Everything one push needs: who is writing, from where, and the server's clock."""

    session: Any
    user: Any
    device_id: str | None
    clock: hlc.Clock
    tolerance_ms: int
    # The console screen that wrote on a staff member's behalf ("console:records"), kept in the
    # change's result for the record's history; None for a device's push.
    via: str | None = None
    areas: Areas = field(init=False)
    today: date = field(init=False)

    def __post_init__(self) -> None:
        self.areas = Areas(self.session)
        self.today = china_today()

    def server_write(self, entity_name: str, row, values: dict[str, Any]) -> None:
        """A write the server makes itself within this change (a case advancing): clocked, logged
        and synced, on behalf of the change's author."""
        self._writer().update(entity_name, row, values)

    def server_put(self, entity_name: str, row) -> None:
        """A record the server adds itself within this change (the 回头看 step after a low rating)."""
        self._writer().put(entity_name, row)

    def _writer(self) -> DirectWriter:
        return DirectWriter(self.session, self.clock, self.user, self.areas, via=self.via)


class Rejected(Exception):
    def __init__(self, code: str, fields: dict[str, Any] | None = None, **extra: Any) -> None:
        super().__init__(code)
        self.code, self.fields, self.extra = code, fields or {}, extra


def push(ctx: ChangeContext, raw_changes: list[Any]) -> list[dict[str, Any]]:
    results = []
    for raw in raw_changes:
        results.append(apply_one(ctx, raw))
    return results


def apply_one(ctx: ChangeContext, raw: Any) -> dict[str, Any]:
    try:
        change = ChangeIn().load(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        change_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        return {"id": change_id, "status": "rejected", **error_body("invalid_request", field_errors(exc.messages))}

    stored = ctx.session.get(Change, change["id"])
    if stored is not None:
        if stored.user_id != ctx.user.id:
            # Another user's change id: say nothing of what it was.
            return {"id": change["id"], "status": "rejected", **error_body("invalid_request", {"id": field_error("invalid_value")})}
        return _replay(stored)

    savepoint = ctx.session.begin_nested()
    try:
        result = _apply(ctx, change)
        if ctx.via:
            result["via"] = ctx.via
        ctx.session.add(Change(
            id=change["id"], device_id=ctx.device_id, user_id=ctx.user.id, entity=change["entity"],
            record_id=change["record_id"], op=change["op"], hlc=result["hlc"], fields=change["fields"],
            base=change["base"], status="accepted", result=result, grid_id=result.pop("_grid", None),
        ))
        ctx.session.flush()
        savepoint.commit()
        return result
    except Rejected as exc:
        savepoint.rollback()
        return _store_rejection(ctx, change, exc)
    except ProtocolError as exc:
        savepoint.rollback()
        return _store_rejection(ctx, change, Rejected(exc.code, exc.fields, **exc.extra))
    except IntegrityError:
        # Another process stored this change id first: report what it got.
        savepoint.rollback()
        stored = ctx.session.get(Change, change["id"])
        if stored is None:
            raise
        return _replay(stored)


def _replay(stored: Change) -> dict[str, Any]:
    return {**stored.result, "replayed": True}


def _store_rejection(ctx: ChangeContext, change: dict, exc: Rejected) -> dict[str, Any]:
    result = {"id": change["id"], "status": "rejected", **error_body(exc.code, exc.fields or None, **exc.extra)}
    stored_result = {**result, "via": ctx.via} if ctx.via else result
    savepoint = ctx.session.begin_nested()
    try:
        ctx.session.add(Change(
            id=change["id"], device_id=ctx.device_id, user_id=ctx.user.id, entity=change["entity"][:32],
            record_id=change["record_id"], op=change["op"], hlc=change["hlc"], fields=change["fields"],
            base=change["base"], status="rejected", result=stored_result,
        ))
        ctx.session.flush()
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        stored = ctx.session.get(Change, change["id"])
        if stored is not None:
            return _replay(stored)
        raise
    log.info("rejected change %s (%s) from device %s", change["id"], exc.code, ctx.device_id)
    return result


def _apply(ctx: ChangeContext, change: dict) -> dict[str, Any]:
    entity = ENTITIES.get(change["entity"])
    if entity is None:
        raise Rejected("unknown_entity", {"entity": field_error("unknown_entity")})
    if entity.read_only:
        raise Rejected("read_only_entity")
    if ctx.user.role not in entity.roles:
        raise Rejected("forbidden")
    stamp_at, clamped = hlc.bound(change["hlc"], hlc.now_millis(), ctx.tolerance_ms, change["hlc"].split("-", 2)[2])
    if clamped:
        # Take the server's clock, not only its wall time: the clamped write must still sort
        # after every value the server had seen (the ones its author overwrote included).
        top = ctx.clock.tick()
        stamp_at = str(hlc.Timestamp(top.millis, top.counter, hlc.Timestamp.parse(stamp_at).node))
    ctx.clock.observe(stamp_at)

    row = _locked(ctx, entity, change["record_id"])
    if row is not None and row.deleted:
        raise Rejected("record_deleted")
    if change["op"] == "delete":
        return _delete(ctx, entity, row, change, stamp_at, clamped)
    if row is not None and entity.append_only and not (entity.amendable and entity.amendable(ctx, row)):
        raise Rejected("append_only")

    incoming = _load(entity, change["fields"], partial=row is not None)
    current = entity.dump(row) if row is not None else {}
    incoming, refused = guard_push(ctx.session, entity.name, ctx.user.role, incoming, current)
    wire_in = {k: v for k, v in entity.wire().dump(incoming).items() if k in incoming}
    merged = merge.merge(current, dict(row.clocks or {}) if row else {}, wire_in, stamp_at, change["base"])
    old_place = entity.locate(ctx, {**current, "id": change["record_id"]}) if row is not None else None
    if row is not None and (old_place is None or not may_write(ctx.user, old_place)):
        raise Rejected("out_of_scope")

    state = {**merged.values, "reporter_id": getattr(row, "reporter_id", None)}
    place = entity.locate(ctx, state)
    if place is None:
        raise Rejected("unknown_reference", _reference_fields(entity, incoming))
    if not may_write(ctx.user, place):
        raise Rejected("out_of_scope")
    if old_place is not None and old_place.grid_id != place.grid_id:
        raise Rejected("cross_grid_move")
    if refused:
        # After the scope checks: out of scope says less about the record than naming its fields.
        raise Rejected("field_not_permitted", {k: field_error(v) for k, v in refused.items()})

    errors = entity.column_errors({k: incoming[k] for k in merged.applied})
    if entity.check:
        errors.update(entity.check(ctx, {**merged.values, "id": change["record_id"]}, row))
    if errors:
        raise Rejected("validation_failed", {k: field_error(v) for k, v in errors.items()})
    photos_before = list(getattr(row, "photos", None) or []) if row is not None else []
    vouched = _photo_rights(ctx, entity, incoming, merged.applied, photos_before)

    created = row is None
    if created:
        row = entity.model(id=change["record_id"])
    for name in merged.applied:
        setattr(row, name, incoming[name])
    if created:
        # After the fields are set: on_create hooks read them (a case step looks up its finding).
        if entity.on_create:
            entity.on_create(ctx, row)
        ctx.session.add(row)
    if hasattr(row, "grid_id") and place.grid_id:
        row.grid_id = place.grid_id
    row.clocks = merged.clocks
    if "photos" in merged.applied and entity.name in attachments.PHOTO_MODELS:
        attachments.attach(ctx.session, ctx.user, entity.name, row.id, photos_before, row.photos or [], vouched)
    ctx.session.flush()
    if created and entity.after_create:
        entity.after_create(ctx, row)
    elif not created and entity.after_update and merged.applied:
        entity.after_update(ctx, row)
    state = entity.dump(row)
    stamp(ctx.session, entity.name, row.id, place, False, state, created=created)
    for c in merged.conflicts:
        ctx.session.add(Conflict(
            entity=entity.name, record_id=row.id, field=c.field, winner_value=c.winner_value,
            winner_hlc=c.winner_hlc, loser_value=c.loser_value, loser_hlc=c.loser_hlc,
            change_id=change["id"], grid_id=place.grid_id,
        ))
    return {
        "id": change["id"], "status": "accepted", "hlc": stamp_at, "clamped": clamped,
        "applied": merged.applied, "ignored": merged.ignored,
        "conflicts": [c.field for c in merged.conflicts], "_grid": place.grid_id,
    }


def _delete(ctx, entity: Entity, row, change, stamp_at: str, clamped: bool) -> dict[str, Any]:
    if entity.append_only:
        raise Rejected("append_only")
    if not entity.deletable:
        raise Rejected("delete_not_allowed")
    if row is None:
        raise Rejected("unknown_record")
    place = entity.locate(ctx, {**entity.dump(row), "reporter_id": getattr(row, "reporter_id", None)})
    if place is None or not may_write(ctx.user, place):
        raise Rejected("out_of_scope")
    row.deleted = True
    row.clocks = {**(row.clocks or {}), merge.DELETED: stamp_at}
    stamp(ctx.session, entity.name, row.id, place, True, {})
    return {"id": change["id"], "status": "accepted", "hlc": stamp_at, "clamped": clamped,
            "applied": [merge.DELETED], "ignored": [], "conflicts": [], "_grid": place.grid_id}


def _photo_rights(ctx, entity: Entity, incoming: dict, applied: list[str], before: list[str]) -> set[str]:
    """Refuse a change that lists a photo its author may not attach; the photos a record vouches for."""
    if "photos" not in applied or entity.name not in attachments.PHOTO_MODELS:
        return set()
    listed = incoming["photos"] or []
    refused, vouched = attachments.rights(ctx.session, ctx.areas, ctx.user, [s for s in listed if s not in before])
    if refused:
        raise Rejected("blob_not_yours", {f"photos.{i}": field_error("blob_not_yours")
                                          for i, sha in enumerate(listed) if sha in refused})
    return vouched


def _locked(ctx, entity: Entity, record_id: str):
    # FOR UPDATE keeps two processes from merging into the same record at once (PostgreSQL).
    return ctx.session.get(entity.model, record_id, with_for_update=True)


def _load(entity: Entity, fields: dict, partial: bool) -> dict[str, Any]:
    try:
        loaded = entity.wire().load(fields, partial=partial)
    except ValidationError as exc:
        raise Rejected("validation_failed", field_errors(exc.messages)) from exc
    return {k: v for k, v in loaded.items() if k in fields}


def _reference_fields(entity: Entity, incoming: dict) -> dict:
    names = [n for n in ("grid_id", "building_id", "household_id", "resident_id", "finding_id") if n in incoming]
    return {n: field_error("unknown_reference") for n in names}
