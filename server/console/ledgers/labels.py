"""The Chinese words a ledger file writes for the records' codes and times.

A ledger is a Chinese document whatever language the console is shown in (it is filed, printed
and re-imported as it is), so it always writes the choice catalogue's Chinese
(server/core/choices.py). Reading those words back is imports/words.py, shared by every import.
"""

from __future__ import annotations

from datetime import datetime

from ...core.choices import codes, label  # noqa: F401
from ...core.time import china_wall
from ..records.labels import address  # noqa: F401  (3号楼2单元501: the register's own form)


def china(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as Beijing time, for a ledger cell."""
    return china_wall(moment)


