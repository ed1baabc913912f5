"""Visits over the year before the demo is loaded, so the overdue lists have something to show."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sync.ids import uuid7

from ..core.time import china_date, from_china_wall, to_millis
from ..fieldwork.models import Visit
from ..registry.seeds import CARE_TAGS
from . import texts
from .care import TAG_ORDER
from .households import registered_at
from .dates import age_on
from .users import grid_worker

if TYPE_CHECKING:
    from .context import DemoContext
    from .households import Home
    from .people import Person

OVERDUE_ELDERLY_ALONE = 6
# Visits in Beijing minutes of the day: office hours, and early evenings for those at work all day.
OFFICE, EVENING = (8 * 60 + 30, 17 * 60 + 30), (17 * 60 + 31, 19 * 60 + 30)
EVENING_SHARE = 0.15
WEEKEND_MOVED = 0.7  # of the visits that would fall on a weekend, the share done on the Friday
INTERVALS = {code: interval for code, _, _, interval, _ in CARE_TAGS}


class Visits:
    """A year of visits: each tagged household at about its tag's interval, some left overdue."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.now = ctx.now
        alone = [i for i, h in enumerate(ctx.homes) if h.kind == "elderly_alone"]
        self.overdue_alone = set(self.rng.sample(alone, min(OVERDUE_ELDERLY_ALONE, len(alone) // 3)))

    def write(self) -> None:
        for index, home in enumerate(self.ctx.homes):
            if home.use in ("owner_occupied", "rented") and home.people:
                # Nobody visits a household before it was on the register.
                opened = registered_at(home)
                for visit in sorted(self.schedule(index, home), key=lambda v: v.visited_at):
                    if opened is not None and visit.visited_at < opened:
                        continue
                    self.ctx.writer.put("visit", visit)
                    self.ctx.counts["visits"] += 1
        self.ctx.counts["overdue_alone"] = len(self.overdue_alone)

    def plan(self, home: Home) -> tuple[int | None, str, list[Person]]:
        """(interval in days, the topic of the visits, the residents they are for)."""
        present = [p for p in home.people if p.moved_out_on is None]
        tagged = [p for p in present if p.tags]
        if not tagged:
            return None, "general", [p for p in present if not p.absent]
        best = None
        for person in tagged:
            for code, detail in person.tags.items():
                days = 7 if detail.get("risk_level") == "high" else INTERVALS[code]
                key = (days, TAG_ORDER.index(code))
                best = min(best, (key, code)) if best else (key, code)
        return best[0][0], best[1], tagged

    def schedule(self, index: int, home: Home) -> list[Visit]:
        interval, topic, targets = self.plan(home)
        start = self.now - timedelta(days=365)
        if interval is None:
            days = sorted(self.rng.uniform(3, 360) for _ in range(self.rng.choice((1, 1, 2))))
            return [self.visit(home, self.work_time(self.now - timedelta(days=d)), topic, targets)
                    for d in days]
        since = min(min(p.tag_since.values()) for p in targets)
        start = max(start, datetime.combine(since, time(0)))
        overdue = index in self.overdue_alone if home.kind == "elderly_alone" else self.rng.random() < 0.1
        if overdue:
            last = interval + self.rng.uniform(2, max(8, interval * 0.6))
        else:
            last = self.rng.uniform(0.2, min(interval * 0.8, interval - 1.5))
        visits, moment, first = [], self.now - timedelta(days=last), True
        while moment >= start:
            visits += self.visits_at(home, self.work_time(moment), topic, targets, settled=first and not overdue)
            moment -= timedelta(days=interval * self.rng.uniform(0.9, 1.05))
            first = False
        return visits

    def work_time(self, moment: datetime) -> datetime:
        """The same Beijing day, between 08:30 and 19:30 local time (mostly office hours, some early
        evenings when working people are home), weekends lighter, never in the future."""
        local_day = china_date(moment)
        if local_day.weekday() >= 5 and self.rng.random() < WEEKEND_MOVED:
            local_day -= timedelta(days=local_day.weekday() - 4)  # done on the Friday before instead
        late = self.rng.random() < EVENING_SHARE
        minutes = self.rng.randint(*(EVENING if late else OFFICE))
        when = from_china_wall(datetime.combine(local_day, time(minutes // 60, minutes % 60)))
        while when > self.now:
            when -= timedelta(days=1)
        return when

    def visits_at(self, home: Home, when: datetime, topic: str, targets: list[Person],
                  settled: bool) -> list[Visit]:
        """One visit, plus a phone call the next day when nobody was home."""
        outcome = "normal" if settled else self.outcome(topic)
        visit = self.visit(home, when, topic, targets, outcome=outcome,
                           method="in_person" if settled else None)
        call_at = self.work_time(when + timedelta(days=1))
        if outcome == "not_home" and self.rng.random() < 0.6 and when < call_at < self.now:
            call = self.visit(home, call_at, topic, targets, outcome="normal", method="phone",
                              notes=self.fitting(texts.FOLLOW_UP_CALL_NOTES, home, when))
            return [call, visit]
        return [visit]

    def outcome(self, topic: str) -> str:
        r = self.rng.random()
        if r < 0.08:
            return "not_home"
        if r < 0.13:
            return "issue_found"
        if r < 0.16 and topic == "tenant":
            return "refused"
        return "normal"

    def method(self, outcome: str, topic: str) -> str:
        if outcome in ("not_home", "refused"):
            return self.rng.choice(("in_person", "doorstep"))
        weights = (60, 10, 5, 25) if topic == "tenant" else (75, 15, 3, 7)
        return self.rng.choices(("in_person", "phone", "video", "doorstep"), weights=weights)[0]

    def visit(self, home: Home, when: datetime, topic: str, targets: list[Person], *,
              outcome: str = "normal", method: str | None = None, notes: str | None = None) -> Visit:
        rng = self.rng
        method = method or self.method(outcome, topic)
        needs = follow_up = None
        if notes is None:
            notes, needs, follow_up = self.notes(outcome, topic, when, home)
        on_site = method in ("in_person", "doorstep")
        b = home.building
        return Visit(
            id=uuid7(to_millis(when)), household_id=home.row.id,
            grid_id=home.row.grid_id, visitor_id=grid_worker(self.ctx.users, home.grid).id,
            resident_ids=[p.row.id for p in targets if p.lives_here_on(china_date(when))],
            visited_at=when, method=method, outcome=outcome, notes=notes, needs=needs, follow_up_on=follow_up,
            lat=round(b.lat + rng.uniform(-5e-5, 5e-5), 6) if on_site else None,
            lng=round(b.lng + rng.uniform(-5e-5, 5e-5), 6) if on_site else None,
            accuracy=float(rng.randint(5, 30)) if on_site else None, photos=[],
            created_at=when, updated_at=when,
        )

    def notes(self, outcome: str, topic: str, when: datetime, home: Home) -> tuple[str, str | None, date | None]:
        rng = self.rng
        if outcome == "not_home":
            return rng.choice(texts.NOT_HOME_NOTES), None, None
        if outcome == "refused":
            return self.fitting(texts.REFUSED_NOTES, home, when), None, (when + timedelta(days=7)).date()
        if outcome == "issue_found":
            note, needs, _ = rng.choice([n for n in texts.ISSUE_NOTES if fits(n[2], home, china_date(when))])
            return note, needs, (when + timedelta(days=rng.randint(3, 14))).date()
        needs = self.fitting(texts.NEEDS, home, when) if rng.random() < 0.05 else None
        return rng.choice(texts.VISIT_NOTES[topic]), needs, None

    def fitting(self, notes, home: Home, when: datetime) -> str:
        """One of (text, who it speaks of) notes that fits the people living there that day."""
        return self.rng.choice([text for text, who in notes if fits(who, home, china_date(when))])


def fits(who: str | None, home: Home, day: date) -> bool:
    """Whether a note about `who` (texts.ELDERLY, CHILD, TENANT or None) fits the home on that day."""
    if who is None:
        return True
    if who == texts.TENANT:
        return home.use == "rented"
    living = [p for p in home.people if p.lives_here_on(day) and not p.absent]
    if who == texts.ELDERLY:
        return any(age_on(p.birth, day) >= 60 for p in living)
    return any(age_on(p.birth, day) < 14 for p in living)
