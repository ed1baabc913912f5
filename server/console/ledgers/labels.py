"""The Chinese words a ledger file uses for the records' codes, both ways.

A ledger is a Chinese document whatever language the console is shown in (it is filed, printed
and re-imported as it is), so it always writes the choice catalogue's Chinese
(server/core/choices.py). Import also accepts the codes themselves and a few spellings found in
real community ledgers, kept here because only import reads them.
"""

from __future__ import annotations

from datetime import datetime

from ...core.choices import codes, label  # noqa: F401
from ...imports.words import SPELLINGS, code_of, words  # noqa: F401  (moved: import reads them)
from ...core.time import china_wall
from ..records.labels import address  # noqa: F401  (3号楼2单元501: the register's own form)

def china(moment: datetime | None) -> datetime | None:
    """A stored (naive UTC) time as Beijing time, for a ledger cell."""
    return china_wall(moment)


