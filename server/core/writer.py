"""What the domains need of the server's writer (syncapi.direct.DirectWriter, which they may not
import): a record written this way is clocked, synced to devices and logged in its history."""

from __future__ import annotations

from typing import Any, Protocol


class Writer(Protocol):
    def put(self, entity_name: str, row: Any) -> Any:
        """Write a whole record (its id set) and return it."""
        ...

    def update(self, entity_name: str, row: Any, values: dict[str, Any]) -> Any:
        """Set some fields of a record; only they take a new clock."""
        ...
