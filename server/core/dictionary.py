"""The dictionaries as one community sees them (care tags, finding categories).

An installation row (no community) applies everywhere. A community's row either tunes one
(`base` = its code; only the fields it names in `tuned` count) or is the community's own entry.
Rows of other communities never apply. The field app resolves the same way
(pwa/src/core/dictionaries.js), so a phone and the server agree on a community's values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable


@dataclass
class Entry:
    """One code's effective values in one community."""

    code: str
    values: dict[str, Any]
    installation: Any | None          # the installation's row, None for a community's own entry
    override: Any | None = None       # the community's row tuning it, if any
    tuned: frozenset[str] = field(default_factory=frozenset)

    @property
    def id(self) -> str:
        """The code records refer to (a row's id for an own entry, the installation's for a tuned one)."""
        return self.code

    @property
    def own(self) -> bool:
        return self.installation is None

    @property
    def active(self) -> bool:
        return self.values.get("active") is not False

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


def resolve(rows: Iterable[Any], community_id: str | None, columns: Iterable[str],
            tunable: Iterable[str]) -> dict[str, Entry]:
    """{code: Entry} in the dictionary's order; deleted rows are left out."""
    columns, tunable = tuple(columns), frozenset(tunable)
    live = [r for r in rows if not r.deleted]
    entries: dict[str, Entry] = {}
    for row in live:
        if row.community_id is None:
            entries[row.id] = Entry(row.id, {c: getattr(row, c) for c in columns}, row)
        elif row.community_id == community_id and row.base is None:
            entries[row.id] = Entry(row.id, {c: getattr(row, c) for c in columns}, None, row,
                                    frozenset(tunable))
    for row in live:
        if row.community_id is None or row.community_id != community_id or row.base is None:
            continue
        entry = entries.get(row.base)
        if entry is None or entry.own:
            continue
        tuned = frozenset(row.tuned or ()) & tunable
        entry.override, entry.tuned = row, tuned
        entry.values.update({name: getattr(row, name) for name in tuned})
    return dict(sorted(entries.items(), key=lambda item: (item[1].values.get("sort") or 0, item[0])))
