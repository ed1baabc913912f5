"""The dashboard's numbers, per grid: each is one aggregate query (GROUP BY), never a loop over
every resident, so the page stays fast as a community grows.

Dates follow China time (UTC+8): "this month" and "this week" are the office's, while the
database keeps UTC. Every function takes the grid ids it may count, so the street-wide table and
a community's page share the same queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Text, and_, case, cast, distinct, func, literal, or_, select
from sqlalchemy.orm import aliased

from ...areas.models import Area
from ...cases.deadlines import overdue_clause
from ...cases.models import Finding, FindingCategory
from ...cases.workflow import CLOSED
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import CareTagType, Household, Resident, ResidentTag
from ...core.time import china_date, china_midnight_utc, utcnow
from ..records.due import HIGH_RISK_MAX_DAYS, active_tag, current_resident, override_join, tuned_interval

DONE = CLOSED
# Homes nobody lives in are not visited.
UNVISITED_USES = ("vacant", "commercial")
WEEKS = 12


@dataclass(frozen=True)
class Moment:
    """Now, in UTC as stored, and the China-time boundaries the figures count from."""

    now: datetime

    @property
    def today(self) -> date:
        return china_date(self.now)

    @property
    def month_start(self) -> datetime:
        first = self.today.replace(day=1)
        return china_midnight_utc(first)

    def week_starts(self, weeks: int = WEEKS) -> list[datetime]:
        """The UTC starts of the last `weeks` China-time weeks (Monday first), and the end."""
        monday = self.today - timedelta(days=self.today.weekday())
        starts = [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks + 1)]
        return [china_midnight_utc(d) for d in starts]


def moment(now: datetime | None = None) -> Moment:
    return Moment(now or utcnow())


# --- households and visits ------------------------------------------------------------------

def households_per_grid(grid_ids: list[str]) -> dict[str, int]:
    rows = db.session.execute(
        select(Household.grid_id, func.count())
        .where(Household.grid_id.in_(grid_ids), Household.deleted.is_(False),
               Household.housing_use.notin_(UNVISITED_USES))
        .group_by(Household.grid_id))
    return {grid_id: n for grid_id, n in rows}


def visited_households_per_grid(grid_ids: list[str], at: Moment) -> dict[str, int]:
    """Lived-in households with at least one visit this month (a knock with nobody home is not one)."""
    rows = db.session.execute(
        select(Household.grid_id, func.count(distinct(Visit.household_id)))
        .join(Visit, Visit.household_id == Household.id)
        .where(Household.grid_id.in_(grid_ids), Household.deleted.is_(False),
               Household.housing_use.notin_(UNVISITED_USES), Visit.deleted.is_(False),
               Visit.outcome != "not_home", Visit.visited_at >= at.month_start, Visit.visited_at <= at.now)
        .group_by(Household.grid_id))
    return {grid_id: n for grid_id, n in rows}


def residents_per_grid(grid_ids: list[str], at: Moment) -> dict[str, int]:
    rows = db.session.execute(
        select(Resident.grid_id, func.count())
        .where(Resident.grid_id.in_(grid_ids), _current_resident(at))
        .group_by(Resident.grid_id))
    return {grid_id: n for grid_id, n in rows}


# --- care-tagged residents --------------------------------------------------------------------

def _current_resident(at: Moment):
    return current_resident(Resident, at.today)


def _active_tag(at: Moment):
    return active_tag(ResidentTag, at.today)


_GRID, _OVERRIDE = aliased(Area), aliased(CareTagType)


def tag_interval():
    """The visit interval of one tag: the dictionary's as the tag's community tuned it (joined by
    `tuned_joins`), at most a week for high risk."""
    risk = ResidentTag.detail["risk_level"].as_string()
    interval = tuned_interval(CareTagType, _OVERRIDE)
    return case((and_(risk == "high", interval > HIGH_RISK_MAX_DAYS), HIGH_RISK_MAX_DAYS), else_=interval)


def tuned_joins(query):
    return (query.outerjoin(_GRID, _GRID.id == ResidentTag.grid_id)
            .outerjoin(_OVERRIDE, override_join(ResidentTag, _GRID, _OVERRIDE)))


@dataclass
class CareCounts:
    tagged: int = 0     # residents with at least one active care tag
    on_time: int = 0    # visited within their interval
    overdue: int = 0    # their next visit was due before today
    never: int = 0      # never visited and not yet due (a newly given tag)

    def add(self, other: "CareCounts") -> None:
        self.tagged += other.tagged
        self.on_time += other.on_time
        self.overdue += other.overdue
        self.never += other.never


def care_status_per_grid(grid_ids: list[str], at: Moment) -> dict[str, CareCounts]:
    """Tagged residents visited on time and overdue, per grid.

    The same rule as the field app's 待访 list (pwa/src/sw/views/care.js): the shortest interval
    of a resident's active tags; the last visit that saw them (naming them, or naming nobody, so
    the whole household) and found someone home; due one interval later, or one interval after
    the tag was given when never visited. Two grouped queries give one row per tagged resident
    each; they are matched here, with the date arithmetic SQLite and PostgreSQL spell differently.
    (Joined in SQL, PostgreSQL without fresh statistics re-ran the visits query per resident.)
    """
    tagged = db.session.execute(tuned_joins(
        select(Resident.id, Resident.grid_id, func.min(tag_interval()), func.min(ResidentTag.started_on))
        .join(ResidentTag, ResidentTag.resident_id == Resident.id)
        .join(CareTagType, CareTagType.id == ResidentTag.tag))
        .where(Resident.grid_id.in_(grid_ids), _current_resident(at), _active_tag(at))
        .group_by(Resident.id, Resident.grid_id)).all()
    last_visits = dict(db.session.execute(
        select(Resident.id, func.max(Visit.visited_at))
        .join(Visit, and_(Visit.household_id == Resident.household_id, Visit.deleted.is_(False),
                          Visit.outcome != "not_home", Visit.visited_at <= at.now, _covers(Resident.id)))
        .where(Resident.grid_id.in_(grid_ids), _current_resident(at),
               Resident.id.in_(select(ResidentTag.resident_id).where(_active_tag(at))))
        .group_by(Resident.id)).all())
    out: dict[str, CareCounts] = defaultdict(CareCounts)
    for resident_id, grid_id, interval, since in tagged:
        counts = out[grid_id]
        counts.tagged += 1
        last_visit = last_visits.get(resident_id)
        if last_visit is not None:
            due = china_date(last_visit) + timedelta(days=interval)
        elif since is not None:
            due = since + timedelta(days=interval)
        else:
            due = at.today
        if due < at.today:
            counts.overdue += 1
        elif last_visit is not None:
            counts.on_time += 1
        else:
            counts.never += 1
    return dict(out)


def _covers(resident_id):
    """Whether a visit saw the resident: it names them, or names nobody (the whole household).

    resident_ids is a JSON list of uuids: matching the quoted id in its text works the same on
    both databases, and a uuid cannot be part of another one.
    """
    ids_text = cast(Visit.resident_ids, Text)
    return or_(Visit.resident_ids.is_(None), ids_text.in_(("[]", "null")),
               ids_text.like(literal('%"').concat(resident_id).concat('"%')))


def tags_per_grid(grid_ids: list[str], at: Moment) -> dict[tuple[str, str], int]:
    """(grid id, tag) -> residents carrying that active tag."""
    rows = db.session.execute(
        select(Resident.grid_id, ResidentTag.tag, func.count(distinct(Resident.id)))
        .join(ResidentTag, ResidentTag.resident_id == Resident.id)
        .where(Resident.grid_id.in_(grid_ids), _current_resident(at), _active_tag(at))
        .group_by(Resident.grid_id, ResidentTag.tag))
    return {(grid_id, tag): n for grid_id, tag, n in rows}


def tag_types() -> list[CareTagType]:
    return list(db.session.scalars(
        select(CareTagType).where(CareTagType.deleted.is_(False), CareTagType.base.is_(None)).order_by(CareTagType.sort, CareTagType.id)))


# --- cases --------------------------------------------------------------------------------------

def cases_per_grid(grid_ids: list[str]) -> dict[tuple[str, str], int]:
    """(grid id, status) -> findings at that stage."""
    rows = db.session.execute(
        select(Finding.grid_id, Finding.status, func.count())
        .where(Finding.grid_id.in_(grid_ids), Finding.deleted.is_(False))
        .group_by(Finding.grid_id, Finding.status))
    return {(grid_id, status): n for grid_id, status, n in rows}


def overdue_cases_per_grid(grid_ids: list[str], at: Moment) -> dict[str, int]:
    """Cases past their deadline that the unit has not reported back on."""
    rows = db.session.execute(
        select(Finding.grid_id, func.count())
        .where(Finding.grid_id.in_(grid_ids), Finding.deleted.is_(False), overdue_clause(at.now))
        .group_by(Finding.grid_id))
    return {grid_id: n for grid_id, n in rows}


@dataclass
class WeeklyFindings:
    weeks: list[date]                                  # each week's Monday (China time)
    categories: list[FindingCategory]                  # top-level categories, dictionary order
    counts: dict[str, list[int]] = field(default_factory=dict)  # category id -> one count per week


def findings_per_week(grid_ids: list[str], at: Moment, weeks: int = WEEKS) -> WeeklyFindings:
    """Findings reported per top-level category (大类) in each of the last `weeks` weeks."""
    bounds = at.week_starts(weeks)
    top = func.coalesce(FindingCategory.parent_id, FindingCategory.id)
    per_week = [func.sum(case((and_(Finding.reported_at >= lo, Finding.reported_at < hi), 1), else_=0))
                for lo, hi in zip(bounds, bounds[1:])]
    rows = db.session.execute(
        select(top, *per_week)
        .join(FindingCategory, FindingCategory.id == Finding.category)
        .where(Finding.grid_id.in_(grid_ids), Finding.deleted.is_(False), Finding.reported_at >= bounds[0])
        .group_by(top))
    counts = {row[0]: [int(n or 0) for n in row[1:]] for row in rows}
    categories = list(db.session.scalars(
        select(FindingCategory).where(FindingCategory.parent_id.is_(None), FindingCategory.community_id.is_(None),
                                   FindingCategory.deleted.is_(False))
        .order_by(FindingCategory.sort, FindingCategory.id)))
    return WeeklyFindings(weeks=[china_date(b) for b in bounds[:-1]], categories=categories, counts=counts)
