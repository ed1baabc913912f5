"""One import from start to end, for the CLI and the demo (the console runs the same two steps
as a ConsoleJob): check the file, then write its new and changed rows."""

from __future__ import annotations

from typing import Callable

from flask import current_app

from ..extensions import db
from ..syncapi.direct import DirectWriter
from .book import Sheet, read_book
from .check import check_file, counts
from .register import RowResult
from .kinds import KINDS
from .write import write_rows


def preview(path: str, kind_name: str, community_id: str, role: str | None = None) -> list[RowResult]:
    kind = KINDS[kind_name]
    return check_file(read_book(path, kind), kind, community_id, current_app.config["SECRET_KEY"], role)


def preview_rows(kind_name: str, headers: list[str], rows: list[list], community_id: str) -> list[RowResult]:
    """The same check for rows built in Python (the demo builds its street as a street's files
    would hold it): `headers` as the template writes them; rows numbered as in a file from 2."""
    kind = KINDS[kind_name]
    known = kind.by_header()
    mapping = {i: known[h] for i, h in enumerate(headers) if h in known}
    sheet = Sheet(1, list(headers), mapping, [], [(n, list(values)) for n, values in enumerate(rows, start=2)])
    return check_file(sheet, kind, community_id, current_app.config["SECRET_KEY"])


def apply(results: list[RowResult], kind_name: str, via: str, user=None, start_after: int = 0,
          on_chunk: Callable[[int, int], None] | None = None) -> int:
    writer = DirectWriter(db.session, current_app.extensions["wangge_clock"], user=user, via=via)
    return write_rows(writer, KINDS[kind_name].entity, [r.as_dict() for r in results],
                      current_app.config["SECRET_KEY"], start_after, on_chunk)


__all__ = ["preview", "preview_rows", "apply", "counts"]
