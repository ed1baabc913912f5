"""Whose accounts a staff member may see and manage, and their phones' last contact.

A community's users are the grid workers and patrol volunteers assigned to its grids, and its
own community staff. Community staff manage the field accounts; a street admin also manages
the community's staff. Anyone else answers 404, by URL too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import abort, g
from sqlalchemy import case, or_, select

from ...auth.models import Assignment, Device, User
from ...cases.models import HandlingUnit
from ...extensions import db
from ...core.roles import FIELD_ROLES
from ...core.time import utcnow
from ..errors import refuse

ROLE_ORDER = ("grid_worker", "patrol_volunteer", "community_staff", "unit_contact")
# A field worker whose phone has not synced for this long may have lost it, or stopped working.
STALE_AFTER = timedelta(days=2)


def community_user_ids(scope):
    """A subquery of the ids of the current community's users."""
    in_grids = select(Assignment.user_id).join(User, User.id == Assignment.user_id).where(
        Assignment.area_id.in_(scope.grid_ids), User.role.in_(FIELD_ROLES))
    community_id = scope.community.id if scope.community is not None else None
    staff = select(Assignment.user_id).join(User, User.id == Assignment.user_id).where(
        Assignment.area_id == community_id, User.role == "community_staff")
    # A unit contact belongs where their unit's directory entry is kept (the community, or the street).
    kept = [community_id, *(g.staff.area_ids if g.staff is not None and g.staff.role == "street_admin" else [])]
    contacts = select(User.id).join(HandlingUnit, HandlingUnit.id == User.handling_unit_id).where(
        User.role == "unit_contact", HandlingUnit.area_id.in_(kept))
    return in_grids.union(staff, contacts)


def community_users_query(scope):
    order = case({role: i for i, role in enumerate(ROLE_ORDER)}, value=User.role, else_=len(ROLE_ORDER))
    return select(User).where(User.id.in_(community_user_ids(scope))).order_by(order, User.username)


def field_users(scope) -> list[User]:
    return list(db.session.scalars(community_users_query(scope).where(User.role.in_(FIELD_ROLES))))


def visible_user(user_id: str) -> User:
    """The user if they belong to the current community, else 404 (whether or not they exist)."""
    user = db.session.scalar(select(User).where(User.id == user_id, User.id.in_(community_user_ids(g.scope))))
    if user is None:
        abort(404)
    return user


def may_manage(staff: User, user: User) -> bool:
    if user.id == staff.id:
        return False
    if user.role in FIELD_ROLES or user.role == "unit_contact":
        return True
    return user.role == "community_staff" and staff.role == "street_admin"


def manageable_user(user_id: str) -> User:
    user = visible_user(user_id)
    if not may_manage(g.staff, user):
        refuse("role_not_allowed", 403)
    return user


def creatable_roles(staff: User) -> tuple[str, ...]:
    """Community staff add field accounts; a street admin may also add the community's staff."""
    return FIELD_ROLES + (("community_staff",) if staff.role == "street_admin" else ()) + ("unit_contact",)


def grid_ids_of(user: User, scope) -> list[str]:
    """The user's grids in the current community, in the community's order."""
    mine = set(user.area_ids)
    return [grid.id for grid in scope.grids if grid.id in mine]


# --- devices ------------------------------------------------------------------------------------

def last_sync(device: Device) -> datetime | None:
    times = [t for t in (device.last_push_at, device.last_pull_at) if t is not None]
    return max(times) if times else None


@dataclass
class DeviceSummary:
    """A user's phones, and when any of those still in use last synced."""

    devices: list[Device] = field(default_factory=list)
    last_sync: datetime | None = None

    @property
    def active(self) -> list[Device]:
        return [d for d in self.devices if d.revoked_at is None]

    def stale(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.last_sync is None or now - self.last_sync > STALE_AFTER


def devices_by_user(user_ids: list[str]) -> dict[str, DeviceSummary]:
    out = {user_id: DeviceSummary() for user_id in user_ids}
    if not user_ids:
        return out
    rows = db.session.scalars(select(Device).where(Device.user_id.in_(user_ids))
                              .order_by(Device.revoked_at.is_not(None), Device.created_at.desc()))
    for device in rows:
        summary = out[device.user_id]
        summary.devices.append(device)
        if device.revoked_at is None:
            synced = last_sync(device)
            if synced and (summary.last_sync is None or synced > summary.last_sync):
                summary.last_sync = synced
    return out


def device_of(user: User, device_id: str) -> Device:
    device = db.session.scalar(select(Device).where(Device.id == device_id, Device.user_id == user.id))
    if device is None:
        abort(404)
    return device


def search(query, text: str):
    return query.where(or_(User.name.contains(text, autoescape=True), User.username.contains(text, autoescape=True)))
