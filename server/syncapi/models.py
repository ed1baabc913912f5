"""The protocol's own tables: the pull index, the change log, and conflicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Sequence, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..extensions import db

# PostgreSQL draws sequence numbers from this; SQLite, whose writers are serialised, uses max+1.
row_seq = Sequence("sync_row_seq", metadata=db.Model.metadata)


class SyncRow(db.Model):
    """One row per synced record: where it is in the scope tree and when it last changed.

    Pull reads only this table to find what changed, in (xid, seq) order. On PostgreSQL `xid` is
    the writing transaction's id, and pull serves only ids below the oldest running transaction,
    so a change that commits late can never fall behind a cursor.
    """

    __tablename__ = "sync_rows"
    __table_args__ = (
        Index("ix_sync_rows_pos", "xid", "seq"),
        Index("ix_sync_rows_grid_pos", "grid_id", "xid", "seq"),
        Index("ix_sync_rows_community_pos", "community_id", "xid", "seq"),
        Index("ix_sync_rows_reporter_pos", "reporter_id", "xid", "seq"),
    )

    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    grid_id: Mapped[str | None] = mapped_column(String(36))
    community_id: Mapped[str | None] = mapped_column(String(36))
    street_id: Mapped[str | None] = mapped_column(String(36))
    reporter_id: Mapped[str | None] = mapped_column(String(36))
    xid: Mapped[int] = mapped_column(BigInteger, default=0)
    seq: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(default=False)
    row_hash: Mapped[str | None] = mapped_column(String(16))
    # The hash of the record as a device without personal numbers holds it (core/sensitive.py);
    # None when that is the full record, so its checksum counts row_hash.
    projected_hash: Mapped[str | None] = mapped_column(String(16))


class SyncDeparture(db.Model):
    """A record that left a slice of the tree (a building moved to another grid, with everything
    below it). `sync_rows` holds only where a record is now, so without this the devices of the
    old grid would never hear that it went: pull serves each departure to them as a tombstone,
    in position order with the log (docs/sync-protocol.md, "Records that move").

    One row per record and place it left; deleted when the record comes back there."""

    __tablename__ = "sync_departures"
    __table_args__ = (
        Index("ux_sync_departures_record_grid", "entity", "record_id", "grid_id", unique=True),
        Index("ix_sync_departures_pos", "xid", "seq"),
        Index("ix_sync_departures_grid_pos", "grid_id", "xid", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36))
    grid_id: Mapped[str | None] = mapped_column(String(36))
    community_id: Mapped[str | None] = mapped_column(String(36))
    street_id: Mapped[str | None] = mapped_column(String(36))
    reporter_id: Mapped[str | None] = mapped_column(String(36))
    xid: Mapped[int] = mapped_column(BigInteger, default=0)
    seq: Mapped[int] = mapped_column(BigInteger)


class Change(db.Model):
    """Every change a device or staff member sent, once (the primary key enforces it), with the
    result it got. Accepted changes are each record's history; rejected ones wait for staff."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_record", "entity", "record_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str | None] = mapped_column(String(36), index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(8))
    hlc: Mapped[str] = mapped_column(String(96))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    base: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), index=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    grid_id: Mapped[str | None] = mapped_column(String(36), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conflict(db.Model):
    """A field write that lost to one its author had not seen; staff may restore the loser."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(64))
    winner_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    winner_hlc: Mapped[str] = mapped_column(String(96))
    loser_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    loser_hlc: Mapped[str] = mapped_column(String(96))
    change_id: Mapped[str] = mapped_column(String(36))
    grid_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(36))
    resolved_at: Mapped[datetime | None]
