"""Who is due a visit: each tagged resident's last visit plus the shortest interval of their tags.

The same rules as the field app's 待访 list (pwa/src/sw/views/care.js), so a worker's phone and
the console agree on who is overdue:
- a tag counts from its start date until its end date; a moved-out resident is never due;
- a tag's interval is the dictionary's interval_days (data, not code) as the resident's community
  tuned it, at most 7 days when the tag's detail says high risk;
- a visit counts when somebody was home, and covers a resident when it names them or names
  nobody (a visit to the whole household); days are China days;
- never visited: due one interval after the earliest tag start, or today when that is unknown.

`overdue_clause` says it in SQL, so a list filters a community of thousands without loading
them; `due_status` computes the dates for the few rows a page shows. Tests hold them equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from ...core.time import china_date, china_midnight_utc, china_today
from ...areas.models import Area
from ...areas.tree import Areas
from ...extensions import db
from ...fieldwork.models import Visit
from ...registry.models import CareTagType, Resident, ResidentTag
from ...registry.tag_types import tag_types

DEFAULT_INTERVAL_DAYS = 30
HIGH_RISK_MAX_DAYS = 7


def effective_interval(interval_days: int | None, detail: dict | None) -> int:
    days = interval_days if interval_days and interval_days > 0 else DEFAULT_INTERVAL_DAYS
    if (detail or {}).get("risk_level") == "high":
        days = min(days, HIGH_RISK_MAX_DAYS)
    return days


# --- SQL ------------------------------------------------------------------------------------

def current_resident(resident, today: date):
    return and_(resident.deleted.is_(False), or_(resident.moved_out_on.is_(None), resident.moved_out_on > today))


def active_tag(tag, today: date):
    return and_(tag.deleted.is_(False), or_(tag.started_on.is_(None), tag.started_on <= today),
                or_(tag.ended_on.is_(None), tag.ended_on > today))


def covering_visit(resident, visit=Visit):
    """A visit that saw `resident`'s household and names them or nobody.

    resident_ids is a JSON list of UUIDs: its text form holds `"<id>"` exactly when the list
    names the resident, on SQLite and PostgreSQL alike (no JSON operators needed).
    """
    ids_text = cast(visit.resident_ids, String)
    return and_(
        visit.household_id == resident.household_id, visit.deleted.is_(False), visit.outcome != "not_home",
        or_(visit.resident_ids.is_(None), ids_text.in_(["[]", "null"]),
            ids_text.like(literal('%"') + resident.id + literal('"%'))),
    )


def _intervals_in_use() -> list[int]:
    configured = db.session.scalars(select(CareTagType.interval_days).distinct()).all()
    return sorted({d for d in configured if d and d > 0} | {HIGH_RISK_MAX_DAYS, DEFAULT_INTERVAL_DAYS})


def tuned_interval(tag_type, override):
    """SQL: a tag's interval in its community; `override` is outer-joined by `override_join`."""
    return case((override.id.is_not(None), override.interval_days), else_=tag_type.interval_days)


def override_join(tag, grid, override):
    # The community's row tuning the tag, when it tunes the interval (`tuned` is a JSON list of
    # names: its text holds `"interval_days"` exactly then, on SQLite and PostgreSQL alike).
    return and_(override.base == tag.tag, override.community_id == grid.parent_id, override.deleted.is_(False),
                cast(override.tuned, String).like('%"interval_days"%'))


def _cutoff(tag, interval, today: date, as_datetime: bool, intervals: list[int]):
    """The first moment (or day) that still keeps `tag` from being overdue, per its interval."""
    def at(days: int):
        day = today - timedelta(days=days)
        return china_midnight_utc(day) if as_datetime else day

    high = tag.detail["risk_level"].as_string() == "high"
    whens = [(and_(high, or_(interval.is_(None), interval <= 0, interval > HIGH_RISK_MAX_DAYS)),
              at(HIGH_RISK_MAX_DAYS))]
    whens += [(interval == days, at(days)) for days in intervals]
    return case(*whens, else_=at(DEFAULT_INTERVAL_DAYS))


