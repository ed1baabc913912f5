"""What a device is told about its own writes that lost: the open conflicts whose losing write
carries this device's clock (its node is the device id), with the winner's author and time, so the
phone can say "your change to X was replaced by Y's (when)". Staff who settled a conflict (kept or
restored) have already decided; only open ones are told."""

from __future__ import annotations

from sqlalchemy import select

from sync import hlc

from ..auth.models import User
from .models import Change, Conflict

PAGE = 100


def overwritten(session, device_id: str, after: int) -> dict:
    rows = session.scalars(
        select(Conflict)
        .where(Conflict.id > after, Conflict.status == "open",
               Conflict.loser_hlc.endswith(f"-{device_id}", autoescape=True))
        .order_by(Conflict.id).limit(PAGE)
    ).all()
    # The winner's author: the change that carried the winning clock (a device's or the console's).
    winners = {c.winner_hlc for c in rows}
    authors = dict(session.execute(
        select(Change.hlc, User.name).join(User, User.id == Change.user_id).where(Change.hlc.in_(winners))
    ).all()) if winners else {}
    items = [{
        "id": c.id, "entity": c.entity, "record_id": c.record_id, "field": c.field,
        "at": _millis(c.winner_hlc), "by": authors.get(c.winner_hlc),
    } for c in rows]
    return {"items": items, "last": rows[-1].id if rows else after, "has_more": len(rows) == PAGE}


def _millis(clock: str) -> int | None:
    try:
        return hlc.Timestamp.parse(clock).millis
    except (ValueError, AttributeError):
        return None
