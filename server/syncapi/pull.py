"""Serving pulls: the current state of every changed record in scope, after a cursor."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, false, func, or_, select, tuple_

from sync import canonical
from sync.cursor import START, Backfill, Cursor, Position

from ..areas.tree import Areas
from ..core import sensitive
from ..core.roles import FIELD_ROLES
from ..core.scope import DICTIONARIES, GLOBAL, keys_for
from .entities import ENTITIES
from .models import SyncDeparture, SyncRow
from .projection import Projector
from .stamp import horizon


def clause(keys, table=SyncRow):
    """SQL condition on SyncRow (or SyncDeparture, by the place left) matching any of the keys."""
    parts = []
    for key in keys:
        if key == GLOBAL:
            parts.append(and_(table.grid_id.is_(None), table.community_id.is_(None),
                              table.street_id.is_(None), table.reporter_id.is_(None)))
            continue
        kind, _, value = key.partition(":")
        if kind == "g":
            parts.append(table.grid_id == value)
        elif kind == "c":
            parts.append(table.community_id == value)
        elif kind == "s":
            parts.append(table.street_id == value)
        elif kind == "r":
            parts.append(table.reporter_id == value)
        elif kind == "a":
            parts.append(and_(table.entity == "area", table.grid_id == value))
        elif kind == "d":
            parts.append(and_(table.entity.in_(DICTIONARIES), table.grid_id.is_(None),
                              table.community_id == value))
    return or_(*parts) if parts else false()


def user_keys(session, user) -> list[str]:
    communities = Areas(session).communities_of(user.area_ids) if user.role in FIELD_ROLES else ()
    return keys_for(user, communities)


def _after(pos: Position, table=SyncRow):
    return tuple_(table.xid, table.seq) > tuple_(pos[0], pos[1])


def _upto(pos: Position):
    return tuple_(SyncRow.xid, SyncRow.seq) <= tuple_(pos[0], pos[1])


def pull(session, user, token: str | None, limit: int) -> dict[str, Any]:
    cursor = Cursor.decode(token)
    keys = user_keys(session, user)
    fresh = cursor.pos == START and cursor.backfill is None
    drop = [] if fresh else sorted(set(cursor.keys) - set(keys))
    added = [] if fresh else sorted(set(keys) - set(cursor.keys))
    if added:
        # Keys granted since the last pull: their records older than the cursor were never sent.
        previous = cursor.backfill.keys if cursor.backfill else []
        upto = cursor.backfill.upto if cursor.backfill else cursor.pos
        cursor.backfill = Backfill(sorted(set(previous) | set(added)), upto, START)
    if cursor.backfill:
        cursor.backfill.keys = [k for k in cursor.backfill.keys if k in keys]
    cursor.keys = keys
    top = horizon(session)

    if cursor.backfill and cursor.backfill.keys:
        rows = _backfill_page(session, cursor.backfill, limit)
        if len(rows) > limit:
            rows = rows[:limit]
            cursor.backfill.pos = (rows[-1].xid, rows[-1].seq)
        else:
            cursor.backfill = None
        return _response(session, user, rows, cursor, drop, has_more=True, checksum=None)

    cursor.backfill = None
    query = select(SyncRow).where(clause(keys), _after(cursor.pos))
    if fresh:
        query = query.where(SyncRow.deleted.is_(False))
    if top is not None:
        query = query.where(SyncRow.xid < top)
    rows = list(session.scalars(query.order_by(SyncRow.xid, SyncRow.seq).limit(limit + 1)))
    if not fresh:
        # Records that left the scope: tombstones among the log (a fresh replica never held them).
        rows = sorted([*rows, *_departures(session, keys, cursor.pos, top, limit + 1)],
                      key=lambda r: (r.xid, r.seq))[:limit + 1]
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        cursor.pos = (rows[-1].xid, rows[-1].seq)
    if fresh and not has_more:
        # Step over the tombstones a first pull leaves out, so it ends caught up (and checksummed).
        cursor.pos = _last_position(session, keys, cursor.pos, top)
    checksum = None if has_more else scope_checksum(session, keys, cursor.pos, user.role)
    return _response(session, user, rows, cursor, drop, has_more=has_more, checksum=checksum)


def _departures(session, keys, pos: Position, top: int | None, limit: int) -> list[SyncDeparture]:
    query = select(SyncDeparture).where(clause(keys, SyncDeparture), _after(pos, SyncDeparture))
    if top is not None:
        query = query.where(SyncDeparture.xid < top)
    return list(session.scalars(query.order_by(SyncDeparture.xid, SyncDeparture.seq).limit(limit)))


def _last_position(session, keys, pos: Position, top: int | None) -> Position:
    last = pos
    for table in (SyncRow, SyncDeparture):
        query = select(table.xid, table.seq).where(clause(keys, table), _after(pos, table))
        if top is not None:
            query = query.where(table.xid < top)
        found = session.execute(query.order_by(table.xid.desc(), table.seq.desc()).limit(1)).first()
        if found and (found[0], found[1]) > tuple(last):
            last = (found[0], found[1])
    return last


def _backfill_page(session, backfill: Backfill, limit: int) -> list[SyncRow]:
    query = select(SyncRow).where(
        clause(backfill.keys), SyncRow.deleted.is_(False), _after(backfill.pos), _upto(backfill.upto)
    )
    return list(session.scalars(query.order_by(SyncRow.xid, SyncRow.seq).limit(limit + 1)))


def scope_checksum(session, keys: list[str], pos: Position, role: str | None) -> dict[str, Any] | None:
    """Checksum of the scope as the device holds it after this pull, or None when a write is
    still in flight beyond the cursor (the device will get it, and a checksum, next time).
    Over the records as this role receives them: a device without personal numbers hashes less."""
    # No horizon here: a row committed at or above it is beyond the cursor but not served yet, and
    # a checksum counting it would fail on a device that is merely behind (docs/sync-protocol.md 8.4).
    for table in (SyncRow, SyncDeparture):
        beyond = session.scalar(select(table.record_id).where(clause(keys, table), _after(pos, table)).limit(1))
        if beyond is not None:
            return None
    column = SyncRow.row_hash if sensitive.sees_everything(role) else \
        func.coalesce(SyncRow.projected_hash, SyncRow.row_hash)
    hashes = session.scalars(select(column).where(clause(keys), SyncRow.deleted.is_(False)))
    value, count = canonical.combine(int(h, 16) for h in hashes)
    return {"value": value, "count": count}


def _response(session, user, rows, cursor: Cursor, drop, has_more: bool, checksum) -> dict[str, Any]:
    projector = Projector(session, user.role)
    records = _records(session, rows, projector)
    return {
        "records": records,
        "cursor": cursor.encode(),
        "has_more": has_more,
        "drop": drop,
        "checksum": checksum,
        "scope": cursor.keys,
        # Not sent: what the page carried, for the audit of staff pulls (syncapi/operations.py).
        "_numbers": projector.numbers,
    }


def _records(session, rows: list[SyncRow], projector: Projector) -> list[dict[str, Any]]:
    by_entity: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if not _gone(row):
            by_entity[row.entity].append(row.record_id)
    loaded: dict[tuple[str, str], Any] = {}
    for name, ids in by_entity.items():
        model = ENTITIES[name].model
        for obj in session.scalars(select(model).where(model.id.in_(ids))):
            loaded[(name, obj.id)] = obj
    out = []
    for row in rows:
        scope = {"grid_id": row.grid_id, "community_id": row.community_id,
                 "street_id": row.street_id, "reporter_id": row.reporter_id}
        obj = loaded.get((row.entity, row.record_id))
        if _gone(row) or obj is None:
            out.append({"entity": row.entity, "id": row.record_id, "deleted": True, "scope": scope})
            continue
        fields, clocks = projector.record(row.entity, ENTITIES[row.entity].dump(obj), obj.clocks or {})
        out.append({
            "entity": row.entity, "id": row.record_id, "deleted": False,
            "fields": fields, "clocks": clocks, "scope": scope,
        })
    return out


def _gone(row) -> bool:
    """A tombstone: a deleted record, or one that left the scope it is served to."""
    return isinstance(row, SyncDeparture) or row.deleted
