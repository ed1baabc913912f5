"""Photo metadata; the bytes live on disk, named by the sha256 the uploader computed.

A blob's name is the hash of the bytes as they were uploaded (the phone keeps its copy under it);
what is stored and served is the server's re-encoding of them, whose own hash is `content_sha256`
(None for blobs stored before re-encoding, whose bytes are the uploaded ones).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..extensions import db


class Blob(db.Model):
    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(32))
    uploaded_by: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str | None] = mapped_column(String(36))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlobOwner(db.Model):
    """Who has uploaded these exact bytes: each holds the photo, so each may read and attach it."""

    __tablename__ = "blob_owners"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlobAttachment(db.Model):
    """A record that lists a photo, and who put it there.

    An attachment lets those who may see the record read the photo only when it is legitimate:
    its author uploaded the bytes (checked when they arrive, since a phone pushes the record first),
    or `vouched`: when it was made, the photo was already legitimately on a record its author may
    see and write. No foreign key to blobs: a record may name a photo not uploaded yet.
    """

    __tablename__ = "blob_attachments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    attached_by: Mapped[str | None] = mapped_column(String(36))
    vouched: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
