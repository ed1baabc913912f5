"""Settling conflicts: staff keep the winner or restore the losing value.

Restoring is an ordinary write with a fresh server clock, so it syncs to every device and wins
over both values it settles.
"""

from __future__ import annotations

import logging

from sync.errors import ProtocolError

from ..core.scope import may_write
from ..core.time import utcnow
from .entities import ENTITIES
from .models import Conflict
from .push import ChangeContext

log = logging.getLogger(__name__)


def settle_conflict(ctx: ChangeContext, conflict_id: int, restore: bool) -> Conflict:
    conflict = ctx.session.get(Conflict, conflict_id, with_for_update=True)
    if conflict is None:
        raise ProtocolError("not_found", 404)
    if conflict.status != "open":
        raise ProtocolError("stale_transition", 409, extra={"current_status": conflict.status})
    entity = ENTITIES[conflict.entity]
    row = ctx.session.get(entity.model, conflict.record_id, with_for_update=True)
    place = ctx.areas.place_of_grid(conflict.grid_id) if conflict.grid_id else None
    if row is None or place is None or not may_write(ctx.user, place):
        raise ProtocolError("out_of_scope", 403)
    if restore:
        value = entity.wire().load({conflict.field: conflict.loser_value}, partial=True)[conflict.field]
        ctx.server_write(conflict.entity, row, {conflict.field: value})
    conflict.status = "restored" if restore else "kept"
    conflict.resolved_by = ctx.user.id
    conflict.resolved_at = utcnow()
    log.info("conflict %s on %s.%s %s by %s", conflict_id, conflict.entity, conflict.field,
             conflict.status, ctx.user.id)
    return conflict
