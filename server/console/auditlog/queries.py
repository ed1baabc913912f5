"""Whose audit entries a staff member sees, and the filters of the page.

Entries are scoped by who acted: a street admin sees the entries of every account of their street
(its street admins, and the staff and field accounts of each of its communities); community staff
see those of their own community's accounts (its staff, and the field accounts of its grids).
Entries without an account (sign-ins under a username nobody has, which may be a mistyped
password) are shown to nobody in the console: they stay for the server's operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from sqlalchemy import select

from ...areas.models import Area
from ...audit.models import AuditEntry
from ...auth.models import Assignment, User
from ...core.time import china_midnight_utc
from ...extensions import db


def visible_area_ids(staff, scope) -> list[str]:
    communities = scope.community_ids
    grids = list(db.session.scalars(select(Area.id).where(Area.parent_id.in_(communities), Area.level == "grid")))
    streets = list(staff.area_ids) if staff.role == "street_admin" else []
    return [*streets, *communities, *grids]


def actors(staff, scope) -> list[User]:
    ids = select(Assignment.user_id).where(Assignment.area_id.in_(visible_area_ids(staff, scope)))
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name, User.username)))


@dataclass
class AuditFilters:
    user: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None
    record: str = ""
    page: int = 1

    def params(self, **override) -> dict[str, str]:
        values = {"user": self.user, "action": self.action, "from": self.start.isoformat() if self.start else "",
                  "to": self.end.isoformat() if self.end else "", "record": self.record, "page": self.page}
        values.update(override)
        return {k: str(v) for k, v in values.items() if v not in ("", None, 1)}

    def query_string(self, **override) -> str:
        return urlencode(self.params(**override))

    @property
    def active(self) -> bool:
        return bool(self.user or self.action or self.start or self.end or self.record)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_filters(args, actor_ids: set[str], page: int) -> AuditFilters:
    """Values the page does not offer are ignored, as if not chosen."""
    user = args.get("user", "")
    action = (args.get("action") or "").strip()[:32]
    record = (args.get("record") or "").strip()[:36]
    return AuditFilters(user=user if user in actor_ids else "", action=action, start=_date(args.get("from")),
                        end=_date(args.get("to")), record=record, page=page)


def entries_query(f: AuditFilters, actor_ids: list[str]):
    query = select(AuditEntry, User).join(User, User.id == AuditEntry.user_id).where(AuditEntry.user_id.in_(actor_ids))
    if f.user:
        query = query.where(AuditEntry.user_id == f.user)
    if f.action:
        query = query.where(AuditEntry.action == f.action)
    if f.start:
        query = query.where(AuditEntry.at >= china_midnight_utc(f.start))
    if f.end:
        query = query.where(AuditEntry.at < china_midnight_utc(f.end + timedelta(days=1)))
    if f.record:
        query = query.where(AuditEntry.record_id == f.record)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def actions_seen(actor_ids: list[str]) -> list[str]:
    return sorted(db.session.scalars(select(AuditEntry.action).distinct().where(AuditEntry.user_id.in_(actor_ids))))