def overdue_clause(resident=Resident, today: date | None = None):
    """SQL: `resident` is current and past due for a visit (see the module's rules)."""
    today = today or china_today()
    tag, other, tag_type = aliased(ResidentTag), aliased(ResidentTag), aliased(CareTagType)
    grid, override = aliased(Area), aliased(CareTagType)
    interval = tuned_interval(tag_type, override)
    visit = aliased(Visit)
    intervals = _intervals_in_use()  # one query, for both cut-offs
    # Two levels down from the resident: SQLAlchemy only correlates one level by itself.
    recent = exists().where(
        covering_visit(resident, visit),
        visit.visited_at >= _cutoff(tag, interval, today, as_datetime=True, intervals=intervals),
    ).correlate(resident, tag, tag_type, override)
    any_visit = exists().where(covering_visit(resident, visit)).correlate(resident)
    started_long_ago = exists().where(other.resident_id == resident.id, active_tag(other, today),
                                      other.started_on < _cutoff(tag, interval, today, as_datetime=False, intervals=intervals)
                                      ).correlate(resident, tag, tag_type, override)
    late_tag = (select(tag.id).join(tag_type, tag_type.id == tag.tag)
                .outerjoin(grid, grid.id == tag.grid_id)
                .outerjoin(override, override_join(tag, grid, override))
                .where(tag.resident_id == resident.id, active_tag(tag, today), ~recent,
                       or_(any_visit, started_long_ago)))
    return and_(current_resident(resident, today), late_tag.exists())


def has_active_tag(resident=Resident, tag_code: str | None = None, today: date | None = None):
    today = today or china_today()
    tag = aliased(ResidentTag)
    where = [tag.resident_id == resident.id, active_tag(tag, today)]
    if tag_code:
        where.append(tag.tag == tag_code)
    return exists().where(*where)


# --- the dates, for the rows on a page ---------------------------------------------------------

@dataclass
class Due:
    interval: int
    last_visit: date | None
    due_on: date
    days: int  # due_on - today; negative when overdue
    tags: list[str]

    @property
    def overdue(self) -> bool:
        return self.days < 0


def last_visits(resident_ids: list[str]) -> dict[str, datetime]:
    """The latest counting visit of each resident (one grouped query)."""
    if not resident_ids:
        return {}
    rows = db.session.execute(
        select(Resident.id, func.max(Visit.visited_at)).join(Visit, covering_visit(Resident))
        .where(Resident.id.in_(resident_ids)).group_by(Resident.id))
    return {rid: at for rid, at in rows if at is not None}


def due_status(residents: list[Resident], today: date | None = None) -> dict[str, Due]:
    """{resident id: Due} for the current, tagged residents among `residents`."""
    today = today or china_today()
    current = [r for r in residents if not r.deleted and (r.moved_out_on is None or r.moved_out_on > today)]
    ids = [r.id for r in current]
    if not ids:
        return {}
    tags: dict[str, list[tuple[ResidentTag, int]]] = {}
    areas = Areas(db.session)
    dictionaries: dict[str | None, dict] = {}  # community -> its tag types, resolved once
    rows = db.session.scalars(select(ResidentTag).where(ResidentTag.resident_id.in_(ids), active_tag(ResidentTag, today)))
    for tag in rows:
        grid = areas.get(tag.grid_id)
        community = grid.parent_id if grid is not None else None
        if community not in dictionaries:
            dictionaries[community] = tag_types(db.session, community)
        tag_type = dictionaries[community].get(tag.tag)
        if tag_type is None:
            continue
        tags.setdefault(tag.resident_id, []).append((tag, effective_interval(tag_type.interval_days, tag.detail)))
    visits = last_visits([rid for rid in ids if rid in tags])
    out: dict[str, Due] = {}
    for rid, entries in tags.items():
        interval = min(days for _, days in entries)
        last = china_date(visits.get(rid))
        starts = sorted(t.started_on for t, _ in entries if t.started_on)
        if last:
            due_on = last + timedelta(days=interval)
        elif starts:
            due_on = starts[0] + timedelta(days=interval)
        else:
            due_on = today
        out[rid] = Due(interval, last, due_on, (due_on - today).days, [t.tag for t, _ in entries])
    return out
