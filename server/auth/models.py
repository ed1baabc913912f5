"""Users, their area assignments, and the devices they sign in from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..extensions import db


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(24))
    phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A unit contact's unit (cases.models.HandlingUnit): the cases dispatched to it are theirs.
    handling_unit_id: Mapped[str | None] = mapped_column(String(36))

    assignments: Mapped[list["Assignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def area_ids(self) -> list[str]:
        return sorted(a.area_id for a in self.assignments)


class Assignment(db.Model):
    """A user's responsibility for an area: grids for workers and volunteers, a community for
    staff, a street for street admins."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("user_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id"))
    user: Mapped[User] = relationship(back_populates="assignments")


class Device(db.Model):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(64))
    app_version: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    last_push_at: Mapped[datetime | None]
    last_pull_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(36))
    # The token was ended without revoking the phone (its user's password was reset): the phone
    # must sign in again and keeps its data. A new sign-in clears it.
    signed_out_at: Mapped[datetime | None]


class ConsoleSession(db.Model):
    """A staff member's signed-in console session. The signed cookie carries a random secret
    whose hash is this row's id, so signing out or a password reset ends it on the server and
    a copied cookie stops working."""

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's secret
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(16))  # logout, password_reset


class LoginAttempt(db.Model):
    """Sign-in attempts of the API and the console, kept in the database so every app process
    counts the same ones (server/auth/throttle.py)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    ok: Mapped[bool] = mapped_column(default=False)
