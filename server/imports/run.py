"""One import from start to end, for the CLI and the demo (the console runs the same two steps
as a ConsoleJob): check the file, then write its new and changed rows."""

from __future__ import annotations

from typing import Callable

from flask import current_app

from ..extensions import db
from ..syncapi.direct import DirectWriter
from .book import read_book
from .check import RowResult, check_file, counts
from .kinds import KINDS
from .write import write_rows


def preview(path: str, kind_name: str, community_id: str) -> list[RowResult]:
    kind = KINDS[kind_name]
    return check_file(read_book(path, kind), kind, community_id, current_app.config["SECRET_KEY"])


def apply(results: list[RowResult], kind_name: str, via: str, user=None, start_after: int = 0,
          on_chunk: Callable[[int, int], None] | None = None) -> int:
    writer = DirectWriter(db.session, current_app.extensions["wangge_clock"], user=user, via=via)
    return write_rows(writer, KINDS[kind_name].entity, [r.as_dict() for r in results],
                      current_app.config["SECRET_KEY"], start_after, on_chunk)


__all__ = ["preview", "apply", "counts"]
