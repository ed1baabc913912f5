"""The page number a list asks for, read from the query string the same way on every list."""

from __future__ import annotations

# Past this a page is a typo or a probe: it would only make the database skip rows for nothing.
LAST_PAGE = 100_000


def page_number(args) -> int:
    try:
        return max(1, min(int(args.get("page", "1")), LAST_PAGE))
    except ValueError:
        return 1
