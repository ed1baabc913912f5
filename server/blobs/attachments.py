"""Who may put a photo on a record, and through which records a photo may be read.

A photo belongs to those who uploaded its bytes, and to the records they attached it to. A change
may list a photo its author uploaded, or one already legitimately on a record the author may see
and write (a colleague's photo reused in the same grid). Knowing a hash is not enough.

Phones push a record before its photo (records must never wait on a slow upload), so a change may
list a photo the server does not have yet. That attachment is kept as a claim by the change's
author and counts only once that same user uploads those bytes: the check happens when the blob
arrives, and a stranger who listed the hash first gains nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import delete, select

from ..areas.tree import Areas
from ..cases.models import CaseStep, Finding
from ..core.scope import Place, may_see, may_write
from ..fieldwork.models import Visit
from .models import Blob, BlobAttachment, BlobOwner

PHOTO_MODELS = {"visit": Visit, "finding": Finding, "case_step": CaseStep}


def place_of(areas: Areas, row) -> Place:
    place = areas.place_of_grid(row.grid_id) or Place(row.grid_id)
    return Place(place.grid_id, place.community_id, place.street_id, getattr(row, "reporter_id", None))


def owners(session, sha256: str) -> set[str]:
    return set(session.scalars(select(BlobOwner.user_id).where(BlobOwner.sha256 == sha256)))


def add_owner(session, sha256: str, user_id: str) -> None:
    if session.get(BlobOwner, (sha256, user_id)) is None:
        session.add(BlobOwner(sha256=sha256, user_id=user_id))


def showing(session, sha256: str) -> Iterator[tuple[str, object]]:
    """(entity, record) for each live record that legitimately shows the photo."""
    holders = owners(session, sha256)
    for link in session.scalars(select(BlobAttachment).where(BlobAttachment.sha256 == sha256)):
        if not (link.vouched or link.attached_by in holders):
            continue
        row = session.get(PHOTO_MODELS[link.entity], link.record_id)
        if row is not None and not row.deleted and sha256 in (row.photos or []):
            yield link.entity, row


def may_read(session, sha256: str, user) -> bool:
    if user.id in owners(session, sha256):
        return True
    areas = Areas(session)
    return any(may_see(user, place_of(areas, row), entity) for entity, row in showing(session, sha256))


def rights(session, areas: Areas, user, shas: Iterable[str]) -> tuple[list[str], set[str]]:
    """For photos newly listed by `user`'s change: (those refused, those vouched for by a record).

    A photo the server does not have yet is neither: it is the author's claim, good only if they
    upload it (see the module's docstring).
    """
    refused, vouched = [], set()
    for sha in shas:
        if session.get(Blob, sha) is None or user.id in owners(session, sha):
            continue
        if any(may_see(user, place, entity) and may_write(user, place)
               for entity, place in ((e, place_of(areas, r)) for e, r in showing(session, sha))):
            vouched.add(sha)
        else:
            refused.append(sha)
    return refused, vouched


def attach(session, user, entity: str, record_id: str, before: list[str], after: list[str],
           vouched: set[str]) -> None:
    """Keep the attachment table equal to what the record lists after an accepted change."""
    gone = set(before) - set(after)
    if gone:
        session.execute(delete(BlobAttachment).where(
            BlobAttachment.entity == entity, BlobAttachment.record_id == record_id,
            BlobAttachment.sha256.in_(gone)))
    for sha in dict.fromkeys(after):
        if sha not in before and session.get(BlobAttachment, (sha, entity, record_id)) is None:
            session.add(BlobAttachment(sha256=sha, entity=entity, record_id=record_id,
                                       attached_by=user.id, vouched=sha in vouched))


def keep(session, user, entity: str, record_id: str, photos: list[str]) -> None:
    """The server's own write of a record's photos (a seed, the console on behalf of staff): the
    server code chose the hashes, so what it lists stands as vouched for."""
    before = list(session.scalars(select(BlobAttachment.sha256).where(
        BlobAttachment.entity == entity, BlobAttachment.record_id == record_id)))
    attach(session, user, entity, record_id, before, photos, set(photos))
