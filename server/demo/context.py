"""What one generation run shares between its parts."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..areas.models import Area
    from ..auth.models import User
    from ..syncapi.direct import DirectWriter
    from .families import Families
    from .households import Home
    from .people import People
    from .places import BuildingPlan


@dataclass(eq=False)
class DemoContext:
    """The run's random stream and clock, and what has been made so far.

    Every part draws from the one `rng` in a fixed order: that order is what makes a seed
    reproduce the same community, so no part may keep a generator of its own.
    """

    rng: random.Random
    writer: DirectWriter | None
    now: datetime
    today: date
    people: People
    families: Families
    street: Area | None = None
    community: Area | None = None
    grids: list[Area] = field(default_factory=list)
    buildings: list[BuildingPlan] = field(default_factory=list)
    homes: list[Home] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
