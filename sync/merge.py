"""Field-level last-writer-wins merge with conflict detection.

Every field of a record carries the clock of the write that set it. An incoming change wins a
field when its clock is greater, so every replica picks the same winner in any arrival order.
A conflict is recorded when the losing write's author had not seen the winning one: the change
carries `base`, the clock of each field as its author last saw it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DELETED = "_deleted"


@dataclass
class FieldConflict:
    field: str
    winner_value: Any
    winner_hlc: str
    loser_value: Any
    loser_hlc: str
    incoming_won: bool


@dataclass
class MergeResult:
    values: dict[str, Any]
    clocks: dict[str, str]
    applied: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def merge(
    values: dict[str, Any],
    clocks: dict[str, str],
    incoming: dict[str, Any],
    hlc: str,
    base: dict[str, str] | None = None,
) -> MergeResult:
    """Merge `incoming` (all written at `hlc`) into a record's `values` and field `clocks`.

    Pure: returns new dicts. `base` maps field -> the clock its author had seen ("" or missing
    for a field the author had never seen set).
    """
    base = base or {}
    out = MergeResult(values=dict(values), clocks=dict(clocks))
    for name in sorted(incoming):
        new = incoming[name]
        current_clock = clocks.get(name)
        if current_clock is None:
            out.values[name] = new
            out.clocks[name] = hlc
            out.applied.append(name)
            continue
        if hlc == current_clock:
            # The same write seen again (a replayed change or our own echo): nothing to do.
            out.ignored.append(name)
            continue
        seen = base.get(name) == current_clock
        old = values.get(name)
        if hlc > current_clock:
            out.values[name] = new
            out.clocks[name] = hlc
            out.applied.append(name)
            if not seen and old != new:
                out.conflicts.append(FieldConflict(name, new, hlc, old, current_clock, True))
        else:
            out.ignored.append(name)
            if old != new:
                out.conflicts.append(FieldConflict(name, old, current_clock, new, hlc, False))
    return out


def is_deleted(values: dict[str, Any]) -> bool:
    return bool(values.get(DELETED))
