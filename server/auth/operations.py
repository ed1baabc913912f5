"""Users, passwords and device tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from sync.errors import ProtocolError
from sync.ids import uuid7

from ..audit import write as audit
from ..core.messages import register_messages
from ..core.roles import ROLES, UNIT_ROLES
from ..core.time import utcnow
from ..extensions import db
from . import throttle
from .models import Assignment, ConsoleSession, Device, User

register_messages({
    "unit_desk_only": ("处置单位联系人不使用网格员应用，请在浏览器打开 /console/ 登录，办理派给本单位的事件",
                       "Handling unit contacts do not use the field app: sign in at /console/ in a browser "
                       "to handle the cases sent to your unit"),
})

log = logging.getLogger(__name__)
# A real hash to compare against when the username is unknown, so timing does not tell.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(username: str, password: str, name: str, role: str, area_ids=(), phone=None) -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = User(id=uuid7(), username=username, password_hash=_hash(password),
                name=name, role=role, phone=phone)
    user.assignments = [Assignment(area_id=a) for a in area_ids]
    db.session.add(user)
    db.session.flush()
    log.info("created user %s (%s)", username, role)
    return user


def set_password(user: User, password: str) -> None:
    """A new password ends everything signed in with the old one: console sessions, and device
    tokens (`token_expired`: the phone signs in again and keeps its data; not a revocation)."""
    user.password_hash = _hash(password)
    now = utcnow()
    db.session.execute(db.update(ConsoleSession).where(ConsoleSession.user_id == user.id,
                                                      ConsoleSession.ended_at.is_(None))
                       .values(ended_at=now, end_reason="password_reset"))
    db.session.execute(db.update(Device).where(Device.user_id == user.id, Device.revoked_at.is_(None),
                                               Device.signed_out_at.is_(None))
                       .values(signed_out_at=now))


def verify_password(user: User | None, password: str) -> bool:
    """Whether `password` is the user's. An unknown user (None) costs the same hash as a known
    one, so how long a sign-in takes does not tell which usernames exist."""
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def login_device(username: str, password: str, device_id: str, device_name: str | None,
                 app_version: str | None, address: str | None = None) -> tuple[User, Device, str]:
    """Sign a device in. Throttled (throttle.py) and audited, failures included; a failure's
    audit entry is committed here, before the refusal rolls the request back."""
    attempt = throttle.begin(username, address)
    user = db.session.scalar(db.select(User).where(User.username == username))
    ok = verify_password(user, password)

    def refuse(code: str, status: int, **extra):
        audit("login_failed", user.id if user else None, "device", device_id, address,
              {"channel": "api", "username": username[:64], "reason": code})
        db.session.commit()
        raise ProtocolError(code, status, extra=extra)

    if not ok:
        refuse("invalid_credentials", 401)
    throttle.succeeded(attempt)
    if not user.active:
        refuse("user_disabled", 403)
    if user.role in UNIT_ROLES:
        refuse("unit_desk_only", 403)
    device = db.session.get(Device, device_id)
    if device is not None and device.revoked_at is not None:
        refuse("device_revoked", 401, wipe=True)
    if device is not None and device.user_id != user.id:
        refuse("device_mismatch", 409)
    token = secrets.token_urlsafe(32)
    if device is None:
        device = Device(id=device_id, user_id=user.id)
        db.session.add(device)
    device.token_hash = hash_token(token)
    device.signed_out_at = None
    device.name = device_name
    device.app_version = app_version
    device.last_seen_at = utcnow()
    audit("login", user.id, "device", device_id, address, {"channel": "api", "username": user.username})
    db.session.flush()
    log.info("user %s signed in on device %s", username, device_id)
    return user, device, token


def device_for_token(token: str | None) -> Device:
    if not token:
        raise ProtocolError("auth_required", 401)
    device = db.session.scalar(db.select(Device).where(Device.token_hash == hash_token(token)))
    if device is None:
        raise ProtocolError("token_invalid", 401)
    if device.revoked_at is not None:
        raise ProtocolError("device_revoked", 401, extra={"wipe": True})
    if device.signed_out_at is not None:
        raise ProtocolError("token_expired", 401, extra={"reason": "password_reset"})
    idle = timedelta(days=current_app.config["DEVICE_TOKEN_IDLE_DAYS"])
    if (device.last_seen_at or device.created_at) < utcnow() - idle:
        raise ProtocolError("token_expired", 401, extra={"reason": "idle"})
    user = db.session.get(User, device.user_id)
    if user is None or not user.active:
        raise ProtocolError("user_disabled", 403)
    return device


def revoke_device(device: Device, by_user_id: str | None) -> None:
    device.revoked_at = utcnow()
    device.revoked_by = by_user_id
    log.info("device %s revoked by %s", device.id, by_user_id)
