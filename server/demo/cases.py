"""Findings from the last 60 days, each walked through the case workflow to a stage it is at today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sync.ids import uuid7

from ..auth.models import User
from ..cases.models import CaseStep, Finding
from ..core.time import china_wall, from_china_wall, to_millis
from . import texts
from .users import grid_worker

if TYPE_CHECKING:
    from .context import DemoContext

GAPS = {"accepted": (0.3, 4), "dispatched": (0.5, 6), "in_progress": (1, 20), "extension_requested": (12, 40),
        "returned": (1, 24), "verified": (4, 48), "closed": (1, 24), "rated": (24, 72)}
FULL_PATH = ("accepted", "dispatched", "in_progress", "resolved", "verified", "closed", "rated")
OPEN_DISPATCHED = ("dispatched", "in_progress", "extension_requested")
PATROL_HOURS = (7, 21)  # Beijing hours findings are reported in


def status_fits(status: str) -> bool:
    columns = (Finding.__table__.c.status, CaseStep.__table__.c.from_status, CaseStep.__table__.c.to_status)
    return all(c.type.length is None or len(status) <= c.type.length for c in columns)


@dataclass
class Step:
    to_status: str
    hours: float = 0.0  # after the report
    level: str | None = None
    unit: str | None = None
    deadline_hours: float | None = None


class Cases:
    """About thirty findings from the last 60 days, each walked through the case workflow."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.now = ctx.now
        self.redispatched = self.extended = False

    def write(self) -> None:
        plans = list(texts.CASE_PLAN)
        if not status_fits("extension_requested"):
            # The status columns are too narrow for this stage (PostgreSQL would refuse the row
            # and push rejects it as too_long): leave extensions out until they are widened.
            plans = [("in_progress", o) if s == "extension_requested" else (s, o) for s, o in plans]
            self.extended = True
        self.rng.shuffle(plans)
        for entry, (status, overdue) in zip(texts.FINDINGS, plans):
            self.write_case(entry, status, overdue)

    def write_case(self, entry, status: str, overdue: bool) -> None:
        category, urgency, level, unit, description, address = entry
        grid = self.rng.randrange(len(self.ctx.grids))
        building = self.rng.choice([b for b in self.ctx.buildings if b.grid == grid])
        place = {"b": building.number, "u": self.rng.randint(1, building.units),
                 "f": self.rng.randint(2, building.floors)}
        if place["f"] == building.skipped_floor:  # the building labels no 4th floor: the one above
            place["f"] += 1
        reporter, source = self.reporter(grid, description)
        steps = self.timed(self.path(status, level, unit, urgency))
        reported_at = self.daytime(self.anchor(steps, status, overdue), steps[-1].hours if steps else 0.0)
        dispatched = [s for s in steps if s.to_status == "dispatched"]
        last = dispatched[-1] if dispatched else None
        finding = self.ctx.writer.put("finding", Finding(
            id=uuid7(to_millis(reported_at)), grid_id=self.ctx.grids[grid].id,
            reporter_id=reporter.id, source=source, category=category,
            description=description.format(**place), address=address.format(**place),
            lat=round(building.lat + self.rng.uniform(-1e-4, 1e-4), 6),
            lng=round(building.lng + self.rng.uniform(-1e-4, 1e-4), 6), accuracy=float(self.rng.randint(5, 20)),
            urgency=urgency, photos=[], reported_at=reported_at, status=steps[-1].to_status if steps else "reported",
            level=last.level if last else None, unit=last.unit if last else None,
            deadline_at=self.deadline(reported_at, last), created_at=reported_at, updated_at=reported_at))
        self.write_steps(finding, steps, reporter)
        self.ctx.counts["findings"] += 1
        if finding.deadline_at and finding.deadline_at < self.now and finding.status in OPEN_DISPATCHED:
            self.ctx.counts["past_deadline"] += 1

    def reporter(self, grid: int, description: str) -> tuple[User, str]:
        if description.startswith("12345"):
            return grid_worker(self.ctx.users, grid), "hotline"
        volunteer = self.ctx.users.get("xl1")
        if volunteer is not None and grid == 0 and self.rng.random() < 0.4:
            return volunteer, "patrol"
        return grid_worker(self.ctx.users, grid), "grid" if self.rng.random() < 0.75 else "resident"

    def path(self, status: str, level: str, unit: str, urgency: str) -> list[Step]:
        if status == "reported":
            names_ = []
        elif status == "returned":
            names_ = ["returned"]
        elif status == "extension_requested":
            names_ = ["accepted", "dispatched", "in_progress", "extension_requested"]
        else:
            names_ = list(FULL_PATH[:FULL_PATH.index(status) + 1])
        hours = texts.DEADLINE_HOURS[level] * texts.URGENCY_FACTOR[urgency]
        steps = [Step(n, level=level if n == "dispatched" else None, unit=unit if n == "dispatched" else None,
                      deadline_hours=hours if n == "dispatched" else None) for n in names_]
        return self.variant(steps, status, unit)

    def variant(self, steps: list[Step], status: str, unit: str) -> list[Step]:
        """One case bounced by its first unit and sent on; one that needed an extension."""
        if status not in ("verified", "closed", "rated"):
            return steps
        names_ = [s.to_status for s in steps]
        if not self.redispatched and unit in texts.REDISPATCH_UNITS:
            self.redispatched = True
            at = names_.index("dispatched") + 1
            first = steps[at - 1]
            again = Step("dispatched", level="street" if first.level != "street" else "community",
                         unit=texts.REDISPATCH_UNITS[unit], deadline_hours=first.deadline_hours)
            return steps[:at] + [Step("returned"), again] + steps[at:]
        if not self.extended:
            self.extended = True
            at = names_.index("in_progress") + 1
            return steps[:at] + [Step("extension_requested"), Step("in_progress")] + steps[at:]
        return steps

    def timed(self, steps: list[Step]) -> list[Step]:
        hours, dispatched_at, deadline = 0.0, 0.0, 0.0
        for step in steps:
            if step.to_status == "resolved":
                hours = max(hours + 1, dispatched_at + deadline * self.rng.uniform(0.3, 0.85))
            else:
                hours += self.rng.uniform(*GAPS[step.to_status])
            if step.to_status == "dispatched":
                dispatched_at, deadline = hours, step.deadline_hours
            step.hours = hours
        return steps

    def anchor(self, steps: list[Step], status: str, overdue: bool) -> datetime:
        """When the finding was reported, so its stage and deadline look right today."""
        span = steps[-1].hours if steps else 0.0
        if status in OPEN_DISPATCHED:
            dispatch = [s for s in steps if s.to_status == "dispatched"][-1]
            limit = dispatch.deadline_hours
            since = limit + self.rng.uniform(20, 200) if overdue else limit * self.rng.uniform(0.2, 0.7)
            since = max(since, span - dispatch.hours + self.rng.uniform(0.5, 3))
            ago = dispatch.hours + since
        elif status in ("reported", "accepted", "returned"):
            ago = span + self.rng.uniform(1, 40)
        else:
            ago = span + self.rng.uniform(6, max(12.0, 58 * 24 - span))
        return (self.now - timedelta(hours=ago)).replace(microsecond=0)

    def daytime(self, reported_at: datetime, span_hours: float) -> datetime:
        """The report moved into 07:00–21:00 Beijing time (nobody patrols at 3 a.m.): to the next
        morning when the case's steps still end before now, else back to the evening before; the
        steps keep their distance from the report."""
        local = china_wall(reported_at)
        if PATROL_HOURS[0] <= local.hour < PATROL_HOURS[1]:
            return reported_at
        minutes = self.rng.randint(0, 50)
        day = local.date() if local.hour >= PATROL_HOURS[1] else local.date() - timedelta(days=1)
        morning = from_china_wall(datetime.combine(day + timedelta(days=1), time(PATROL_HOURS[0], minutes)))
        if morning + timedelta(hours=span_hours) <= self.now:
            return morning
        return from_china_wall(datetime.combine(day, time(PATROL_HOURS[1] - 1, minutes)))

    def deadline(self, reported_at: datetime, step: Step | None) -> datetime | None:
        if step is None or step.deadline_hours is None:
            return None
        return (reported_at + timedelta(hours=step.hours + step.deadline_hours)).replace(microsecond=0)

    def write_steps(self, finding: Finding, steps: list[Step], reporter: User) -> None:
        staff = self.ctx.users["sq1"]
        previous = "reported"
        for step in steps:
            at = (finding.reported_at + timedelta(hours=step.hours)).replace(microsecond=0)
            opinions = texts.STEP_OPINIONS[step.to_status]
            opinion = opinions[1] if step.to_status == "returned" and previous == "dispatched" else \
                opinions[0] if step.to_status == "returned" else self.rng.choice(opinions)
            self.ctx.writer.put("case_step", CaseStep(
                id=uuid7(to_millis(at)), finding_id=finding.id, grid_id=finding.grid_id,
                reporter_id=reporter.id, actor_id=reporter.id if step.to_status == "verified" else staff.id,
                from_status=previous, to_status=step.to_status, opinion=opinion, photos=[], at=at,
                level=step.level, unit=step.unit, deadline_at=self.deadline(finding.reported_at, step),
                created_at=at, updated_at=at))
            previous = step.to_status
            self.ctx.counts["steps"] += 1
